"""Writes for subscriptions: subscribe (double opt-in), confirm, unsubscribe, and the mail to
subscribers (a new release, the weekly digest), queued through the generic outbox (`mailing`).

A subscription's state changes in `_state_set` only. Unsubscribing takes effect at once: the
subscriber's letters still pending are skipped in the same transaction.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from activity.models import Action
from activity.services import activity_record
from conferences.models import Conference
from mailing.selectors import letters_for
from mailing.services import letter_queue, letters_queue, letters_skip
from pressroom.models import PressRelease

from . import mail
from .models import Digest, Subscription
from .tokens import (
    confirm_token_new,
    token_hash,
    token_shape_ok,
    unsubscribe_fields_new,
)

State = Subscription.State
Kind = Subscription.Kind
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")
# Letters per bulk insert: 10,000 digests in ten statements.
BATCH = 1000
# How far ahead the digest lists conferences.
DIGEST_HORIZON_DAYS = 60
ALLOWED = {
    State.PENDING: {State.ACTIVE, State.ENDED},
    State.ACTIVE: {State.ENDED},
    State.ENDED: {State.PENDING},
}


class InvalidToken(Exception):
    """The link is unknown or tampered with."""


def _state_set(*, subscription: Subscription, state: str) -> None:
    """The one place a subscription's state changes (ALLOWED), with its time stamps."""
    if state not in ALLOWED[subscription.state]:
        raise ValueError(f"subscription {subscription.pk}: {subscription.state} -> {state}")
    now = timezone.now()
    subscription.state = state
    if state == State.ACTIVE:
        subscription.confirmed_at = now
    elif state == State.ENDED:
        subscription.ended_at = now
    else:
        subscription.confirmed_at = subscription.ended_at = None
    subscription.save()
    if state in (State.ACTIVE, State.ENDED):
        action = (
            Action.SUBSCRIPTION_CONFIRMED if state == State.ACTIVE else Action.SUBSCRIPTION_ENDED
        )
        activity_record(action=action, target=subscription, data={"kind": subscription.kind})


@transaction.atomic
def subscription_request(*, email: str, kind: str, language: str) -> Subscription:
    """Subscribe `email` to `kind` in `language` (a settings.LANGUAGES code), pending until
    confirmed from the mail this queues. Again for a pending or ended subscription: a new
    confirmation mail; for an active one: nothing (and the caller says the same either way).
    Raises ValidationError naming the field for a bad email, kind or language."""
    email = (email or "").strip()
    row = (
        Subscription.objects.select_for_update()
        .filter(email_lower=email.lower(), kind=kind)
        .first()
    )
    if row is not None and row.state == State.ACTIVE:
        return row
    if row is None:
        row = Subscription(
            email=email, email_lower=email.lower(), kind=kind, **unsubscribe_fields_new()
        )
    token, row.confirm_hash = confirm_token_new()
    row.language = language
    row.mails_sent += 1
    row.full_clean(validate_unique=False)
    if row.state == State.ENDED:
        _state_set(subscription=row, state=State.PENDING)
    else:
        row.save()
    link = mail.site_url(reverse("subscriptions:confirm", kwargs={"token": token}))
    subject, text = mail.confirmation(
        kind_label=str(Kind(kind).label), language=language, link=link
    )
    letter_queue(
        key=f"subscription:{row.pk}:confirm:{row.mails_sent}",
        to_email=row.email,
        language=language,
        subject=subject,
        text=text,
        source=row,
    )
    return row


def _by_hash(**lookup) -> Subscription:
    row = Subscription.objects.select_for_update().filter(**lookup).first()
    if row is None:
        raise InvalidToken
    return row


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    """Confirm the subscription of a confirmation link; again changes nothing. InvalidToken
    for an unknown link or one of a subscription since ended."""
    if not token_shape_ok(token):
        raise InvalidToken
    row = _by_hash(confirm_hash=token_hash(token))
    if row.state == State.ENDED:
        raise InvalidToken
    if row.state == State.PENDING:
        _state_set(subscription=row, state=State.ACTIVE)
    return row


def subscription_by_unsubscribe_token(*, token: str) -> Subscription:
    if not token_shape_ok(token):
        raise InvalidToken
    row = Subscription.objects.filter(unsubscribe_hash=token_hash(token)).first()
    if row is None:
        raise InvalidToken
    return row


@transaction.atomic
def subscription_end(*, token: str) -> Subscription:
    """Unsubscribe at once (the link in every mail; no login): no later mail is queued, and
    the ones still pending are skipped. Again changes nothing. InvalidToken for a bad link."""
    if not token_shape_ok(token):
        raise InvalidToken
    row = _by_hash(unsubscribe_hash=token_hash(token))
    if row.state != State.ENDED:
        _state_set(subscription=row, state=State.ENDED)
        _pending_skip(row)
    return row


def _pending_skip(row: Subscription) -> None:
    pending = letters_for(row).filter(state="pending").values_list("key", flat=True)
    letters_skip(keys=list(pending))


