"""Sending letters: claim under a lease, send over one SMTP connection, finish each (the
transitions are outbox.py's). A letter is sent at most once outside the window between the
server's acceptance and the update to `sent`, as for invitations (conferences/delivery.py)."""

from __future__ import annotations

import base64
import datetime
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone

from conferences.delivery import (
    DeliveryReport,
    async_commit,
    smtp_connection_broken,
    smtp_error_classify,
)

from . import outbox
from .models import Letter

logger = logging.getLogger(__name__)


def letters_deliver(*, letter_ids: list[int]) -> DeliveryReport:
    """Send what is claimable among these rows over one connection; safe to call twice."""
    report = DeliveryReport()
    claimed = outbox.letters_claim(letter_ids=letter_ids, now=timezone.now())
    if claimed:
        _send_batch(claimed, report)
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


def _send_batch(letters: list[Letter], report: DeliveryReport) -> None:
    smtp = get_connection(fail_silently=False)
    try:
        smtp.open()
    except Exception as exc:  # noqa: BLE001 — any failure to connect is transient
        error = smtp_error_classify(exc)[1]
        logger.warning("SMTP connection failed: %s", error)
        for letter in letters:
            report.count_postponed(outbox.letter_postpone(letter=letter, error=error))
        return
    margin = min(float(getattr(settings, "EMAIL_TIMEOUT", 30) or 30), outbox.lease_seconds() / 2)
    async_commit(True)
    try:
        for index, letter in enumerate(letters):
            if timezone.now() + datetime.timedelta(seconds=margin) > letter.lease_until:
                outbox.letters_hand_back(letters=letters[index:])
                return
            broken = _deliver_one(smtp, letter, report)
            if broken is not None:
                logger.warning(
                    "SMTP connection lost, postponing %d: %s", len(letters) - index, broken
                )
                for rest in letters[index:]:
                    report.count_postponed(outbox.letter_postpone(letter=rest, error=broken))
                return
    finally:
        async_commit(False)
        try:
            smtp.close()
        except Exception:  # noqa: BLE001 — the server may already be gone
            pass


def _deliver_one(smtp, letter: Letter, report: DeliveryReport) -> str | None:
    """Send and finish one row; returns the error when the connection is gone."""
    try:
        email = letter_email(letter)
        smtp.send_messages([email])
    except Exception as exc:  # noqa: BLE001 — classified below
        permanent, answer = smtp_error_classify(exc)
        if permanent:
            outbox.letter_finish_failed(letter=letter, error=answer)
            report.failed += 1
        elif smtp_connection_broken(exc):
            return answer
        else:
            report.count_postponed(outbox.letter_postpone(letter=letter, error=answer))
        return None
    outbox.letter_finish_sent(letter=letter)
    report.sent += 1
    return None
