import datetime
import json

import pytest

from conferences.models import Conference, ConferenceOrganization
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory, PresentationFactory, after_start
from elyurt import api_cache
from experts.models import FieldOfExpertise
from experts.tests.factories import (
    CouncilFactory,
    ExpertFactory,
    MembershipFactory,
    OrganizationFactory,
)
from pressroom.models import PressRelease

from .conftest import TASHKENT, held_conference, scheduled_conference

pytestmark = pytest.mark.django_db


def test_conference_list_shows_scheduled_and_held_with_agenda_and_figures(api):
    council = CouncilFactory(name="International Expert Council")
    org = OrganizationFactory(name="Higher Education Council", name_latin="OTK")
    public = ExpertFactory(
        full_name="Aziz Karimov",
        is_public=True,
        country="US",
        position="Professor",
        email="aziz@example.org",
        phone="+1 555-PHONE",
    )
    private = ExpertFactory(full_name="Dilnoza Saidova", is_public=False, country="DE",
                            email="dilnoza@example.org")  # fmt: skip
    conf = ConferenceFactory(
        council=council,
        external_id="iec-2030-03-14",
        title="Online courses",
        starts_at=datetime.datetime(2030, 3, 14, 10, 0, tzinfo=TASHKENT),
        participants_count_declared=1000,
        participants_approximate=True,
        participant_groups=["rector", "dean"],
        qa_held=True,
    )
    ConferenceOrganization.objects.create(conference=conf, organization=org, role="co_organizer")
    PresentationFactory(conference=conf, order=1, title="MOOCs", presenter=public)
    PresentationFactory(conference=conf, order=2, title="Quality", presenter=private)
    conf.experts.set([public, private])
    conference_set_status(conference=conf, status="scheduled")
    ConferenceFactory(title="A draft stays inside")

    response = api.get("/api/v1/conferences/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == conf.pk
    assert item["external_id"] == "iec-2030-03-14"
    assert item["title"] == "Online courses"
    assert item["status"] == "scheduled"
    assert item["starts_at"] == "2030-03-14T10:00:00+05:00"
    assert item["ends_at"] == "2030-03-14T12:00:00+05:00"
    # English text stays as typed in both scripts; a stored Latin name wins for Latin.
    assert (item["title_cyrl"], item["title_latn"]) == ("Online courses", "Online courses")
    assert item["council"] == {
        "id": council.pk, "name": "International Expert Council",
        "name_cyrl": "International Expert Council", "name_latn": "International Expert Council",
    }  # fmt: skip
    assert item["organizations"] == [
        {"id": org.pk, "name": "Higher Education Council", "name_latin": "OTK",
         "name_cyrl": "Higher Education Council", "name_latn": "OTK",
         "kind": "university", "role": "co_organizer"}
    ]  # fmt: skip
    assert item["agenda"] == [
        {"order": 1, "title": "MOOCs", "title_cyrl": "MOOCs", "title_latn": "MOOCs", "presenter": {
            "id": public.pk, "full_name": "Aziz Karimov", "full_name_latin": "",
            "country": "US", "organization": "", "position": "Professor"}},
        {"order": 2, "title": "Quality", "title_cyrl": "Quality", "title_latn": "Quality",
         "presenter": {
            "id": None, "full_name": "Dilnoza Saidova", "full_name_latin": "",
            "country": "DE", "organization": "", "position": ""}},
    ]  # fmt: skip
    assert item["figures"] == {
        "participants": 1000,
        "participants_approximate": True,
        "participant_groups": ["rector", "dean"],
        "experts": 2,
        "expert_countries": ["DE", "US"],
        "qa_held": True,
    }
    assert "example.org" not in response.content.decode()
    # The phone as stored: its digits alone may turn up in a timestamp's microseconds.
    assert "555-PHONE" not in response.content.decode()


def test_conference_detail_by_id_and_draft_is_not_found(api):
    conf = scheduled_conference(external_id="conf-a")
    draft = ConferenceFactory()
    assert api.get(f"/api/v1/conferences/{conf.pk}/").json()["external_id"] == "conf-a"
    missing = api.get(f"/api/v1/conferences/{draft.pk}/")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {"code": "not_found", "message": "Not found.",
                  "fields": {}}
    }  # fmt: skip
    assert api.get("/api/v1/conferences/abc/").status_code == 404


