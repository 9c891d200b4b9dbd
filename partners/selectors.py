"""Reads for partner API keys and partners' registrations."""

from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery

from conferences.models import Conference, Invitation

from .models import ApiKey
from .services import api_key_hash


def api_key_by_raw(raw: str) -> ApiKey | None:
    """The key row for a key in clear (active or not); its organisation loads when used.

    Reads never need the organisation, so it is not joined on every request; get(), not
    first(), for the same reason: first() orders by the model's ordering, a join.
    """
    try:
        return ApiKey.objects.get(key_hash=api_key_hash(raw))
    except ApiKey.DoesNotExist:
        return None


def api_key_list(*, organization=None) -> QuerySet[ApiKey]:
    qs = ApiKey.objects.select_related("organization", "created_by")
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs


# The fields of a registration a partner sees as it sent them.
SENT_FIELDS = ("name", "email", "organization", "position", "language", "timezone")


def registration_list(
    *, conference: Conference, organization_id: int | None = None
) -> QuerySet[Invitation]:
    """Registrations for a conference: one organisation's own, or (None) every one.

    The partner API always passes the caller's organisation: a partner never sees another's.
    Each row carries `attended_flag` and `seconds_present` from the participant reports (None
    when the person is not in them).
    """
    if organization_id is None:
        qs = Invitation.objects.filter(
            conference=conference, source=Invitation.Source.REGISTRATION
        ).order_by("pk")
        return _with_attendance(qs)
    # What this partner sent (PartnerRegistration), over the invitation's own details: a
    # person someone else invited shows as the partner registered them.
    mine = FilteredRelation(
        "partner_registrations",
        condition=Q(partner_registrations__organization_by_id=organization_id),
    )
    return _with_attendance(
        Invitation.objects.filter(conference=conference)
        .annotate(mine=mine)
        .filter(mine__isnull=False)
        .annotate(**{f"sent_{name}": F(f"mine__{name}") for name in SENT_FIELDS})
        .annotate(sent_created_at=F("mine__created_at"), sent_updated_at=F("mine__updated_at"))
        .order_by("pk")
    )


def _with_attendance(qs: QuerySet[Invitation]) -> QuerySet[Invitation]:
    """Each registration with `attended_flag` and `seconds_present` from the participant
    reports (None when the person is not in them), and its conference loaded."""
    from integrations.models import Attendee

    person = Attendee.objects.filter(invitation=OuterRef("pk")).order_by("pk")
    return qs.annotate(
        attended_flag=Subquery(person.values("attended")[:1]),
        seconds_present=Subquery(person.values("total_duration_seconds")[:1]),
    ).select_related("conference")
