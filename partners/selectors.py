"""Reads for partner API keys."""

from django.db.models import QuerySet

from .models import ApiKey
from .services import api_key_hash


def api_key_by_raw(raw: str) -> ApiKey | None:
    """The key row for a key in clear (active or not), with its organisation loaded."""
    return ApiKey.objects.select_related("organization").filter(key_hash=api_key_hash(raw)).first()


def api_key_list(*, organization=None) -> QuerySet[ApiKey]:
    qs = ApiKey.objects.select_related("organization", "created_by")
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs
