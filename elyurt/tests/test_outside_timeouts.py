"""Every call out of the process gives up within seconds: a Redis or SMTP server that accepts
connections and never answers (the `silent_server` fixture) holds no command or request.

The call under test runs in a thread that the test joins with a deadline, so a hang fails the
test instead of stalling the run.
"""

import os
import smtplib
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from conferences.models import Invitation, OutboundMessage
from conferences.tests.live import celery_on_broker

ROOT = Path(__file__).resolve().parents[2]
# The settings' timeout is 3 s to connect and 3 s per answer; a publish tries twice.
DEADLINE_SECONDS = 12


def _within_deadline(call, *, seconds: float = DEADLINE_SECONDS):
    """Run `call` in a thread; its result, or AssertionError if it is still running at the
    deadline. Returns (result, elapsed seconds); an exception inside `call` is raised here."""
    outcome: dict = {}

    def run():
        try:
            outcome["result"] = call()
        except BaseException as exc:  # noqa: BLE001 — handed to the test's thread
            outcome["error"] = exc
        finally:
            connection.close()  # the thread's own database connection

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=seconds)
    elapsed = time.monotonic() - started
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"], elapsed


@pytest.mark.django_db(transaction=True)
def test_invite_command_returns_with_the_invitation_committed_when_redis_is_silent(
    silent_server, tmp_path, caplog
):
    from conferences.models import Conference
    from conferences.services import conference_set_status
    from conferences.tests.factories import ConferenceFactory

    conference = ConferenceFactory(external_id="silent-broker")
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    csv = tmp_path / "people.csv"
    csv.write_text(
        "name,email,organization,position,language,timezone\n"
        "Aziza Karimova,aziza@example.org,,,en,Asia/Tashkent\n"
    )

    with celery_on_broker(f"redis://127.0.0.1:{silent_server}/0"):
        _within_deadline(lambda: call_command("invite", "silent-broker", "--csv", str(csv)))

    invitation = Invitation.objects.get()
    assert invitation.email == "aziza@example.org"
    assert list(invitation.messages.values_list("kind", "state")) == [("invitation", "pending")]
    assert "broker unavailable, conferences.send_messages left to its periodic scan" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_partner_registration_answers_with_the_row_pending_when_redis_is_silent(silent_server):
    from rest_framework.test import APIClient

    from experts.tests.factories import OrganizationFactory
    from partners.models import Scope
    from partners.services import api_key_create
    from partners.tests.conftest import scheduled_conference

    conference = scheduled_conference()
    _key, raw = api_key_create(
        organization=OrganizationFactory(kind="ministry"), scopes=list(Scope.values)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    with celery_on_broker(f"redis://127.0.0.1:{silent_server}/0"):
        response, _elapsed = _within_deadline(
            lambda: client.post(
                f"/api/v1/conferences/{conference.pk}/registrations/",
                [{"name": "Person 1", "email": "person1@edu.uz"}],
                format="json",
            )
        )

    assert response.status_code == 200
    assert [row["index"] for row in response.json()["accepted"]] == [0]
    assert list(OutboundMessage.objects.values_list("kind", "state")) == [("invitation", "pending")]


def _run_with_settings(code: str, port: int) -> str:
    """`code` in a fresh process whose REDIS_URL is the silent server (the production settings,
    cache included); its stdout. The test's own timeout is the deadline."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "EMAIL_HOST"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "elyurt.settings",
            "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        },  # fmt: skip
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS + 5,  # the interpreter's start included
        check=True,
    )
    return result.stdout.strip()


def test_the_cache_gives_up_on_a_silent_redis(silent_server):
    out = _run_with_settings(
        "from django.core.cache import cache\n"
        "try:\n"
        "    cache.get('anything')\n"
        "except Exception as exc:\n"
        "    print(type(exc).__module__, type(exc).__name__)\n"
        "from django.conf import settings\n"
        "print(sorted(settings.CACHES['default']['OPTIONS'].items()))\n",
        silent_server,
    )
    # Our own 3 s, not redis-py's default (5 s in redis 8, none in older releases).
    assert out.splitlines() == [
        "redis.exceptions TimeoutError",
        "[('socket_connect_timeout', 3.0), ('socket_timeout', 3.0)]",
    ]


def test_task_wake_gives_up_on_a_silent_broker_and_says_so(silent_server):
    out = _run_with_settings(
        "from conferences.tasks import sweep_outbox_task\n"
        "from elyurt.celery import task_wake\n"
        "print(task_wake(sweep_outbox_task))\n",
        silent_server,
    )
    assert out == "False"


def test_smtp_gives_up_on_a_silent_server(silent_server, settings):
    """The outbox counts SMTPServerDisconnected as transient: the message is retried later."""
    from django.core.mail import get_connection

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = silent_server
    settings.EMAIL_TIMEOUT = 1  # the mechanism; the default's size is asserted below

    with pytest.raises(smtplib.SMTPServerDisconnected, match="timed out"):
        _within_deadline(lambda: get_connection().open(), seconds=5)


def test_the_outside_timeouts_are_a_few_seconds():
    from django.conf import settings

    from integrations import zoom

    assert settings.OUTSIDE_TIMEOUT_SECONDS == 3
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"] == 3
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] == 3
    assert settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] == 1
    assert settings.EMAIL_TIMEOUT == 10
    assert zoom.TIMEOUT_SECONDS == 20
