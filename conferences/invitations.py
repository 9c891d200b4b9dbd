"""Writes for invitations: inviting people, sending, resending, withdrawing, answering, and
what a change of the conference must mail to those invited.

Every message a person must get is first recorded in the outbox (outbox.py) in the same
transaction as the change that calls for it; delivery.py sends it after the commit. Who is
invited comes from invitees.py (rows, CSV); the answer link's token from tokens.py; reminders
are recorded by reminders.py.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import Action
from activity.services import activity_record
from experts.models import Expert
from experts.selectors import council_current_members

from . import outbox
from .invitees import Invitee, invitees_from_csv
from .models import Conference, Invitation, OutboundMessage
from .tokens import invitation_by_token, new_token_fields

Kind = OutboundMessage.Kind
State = OutboundMessage.State


def _require_scheduled(conference: Conference) -> Conference:
    locked = Conference.objects.select_for_update().get(pk=conference.pk)
    if locked.status != Conference.Status.SCHEDULED:
        raise ValidationError(
            {
                "conference": _("Only a scheduled conference takes invitations (this one is %s).")
                % locked.get_status_display()
            }
        )
    return locked


def _active(conference: Conference):
    return Invitation.objects.filter(conference=conference, cancelled_at__isnull=True)


def _reached(qs):
    """Invitations that got (or may have got) a message, so an update or cancellation matters."""
    return qs.filter(messages__state__in=[State.SENT, State.SENDING]).distinct()


# --- services ----------------------------------------------------------------------------------


def _log_count(action: str, conference: Conference, by, count: int, source: str = "") -> None:
    """Log `action` with how many people or messages it concerned; nothing when none."""
    if count:
        data = {"source": source, "count": count} if source else {"count": count}
        activity_record(action=action, target=conference, by=by, data=data)


@transaction.atomic
def invitations_add(
    *,
    conference: Conference,
    invitees: list[Invitee],
    source: str,
    registered_by=None,
    by=None,
    send: bool = True,
) -> list[Invitation]:
    """Invite people; idempotent by email (case-insensitive): a known person is updated.

    Returns one invitation per invitee, in order. Raises ValidationError on `conference` unless
    it is scheduled. With `send`, the invitation mail of everyone not yet mailed is queued and
    goes out after the commit.
    """
    if source not in Invitation.Source.values:
        raise ValueError(f"unknown source {source!r}")
    conference = _require_scheduled(conference)
    keys = [invitee.email.strip().lower() for invitee in invitees]
    existing = {
        inv.email_lower: inv
        for inv in Invitation.objects.filter(conference=conference, email_lower__in=keys)
    }
    experts = {
        e.email.lower(): e
        for e in Expert.objects.annotate(email_folded=Lower("email")).filter(email_folded__in=keys)
    }
    result: list[Invitation] = []
    to_create: list[Invitation] = []
    changed: list[Invitation] = []
    reactivated: list[Invitation] = []
    for invitee, key in zip(invitees, keys, strict=True):
        fields = {
            "name": invitee.name.strip(),
            "organization": invitee.organization.strip(),
            "position": invitee.position.strip(),
            "language": invitee.language,
            "timezone": invitee.timezone,
        }
        invitation = existing.get(key)
        if invitation is not None and invitation.pk is None:
            # The same person twice in one call: the later row wins, still one invitation.
            for name, value in fields.items():
                setattr(invitation, name, value)
        elif invitation is None:
            invitation = Invitation(
                conference=conference,
                email=invitee.email.strip(),
                email_lower=key,
                source=source,
                registered_by=registered_by,
                expert=experts.get(key),
                **fields,
                **new_token_fields(),
            )
            # Uniqueness is the database's job (and the conference row is locked): no query per row.
            invitation.full_clean(
                exclude=["conference", "expert", "registered_by", "token_hash"],
                validate_unique=False,
                validate_constraints=False,
            )
            to_create.append(invitation)
            existing[key] = invitation
        else:
            dirty = [name for name, value in fields.items() if getattr(invitation, name) != value]
            if invitation.cancelled_at is not None:
                invitation.cancelled_at = None
                dirty.append("cancelled_at")
                reactivated.append(invitation)
            if invitation.expert_id is None and key in experts:
                invitation.expert = experts[key]
                dirty.append("expert")
            if dirty:
                for name in fields:
                    setattr(invitation, name, fields[name])
                invitation.full_clean(
                    exclude=["conference", "expert", "registered_by", "token_hash"],
                    validate_unique=False,
                    validate_constraints=False,
                )
                changed.append(invitation)
        result.append(invitation)
    Invitation.objects.bulk_create(to_create, batch_size=500)
    if changed:
        Invitation.objects.bulk_update(
            changed,
            ["name", "organization", "position", "language", "timezone", "cancelled_at", "expert"],
            batch_size=500,
        )
    _log_count(Action.CONFERENCE_INVITED, conference, by, len(to_create) + len(changed), source)
    if send:
        _invitations_queue(
            conference=conference,
            invitations=_active(conference).filter(pk__in=[inv.pk for inv in result]),
            reactivated=reactivated,
        )
    return result


def _invitations_queue(*, conference: Conference, invitations, reactivated=()) -> list[int]:
    """Queue the invitation mail of these people where none is on its way or delivered.

    A withdrawn invitation's unsent mail was skipped; it goes out again. Someone mailed, then
    withdrawn (and sent a CANCEL), then invited again needs a REQUEST with a higher SEQUENCE
    than the CANCEL, so the conference's sequence is raised for them.
    """
    # A withdrawal's CANCEL still waiting would now tell the opposite of the truth.
    outbox.cancellations_retract(
        invitations=Invitation.objects.filter(pk__in=[inv.pk for inv in reactivated])
    )
    revived = outbox.messages_revive(invitations=invitations)
    queued = outbox.messages_record(
        invitations=list(invitations.exclude(messages__kind=Kind.INVITATION)),
        kind=Kind.INVITATION,
        sequence=conference.sequence,
    )
    again = [
        inv
        for inv in Invitation.objects.filter(
            pk__in=[inv.pk for inv in reactivated],
            messages__kind=Kind.CANCELLATION,
            messages__state__in=[State.SENT, State.SENDING],
        ).distinct()
    ]
    if again:
        queued += outbox.messages_record(
            invitations=again, kind=Kind.INVITATION, sequence=_sequence_raise(conference)
        )
    return revived + queued


def invitations_from_council(*, conference: Conference, by=None, send: bool = True):
    """Invite the council's current members, each in their own language and time zone."""
    members = council_current_members(council=conference.council).exclude(email="")
    invitees = [
        Invitee(
            name=m.full_name,
            email=m.email,
            organization=m.organization.name if m.organization else "",
            position=m.position,
            language=m.preferred_language,
            timezone=m.time_zone,
        )
        for m in members
    ]
    return invitations_add(
        conference=conference,
        invitees=invitees,
        source=Invitation.Source.COUNCIL,
        by=by,
        send=send,
    )


