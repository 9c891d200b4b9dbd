import pytest
from django.core import mail

from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import Conference, Invitation, OutboundMessage
from conferences.tests.factories import ConferenceFactory

from .conftest import held_conference, scheduled_conference

pytestmark = pytest.mark.django_db


def _url(conference, pk=None):
    base = f"/api/v1/conferences/{conference.pk}/registrations/"
    return f"{base}{pk}/" if pk else base


def _row(n, **fields):
    return {"name": f"Person {n}", "email": f"person{n}@edu.uz", **fields}


def test_registration_invites_through_the_pipeline(
    api, partner, django_capture_on_commit_callbacks
):
    conference = scheduled_conference(title="Online courses")
    rows = [
        _row(1, organization="TATU", position="Dean", language="ru", timezone="Asia/Samarkand"),
        _row(2),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(_url(conference), rows, format="json")

    assert response.status_code == 200
    invitations = list(Invitation.objects.order_by("pk"))
    assert response.json() == {
        "accepted": [{"index": 0, "id": invitations[0].pk}, {"index": 1, "id": invitations[1].pk}],
        "refused": [],
    }
    first = invitations[0]
    assert (first.name, first.email, first.organization, first.position) == (
        "Person 1", "person1@edu.uz", "TATU", "Dean",
    )  # fmt: skip
    assert (first.language, first.timezone) == ("ru", "Asia/Samarkand")
    assert (first.source, first.registered_by) == ("registration", partner)
    assert sorted(m.to[0] for m in mail.outbox) == ["person1@edu.uz", "person2@edu.uz"]
    assert OutboundMessage.objects.filter(kind="invitation", state="sent").count() == 2


def test_registration_is_taken_while_the_broker_is_down(api, django_capture_on_commit_callbacks):
    """Celery only wakes the sender: the rows are recorded and the outbox sweeper sends them."""
    from conferences.tests.live import celery_on_broker

    conference = scheduled_conference()
    with celery_on_broker("redis://127.0.0.1:1/0"):  # nothing listens on port 1
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(_url(conference), [_row(1), _row(2)], format="json")
    assert response.status_code == 200
    assert [r["index"] for r in response.json()["accepted"]] == [0, 1]
    assert mail.outbox == []
    assert list(OutboundMessage.objects.values_list("kind", "state")) == [
        ("invitation", "pending"),
        ("invitation", "pending"),
    ]


def test_refused_rows_reported_by_index_and_valid_ones_registered(api):
    conference = scheduled_conference()
    rows = [
        _row(1),
        {"name": "", "email": "not-an-email"},
        _row(3, timezone="Mars/Olympus"),
        _row(4, language="fr"),
        {"name": "Again", "email": "PERSON1@edu.uz"},
        "a string",
        _row(7, phone="+998"),
    ]
    response = api.post(_url(conference), rows, format="json")

    assert response.status_code == 200
    body = response.json()
    assert [r["index"] for r in body["accepted"]] == [0]
    assert [(r["index"], r["field"]) for r in body["refused"]] == [
        (1, "email"), (1, "name"), (2, "timezone"), (3, "language"), (4, "email"), (5, "row"),
        (6, "phone"),
    ]  # fmt: skip
    assert body["refused"][2]["message"] == (
        "'Mars/Olympus' is not an IANA time zone name such as America/New_York."
    )
    assert list(Invitation.objects.values_list("email", flat=True)) == ["person1@edu.uz"]


def test_registering_again_is_idempotent_by_email(api):
    conference = scheduled_conference()
    api.post(_url(conference), [_row(1, position="Dean")], format="json")
    again = api.post(_url(conference), [_row(1, position="Rector", email="PERSON1@EDU.UZ")],
                     format="json")  # fmt: skip
    assert again.status_code == 200
    assert Invitation.objects.count() == 1
    invitation = Invitation.objects.get()
    assert again.json()["accepted"] == [{"index": 0, "id": invitation.pk}]
    assert invitation.position == "Rector"
    assert OutboundMessage.objects.filter(kind="invitation").count() == 1


def test_someone_invited_another_way_looks_like_anyone_new_and_is_left_unchanged(
    api, make_client, other_partner
):
    conference = scheduled_conference()
    invitations_add(conference=conference, invitees=[Invitee(name="Staff pick", email="a@edu.uz",
                    position="Professor")], source="manual")  # fmt: skip
    other = make_client(organization=other_partner)
    other.post(_url(conference), [{"name": "Theirs", "email": "b@edu.uz"}], format="json")

    response = api.post(
        _url(conference),
        [
            {"name": "Changed", "email": "a@edu.uz", "position": "Dean"},
            {"name": "Changed", "email": "b@edu.uz"},
            {"name": "New", "email": "c@edu.uz"},
        ],
        format="json",
    )

    # Nothing says that someone else invited the first two: each row is answered alike.
    by_email = dict(Invitation.objects.values_list("email", "pk"))
    assert response.json() == {
        "accepted": [
            {"index": 0, "id": by_email["a@edu.uz"]},
            {"index": 1, "id": by_email["b@edu.uz"]},
            {"index": 2, "id": by_email["c@edu.uz"]},
        ],
        "refused": [],
    }
    assert sorted(Invitation.objects.values_list("name", flat=True)) == [
        "New",
        "Staff pick",
        "Theirs",
    ]
    # The partner's list holds the three as it sent them, not what staff or the other wrote.
    listed = api.get(_url(conference)).json()["results"]
    assert [(r["name"], r["email"], r["position"]) for r in listed] == [
        ("Changed", "a@edu.uz", "Dean"),
        ("Changed", "b@edu.uz", ""),
        ("New", "c@edu.uz", ""),
    ]
    assert len({tuple(sorted(r)) for r in listed}) == 1  # the same fields for every row
    detail = api.get(_url(conference, by_email["a@edu.uz"]))
    assert detail.json()["name"] == "Changed"
    # The other partner still sees only its own, as it sent it.
    assert [r["name"] for r in other.get(_url(conference)).json()["results"]] == ["Theirs"]


def test_staff_edits_to_someone_a_partner_registered_do_not_show_in_its_dates(api):
    conference = scheduled_conference()
    invitations_add(conference=conference, invitees=[Invitee(name="Staff pick", email="a@edu.uz")],
                    source="manual")  # fmt: skip
    api.post(_url(conference), [{"name": "Mine", "email": "a@edu.uz"}], format="json")
    [row] = api.get(_url(conference)).json()["results"]
    Invitation.objects.filter(email="a@edu.uz").update(position="Edited by staff")
    invitations_add(conference=conference, invitees=[Invitee(name="Staff edit", email="a@edu.uz")],
                    source="manual")  # fmt: skip
    [again] = api.get(_url(conference)).json()["results"]
    assert again == row


@pytest.mark.parametrize("status", ["held", "cancelled"])
def test_conference_not_scheduled_refuses_with_a_clear_error(api, status):
    conference = held_conference() if status == "held" else scheduled_conference()
    if status == "cancelled":
        from conferences.services import conference_set_status

        conference_set_status(conference=conference, status="cancelled")
    response = api.post(_url(conference), [_row(1)], format="json")
    assert response.status_code == 400
    label = {"held": "Held", "cancelled": "Cancelled"}[status]
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "Some fields are not valid.",
            "fields": {
                "conference": [
                    f"Only a scheduled conference takes registrations (this one is {label})."
                ]
            },
        }
    }
    assert Invitation.objects.count() == 0