def _active(kind: str) -> Iterator[list[Subscription]]:
    """Active subscribers of `kind` in batches of BATCH, by id."""
    rows = Subscription.objects.filter(kind=kind, state=State.ACTIVE).order_by("pk")
    batch: list[Subscription] = []
    for row in rows.only("pk", "email", "language", "unsubscribe_salt").iterator(BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _letters(*, rows, key: str, rendered: dict, render) -> list[dict]:
    letters = []
    base = mail.unsubscribe_base()
    for row in rows:
        if row.language not in rendered:
            rendered[row.language] = render(row.language)
        subject, text = rendered[row.language]
        url = mail.unsubscribe_url(row.unsubscribe_salt, base=base)
        letters.append(
            {
                "key": f"{key}:{row.pk}",
                "to_email": row.email,
                "language": row.language,
                "subject": subject,
                "text": text.replace(mail.MARK, url),
                "headers": mail.list_headers(url),
                "source": row,
            }
        )
    return letters


def _queue(kind: str, key: str, render) -> int:
    rendered: dict = {}
    count = 0
    for rows in _active(kind):
        with transaction.atomic():
            count += len(
                letters_queue(_letters(rows=rows, key=key, rendered=rendered, render=render))
            )
    return count


def release_letters_queue(*, release: PressRelease) -> int:
    """Mail a published release to every active "releases" subscriber, once per release and
    subscriber (the letter's key); returns how many letters were queued now."""
    if release.status != PressRelease.Status.PUBLISHED:
        return 0
    return _queue(
        Kind.RELEASES,
        f"release:{release.pk}",
        lambda language: mail.release_letter(release=release, language=language),
    )


def digest_week(now: datetime.datetime) -> datetime.date:
    """The Monday (Tashkent) of the week a digest sent at `now` belongs to."""
    day = now.astimezone(TASHKENT).date()
    return day - datetime.timedelta(days=day.weekday())


def digest_content(*, now: datetime.datetime) -> tuple[list[Conference], list[PressRelease]]:
    """What a digest sent at `now` holds: scheduled conferences of the next
    DIGEST_HORIZON_DAYS that still take registrations, soonest first, and releases published
    in the seven days before `now`, newest first."""
    conferences = list(
        Conference.objects.filter(
            status=Conference.Status.SCHEDULED,
            starts_at__gte=now,
            starts_at__lt=now + datetime.timedelta(days=DIGEST_HORIZON_DAYS),
        ).order_by("starts_at", "pk")
    )
    releases = list(
        PressRelease.objects.filter(
            status=PressRelease.Status.PUBLISHED,
            published_at__gte=now - datetime.timedelta(days=7),
            published_at__lt=now,
        ).order_by("-published_at", "-pk")
    )
    return conferences, releases


def digest_send(*, now: datetime.datetime | None = None) -> int:
    """Queue the week's digest to every active "digest" subscriber; returns the letters queued.

    Once per week: the Digest row of the week is written first, in its own transaction (a
    second run that week finds it and queues nothing), then the letters in batches of BATCH,
    each committed at once so the worker sends the first while the next are queued. A run
    that died midway is finished by the next one (the row has no `queued_at`; the letters'
    keys drop what was queued). A week with nothing new (no release published in it, no
    conference the last digest did not hold) sends nothing and records nothing, so the next
    week compares against the last digest sent."""
    now = now or timezone.now()
    digest = _digest_claim(now=now)
    if digest is None:
        return 0
    conferences = list(
        Conference.objects.filter(pk__in=digest.conference_ids).order_by("starts_at", "pk")
    )
    releases = list(
        PressRelease.objects.filter(pk__in=digest.release_ids).order_by("-published_at", "-pk")
    )
    week = digest.week
    count = _queue(
        Kind.DIGEST,
        f"digest:{week:%Y-%m-%d}",
        lambda language: mail.digest_letter(
            conferences=conferences, releases=releases, language=language, week=week
        ),
    )
    Digest.objects.filter(pk=digest.pk).update(
        letters=F("letters") + count, queued_at=timezone.now()
    )
    return count


@transaction.atomic
def _digest_claim(*, now: datetime.datetime) -> Digest | None:
    """The week's Digest row to queue letters for: new, or one a run left unfinished; None
    when the week's digest is queued already or there is nothing new."""
    week = digest_week(now)
    digest = Digest.objects.select_for_update().filter(week=week).first()
    if digest is not None:
        return None if digest.queued_at else digest
    conferences, releases = digest_content(now=now)
    last = Digest.objects.filter(week__lt=week).order_by("-week").first()
    seen = set(last.conference_ids) if last else set()
    if not releases and not {c.pk for c in conferences} - seen:
        return None
    return Digest.objects.create(
        week=week,
        conference_ids=[c.pk for c in conferences],
        release_ids=[r.pk for r in releases],
    )