def invitations_from_csv(*, conference: Conference, file, by=None, send: bool = True):
    """Invite everyone in a CSV file, all or nothing: see invitees_from_csv for the format and
    the errors; a refused file imports nobody."""
    invitees = invitees_from_csv(file=file)
    return invitations_add(
        conference=conference, invitees=invitees, source=Invitation.Source.CSV, by=by, send=send
    )


@transaction.atomic
def invitations_send(*, conference: Conference, by=None) -> int:
    """Queue the invitation mail of everyone not yet mailed; wake pending ones. Safe to repeat.

    Returns how many messages are waiting to go out.
    """
    conference = _require_scheduled(conference)
    new = _invitations_queue(conference=conference, invitations=_active(conference))
    # Rows already waiting (their task may be lost): wake them too, without queueing twice.
    waiting = list(
        OutboundMessage.objects.filter(invitation__conference=conference, state=State.PENDING)
        .exclude(pk__in=new)
        .values_list("pk", flat=True)
    )
    outbox.messages_queue(message_ids=waiting)
    count = len(new) + len(waiting)
    _log_count(Action.CONFERENCE_INVITATIONS_SENT, conference, by, count)
    return count


@transaction.atomic
def invitations_resend_failed(*, conference: Conference, by=None) -> int:
    """Give failed messages a fresh set of attempts (after staff fixed an address or the relay).
    Returns how many go out again."""
    count = len(outbox.messages_retry_failed(invitations=_active(conference)))
    _log_count(Action.CONFERENCE_INVITATIONS_RESENT, conference, by, count)
    return count


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, by=None) -> Invitation:
    """Withdraw one invitation: unsent mail is dropped, a person already mailed gets a
    calendar cancellation with a SEQUENCE above every one mailed so far (the conference's is
    raised). Cancelling twice changes nothing."""
    invitation = (
        Invitation.objects.select_for_update().select_related("conference").get(pk=invitation.pk)
    )
    if invitation.cancelled_at is not None:
        return invitation
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at", "updated_at"])
    outbox.messages_skip(invitations=Invitation.objects.filter(pk=invitation.pk))
    reached = list(_reached(Invitation.objects.filter(pk=invitation.pk)))
    if reached:
        # Above the REQUEST this person holds: a CANCEL with the same SEQUENCE is ignored.
        outbox.messages_record(
            invitations=reached,
            kind=Kind.CANCELLATION,
            sequence=_sequence_raise(invitation.conference),
        )
    activity_record(
        action=Action.INVITATION_WITHDRAWN, target=invitation, by=by, data={"name": invitation.name}
    )
    return invitation