def test_draft_or_unknown_conference_is_not_found(api):
    draft = ConferenceFactory()
    assert api.post(_url(draft), [_row(1)], format="json").status_code == 404
    assert api.get("/api/v1/conferences/999999/registrations/").status_code == 404


@pytest.mark.parametrize(
    "body",
    [{"name": "x", "email": "x@edu.uz"}, [], "rows", None, [_row(n) for n in range(1001)]],
    ids=["object", "empty", "string", "null", "1001-rows"],
)
def test_body_not_a_list_of_1_to_1000_rows_is_refused(api, body):
    conference = scheduled_conference()
    response = api.post(_url(conference), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["rows"]
    assert Invitation.objects.count() == 0


def test_a_thousand_rows_are_taken(api):
    conference = scheduled_conference()
    response = api.post(_url(conference), [_row(n) for n in range(1000)], format="json")
    assert response.status_code == 200
    assert len(response.json()["accepted"]) == 1000
    assert Invitation.objects.filter(conference=conference).count() == 1000


def test_broken_json_answers_400_in_the_error_format(api):
    conference = scheduled_conference()
    response = api.generic("POST", _url(conference), "[{", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_partner_lists_and_reads_only_its_own_registrations(api, make_client, other_partner):
    conference = scheduled_conference()
    mine = api.post(_url(conference), [_row(1), _row(2)], format="json").json()["accepted"]
    other = make_client(organization=other_partner)
    theirs = other.post(_url(conference), [_row(3)], format="json").json()["accepted"]

    listing = api.get(_url(conference))
    assert listing.status_code == 200
    assert [r["id"] for r in listing.json()["results"]] == [r["id"] for r in mine]
    assert listing.json()["results"][0]["email"] == "person1@edu.uz"
    assert api.get(_url(conference, mine[0]["id"])).json()["name"] == "Person 1"
    assert api.get(_url(conference, theirs[0]["id"])).status_code == 404
    assert [r["id"] for r in other.get(_url(conference)).json()["results"]] == [theirs[0]["id"]]
    # The right registration under the wrong conference is not found either.
    elsewhere = scheduled_conference()
    assert api.get(_url(elsewhere, mine[0]["id"])).status_code == 404


def test_staff_session_registers_with_csrf_and_sees_every_registration(
    staff_client, api, make_client
):
    conference = scheduled_conference()
    api.post(_url(conference), [_row(1)], format="json")

    refused = staff_client.post(_url(conference), [_row(2)], format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"].startswith("CSRF Failed")

    staff_client.get("/admin/")  # a Django page with a form sets the CSRF cookie
    token = staff_client.cookies["csrftoken"].value
    allowed = staff_client.post(_url(conference), [_row(2)], format="json", HTTP_X_CSRFTOKEN=token)
    assert allowed.status_code == 200
    assert Invitation.objects.get(email="person2@edu.uz").registered_by is None
    assert len(staff_client.get(_url(conference)).json()["results"]) == 2


def test_staff_without_the_invitation_permission_cannot_register(staff_user, make_client):
    from django.contrib.auth.models import Permission
    from rest_framework.test import APIClient

    staff_user.user_permissions.remove(Permission.objects.get(codename="add_invitation"))
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_user)
    conference = scheduled_conference()
    assert client.get(_url(conference)).status_code == 403
    assert Conference.objects.count() == 1
