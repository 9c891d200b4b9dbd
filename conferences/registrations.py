"""Registrations: an organisation (a partner) registers its staff for a scheduled conference.

A registration is an invitation with source "registration" and `registered_by` the
organisation, so a registered person gets the same mail, answer link and reminders as anyone
staff invite. Each partner's registration of a person is also a PartnerRegistration holding what
that partner sent, also when someone else had invited the person already: the partner is shown
its own rows, so nothing it sees tells it that someone else invited them. The partner API
calls registrations_add; other apps hear of new registrations through the
`invitations_registered` signal (Zoom registers them as attendees).
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
from .models import Conference, Invitation, PartnerRegistration
from .signals import invitations_registered


class RegistrationConflict(Exception):
    """A simultaneous request registered some of the same people; sending again succeeds."""


@dataclass(frozen=True)
class AcceptedRow:
    index: int  # 0-based position of the row in the batch
    # The person's invitation, whoever made it (a person invited another way keeps theirs as it
    # is, and the partner's details go to its PartnerRegistration only).
    invitation_id: int


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
    partner) keeps their invitation as it is, and the partner's details are kept in its
    PartnerRegistration; the answer is the same as for anyone new (accepted, with the
    invitation's id), so a partner cannot probe who else is invited.

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
    refused.sort(key=lambda error: (error.index, error.field))
    taken = _invitations_taken(conference, organization, [invitee for _index, invitee in valid])
    own_rows = [(i, e) for i, e in valid if e.email.lower() not in taken]
    ids = {e.email.lower(): taken[e.email.lower()] for _i, e in valid if e.email.lower() in taken}
    if own_rows:
        try:
            invitations = invitations_add(
                conference=conference,
                invitees=[invitee for _index, invitee in own_rows],
                source=Invitation.Source.REGISTRATION,
                registered_by=organization,
                by=by,
            )
        except IntegrityError:
            raise RegistrationConflict from None
        invitation_ids = [invitation.pk for invitation in invitations]
        ids.update(
            (invitee.email.lower(), pk)
            for (_index, invitee), pk in zip(own_rows, invitation_ids, strict=True)
        )
        transaction.on_commit(
            lambda: invitations_registered.send_robust(
                sender=Invitation, conference=conference, invitation_ids=invitation_ids
            )
        )
    if organization is not None:
        _partner_rows_save(organization, [(ids[e.email.lower()], e) for _i, e in valid])
    accepted = [AcceptedRow(index=i, invitation_id=ids[e.email.lower()]) for i, e in valid]
    return RegistrationResult(accepted=accepted, refused=refused)


def _partner_rows_save(organization: Organization, rows: list[tuple[int, Invitee]]) -> None:
    """Record or update what `organization` sent for each of these invitations."""
    existing = {
        row.invitation_id: row
        for row in PartnerRegistration.objects.filter(
            organization_by=organization, invitation_id__in=[pk for pk, _e in rows]
        )
    }
    fields = ["name", "email", "organization", "position", "language", "timezone"]
    new, changed = {}, []
    for pk, invitee in rows:
        values = {
            "name": invitee.name.strip(),
            "email": invitee.email.strip(),
            "organization": invitee.organization.strip(),
            "position": invitee.position.strip(),
            "language": invitee.language,
            "timezone": invitee.timezone,
        }
        row = existing.get(pk)
        if row is None:
            # The last of two rows for one person in a batch wins, as in invitations_add.
            new[pk] = PartnerRegistration(invitation_id=pk, organization_by=organization, **values)
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
    PartnerRegistration.objects.bulk_create(new.values(), batch_size=1000)
    PartnerRegistration.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=1000)


def _rows_split(rows: Sequence) -> tuple[list[tuple[int, Invitee]], list[RowError]]:
    """The valid rows as (index, invitee), and the faults of the others."""
    invitees, errors = invitee_rows_validate(list(rows))
    faulty = {error.index for error in errors}
    indexes = [index for index in range(len(rows)) if index not in faulty]
    return list(zip(indexes, invitees, strict=True)), list(errors)


def _invitations_taken(
    conference: Conference, organization: Organization | None, invitees: list[Invitee]
) -> dict[str, int]:
    """{lower-cased email: invitation id} of those among `invitees` someone else invited."""
    return dict(
        Invitation.objects.filter(
            conference=conference, email_lower__in=[i.email.lower() for i in invitees]
        )
        .exclude(source=Invitation.Source.REGISTRATION, registered_by=organization)
        .values_list("email_lower", "pk")
    )
