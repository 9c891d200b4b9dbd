"""The one writer of the activity log. Services that take `by=` call it inside their own
transaction, once per change they make, and never for a call that changed nothing."""

import datetime
import json

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import Action, ActivityLog

LABEL_MAX = ActivityLog._meta.get_field("actor_label").max_length


def activity_actor(by) -> tuple[models.Model | None, str]:
    """(user or None, label) for a service's `by`.

    `by` is a User (its username is kept as the label), an anonymous user or None (the system:
    no user, no label), a string naming an actor that is not a user (activity.models.SCHEDULER,
    IMPORT, ZOOM), or another row acting (a partner's ApiKey), named by its str().
    """
    if by is None or getattr(by, "is_anonymous", False):
        return None, ""
    if isinstance(by, str):
        return None, by[:LABEL_MAX]
    if isinstance(by, get_user_model()):
        return by, by.get_username()[:LABEL_MAX]
    if isinstance(by, models.Model):
        return None, str(by)[:LABEL_MAX]
    raise TypeError(f"cannot tell who acted from {by!r}")


def activity_record_save(*, target: models.Model, created: str, updated: str, by=None) -> None:
    """Save `target`, a row edited in a form, and log it: `created` for a new row, else
    `updated` naming the concrete fields that differ from the row as stored before the save
    (nothing when none does). Keys derived from other fields and timestamps are not named.
    Call it inside the service's transaction, after validating."""
    stored = type(target).objects.filter(pk=target.pk).first() if target.pk else None
    target.save()
    if stored is None:
        activity_record(action=created, target=target, by=by)
        return
    derived = {"id", "name_key", "created_at", "updated_at"}
    changed = sorted(
        field.name
        for field in type(target)._meta.concrete_fields
        if field.name not in derived
        and field.value_from_object(stored) != field.value_from_object(target)
    )
    if changed:
        activity_record(action=updated, target=target, by=by, data={"changed": changed})


def activity_iso(value: datetime.date | None) -> str | None:
    """A date or time as `data` holds it: ISO 8601, an aware time in UTC; None stays None."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return None if value is None else value.isoformat()


def activity_record(
    *, action: str, target: models.Model, by=None, data: dict | None = None
) -> ActivityLog:
    """Record that `by` did `action` to `target` (a saved row), now.

    `action` is one of activity.models.Action; `data` holds plain JSON values only (text,
    numbers, booleans, None, lists, dicts; times as ISO strings), as Action's table lists per
    action: anything else raises TypeError rather than being stored as something else. Call it
    inside the transaction of the change, so the entry and the change commit together.
    """
    if action not in Action.values:
        raise ValueError(f"unknown action {action!r}")
    if target.pk is None:
        raise ValueError("the target must be saved first")
    data = data or {}
    json.dumps(data)  # TypeError for a value that is not plain JSON
    actor, label = activity_actor(by)
    return ActivityLog.objects.create(
        actor=actor,
        actor_label=label,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        data=data,
    )
