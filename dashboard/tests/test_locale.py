"""The interface in four languages: complete, compiled catalogues and a working switcher."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.translation import to_locale

from dashboard import roles

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _entries(path: Path):
    """(flags, msgctxt, msgid, msgid_plural, [msgstr...]) for each entry of a .po file."""
    entries, current, field = [], None, None

    def finish():
        if current and current["msgid"] is not None:
            entries.append(current)

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            finish()
            current, field = None, None
            continue
        if current is None:
            current = {"flags": "", "msgctxt": None, "msgid": None, "plural": None, "msgstr": {}}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, int):
                current["msgstr"][field] += value
            else:
                current[field] += value
        else:
            keyword, _space, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if keyword.startswith("msgstr"):
                field = int(keyword[7:-1]) if "[" in keyword else 0
                current["msgstr"][field] = value
            else:
                field = {"msgid_plural": "plural"}.get(keyword, keyword)
                current[field] = value
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_compiled(language):
    po = LOCALE / to_locale(language) / "LC_MESSAGES" / "django.po"
    entries = _entries(po)
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    # The committed .mo says the same as the .po: nobody forgot compilemessages.
    with open(po.with_suffix(".mo"), "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in entries:
        if e["plural"] is not None:
            continue
        got = (
            compiled.pgettext(e["msgctxt"], e["msgid"])
            if e["msgctxt"]
            else compiled.gettext(e["msgid"])
        )
        if got != e["msgstr"][0]:
            stale.append(e["msgid"])
    assert stale == []


HOME_IN = {
    "uz-cyrl": "Бош саҳифа",
    "uz-latn": "Bosh sahifa",
    "ru": "Главная",
    "en": "Home",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "word"), HOME_IN.items())
def test_dashboard_speaks_each_language(make_user, language, word):
    client = Client(headers={"accept-language": language})
    client.force_login(make_user(roles.VIEWER))
    page = client.get(reverse("dashboard:home")).content.decode()
    assert f'<html lang="{language}">' in page
    assert f">{word}</a>" in page


def test_uzbek_cyrillic_is_the_portals_default():
    from elyurt import settings as project_settings

    assert project_settings.LANGUAGE_CODE == "uz-cyrl"


@pytest.mark.django_db
def test_without_a_choice_the_page_is_cyrillic_and_the_switcher_changes_it(make_user, settings):
    settings.LANGUAGE_CODE = "uz-cyrl"  # as in production; the test run itself defaults to English
    client = Client()
    client.force_login(make_user(roles.VIEWER))
    assert ">Бош саҳифа</a>" in client.get(reverse("dashboard:home")).content.decode()
    response = client.post(
        reverse("set_language"), {"language": "ru", "next": reverse("dashboard:home")}
    )
    assert response.status_code == 302
    assert ">Главная</a>" in client.get(reverse("dashboard:home")).content.decode()
    refused = client.post(reverse("set_language"), {"language": "xx", "next": "/dashboard/"})
    assert refused.status_code == 302
    assert ">Главная</a>" in client.get(reverse("dashboard:home")).content.decode()