def test_conference_filters_search_and_ordering(api):
    council_a, council_b = CouncilFactory(), CouncilFactory()
    co_org = OrganizationFactory()
    a = scheduled_conference(
        council=council_a,
        title="Digital universities",
        starts_at=datetime.datetime(2030, 1, 10, 10, tzinfo=TASHKENT),
    )
    b = held_conference(
        council=council_b,
        title="Research funding",
        starts_at=datetime.datetime(2029, 5, 2, 10, tzinfo=TASHKENT),
    )
    c = scheduled_conference(council=council_b, title="Digital libraries",
                             starts_at=datetime.datetime(2030, 6, 1, 10, tzinfo=TASHKENT))  # fmt: skip
    ConferenceOrganization.objects.create(conference=c, organization=co_org, role="co_organizer")
    ConferenceOrganization.objects.create(conference=a, organization=co_org, role="partner")

    def ids(**params):
        response = api.get("/api/v1/conferences/", params)
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    assert ids() == [c.pk, a.pk, b.pk]
    assert ids(ordering="starts_at") == [b.pk, a.pk, c.pk]
    assert ids(ordering="title") == [c.pk, a.pk, b.pk]
    assert ids(status="held") == [b.pk]
    assert ids(council=council_b.pk) == [c.pk, b.pk]
    assert ids(co_organizer=co_org.pk) == [c.pk]
    assert ids(organization=co_org.pk) == [c.pk, a.pk]
    assert ids(starts_after="2030-01-01") == [c.pk, a.pk]
    assert ids(starts_after="2029-05-02", starts_before="2030-01-10") == [a.pk, b.pk]
    assert ids(search="digital") == [c.pk, a.pk]
    assert ids(external_id=b.external_id) == [b.pk]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"starts_after": "yesterday"}, "starts_after"),
        ({"starts_before": "2030-13-01"}, "starts_before"),
        ({"status": "draft"}, "status"),
        ({"council": "x"}, "council"),
        ({"co_organizer": "1e999"}, "co_organizer"),
        ({"organization": "2.5"}, "organization"),
        ({"council": "0"}, "council"),
    ],
)
def test_conference_bad_filters_answer_400_naming_the_field(api, params, field):
    response = api.get("/api/v1/conferences/", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]


