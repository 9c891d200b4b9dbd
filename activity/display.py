"""An entry as staff read it: who acted, and what they did as one translated phrase.

Choice labels (statuses, roles, sources) and field names come from the target's model, so
this module imports none of the apps whose rows it describes.
"""

from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import IMPORT, SCHEDULER, ZOOM, Action, ActivityLog

# The stored labels of actors that are not users, as staff read them.
NAMED_ACTORS = {SCHEDULER: gettext_lazy("scheduler"), IMPORT: gettext_lazy("import"), ZOOM: "Zoom"}
MISSING = "—"


def activity_who(entry: ActivityLog) -> str:
    """The user's username, the named actor, or "system"."""
    if entry.actor is not None:
        return entry.actor.get_username()
    if entry.actor_label:
        return str(NAMED_ACTORS.get(entry.actor_label, entry.actor_label))
    return _("system")


def _model(entry: ActivityLog):
    return entry.content_type.model_class()


def _field(model, *path: str):
    """The field at `path` from `model`, following relations; None if there is none."""
    field = None
    for name in path:
        if model is None:
            return None
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        model = field.related_model
    return field


def _choice(entry: ActivityLog, value, *path: str) -> str:
    """The label of the stored code `value` of the target's choice field at `path`."""
    if value in (None, ""):
        return MISSING
    field = _field(_model(entry), *path)
    labels = dict(field.flatchoices) if field is not None and field.choices else {}
    return str(labels.get(value, value))


def _names(entry: ActivityLog, names) -> str:
    """The target's field names as their verbose names, in the order given."""
    model = _model(entry)
    labels = []
    for name in names or ():
        field = _field(model, name)
        if field is None:
            labels.append(name)
        elif hasattr(field, "verbose_name"):
            labels.append(str(field.verbose_name))
        else:  # a reverse relation: the agenda's presentations
            labels.append(str(field.related_model._meta.verbose_name_plural))
    return ", ".join(labels) or MISSING


def _time(value) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return value or MISSING
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return dateformat.format(moment, "Y-m-d H:i")


def _status(entry: ActivityLog) -> str:
    d = entry.data
    return _("Status changed from %(from)s to %(to)s") % {
        "from": _choice(entry, d.get("from"), "status"),
        "to": _choice(entry, d.get("to"), "status"),
    }


def _moved(entry: ActivityLog) -> str:
    d = entry.data
    text = _("Moved from %(from)s to %(to)s") % {
        "from": _time(d.get("from")),
        "to": _time(d.get("to")),
    }
    others = [name for name in d.get("changed", []) if name != "starts_at"]
    if others:
        text += "; " + _("also changed: %(fields)s") % {"fields": _names(entry, others)}
    return text


def _experts(entry: ActivityLog) -> str:
    added, removed = len(entry.data.get("added", [])), len(entry.data.get("removed", []))
    return _("Experts who took part: %(added)d added, %(removed)d removed") % {
        "added": added,
        "removed": removed,
    }


def _sent(entry: ActivityLog) -> str:
    count = entry.data.get("count", 0)
    return ngettext(
        "%(count)d invitation queued for sending", "%(count)d invitations queued for sending", count
    ) % {"count": count}


def _resent(entry: ActivityLog) -> str:
    count = entry.data.get("count", 0)
    return ngettext(
        "%(count)d failed message sent again", "%(count)d failed messages sent again", count
    ) % {"count": count}


def _attendance(entry: ActivityLog) -> str:
    count = entry.data.get("count", 0)
    return ngettext(
        "Participant report imported: %(count)d person",
        "Participant report imported: %(count)d people",
        count,
    ) % {"count": count}


def _invited(entry: ActivityLog) -> str:
    count = entry.data.get("count", 0)
    return ngettext(
        "%(count)d person invited (%(source)s)", "%(count)d people invited (%(source)s)", count
    ) % {
        "count": count,
        "source": _choice(entry, entry.data.get("source"), "invitations", "source"),
    }


def _release_status(entry: ActivityLog) -> str:
    text = _status(entry)
    if entry.data.get("scheduled"):
        text += " " + _("(as scheduled)")
    return text


def _redrafted(entry: ActivityLog) -> str:
    if entry.data.get("applied"):
        return _("Drafted again as version %(version)s; the texts follow it") % {
            "version": entry.data.get("version", MISSING)
        }
    return _("Drafted again as version %(version)s; the edited texts are kept") % {
        "version": entry.data.get("version", MISSING)
    }


def _membership_added(entry: ActivityLog) -> str:
    d = entry.data
    values = {
        "council": d.get("council") or MISSING,
        "role": _choice(entry, d.get("role"), "role"),
        "start": d.get("start_date") or MISSING,
        "end": d.get("end_date"),
    }
    if values["end"]:
        return _("Term on %(council)s added: %(role)s from %(start)s to %(end)s") % values
    return _("Term on %(council)s added: %(role)s from %(start)s") % values


