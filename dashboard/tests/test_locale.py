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


COUNTRY_IN = {
    "uz-cyrl": ("Германия", "Кот-д’Ивуар"),
    "uz-latn": ("Germaniya", "Kot-dʼIvuar"),
    "ru": ("Германия", "Кот-д'Ивуар"),
    "en": ("Germany", "Côte d'Ivoire"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "names"), COUNTRY_IN.items())
def test_country_names_are_in_the_pages_language(make_user, language, names):
    """django-countries has no Uzbek; locale-countries/ (from CLDR) supplies it."""
    from experts.tests.factories import ExpertFactory

    ExpertFactory(full_name="A", country="DE", city="")
    ExpertFactory(full_name="B", country="CI", city="")
    client = Client(headers={"accept-language": language})
    client.force_login(make_user(roles.SECRETARY))
    response = client.get(reverse("dashboard:expert_list"))
    shown = {e.full_name: str(e.country.name) for e in response.context["experts"]}
    assert (shown["A"], shown["B"]) == names
    assert f"<td>{names[0]}</td>" in response.content.decode()


@pytest.mark.parametrize("folder", ["uz_Cyrl", "uz_Latn"])
def test_country_catalogues_name_every_country(folder):
    from django.utils import translation
    from django_countries.data import COUNTRIES

    path = Path(settings.BASE_DIR) / "locale-countries" / folder / "LC_MESSAGES"
    entries = [e for e in _entries(path / "django.po") if e["msgid"]]
    assert [e["msgid"] for e in entries if not e["msgstr"][0] or e["flags"]] == []
    with open(path / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    with translation.override(None):
        english = [str(name) for name in COUNTRIES.values()]
    assert len(english) == 249
    assert [name for name in english if name not in compiled._catalog] == []
