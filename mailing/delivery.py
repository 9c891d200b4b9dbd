"""Sending letters: claim under a lease, send over one SMTP connection, finish each (the
transitions are outbox.py's). A letter is sent at most once outside the window between the
server's acceptance and the update to `sent`, as for invitations (conferences/delivery.py)."""

from __future__ import annotations

import base64
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from conferences.delivery import DeliveryReport, SmtpOutbox, smtp_batch_send

from . import outbox
from .models import Letter

logger = logging.getLogger(__name__)


def letters_deliver(*, letter_ids: list[int]) -> DeliveryReport:
    """Send what is claimable among these rows over one connection; safe to call twice."""
    report = DeliveryReport()
    claimed = outbox.letters_claim(letter_ids=letter_ids, now=timezone.now())
    if claimed:
        smtp_batch_send(claimed, report, LETTERS)
    return report


def letter_email(letter: Letter) -> EmailMultiAlternatives:
    """The message of one row: its text, its HTML as an alternative, its attachments."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    reply_to = getattr(settings, "INVITATIONS_REPLY_TO", "")
    email = EmailMultiAlternatives(
        subject=letter.subject,
        body=letter.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[letter.to_email],
        reply_to=[reply_to] if reply_to else [],
        headers={"Message-ID": f"<letter-{letter.pk}@{host}>", **letter.headers},
    )
    if letter.html:
        email.attach_alternative(letter.html, "text/html")
    for item in letter.attachments:
        email.attach(item["filename"], base64.b64decode(item["content"]), item["mimetype"])
    return email


LETTERS = SmtpOutbox(
    build=letter_email,
    finish_sent=lambda letter: outbox.letter_finish_sent(letter=letter),
    finish_failed=lambda letter, error: outbox.letter_finish_failed(letter=letter, error=error),
    postpone=lambda letter, error: outbox.letter_postpone(letter=letter, error=error),
    hand_back=lambda letters: outbox.letters_hand_back(letters=letters),
)