def test_pagination(api):
    for _n in range(3):
        scheduled_conference()
    page = api.get("/api/v1/conferences/", {"page_size": 2}).json()
    assert (page["count"], len(page["results"])) == (3, 2)
    assert page["next"].endswith("/api/v1/conferences/?page=2&page_size=2")
    second = api.get("/api/v1/conferences/", {"page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1
    out_of_range = api.get("/api/v1/conferences/", {"page": 9})
    assert out_of_range.status_code == 404
    assert out_of_range.json()["error"]["code"] == "not_found"


def test_experts_public_only_never_email_or_phone(api):
    field = FieldOfExpertise.objects.create(name="Physics")
    org = OrganizationFactory(name="MIT", name_latin="MIT")
    shown = ExpertFactory(full_name="Bobur Aliev", is_public=True, country="US", city="Boston",
                          organization=org, email="bobur@example.org", phone="+1 617-PHONE",
                          bio="Physicist.")  # fmt: skip
    shown.fields.add(field)
    other = ExpertFactory(full_name="Kamola Yusupova", is_public=True, country="KR")
    hidden = ExpertFactory(is_public=False, country="US")

    response = api.get("/api/v1/experts/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [shown.pk, other.pk]
    assert results[0] == {
        "id": shown.pk, "full_name": "Bobur Aliev", "full_name_latin": "", "country": "US",
        "city": "Boston", "organization": {"id": org.pk, "name": "MIT", "name_latin": "MIT"},
        "position": "", "academic_degree": "",
        "fields": [{"id": field.pk, "name": "Physics", "name_latin": ""}],
        "bio": "Physicist.", "updated_at": results[0]["updated_at"],
    }  # fmt: skip
    text = response.content.decode()
    # A timestamp's digits may hold "617" by chance; the phone as stored may not appear at all.
    assert "@" not in text and "617-PHONE" not in text and "bobur@" not in text
    assert [r["id"] for r in api.get("/api/v1/experts/", {"country": "KR"}).json()["results"]] == [
        other.pk
    ]
    assert [
        r["id"] for r in api.get("/api/v1/experts/", {"field": field.pk}).json()["results"]
    ] == [shown.pk]
    assert api.get(f"/api/v1/experts/{hidden.pk}/").status_code == 404
    bad = api.get("/api/v1/experts/", {"country": "XX"})
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["country"]


def test_councils_with_current_members_and_roles(api):
    council = CouncilFactory(name="International Expert Council")
    chair = ExpertFactory(full_name="A Chair", is_public=True, country="US")
    member = ExpertFactory(full_name="B Member", is_public=False, country="CA")
    former = ExpertFactory(full_name="C Former", is_public=True)
    MembershipFactory(council=council, expert=chair, role="chair")
    MembershipFactory(council=council, expert=member)
    MembershipFactory(council=council, expert=former, end_date=datetime.date(2021, 1, 1))

    response = api.get("/api/v1/councils/")

    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["name"] == "International Expert Council"
    assert item["members"] == [
        {"expert_id": chair.pk, "full_name": "A Chair", "full_name_latin": "", "country": "US",
         "role": "chair", "start_date": "2020-01-01", "end_date": None},
        {"expert_id": None, "full_name": "B Member", "full_name_latin": "", "country": "CA",
         "role": "member", "start_date": "2020-01-01", "end_date": None},
    ]  # fmt: skip
    assert api.get(f"/api/v1/councils/{council.pk}/").json()["id"] == council.pk


def _release(conference, status, **fields):
    release = PressRelease.objects.create(
        conference=conference,
        slug=fields.pop("slug", f"release-{conference.pk}"),
        title_cyrl=fields.pop("title_cyrl", "Конференция"),
        body_cyrl=fields.pop("body_cyrl", "Матн"),
        **fields,
    )
    if status == "published":
        # Written directly: this test owns no press workflow, only what the API shows.
        PressRelease.objects.filter(pk=release.pk).update(
            status="published", published_at=datetime.datetime(2030, 3, 15, 9, tzinfo=TASHKENT)
        )
    release.refresh_from_db()
    return release


def test_press_releases_published_only_in_both_scripts(api):
    published = _release(held_conference(), "published", title_ru="Конференция (ru)",
                         body_ru="Текст <script>x</script>", slug="online-courses")  # fmt: skip
    draft = _release(held_conference(), "draft")
    assert api.get(f"/api/v1/press-releases/{draft.pk}/").status_code == 404
    assert api.get(f"/api/v1/press-releases/{published.pk}/").json()["slug"] == "online-courses"

    response = api.get("/api/v1/press-releases/")

    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == published.pk
    assert item["slug"] == "online-courses"
    assert item["conference"] == published.conference_id
    assert item["published_at"] == "2030-03-15T09:00:00+05:00"
    assert (item["title_cyrl"], item["title_latn"]) == ("Конференция", "Konferensiya")
    assert item["texts"] == [
        {"language": "uz-Cyrl", "title": "Конференция", "body": "<p>Матн</p>"},
        {"language": "uz-Latn", "title": "Konferensiya", "body": "<p>Matn</p>"},
        {"language": "ru", "title": "Конференция (ru)", "body": "<p>Текст </p>"},
    ]


NO_RECOMMENDATIONS = {"made": 0, "accepted": 0, "implemented": 0, "overdue": 0}


def test_stats_per_year(api):
    us, ca = ExpertFactory(country="US"), ExpertFactory(country="CA")
    first = held_conference(
        starts_at=datetime.datetime(2029, 3, 1, 10, tzinfo=TASHKENT),
        participants_count_declared=1000,
    )
    second = held_conference(
        starts_at=datetime.datetime(2029, 9, 1, 10, tzinfo=TASHKENT),
        participants_count_declared=300,
    )
    held_conference(
        starts_at=datetime.datetime(2030, 1, 1, 0, 30, tzinfo=TASHKENT),
        participants_count_declared=50,
    )
    scheduled_conference(starts_at=datetime.datetime(2029, 10, 1, 10, tzinfo=TASHKENT),
                         participants_count_declared=999)  # fmt: skip
    first.experts.set([us, ca])
    second.experts.set([us])

    response = api.get("/api/v1/stats/")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {"year": 2030, "conferences": 1, "participants": 50, "experts_by_country": {},
         "recommendations": NO_RECOMMENDATIONS,
         "participants_by_kind": {}, "participants_by_organization": {}},
        {"year": 2029, "conferences": 2, "participants": 1300,
         "experts_by_country": {"CA": 1, "US": 1}, "recommendations": NO_RECOMMENDATIONS,
         "participants_by_kind": {}, "participants_by_organization": {}},
    ]  # fmt: skip


def test_stats_count_the_recorded_people_by_kind_and_organisation(api):
    """Issue 15: a conference with a participant report adds its people by kind and by
    organisation; one without adds its declared total only."""
    from conferences.invitations import invitations_add
    from conferences.invitees import Invitee
    from conferences.models import Invitation
    from integrations.attendance import attendance_import_rows

    recorded = scheduled_conference(starts_at=datetime.datetime(2029, 3, 1, 10, tzinfo=TASHKENT))
    invitations_add(
        conference=recorded,
        invitees=[
            Invitee(name="R", email="r@tatu.uz", position="Ректор", organization="ТАТУ"),
            Invitee(name="D", email="d@tatu.uz", position="Dean", organization="ТАТУ"),
            Invitee(name="V", email="v@nuu.uz", position="Проректор", organization="ЎзМУ"),
        ],
        source=Invitation.Source.MANUAL,
        send=False,
    )
    attendance_import_rows(
        conference=recorded,
        rows=[{"name": n, "email": e} for n, e in
              [("R", "r@tatu.uz"), ("D", "d@tatu.uz"), ("V", "v@nuu.uz"), ("Guest", "")]],
    )  # fmt: skip
    with after_start(recorded):
        conference_set_status(conference=recorded, status=Conference.Status.HELD)
    held_conference(
        starts_at=datetime.datetime(2029, 9, 1, 10, tzinfo=TASHKENT),
        participants_count_declared=300,
    )

    [row] = api.get("/api/v1/stats/").json()["results"]

    assert row == {
        "year": 2029, "conferences": 2, "participants": 304, "experts_by_country": {},
        "participants_by_kind": {"rector": 1, "vice_rector": 1, "dean": 1, "other": 1},
        "participants_by_organization": {"ТАТУ": 2, "": 1, "ЎзМУ": 1},
        "recommendations": NO_RECOMMENDATIONS,
    }  # fmt: skip


def test_etag_and_last_modified_answer_304_when_current(api):
    conf = scheduled_conference()
    first = api.get(f"/api/v1/conferences/{conf.pk}/")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and len(etag) == 34

    again = api.get(f"/api/v1/conferences/{conf.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    since = api.get(f"/api/v1/conferences/{conf.pk}/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert since.status_code == 304

    conf.title = "A new title"
    conf.save()
    changed = api.get(f"/api/v1/conferences/{conf.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    listing = api.get("/api/v1/conferences/")
    assert api.get("/api/v1/conferences/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304


def test_unknown_api_path_answers_json_404(api):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "No such API endpoint.", "fields": {}}
    }


def test_non_json_body_and_wrong_method_answer_in_error_format(staff_client):
    staff_client.get("/api/v1/conferences/")  # sets the CSRF cookie? no: the API sets none
    response = staff_client.delete("/api/v1/conferences/")
    assert response.status_code in (403, 405)
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"}


def test_responses_are_json_with_error_format_for_bad_json(api, staff_client):
    response = api.generic(
        "POST", "/api/v1/conferences/import/", "{not json", content_type="application/json"
    )
    assert response.status_code == 403  # keys never import, even before the body is read
    assert json.loads(response.content)["error"]["code"] == "permission_denied"


@pytest.mark.parametrize(
    "params, field",
    [({"status": ""}, "status"), ({"page_size": "0"}, "page_size"),
     ({"page_size": "201"}, "page_size"), ({"page": "first"}, "page"), ({"council": ""}, "council")],
)  # fmt: skip
def test_empty_filters_and_bad_paging_answer_400_naming_the_parameter(api, params, field):
    response = api.get("/api/v1/conferences/", params)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2030, 3, 14, 5, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 11, 25, 19, 18, 1, 123456, tzinfo=datetime.UTC),
        datetime.datetime(2030, 1, 1, 0, 30, tzinfo=TASHKENT),
    ],
)
def test_hand_written_datetimes_match_drf(value, settings):
    from django.utils import timezone
    from rest_framework import serializers

    from conferences.api import _iso

    assert _iso(value, timezone.get_current_timezone()) == (
        serializers.DateTimeField().to_representation(value)
    )


