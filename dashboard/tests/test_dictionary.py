"""The press service's transliteration dictionary on the dashboard: list, add with a preview of
the releases whose Latin changes, change, delete; the permission both ways."""

import pytest
from django.urls import reverse

from activity.models import ActivityLog
from dashboard import roles
from partners.tests.conftest import held_conference
from pressroom.models import PressRelease
from transliteration import dictionary, to_latin
from transliteration.models import DictionaryEntry

pytestmark = pytest.mark.django_db

NEW = reverse("dashboard:dictionary_create")
LIST = reverse("dashboard:dictionary_list")


@pytest.fixture(autouse=True)
def _shipped_dictionary_only():
    dictionary.forget()
    yield
    dictionary.forget()


@pytest.fixture
def release():
    body = "Жамғарма бюджети."
    return PressRelease.objects.create(
        conference=held_conference(),
        slug="budget",
        title_cyrl="Бюджет",
        body_cyrl=body,
        title_latn=to_latin("Бюджет"),
        body_latn=to_latin(body),
    )


def _fields(**overrides):
    return {"cyrillic": "бюджет", "latin": "byudjet", "note": "as the ministry writes it"} | (
        overrides
    )


def test_press_service_previews_then_saves_an_entry(as_role, release):
    client = as_role(roles.PRESS)
    assert client.get(NEW).status_code == 200
    preview = client.post(NEW, _fields())
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'id="dictionary-preview-table"' in html
    assert f'data-release="{release.pk}"' in html
    assert "<del>budjeti.</del>" in html and "<ins>byudjeti.</ins>" in html
    assert DictionaryEntry.objects.count() == 0  # the preview saves nothing
    previewed = preview.context["previewed"]
    saved = client.post(NEW, _fields(confirm="1", previewed=previewed))
    assert saved.status_code == 302 and saved["Location"] == LIST
    entry = DictionaryEntry.objects.get()
    assert (entry.cyrillic, entry.latin, entry.note) == (
        "бюджет",
        "byudjet",
        "as the ministry writes it",
    )
    release.refresh_from_db()
    assert (release.title_latn, release.body_latn) == ("Byudjet", "Jamgʻarma byudjeti.")
    assert set(
        ActivityLog.objects.exclude(action="conference.status_changed").values_list(
            "action", flat=True
        )
    ) == {"dictionary.added", "release.edited"}
    listing = client.get(LIST).content.decode()
    assert f'id="dictionary-entry-{entry.pk}"' in listing and "byudjet" in listing


def test_a_spelling_changed_after_its_preview_is_previewed_again(as_role, release):
    client = as_role(roles.PRESS)
    previewed = client.post(NEW, _fields()).context["previewed"]
    again = client.post(NEW, _fields(latin="biudjet", confirm="1", previewed=previewed))
    assert again.status_code == 200
    assert "<ins>biudjeti.</ins>" in again.content.decode()
    assert DictionaryEntry.objects.count() == 0


def test_bad_input_is_refused_on_its_field_and_nothing_changes(as_role, release):
    client = as_role(roles.PRESS)
    refused = client.post(NEW, _fields(cyrillic="икки сўз", confirm="1", previewed="x"))
    assert refused.status_code == 400
    assert refused.context["form"].errors == {
        "cyrillic": ["One word of Cyrillic letters, without spaces, hyphens or digits."]
    }
    refused = client.post(NEW, {"cyrillic": "", "latin": ""})
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {"cyrillic", "latin"}
    assert DictionaryEntry.objects.count() == 0
    assert ActivityLog.objects.filter(action__startswith="dictionary.").count() == 0


