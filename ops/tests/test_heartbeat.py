"""The worker's heartbeat and the dashboard's warning when the outbox is not draining."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conferences.models import Invitation, OutboundMessage
from conferences.tests.factories import ConferenceFactory
from dashboard import roles
from ops.models import Heartbeat
from ops.selectors import OutboxStall, outbox_stall
from ops.services import heartbeat_record
from ops.tasks import heartbeat_task

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2030, 1, 10, 12, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


def _message(n: int, **fields) -> OutboundMessage:
    invitation = Invitation.objects.create(
        conference=ConferenceFactory(),
        name=f"P{n}",
        email=f"p{n}@example.org",
        email_lower=f"p{n}@example.org",
        source="manual",
        token_salt=f"s{n}",
        token_hash=f"h{n}",
    )
    return OutboundMessage.objects.create(invitation=invitation, kind="invitation", **fields)


def _page(role: str, django_user_model) -> str:
    user = django_user_model.objects.create_user(role.replace(" ", "_"), password="x-Horse-92")
    user.groups.add(Group.objects.get(name=role))
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_heartbeat_task_records_the_time_in_one_row():
    heartbeat_task.apply()
    heartbeat_task.apply()
    [heartbeat] = Heartbeat.objects.all()
    assert heartbeat.name == "worker"
    assert timezone.now() - heartbeat.seen_at < datetime.timedelta(seconds=30)


def test_the_heartbeat_is_on_beats_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["ops.heartbeat"] == {
        "task": "ops.heartbeat",
        "schedule": 60.0,
    }


def test_due_messages_and_a_stale_heartbeat_are_a_stall():
    _message(1, state="pending")
    _message(2, state="pending", next_attempt_at=NOW - MINUTE)
    _message(3, state="sending", lease_until=NOW - MINUTE)
    heartbeat_record(now=NOW - 7 * MINUTE)
    assert outbox_stall(now=NOW) == OutboxStall(waiting=3, minutes=7)


def test_never_seen_worker_has_no_minutes():
    _message(1, state="pending")
    assert outbox_stall(now=NOW) == OutboxStall(waiting=1, minutes=None)


def test_a_recent_heartbeat_is_no_stall():
    _message(1, state="pending")
    heartbeat_record(now=NOW - 4 * MINUTE)  # under WORKER_STALE_SECONDS (5 minutes)
    assert outbox_stall(now=NOW) is None


def test_nothing_due_is_no_stall_however_old_the_heartbeat():
    _message(1, state="pending", next_attempt_at=NOW + MINUTE)  # held back, not yet due
    _message(2, state="sending", lease_until=NOW + MINUTE)  # a worker is on it
    _message(3, state="sent", sent_at=NOW - MINUTE)
    _message(4, state="failed", attempts=8, last_error="550")
    heartbeat_record(now=NOW - 60 * MINUTE)
    assert outbox_stall(now=NOW) is None


def test_the_home_page_warns_staff_who_follow_invitations(django_user_model):
    _message(1, state="pending")
    _message(2, state="pending")
    heartbeat_record(now=timezone.now() - 12 * MINUTE)
    page = _page(roles.SECRETARY, django_user_model)
    assert 'id="outbox-stall"' in page
    assert "2 messages waiting, no worker seen for 12 minutes." in " ".join(page.split())


def test_the_home_page_says_nothing_while_the_worker_beats(django_user_model):
    _message(1, state="pending")
    heartbeat_record()
    assert 'id="outbox-stall"' not in _page(roles.SECRETARY, django_user_model)


def test_the_home_page_says_nothing_to_staff_who_cannot_see_invitations(django_user_model):
    _message(1, state="pending")
    assert 'id="outbox-stall"' not in _page(roles.PRESS, django_user_model)
