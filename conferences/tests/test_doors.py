"""One door: a conference already mailed, changed through every way in, has the same effects.

Each door is used as a person would: the dashboard's and the admin's forms are posted as they
are rendered, with only the changed field edited; the import gets the changed document. The
effects: one calendar UPDATE per invitee, one Zoom update, whichever door was used.
"""

import copy
import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from activity.selectors import activity_for
from conferences.imports import conference_import
from conferences.invitations import Invitee, invitations_add
from conferences.models import Conference, OutboundMessage
from conferences.services import ProgramPresentation, conference_update
from dashboard import roles
from integrations.models import ZoomMeeting
from integrations.tests.conftest import fake_zoom, fake_zoom_server  # noqa: F401

from .factories import TASHKENT
from .html_form import form_data

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "external_id": "doors-2030-03-14",
    "language": "en",
    "council": "International Council of Experts",
    "title": "Credit modules abroad",
    "starts_at": "2030-03-14T10:00:00+05:00",
    "duration_minutes": 90,
    "status": "scheduled",
    "organizations": [
        {"name": "El-yurt umidi", "kind": "foundation", "country": "UZ", "role": "organizer"}
    ],
    "presentations": [
        {"order": 1, "title": "Counting credits", "presenter": {"name": "Hamid Irgashev"}}
    ],
}
INVITEES = ["a@example.org", "b@example.org"]
MOVED = datetime.datetime(2030, 3, 15, 10, 0, tzinfo=TASHKENT)
NEW_TITLE = "Counting credits, revised"


@pytest.fixture
def mailed(fake_zoom, django_capture_on_commit_callbacks):  # noqa: F811
    """A scheduled conference with its Zoom meeting, whose invitations have been sent."""
    with django_capture_on_commit_callbacks(execute=True):
        conference = conference_import(document=copy.deepcopy(DOCUMENT)).conference
    with django_capture_on_commit_callbacks(execute=True):
        invitations_add(
            conference=conference,
            invitees=[Invitee(name=email.split("@")[0], email=email) for email in INVITEES],
            source="manual",
        )
    conference.refresh_from_db()
    assert conference.meeting_id in fake_zoom.state.meetings
    assert list(OutboundMessage.objects.values_list("kind", "state")) == [
        ("invitation", "sent"),
        ("invitation", "sent"),
    ]
    return conference


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw-123456789")


@pytest.fixture
def secretary():
    user = get_user_model().objects.create_user("secretary", password="pw-123456789")
    user.groups.add(Group.objects.get(name=roles.SECRETARY))
    return user


def _through_service(conference, change, *, user, tmp_path):
    fields = {}
    if "move" in change:
        fields["starts_at"] = MOVED
    if "agenda" in change:
        talk = conference.presentations.get()
        fields["presentations"] = [
            ProgramPresentation(order=1, title=NEW_TITLE, presenter=talk.presenter_id)
        ]
    conference_update(conference=conference, by=user, **fields)


def _through_dashboard(conference, change, *, user, tmp_path):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    url = f"/dashboard/conferences/{conference.pk}/edit/"
    data = form_data(client.get(url).content.decode(), "conference-form")
    if "move" in change:
        data["conference-starts_at"] = "2030-03-15T10:00"
    if "agenda" in change:
        data["agenda-0-title"] = NEW_TITLE
    assert client.post(url, data).status_code == 302


def _through_admin(conference, change, *, user, tmp_path):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    url = f"/admin/conferences/conference/{conference.pk}/change/"
    data = form_data(client.get(url).content.decode(), "conference_form")
    if "move" in change:
        data["starts_at_0"] = "2030-03-15"
    if "agenda" in change:
        data["presentations-0-title"] = NEW_TITLE
    assert client.post(url, data).status_code == 302


def _changed_document(change) -> dict:
    document = copy.deepcopy(DOCUMENT)
    if "move" in change:
        document["starts_at"] = "2030-03-15T10:00:00+05:00"
    if "agenda" in change:
        document["presentations"][0]["title"] = NEW_TITLE
    return document


def _through_import_command(conference, change, *, user, tmp_path):
    path = tmp_path / "conference.json"
    path.write_text(json.dumps(_changed_document(change)), encoding="utf-8")
    call_command("import_conference", str(path))


def _through_import_api(conference, change, *, user, tmp_path):
    client = APIClient()
    client.force_login(user)
    response = client.post("/api/v1/conferences/import/", _changed_document(change), format="json")
    assert (response.status_code, response.json()["outcome"]) == (200, "updated")


DOORS = {
    "service": _through_service,
    "dashboard": _through_dashboard,
    "admin": _through_admin,
    "import_conference": _through_import_command,
    "import API": _through_import_api,
}


@pytest.mark.parametrize("change", ["move", "agenda", "move+agenda"])
@pytest.mark.parametrize("door", list(DOORS))
def test_every_door_mails_one_update_and_syncs_zoom_once(
    door,
    change,
    mailed,
    fake_zoom,  # noqa: F811
    superuser,
    secretary,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    user = secretary if door == "dashboard" else superuser
    zoom_id = mailed.meeting_id

    with django_capture_on_commit_callbacks(execute=True):
        DOORS[door](mailed, change, user=user, tmp_path=tmp_path)

    mailed.refresh_from_db()
    assert mailed.starts_at == (MOVED if "move" in change else MOVED - datetime.timedelta(days=1))
    titles = list(mailed.presentations.values_list("title", flat=True))
    assert titles == [NEW_TITLE if "agenda" in change else "Counting credits"]
    updates = OutboundMessage.objects.filter(kind=OutboundMessage.Kind.UPDATE)
    assert sorted(updates.values_list("invitation__email", "state")) == [
        ("a@example.org", "sent"),
        ("b@example.org", "sent"),
    ]
    assert OutboundMessage.objects.count() == 4
    patches = fake_zoom.calls_to("PATCH", f"/v2/meetings/{zoom_id}")
    assert len(patches) == 1
    meeting = fake_zoom.state.meetings[zoom_id]
    assert meeting["start_time"].startswith("2030-03-15" if "move" in change else "2030-03-14")
    assert (NEW_TITLE in meeting["agenda"]) == ("agenda" in change)
    assert ZoomMeeting.objects.get(conference=mailed).sync_requested_at is None
    assert Conference.objects.count() == 1
    # Who did it, as the log tells staff: the signed-in user, or "import" for the command.
    entry = activity_for(target=mailed).first()
    assert entry.action == ("conference.moved" if "move" in change else "conference.updated")
    assert (entry.actor, entry.actor_label) == (
        (None, "import") if door == "import_conference" else (user, user.get_username())
    )
    assert sorted(entry.data["changed"]) == sorted(
        {"move": ["starts_at"], "agenda": ["presentations"]}.get(
            change, ["presentations", "starts_at"]
        )
    )


def test_the_same_document_again_mails_nobody_and_leaves_zoom_alone(
    mailed,
    fake_zoom,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    link = mailed.join_url
    with django_capture_on_commit_callbacks(execute=True):
        result = conference_import(document=copy.deepcopy(DOCUMENT))

    assert result.outcome == "unchanged"
    mailed.refresh_from_db()
    # The document has no join link; the one Zoom made stays.
    assert mailed.join_url == link != ""
    assert OutboundMessage.objects.count() == 2
    assert fake_zoom.calls_to("PATCH", "/v2/") == []
