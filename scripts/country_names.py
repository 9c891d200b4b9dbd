"""Write the Uzbek country-name catalogues in locale-countries/ from CLDR (Babel).

django-countries translates its names into Russian but not into Uzbek, so Uzbek pages showed
them in English. This fills the gap with the Unicode CLDR names, in a catalogue of its own (a
second entry of LOCALE_PATHS) so that makemessages, which knows nothing of these strings, never
marks them obsolete. Babel is a development requirement only: the catalogues are committed.

    .venv/bin/python scripts/country_names.py && \\
        .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elyurt.settings")

import django  # noqa: E402

django.setup()

from babel import Locale  # noqa: E402
from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.pofile import write_po  # noqa: E402
from django.utils import translation  # noqa: E402
from django_countries import Countries  # noqa: E402
from django_countries.data import COUNTRIES  # noqa: E402

# The project writes oʻ/gʻ with the modifier letter turned comma and the glottal stop with the
# modifier apostrophe (transliteration/latin.py); CLDR uses quotation marks for both.
LATIN_MARKS = str.maketrans({"\u2018": "\u02bb", "\u2019": "\u02bc"})
CATALOGUES = {"uz_Cyrl": "uz_Cyrl", "uz_Latn": "uz"}


def english_names() -> dict[str, set[str]]:
    """Every English name django-countries may ask gettext for, by country code."""
    translation.deactivate_all()
    names: dict[str, set[str]] = {}
    for code, name in COUNTRIES.items():
        names.setdefault(code, set()).add(str(name))
    for code, name in Countries.COMMON_NAMES.items():
        names.setdefault(code, set()).add(str(name))
    return names


def main() -> None:
    names = english_names()
    for folder, cldr in CATALOGUES.items():
        territories = Locale.parse(cldr).territories
        catalog = Catalog(
            locale=folder, project="elyurt country names", charset="utf-8", fuzzy=False
        )
        for code in sorted(names):
            local = territories[code]
            if folder == "uz_Latn":
                local = local.translate(LATIN_MARKS)
            for english in sorted(names[code]):
                catalog.add(english, local, auto_comments=[code])
        target = ROOT / "locale-countries" / folder / "LC_MESSAGES" / "django.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False)
        print(f"{target.relative_to(ROOT)}: {len(catalog)} names")


if __name__ == "__main__":
    main()
