"""Shared by the invitation commands: find a conference, turn ValidationError into a message."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from conferences.models import Conference


def conference_by_external_id(external_id: str) -> Conference:
    try:
        return Conference.objects.get(external_id=external_id)
    except Conference.DoesNotExist:
        raise CommandError(_("No conference with external id %r.") % external_id) from None


def validation_lines(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {m}" for field, msgs in exc.message_dict.items() for m in msgs]
    return list(exc.messages)
