"""Through a real Celery worker on Redis to a real SMTP server (aiosmtpd): a public
registration's confirmation and invitation mail, and a digest to confirmed subscribers."""

import datetime
import re

import pytest
from django.utils import timezone

from conferences.models import Invitation, OutboundMessage
from conferences.tests.live import wait_until
from mailing.models import Letter
from subscriptions import services
from subscriptions.models import Subscription

from .conftest import scheduled_conference

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
CONFIRM = re.compile(r"https?://\S+?(/conferences/confirm/[^/\s]+/)")


def _texts(received) -> str:
    message = received.message()
    return "\n".join(
        part.get_content() for part in message.walk() if part.get_content_type() == "text/plain"
    )


def test_a_public_registration_is_invited_once_confirmed(client, start_worker, smtp, site):
    worker = start_worker()
    conference = scheduled_conference()
    address = "dilnoza@example.org"
    form = {
        "name": "Dilnoza Karimova",
        "email": address,
        "organization": "TATU",
        "position": "Dotsent",
        "participant_group": "professor",
        "language": "uz-Latn",
        "timezone": "Europe/Berlin",
    }
    assert client.post(f"/conferences/{conference.slug}/register/", form).status_code == 200
    wait_until(lambda: len(smtp.received) == 1, timeout=60, what="confirmation", worker=worker)
    assert not Invitation.objects.exists()
    [confirmation] = smtp.received
    assert confirmation.rcpt == [address]
    path = CONFIRM.search(_texts(confirmation)).group(1)
    assert client.post(path).status_code == 200
    assert client.post(path).status_code == 200  # a second click: still one invitation
    invitation = Invitation.objects.get()
    sent = OutboundMessage.objects.filter(
        invitation=invitation, kind=OutboundMessage.Kind.INVITATION, state="sent"
    )
    wait_until(sent.exists, timeout=60, what="invitation sent", worker=worker)
    assert smtp.count_by_recipient() == {address: 2}
    invitation_mail = smtp.received[1].message()
    types = [part.get_content_type() for part in invitation_mail.walk()]
    assert "text/calendar" in types
    assert OutboundMessage.objects.filter(invitation=invitation).count() == 1


def test_a_digest_reaches_confirmed_subscribers_only(client, start_worker, smtp, site):
    now = timezone.now()
    active, pending = [], []
    for n in range(6):
        email = f"reader{n}@example.org"
        row = services.subscription_request(email=email, kind="digest", language="uz-latn")
        if n % 2 == 0:
            token = re.search(
                r"/subscriptions/confirm/([^/\s]+)/", Letter.objects.latest("pk").text
            )
            services.subscription_confirm(token=token.group(1))
            active.append(email)
        else:
            pending.append(email)
        assert row.email == email
    Letter.objects.all().delete()  # the confirmations are not what this test counts
    scheduled_conference(now=now)
    worker = start_worker()
    assert services.digest_send(now=now + datetime.timedelta(seconds=1)) == 3
    wait_until(lambda: len(smtp.received) == 3, timeout=60, what="3 digests", worker=worker)
    assert sorted(smtp.count_by_recipient()) == sorted(active)
    message = smtp.received[0].message()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A long header is folded after its name; the unfolded value is the link.
    assert (
        message["List-Unsubscribe"]
        .strip()
        .startswith("<https://elyurt.example/subscriptions/unsubscribe/")
    )
    assert Subscription.objects.filter(state="pending").count() == 3
