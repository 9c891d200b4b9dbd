"""Reads for partner API keys and partners' registrations."""

from django.db.models import OuterRef, QuerySet, Subquery

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


def registration_list(
    *, conference: Conference, organization_id: int | None = None
) -> QuerySet[Invitation]:
    """Registrations for a conference: one organisation's own, or (None) every one.

    The partner API always passes the caller's organisation: a partner never sees another's.
    Each row carries `attended_flag` and `seconds_present` from the participant reports (None
    when the person is not in them).
    """
    from integrations.models import Attendee

    person = Attendee.objects.filter(invitation=OuterRef("pk")).order_by("pk")
    qs = (
        Invitation.objects.filter(conference=conference, source=Invitation.Source.REGISTRATION)
        .annotate(
            attended_flag=Subquery(person.values("attended")[:1]),
            seconds_present=Subquery(person.values("total_duration_seconds")[:1]),
        )
        .select_related("conference")
        .order_by("pk")
    )
    if organization_id is not None:
        qs = qs.filter(registered_by_id=organization_id)
    return qs
