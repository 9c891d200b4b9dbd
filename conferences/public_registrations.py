"""Open registration on a conference's public page, double opt-in.

`public_registration_request` records the person and mails them a confirmation link; only
`public_registration_confirm` (the link followed) makes them an invitation, through
`registrations.registrations_add` like any registration, so they get the one invitation mail
with join link and calendar file. The page never tells whether an email is registered: every
accepted request is answered "check your mail" (the mail itself goes only to that address).

The confirmation token is random (256 bits) and only its SHA-256 is stored. The secretary's
`registration_open` and `seats_max` are checked on request and again, under the conference's
lock, on confirmation, so seats are never overbooked by simultaneous confirmations.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activity.models import Action
from activity.services import activity_record
from mailing.services import letter_queue
from transliteration import in_script

from .models import Conference, Invitation, PublicRegistration
from .registrations import registrations_add
from .tokens import InvalidToken

Status = Conference.Status
FIELDS = ("name", "email", "organization", "position", "participant_group", "language", "timezone")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def registration_closed_reason(conference: Conference, *, now=None) -> str | None:
    """Why the public page takes no registration now (a message for the visitor), or None."""
    now = now or timezone.now()
    if conference.status != Status.SCHEDULED or conference.starts_at <= now:
        return _("This conference takes no registrations.")
    if not conference.registration_open:
        return _("Registration for this conference is closed.")
    if conference.seats_max is not None and seats_taken(conference) >= conference.seats_max:
        return _("Every seat of this conference is taken.")
    return None


def seats_taken(conference: Conference) -> int:
    """Confirmed public registrations whose invitation is not cancelled."""
    return PublicRegistration.objects.filter(
        conference=conference,
        confirmed_at__isnull=False,
        invitation__cancelled_at__isnull=True,
    ).count()


def title_for(text: str, language: str) -> str:
    """Uzbek text in the reader's script (`language` a settings.LANGUAGES code); else as is."""
    if language == "uz-latn":
        return in_script(text, "latn")
    if language == "uz-cyrl":
        return in_script(text, "cyrl")
    return text


@transaction.atomic
def public_registration_request(*, conference: Conference, data: dict) -> PublicRegistration:
    """Record a registration from the public page (`data`: FIELDS, cleaned by
    conferences.forms.PublicRegistrationForm) and queue its confirmation mail.

    The same email again (any letter case) refreshes an unconfirmed row and mails a new link;
    a confirmed one is left as it is and mailed nothing. Raises ValidationError on
    `conference` when registration is closed (registration_closed_reason); nothing is written.
    """
    locked = Conference.objects.select_for_update().get(pk=conference.pk)
    reason = registration_closed_reason(locked)
    if reason:
        raise ValidationError({"conference": [reason]})
    fields = {name: data[name] for name in FIELDS}
    email_lower = fields["email"].strip().lower()
    row = PublicRegistration.objects.filter(conference=locked, email_lower=email_lower).first()
    if row is not None and row.confirmed_at is not None:
        return row
    token = secrets.token_urlsafe(32)
    if row is None:
        row = PublicRegistration(conference=locked, email_lower=email_lower)
    for name, value in fields.items():
        setattr(row, name, value)
    row.token_hash = _token_hash(token)
    row.mails_sent += 1
    row.full_clean(exclude=["conference", "invitation"], validate_unique=False)
    row.save()
    _confirmation_queue(registration=row, conference=locked, token=token)
    return row


def _confirmation_queue(*, registration: PublicRegistration, conference: Conference, token: str):
    language = registration.language.lower()
    link = settings.SITE_URL + reverse(
        "conference_public:registration_confirm", kwargs={"token": token}
    )
    with translation.override(language):
        title = title_for(conference.title, language)
        context = {"name": registration.name, "title": title, "link": link}
        subject = _("Confirm your registration: %(title)s") % {"title": title}
        text = render_to_string("conferences/email/registration_confirm.txt", context)
    letter_queue(
        key=f"registration:{registration.pk}:confirm:{registration.mails_sent}",
        to_email=registration.email,
        to_name=registration.name,
        language=language,
        subject=subject,
        text=text,
        source=registration,
    )


def public_registration_by_token(*, token: str) -> PublicRegistration:
    """The registration a confirmation link belongs to; InvalidToken for anything else."""
    if not isinstance(token, str) or not 32 <= len(token) <= 128:
        raise InvalidToken
    registration = (
        PublicRegistration.objects.select_related("conference")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if registration is None:
        raise InvalidToken
    return registration


@transaction.atomic
def public_registration_confirm(*, token: str) -> PublicRegistration:
    """Confirm the registration of `token`: it becomes an invitation (registrations_add, no
    organisation), whose invitation mail the outbox sends. Confirming again changes nothing.

    Raises InvalidToken for an unknown link, ValidationError on `conference` when the
    conference no longer takes registrations or its seats are taken; nothing is written then.
    """
    registration = public_registration_by_token(token=token)
    conference = Conference.objects.select_for_update().get(pk=registration.conference_id)
    registration = PublicRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.confirmed_at is not None:
        return registration
    reason = registration_closed_reason(conference)
    if reason:
        raise ValidationError({"conference": [reason]})
    result = registrations_add(
        conference=conference,
        organization=None,
        rows=[
            {
                "name": registration.name,
                "email": registration.email,
                "organization": registration.organization,
                "position": registration.position,
                "language": registration.language,
                "timezone": registration.timezone,
            }
        ],
    )
    if result.refused:
        raise ValidationError({result.refused[0].field: [result.refused[0].message]})
    invitation_id = result.accepted[0].invitation_id
    # The kind the person chose counts in the audience's figures (integrations.figures) where
    # nobody has said otherwise; a kind staff or a partner gave is kept.
    Invitation.objects.filter(pk=invitation_id, kind="").update(
        kind=registration.participant_group, updated_at=timezone.now()
    )
    registration.confirmed_at = timezone.now()
    registration.invitation = (
        Invitation.objects.filter(pk=invitation_id).first() if invitation_id else None
    )
    registration.save(update_fields=["confirmed_at", "invitation", "updated_at"])
    activity_record(
        action=Action.REGISTRATION_CONFIRMED,
        target=registration,
        data={"conference": conference.pk},
    )
    return registration
