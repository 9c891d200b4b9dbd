"""Reads for partner API keys and partners' registrations."""

from django.db.models import QuerySet

from conferences.models import Conference, Invitation

from .models import ApiKey
from .services import api_key_hash


def api_key_by_raw(raw: str) -> ApiKey | None:
    """The key row for a key in clear (active or not), with its organisation loaded."""
    # get(), not first(): first() would order by the model's ordering, a join on every request.
    try:
        return ApiKey.objects.select_related("organization").get(key_hash=api_key_hash(raw))
    except ApiKey.DoesNotExist:
        return None


def api_key_list(*, organization=None) -> QuerySet[ApiKey]:
    qs = ApiKey.objects.select_related("organization", "created_by")
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs


def registration_list(*, conference: Conference, organization=None) -> QuerySet[Invitation]:
    """Registrations for a conference: one organisation's own, or (None) every one.

    The partner API always passes the caller's organisation: a partner never sees another's.
    """
    qs = Invitation.objects.filter(
        conference=conference, source=Invitation.Source.REGISTRATION
    ).order_by("pk")
    if organization is not None:
        qs = qs.filter(registered_by=organization)
    return qs