@transaction.atomic
def invitation_answer(*, token: str, answer: str, external_id: str | None = None) -> Invitation:
    """Record accept or decline from the personal link; a person may change their mind until
    the start. Raises InvalidToken for a link that is not (or no longer) valid and
    ValidationError on `answer` for anything but accepted/declined."""
    if answer not in (Invitation.Answer.ACCEPTED, Invitation.Answer.DECLINED):
        raise ValidationError({"answer": _("Choose accept or decline.")})
    invitation = invitation_by_token(token=token, external_id=external_id)
    invitation = (
        Invitation.objects.select_for_update().select_related("conference").get(pk=invitation.pk)
    )
    if invitation.answer != answer:
        invitation.answer = answer
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["answer", "answered_at", "updated_at"])
    return invitation


# --- reacting to conference changes (called by receivers.py) ----------------------------------


def _sequence_raise(conference: Conference) -> int:
    """The next calendar SEQUENCE: above the stored one and above any already mailed, since a
    save from a stale copy of the conference may have written an older number back."""
    stored = (
        Conference.objects.select_for_update()
        .values_list("sequence", flat=True)
        .get(pk=conference.pk)
    )
    mailed = OutboundMessage.objects.filter(invitation__conference=conference).aggregate(
        top=Max("sequence")
    )["top"]
    conference.sequence = max(stored, mailed or 0) + 1
    Conference.objects.filter(pk=conference.pk).update(sequence=conference.sequence)
    return conference.sequence


def on_conference_change(*, conference: Conference, changed: set, by=None) -> None:
    """A scheduled conference moved, got a new link or a new agenda: calendar UPDATE to
    everyone mailed, since the entry they hold shows all of it (the agenda in its description).

    People whose invitation is still waiting get the new data in it, rendered at send time.
    """
    from .services import CALENDAR_FIELDS

    if not changed & CALENDAR_FIELDS or conference.status != Conference.Status.SCHEDULED:
        return
    sequence = _sequence_raise(conference)
    outbox.messages_record(
        invitations=list(_reached(_active(conference))), kind=Kind.UPDATE, sequence=sequence
    )


def on_conference_status(*, conference: Conference, previous: str, by=None) -> None:
    """Cancelling or scheduling again reaches everyone invited; see the two functions below."""
    if conference.status == Conference.Status.CANCELLED and previous == Conference.Status.SCHEDULED:
        _conference_cancelled(conference)
    elif conference.status == Conference.Status.SCHEDULED and previous == Conference.Status.DRAFT:
        _conference_reinstated(conference)


def _conference_cancelled(conference: Conference) -> None:
    """A cancelled conference: calendar CANCEL to everyone mailed; unsent mail is dropped."""
    sequence = _sequence_raise(conference)
    outbox.messages_skip(invitations=Invitation.objects.filter(conference=conference))
    outbox.messages_record(
        invitations=list(_reached(_active(conference))),
        kind=Kind.CANCELLATION,
        sequence=sequence,
    )


def _conference_reinstated(conference: Conference) -> None:
    """A cancelled conference scheduled again (staff reopen it as a draft, then schedule it):
    everyone still invited who was mailed gets a calendar REQUEST with a SEQUENCE above the
    CANCEL's, saying it takes place after all, with the details as they are now (they may
    have changed while it was a draft). Those whose invitation the cancellation dropped unsent
    get that invitation now. A first scheduling has no invitations and sends nothing.
    """
    active = _active(conference)
    # A cancellation still waiting to go out (or failed, to be resent) would now tell the
    # opposite of the truth.
    outbox.cancellations_retract(invitations=active)
    reached = list(_reached(active))
    if reached:
        outbox.messages_record(
            invitations=reached, kind=Kind.REINSTATEMENT, sequence=_sequence_raise(conference)
        )
    outbox.messages_revive(invitations=active.exclude(pk__in=[inv.pk for inv in reached]))