def test_last_modified_follows_the_presenters_and_organisations_shown(api):
    from django.utils.http import http_date

    from experts.models import Expert, Organization

    conf = scheduled_conference()
    presenter = ExpertFactory()
    PresentationFactory(conference=conf, order=1, presenter=presenter)
    org = OrganizationFactory()
    ConferenceOrganization.objects.create(conference=conf, organization=org, role="partner")
    later = datetime.datetime(2031, 1, 1, 12, tzinfo=datetime.UTC)
    Expert.objects.filter(pk=presenter.pk).update(updated_at=later)
    api_cache.bump("conferences")  # a raw update sends no signal; the services' writes do
    assert api.get(f"/api/v1/conferences/{conf.pk}/")["Last-Modified"] == http_date(
        later.timestamp()
    )
    latest = later + datetime.timedelta(days=1)
    Organization.objects.filter(pk=org.pk).update(updated_at=latest)
    api_cache.bump("conferences")
    assert api.get(f"/api/v1/conferences/{conf.pk}/")["Last-Modified"] == http_date(
        latest.timestamp()
    )


def test_counts_are_right_with_distinct_filters_and_empty_results(api):
    co_org = OrganizationFactory()
    for _n in range(3):
        conference = scheduled_conference()
        for role in ("co_organizer", "partner"):
            ConferenceOrganization.objects.create(
                conference=conference, organization=co_org, role=role
            )
    page = api.get("/api/v1/conferences/", {"organization": co_org.pk, "page_size": 2}).json()
    assert (page["count"], len(page["results"])) == (3, 2)
    last = api.get("/api/v1/conferences/", {"organization": co_org.pk, "page": 2, "page_size": 2})
    assert (last.json()["count"], len(last.json()["results"])) == (3, 1)
    empty = api.get("/api/v1/conferences/", {"search": "nothing like this"}).json()
    assert (empty["count"], empty["results"]) == (0, [])