def test_edit_and_delete_show_their_preview_first(as_role, release):
    client = as_role(roles.PRESS)
    previewed = client.post(NEW, _fields()).context["previewed"]
    client.post(NEW, _fields(confirm="1", previewed=previewed))
    entry = DictionaryEntry.objects.get()
    edit = reverse("dashboard:dictionary_edit", args=[entry.pk])
    assert client.get(edit).context["form"].initial["latin"] == "byudjet"
    preview = client.post(edit, _fields(latin="budzhet"))
    assert "<ins>budzheti.</ins>" in preview.content.decode()
    client.post(edit, _fields(latin="budzhet", confirm="1", previewed=preview.context["previewed"]))
    entry.refresh_from_db()
    assert entry.latin == "budzhet"
    delete = reverse("dashboard:dictionary_delete", args=[entry.pk])
    page = client.get(delete)
    assert "<del>budzheti.</del>" in page.content.decode()
    assert "<ins>budjeti.</ins>" in page.content.decode()
    assert client.post(delete, {}).status_code == 400  # not confirmed
    assert DictionaryEntry.objects.count() == 1
    assert client.post(delete, {"confirm": "on"}).status_code == 302
    assert DictionaryEntry.objects.count() == 0
    release.refresh_from_db()
    assert release.body_latn == "Jamgʻarma budjeti."
    assert list(
        ActivityLog.objects.filter(action__startswith="dictionary.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["dictionary.added", "dictionary.changed", "dictionary.deleted"]


@pytest.mark.parametrize("role", [roles.SECRETARY, None])
def test_without_the_permission_the_pages_are_refused(as_role, role, release):
    client = as_role(role)
    entry = DictionaryEntry.objects.create(cyrillic="бюджет", latin="byudjet")
    for url in (
        LIST,
        NEW,
        reverse("dashboard:dictionary_edit", args=[entry.pk]),
        reverse("dashboard:dictionary_delete", args=[entry.pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(NEW, _fields(cyrillic="зиётек", confirm="1")).status_code == 403
    assert (
        client.post(
            reverse("dashboard:dictionary_delete", args=[entry.pk]), {"confirm": "on"}
        ).status_code
        == 403
    )
    assert list(DictionaryEntry.objects.values_list("cyrillic", flat=True)) == ["бюджет"]
    assert (
        'href="/dashboard/dictionary/"'
        not in client.get(reverse("dashboard:home")).content.decode()
    )


def test_a_viewer_reads_the_list_but_cannot_change_it(as_role):
    client = as_role(roles.VIEWER)
    entry = DictionaryEntry.objects.create(cyrillic="бюджет", latin="byudjet")
    listing = client.get(LIST)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert f'id="dictionary-entry-{entry.pk}"' in html
    assert 'id="new-dictionary-entry"' not in html
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _fields(cyrillic="зиётек")).status_code == 403


def test_the_press_service_sees_the_page_in_its_menu(as_role):
    html = as_role(roles.PRESS).get(reverse("dashboard:home")).content.decode()
    assert f'href="{LIST}"' in html


def test_anonymous_visitors_are_sent_to_log_in(client):
    answer = client.get(LIST)
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_the_list_searches_both_scripts(as_role):
    DictionaryEntry.objects.create(cyrillic="бюджет", latin="byudjet")
    DictionaryEntry.objects.create(cyrillic="зиётек", latin="ZiyoTech")
    client = as_role(roles.PRESS)
    assert [e.cyrillic for e in client.get(LIST, {"q": "ziyo"}).context["entries"]] == ["зиётек"]
    assert [e.cyrillic for e in client.get(LIST, {"q": "БЮДЖ"}).context["entries"]] == ["бюджет"]


@pytest.mark.parametrize("size", [1, 25])
def test_the_list_costs_the_same_queries_at_any_size(as_role, django_assert_num_queries, size):
    client = as_role(roles.PRESS)
    for n in range(size):
        DictionaryEntry.objects.create(cyrillic=f"сўз{'а' * n}", latin=f"soʻz{'a' * n}")
    client.get(LIST)  # the session and permissions cached as on any later page
    with django_assert_num_queries(6):
        assert len(client.get(LIST).context["entries"]) == size
