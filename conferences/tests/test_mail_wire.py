"""What the SMTP server receives, read back with the `email` package as a mail client would."""

import email
import email.policy
import email.utils

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from conferences import delivery
from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import Invitation, OutboundMessage
from conferences.tokens import invitation_token
from experts.tests.factories import ExpertFactory, OrganizationFactory
from transliteration import to_latin

from .factories import PresentationFactory

pytestmark = pytest.mark.django_db
Kind = OutboundMessage.Kind
LANGUAGES = ["en", "ru", "uz-Cyrl", "uz-Latn"]


def _long(text: str, length: int) -> str:
    """A field at its longest, in Cyrillic (two octets a character), with spaces as people type."""
    return (text * length)[:length].strip().ljust(length, "ж")


def _deliver(conference, kind=Kind.INVITATION):
    invitations = Invitation.objects.filter(conference=conference)
    OutboundMessage.objects.bulk_create(
        [
            OutboundMessage(invitation=i, kind=kind, starts_at=conference.starts_at)
            for i in invitations
        ]
    )
    ids = list(OutboundMessage.objects.filter(kind=kind).values_list("pk", flat=True))
    return delivery.messages_deliver(message_ids=ids)


def _long_conference(conference):
    """Every field that reaches the mail at its longest (the models bound them at 200-300
    characters; one agenda line then holds over 2,000 octets)."""
    conference.title = _long("Международный экспертный совет ", 300)
    conference.save(update_fields=["title"])
    for order in (1, 2):
        PresentationFactory(
            conference=conference,
            order=order,
            title=_long(f"Доклад {order} о цифровом образовании ", 300),
            presenter=ExpertFactory(
                full_name=_long(f"Докладчик {order} Иванов ", 200),
                full_name_latin=_long(f"Dokladchik {order} Ivanov ", 200),
                position=_long("Заведующий кафедрой ", 300),
                organization=OrganizationFactory(name=_long(f"Университет {order} ", 300)),
            ),
        )
    people = [
        Invitee(
            name=_long(f"Ҳамид {language} Иргашев ", 200),
            email=f"{language.lower()}@x.org",
            organization=_long("Ташкентский университет ", 300),
            position=_long("Профессор кафедры ", 300),
            language=language,
        )
        for language in LANGUAGES
    ]
    return invitations_add(conference=conference, invitees=people, source="manual", send=False)


def _parts(data: bytes):
    """The leaf parts of a message as (content type, transfer encoding, raw payload bytes)."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if not part.is_multipart():
            payload = part.get_payload(decode=False)
            raw = (
                payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else payload
            )
            yield part.get_content_type(), part["Content-Transfer-Encoding"], raw


def test_personal_values_survive_quoted_printable_in_every_language(
    scheduled_conference, smtp_server
):
    invitations = _long_conference(scheduled_conference)
    assert _deliver(scheduled_conference).sent == 4
    by_rcpt = {r.rcpt[0]: r for r in smtp_server.received}
    for invitation in invitations:
        received = by_rcpt[invitation.email]
        encodings = {ctype: cte for ctype, cte, _raw in _parts(received.data)}
        # The agenda's lines are too long for 8bit: both bodies went quoted-printable.
        assert encodings["text/plain"] == encodings["text/html"] == "quoted-printable"
        for ctype, cte, raw in _parts(received.data):
            if cte in ("quoted-printable", "base64", "7bit"):
                assert raw.isascii(), (invitation.language, ctype)
        message = received.message()
        assert [part.defects for part in message.walk()] == [[], [], [], [], []]
        text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        html = message.get_body(("html",)).get_content()
        token = invitation_token(invitation=invitation)
        link = f"{settings.SITE_URL}/i/{scheduled_conference.external_id}/{token}/"
        # Everyone but the Uzbek Cyrillic reader is addressed in Latin (elyurt/script_text.py).
        name = invitation.name if invitation.language == "uz-Cyrl" else to_latin(invitation.name)
        with translation.override(invitation.language.lower()):
            greeting = gettext("Dear %(name)s,") % {"name": name}
        assert text.startswith(greeting + "\n\n"), invitation.language
        assert f"\n{link}\n" in text, invitation.language
        assert f"<p>{greeting}</p>" in html, invitation.language
        assert f'<a href="{link}">' in html, invitation.language
        title = scheduled_conference.title
        if invitation.language in ("en", "uz-Latn"):
            title = to_latin(title)
        assert title in text and title in html


@pytest.mark.parametrize("kind", [Kind.INVITATION, Kind.REMINDER_24H, Kind.REMINDER_1H])
def test_headers_say_automatic_utc_date_and_no_unsubscribe(scheduled_conference, smtp_server, kind):
    invitations_add(
        conference=scheduled_conference,
        invitees=[Invitee(name="Odil Kattaev", email="odil@x.org", language="ru")],
        source="manual",
        send=False,
    )
    assert _deliver(scheduled_conference, kind=kind).sent == 1
    [received] = smtp_server.received
    message = received.message()
    assert message["Auto-Submitted"] == "auto-generated"  # RFC 3834: no auto-replies to it
    # RFC 5322 3.3: "-0000" means the local offset is unknown; the time is in UTC.
    assert message["Date"].endswith(" +0000")
    assert email.utils.parsedate_to_datetime(message["Date"]).utcoffset().total_seconds() == 0
    # No one can stop reminders, so none offers to.
    assert message["List-Unsubscribe"] is None
    assert message["List-Unsubscribe-Post"] is None
    assert message["Reply-To"] is None  # INVITATIONS_REPLY_TO unset


def test_replies_go_to_the_councils_secretary(scheduled_conference, smtp_server, settings):
    settings.INVITATIONS_REPLY_TO = "Секретариат совета <secretary@elyurt.uz>"
    invitations_add(
        conference=scheduled_conference,
        invitees=[Invitee(name="Odil Kattaev", email="odil@x.org", language="ru")],
        source="manual",
        send=False,
    )
    assert _deliver(scheduled_conference).sent == 1
    [received] = smtp_server.received
    reply_to = received.message()["Reply-To"]
    assert reply_to.addresses[0].display_name == "Секретариат совета"
    assert reply_to.addresses[0].addr_spec == "secretary@elyurt.uz"