def test_a_page_far_past_the_end_answers_404(api):
    scheduled_conference()
    response = api.get("/api/v1/councils/", {"page": "4388171654440487256301884145664"})
    assert response.status_code == 404
    assert api.get("/api/v1/conferences/", {"page": str(2**40)}).status_code == 404


def test_conference_gives_its_texts_in_both_scripts(api):
    """Stored once in the script typed, derived for the other, a stored correction winning
    (elyurt/script_text.py); the same on the list and the detail."""
    council = CouncilFactory(name="Халқаро экспертлар кенгаши")
    org = OrganizationFactory(name="Respublika oliy taʼlim kengashi", name_cyrl="РОТК")
    conf = ConferenceFactory(
        council=council,
        title="Олий таълим тизимида онлайн курслар",
        title_latn="Oliy taʼlim: onlayn kurslar",
        starts_at=datetime.datetime(2030, 3, 14, 10, 0, tzinfo=TASHKENT),
    )
    ConferenceOrganization.objects.create(conference=conf, organization=org, role="co_organizer")
    PresentationFactory(conference=conf, order=1, title="Масофавий таълим")
    conference_set_status(conference=conf, status="scheduled")

    listed = api.get("/api/v1/conferences/").json()["results"][0]
    detail = api.get(f"/api/v1/conferences/{conf.pk}/").json()

    for item in (listed, detail):
        assert (item["title_cyrl"], item["title_latn"]) == (
            "Олий таълим тизимида онлайн курслар",
            "Oliy taʼlim: onlayn kurslar",
        )
        assert (item["council"]["name_cyrl"], item["council"]["name_latn"]) == (
            "Халқаро экспертлар кенгаши",
            "Xalqaro ekspertlar kengashi",
        )
        [organization] = item["organizations"]
        assert (organization["name_cyrl"], organization["name_latn"]) == (
            "РОТК",
            "Respublika oliy taʼlim kengashi",
        )
        [talk] = item["agenda"]
        assert (talk["title_cyrl"], talk["title_latn"]) == ("Масофавий таълим", "Masofaviy taʼlim")
