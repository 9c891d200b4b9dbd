"""The press service's dictionary entries: services, activity log, applied at once everywhere."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from activity.models import ActivityLog
from pressroom.models import PressRelease, PressReleaseVersion
from transliteration import dictionary, to_cyrillic, to_latin
from transliteration.models import DictionaryEntry
from transliteration.selectors import dictionary_entries_after, dictionary_preview
from transliteration.services import (
    dictionary_entry_add,
    dictionary_entry_delete,
    dictionary_entry_update,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def keeper(django_user_model):
    user = django_user_model.objects.create_user("keeper", password="Correct-horse-9")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="transliteration"))
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def outsider(django_user_model):
    return django_user_model.objects.create_user("outsider", password="Correct-horse-9")


@pytest.mark.django_db
def test_an_entry_is_cleaned_stored_logged_and_applied_at_once(keeper):
    assert to_latin("Зиётек ва Зиётекка") == "Ziyotek va Ziyotekka"
    entry = dictionary_entry_add(
        cyrillic=" ЗИЁТЕК ", latin="ZiyoTech", note="  the company's own spelling ", by=keeper
    )
    entry.refresh_from_db()
    assert (entry.cyrillic, entry.latin, entry.whole_word, entry.note) == (
        "зиётек",
        "ZiyoTech",
        False,
        "the company's own spelling",
    )
    assert entry.created_by == keeper
    assert to_latin("Зиётек ва Зиётекка") == "ZiyoTech va ZiyoTechka"
    assert to_cyrillic("ZiyoTech va ZiyoTechka") == "Зиётек ва Зиётекка"
    log = ActivityLog.objects.get(action="dictionary.added")
    assert (log.actor, log.object_id, log.data) == (
        keeper,
        entry.pk,
        {"cyrillic": "зиётек", "latin": "ZiyoTech"},
    )


@pytest.mark.django_db
def test_apostrophe_look_alikes_are_stored_as_the_modifier_letters(keeper):
    entry = dictionary_entry_add(cyrillic="Ғўза", latin="g'o`za", by=keeper)
    assert entry.latin == "g\u02bbo\u02bbza"
    entry = dictionary_entry_add(cyrillic="қуръон", latin="qur’on", by=keeper)
    assert entry.latin == "qur\u02bcon"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"cyrillic": "икки сўз", "latin": "ikki"},
            {"cyrillic": ["One word of Cyrillic letters, without spaces, hyphens or digits."]},
        ),
        (
            {"cyrillic": "бюджет", "latin": "бюджет"},
            {
                "latin": [
                    "Latin letters and apostrophes only (one word, or two joined by a hyphen)."
                ]
            },
        ),
        (
            {"cyrillic": "ZOOM", "latin": "Zum"},
            {"latin": ["A Latin word kept Latin is written the same on both sides."]},
        ),
        (
            {"cyrillic": "сўз\nсўз", "latin": "soʻz"},
            {"cyrillic": ["Must be one line: remove the line break (it came with the paste)."]},
        ),
        ({"cyrillic": "", "latin": ""}, None),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(keeper, fields, errors):
    with pytest.raises(ValidationError) as refused:
        dictionary_entry_add(**fields, by=keeper)
    if errors is not None:
        assert refused.value.message_dict == errors
    else:
        assert set(refused.value.message_dict) == {"cyrillic", "latin"}
    assert DictionaryEntry.objects.count() == 0
    assert ActivityLog.objects.count() == 0


@pytest.mark.django_db
def test_a_word_is_in_the_dictionary_once(keeper):
    dictionary_entry_add(cyrillic="бюджет", latin="byudjet", by=keeper)
    with pytest.raises(ValidationError) as refused:
        dictionary_entry_add(cyrillic="Бюджет", latin="budjet", by=keeper)
    assert refused.value.message_dict == {"cyrillic": ["The dictionary already has бюджет."]}
    assert DictionaryEntry.objects.count() == 1


@pytest.mark.django_db
def test_without_the_permission_nothing_changes(keeper, outsider):
    with pytest.raises(PermissionDenied):
        dictionary_entry_add(cyrillic="бюджет", latin="byudjet", by=outsider)
    entry = dictionary_entry_add(cyrillic="бюджет", latin="byudjet", by=keeper)
    with pytest.raises(PermissionDenied):
        dictionary_entry_update(
            entry=entry, cyrillic="бюджет", latin="budjet", whole_word=False, by=outsider
        )
    with pytest.raises(PermissionDenied):
        dictionary_entry_delete(entry=entry, by=outsider)
    entry.refresh_from_db()
    assert entry.latin == "byudjet"
    assert list(ActivityLog.objects.values_list("action", flat=True)) == ["dictionary.added"]


@pytest.mark.django_db
def test_update_and_delete_are_logged_and_applied(keeper):
    entry = dictionary_entry_add(cyrillic="бюджет", latin="byudjet", by=keeper)
    assert to_latin("бюджетга") == "byudjetga"
    same = dictionary_entry_update(
        entry=entry, cyrillic="бюджет", latin="byudjet", whole_word=False, by=keeper
    )
    assert same.pk == entry.pk
    assert ActivityLog.objects.filter(action="dictionary.changed").count() == 0
    dictionary_entry_update(
        entry=entry, cyrillic="бюджет", latin="byudjet", whole_word=True, by=keeper
    )
    assert to_latin("бюджетга") == "budjetga"  # the shipped stem again; the entry is a word
    assert to_latin("бюджет") == "byudjet"
    log = ActivityLog.objects.get(action="dictionary.changed")
    assert log.data == {"changed": ["whole_word"], "cyrillic": "бюджет", "latin": "byudjet"}
    dictionary_entry_delete(entry=entry, by=keeper)
    assert to_latin("бюджет") == "budjet"
    assert DictionaryEntry.objects.count() == 0
    log = ActivityLog.objects.get(action="dictionary.deleted")
    assert log.data == {"cyrillic": "бюджет", "latin": "byudjet"}


def _release(conference, slug: str, body: str, title: str = "Бюджет", **fields) -> PressRelease:
    values = {"title_latn": to_latin(title), "body_latn": to_latin(body), **fields}
    return PressRelease.objects.create(
        conference=conference, slug=slug, title_cyrl=title, body_cyrl=body, **values
    )


@pytest.mark.django_db
def test_releases_whose_latin_follows_are_previewed_then_derived_again(keeper):
    from partners.tests.conftest import held_conference

    follows = _release(held_conference(), "follows", "Жамғарма бюджети ва Зиётек.")
    edited = _release(
        held_conference(), "edited", "Бюджет.", latin_edited=True, body_latn="Qoʻlda."
    )
    untouched = _release(
        held_conference(), "untouched", "Олий таълим.", title="Таълим", body_latn="Eski."
    )
    after = dictionary_entries_after(entry=dictionary.Entry("бюджет", "byudjet"))
    # Without words, every release whose stored Latin is not what the rules give now.
    assert [c.slug for c in dictionary_preview(entries=after)] == ["untouched", "follows"]
    [change] = dictionary_preview(entries=after, words=["бюджет"])
    assert (change.pk, change.slug, change.count) == (follows.pk, "follows", 2)
    assert change.pairs == [("Budjet", "Byudjet"), ("budjeti", "byudjeti")]
    assert to_latin("бюджет") == "budjet"  # a preview changes nothing
    dictionary_entry_add(cyrillic="бюджет", latin="byudjet", by=keeper)
    follows.refresh_from_db()
    edited.refresh_from_db()
    untouched.refresh_from_db()
    assert (follows.title_latn, follows.body_latn) == ("Byudjet", "Jamgʻarma byudjeti va Ziyotek.")
    assert (edited.title_latn, edited.body_latn) == ("Budjet", "Qoʻlda.")
    assert untouched.body_latn == "Eski."  # holds no бюджет: not the entry's to change
    [version] = PressReleaseVersion.objects.filter(release=follows)
    assert (version.source, version.body_latn, version.created_by) == (
        "edit",
        "Jamgʻarma byudjeti va Ziyotek.",
        keeper,
    )
    log = ActivityLog.objects.get(action="release.edited")
    assert (log.object_id, log.data) == (
        follows.pk,
        {"changed": ["body_latn", "title_latn"], "version": 1},
    )
    assert dictionary_preview(entries=dictionary_entries_after(), words=["бюджет"]) == []


@pytest.mark.django_db
def test_transliterating_costs_no_query_of_the_request(keeper, django_assert_num_queries):
    dictionary_entry_add(cyrillic="бюджет", latin="byudjet", by=keeper)
    dictionary.forget()  # as a process that has not read the entries yet
    with django_assert_num_queries(0):
        to_latin("бюджет")
        to_cyrillic("byudjet")


@pytest.mark.django_db(transaction=True)
def test_another_process_applies_a_change_within_a_second(settings, keeper):
    """A real second process on the same database and Redis sees an entry once committed."""
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    prefix = f"translit-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "elyurt.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CACHE_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "REDIS_URL": "",
    }
    script = (
        "import sys, django\ndjango.setup()\nfrom transliteration import to_latin\n"
        "for line in sys.stdin:\n    print(to_latin(line.strip()), flush=True)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )

    def ask(word: str) -> str:
        process.stdin.write(word + "\n")
        process.stdin.flush()
        ready, _w, _x = select.select([process.stdout], [], [], 30)
        assert ready, "the other process did not answer"
        return process.stdout.readline().strip()

    try:
        assert ask("бюджетга") == "budjetga"
        dictionary_entry_add(cyrillic="бюджет", latin="byudjet", by=keeper)
        deadline = time.monotonic() + dictionary.CHECK_SECONDS + 5
        answer = ask("бюджетга")
        while answer != "byudjetga" and time.monotonic() < deadline:
            answer = ask("бюджетга")
        assert answer == "byudjetga"
    finally:
        process.stdin.close()
        process.wait(timeout=30)
        from django.core.cache import cache

        cache.delete(dictionary.VERSION_KEY)