def _membership_ended(entry: ActivityLog) -> str:
    d = entry.data
    return _("Term on %(council)s ends on %(date)s (was %(previous)s)") % {
        "council": d.get("council") or MISSING,
        "date": d.get("to") or MISSING,
        "previous": d.get("from") or _("open-ended"),
    }


def _changed(entry: ActivityLog) -> str:
    return _("Changed: %(fields)s") % {"fields": _names(entry, entry.data.get("changed"))}


def _spelling(entry: ActivityLog) -> dict[str, str]:
    return {
        "cyrillic": entry.data.get("cyrillic") or MISSING,
        "latin": entry.data.get("latin") or MISSING,
    }


PHRASES: dict[str, Callable[[ActivityLog], str]] = {
    Action.CONFERENCE_CREATED: lambda entry: _("Conference created"),
    Action.CONFERENCE_UPDATED: _changed,
    Action.CONFERENCE_MOVED: _moved,
    Action.CONFERENCE_STATUS_CHANGED: _status,
    Action.CONFERENCE_PROGRAM_CHANGED: lambda entry: (
        _("Programme changed: %(fields)s") % {"fields": _names(entry, entry.data.get("changed"))}
    ),
    Action.CONFERENCE_EXPERTS_CHANGED: _experts,
    Action.CONFERENCE_INVITED: _invited,
    Action.CONFERENCE_INVITATIONS_SENT: _sent,
    Action.CONFERENCE_INVITATIONS_RESENT: _resent,
    Action.CONFERENCE_ATTENDANCE_IMPORTED: _attendance,
    Action.INVITATION_WITHDRAWN: lambda entry: (
        _("Invitation of %(name)s withdrawn") % {"name": entry.data.get("name") or MISSING}
    ),
    Action.RELEASE_CREATED: lambda entry: _("Press release drafted"),
    Action.RELEASE_REDRAFTED: _redrafted,
    Action.RELEASE_EDITED: lambda entry: (
        _("Edited, version %(version)s: %(fields)s")
        % {
            "version": entry.data.get("version", MISSING),
            "fields": _names(entry, entry.data.get("changed")),
        }
    ),
    Action.RELEASE_STATUS_CHANGED: _release_status,
    Action.RELEASE_SCHEDULED: lambda entry: (
        _("Publication scheduled for %(time)s") % {"time": _time(entry.data.get("publish_at"))}
    ),
    Action.RELEASE_UNSCHEDULED: lambda entry: (
        _("Publication scheduled for %(time)s cancelled")
        % {"time": _time(entry.data.get("publish_at"))}
    ),
    Action.APIKEY_CREATED: lambda entry: (
        _("API key %(prefix)s created for %(organization)s")
        % {
            "prefix": entry.data.get("prefix") or MISSING,
            "organization": entry.data.get("organization") or MISSING,
        }
    ),
    Action.APIKEY_REVOKED: lambda entry: (
        _("API key %(prefix)s revoked") % {"prefix": entry.data.get("prefix") or MISSING}
    ),
    Action.EXPERT_CREATED: lambda entry: _("Expert added"),
    Action.EXPERT_UPDATED: lambda entry: (
        _("Profile changed: %(fields)s") % {"fields": _names(entry, entry.data.get("changed"))}
    ),
    Action.MEMBERSHIP_ADDED: _membership_added,
    Action.MEMBERSHIP_ENDED: _membership_ended,
    Action.ORGANIZATION_CREATED: lambda entry: _("Organisation added"),
    Action.COUNCIL_CREATED: lambda entry: _("Council added"),
    Action.TEMPLATE_CREATED: lambda entry: _("Release template added"),
    Action.ORGANIZATION_UPDATED: _changed,
    Action.COUNCIL_UPDATED: _changed,
    Action.TEMPLATE_UPDATED: _changed,
    Action.DICTIONARY_ADDED: lambda entry: (
        _("Dictionary entry added: %(cyrillic)s → %(latin)s") % _spelling(entry)
    ),
    Action.DICTIONARY_CHANGED: lambda entry: (
        _("Dictionary entry changed: %(cyrillic)s → %(latin)s") % _spelling(entry)
    ),
    Action.DICTIONARY_DELETED: lambda entry: (
        _("Dictionary entry deleted: %(cyrillic)s → %(latin)s") % _spelling(entry)
    ),
}


def activity_what(entry: ActivityLog) -> str:
    """What was done, as one phrase in the active language (the action's code if unknown)."""
    phrase = PHRASES.get(entry.action)
    return phrase(entry) if phrase is not None else entry.action
