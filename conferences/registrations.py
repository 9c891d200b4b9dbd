"""Registrations: an organisation (a partner) registers its staff for a scheduled conference.

A registration is an invitation with source "registration" and `registered_by` the
organisation, so a registered person gets the same mail, answer link and reminders as anyone
staff invite. The partner API calls registrations_add; other apps hear of new registrations
through the `invitations_registered` signal (Zoom registers them as attendees).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from experts.models import Organization

from .invitations import invitations_add
from .invitees import Invitee, RowError, invitee_rows_validate
from .models import Conference, Invitation
from .signals import invitations_registered


class RegistrationConflict(Exception):
    """A simultaneous request registered some of the same people; sending again succeeds."""


@dataclass(frozen=True)
class AcceptedRow:
    index: int  # 0-based position of the row in the batch
    # None: someone else (staff, another partner) invited this person, whose invitation is left
    # as it is; the caller learns nothing of it, not even its id.
    invitation_id: int | None


@dataclass(frozen=True)
class RegistrationResult:
    """Every row of the batch, accepted or refused (a refused row once per reason)."""

    accepted: list[AcceptedRow]  # in row order
    refused: list[RowError]  # by row, then field


@transaction.atomic
def registrations_add(
    *,
    conference: Conference,
    organization: Organization | None,
    rows: Sequence,
    by=None,
) -> RegistrationResult:
    """Register the people in `rows` (dicts as invitee_rows_validate takes them) for
    `organization`, or for staff when it is None; each accepted person is invited.

    Valid rows are registered even when others are refused. Idempotent by email (any letter
    case): registering a person again updates their registration. An organisation changes only
    its own registrations: a person invited another way (by staff, or registered by another
    partner) is left as they are and answered as accepted with no invitation id, so a partner
    cannot probe who else is invited (a refusal "already invited" told them).

    Raises ValidationError on `conference` unless the conference is scheduled, and
    RegistrationConflict when a simultaneous request registered the same people; both write
    nothing. After the commit `invitations_registered` is sent with the accepted invitations.
    """
    # The lock makes a second batch for the same conference wait for this one.
    locked = Conference.objects.select_for_update().get(pk=conference.pk)
    if locked.status != Conference.Status.SCHEDULED:
        raise ValidationError(
            {
                "conference": [
                    _("Only a scheduled conference takes registrations (this one is %s).")
                    % locked.get_status_display()
                ]
            }
        )
    valid, refused = _rows_split(rows)
    taken = _emails_taken(conference, organization, [invitee for _index, invitee in valid])
    others = [
        AcceptedRow(index=i, invitation_id=None) for i, e in valid if e.email.lower() in taken
    ]
    accepted_rows = [(i, e) for i, e in valid if e.email.lower() not in taken]
    refused.sort(key=lambda error: (error.index, error.field))
    if not accepted_rows:
        return RegistrationResult(accepted=others, refused=refused)
    try:
        invitations = invitations_add(
            conference=conference,
            invitees=[invitee for _index, invitee in accepted_rows],
            source=Invitation.Source.REGISTRATION,
            registered_by=organization,
            by=by,
        )
    except IntegrityError:
        raise RegistrationConflict from None
    invitation_ids = [invitation.pk for invitation in invitations]
    transaction.on_commit(
        lambda: invitations_registered.send_robust(
            sender=Invitation, conference=conference, invitation_ids=invitation_ids
        )
    )
    accepted = [
        AcceptedRow(index=index, invitation_id=pk)
        for (index, _invitee), pk in zip(accepted_rows, invitation_ids, strict=True)
    ]
    accepted = sorted(accepted + others, key=lambda row: row.index)
    return RegistrationResult(accepted=accepted, refused=refused)


def _rows_split(rows: Sequence) -> tuple[list[tuple[int, Invitee]], list[RowError]]:
    """The valid rows as (index, invitee), and the faults of the others."""
    invitees, errors = invitee_rows_validate(list(rows))
    faulty = {error.index for error in errors}
    indexes = [index for index in range(len(rows)) if index not in faulty]
    return list(zip(indexes, invitees, strict=True)), list(errors)


def _emails_taken(
    conference: Conference, organization: Organization | None, invitees: list[Invitee]
) -> set[str]:
    """The (lower-cased) emails among `invitees` that someone else invited to the conference."""
    return set(
        Invitation.objects.filter(
            conference=conference, email_lower__in=[i.email.lower() for i in invitees]
        )
        .exclude(source=Invitation.Source.REGISTRATION, registered_by=organization)
        .values_list("email_lower", flat=True)
    )
