"""Large invitation CSV files, added by a worker with their progress shown to staff.

A file up to settings.CSV_BACKGROUND_MIN_BYTES is read in the request as before
(invitations.invitations_from_csv). A larger one (still within CSV_UPLOAD_MAX_BYTES and
CSV_MAX_ROWS) is stored as an InvitationImport and read by a task: all its rows are checked
first, so a refused file adds nobody, then added in chunks of CHUNK_ROWS, each committed with
the count done, so the dashboard can show how far it got. invitations_add is idempotent by
email, so a worker killed mid-file and the task delivered again adds nobody twice.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from elyurt.celery import task_after_commit, task_wake

from .invitations import _require_scheduled, invitations_add
from .invitees import invitees_from_csv
from .models import Conference, Invitation, InvitationImport

logger = logging.getLogger(__name__)

Status = InvitationImport.Status
CHUNK_ROWS = 2000

# from: to. A running import may run again (the task delivered again after a killed worker).
TRANSITIONS = {
    Status.QUEUED: {Status.RUNNING, Status.FAILED},
    Status.RUNNING: {Status.RUNNING, Status.DONE, Status.FAILED},
}


@transaction.atomic
def invitation_import_start(*, conference: Conference, file, by=None) -> InvitationImport:
    """Store an uploaded file (a file object or bytes) for the worker and queue its import
    after the commit. The caller has bounded its size (the dashboard form).

    Raises ValidationError on `conference` unless it is scheduled."""
    conference = _require_scheduled(conference)
    content = file.read() if hasattr(file, "read") else bytes(file)
    job = InvitationImport.objects.create(
        conference=conference,
        filename=str(getattr(file, "name", "") or "")[:255],
        content=content,
        created_by=by if getattr(by, "pk", None) else None,
    )
    from .tasks import import_invitations_task

    task_after_commit(import_invitations_task, import_id=job.pk)
    return job


def _status_set(job: InvitationImport, status: str, **fields) -> bool:
    """The one place an import's status changes; False if `job` is no longer where it was."""
    if status not in TRANSITIONS.get(job.status, ()):
        return False
    if status in (Status.DONE, Status.FAILED):
        fields.setdefault("finished_at", timezone.now())
        fields.setdefault("content", b"")  # the people's data is in the invitations now
    moved = InvitationImport.objects.filter(pk=job.pk, status=job.status).update(
        status=status, **fields
    )
    if moved:
        job.status = status
        for name, value in fields.items():
            setattr(job, name, value)
    return bool(moved)


def invitation_import_run(*, import_id: int) -> InvitationImport | None:
    """Check the whole file, then add its people chunk by chunk. Returns the import, None when
    there is none (deleted) or it has finished already."""
    job = (
        InvitationImport.objects.select_related("conference", "created_by")
        .filter(pk=import_id)
        .first()
    )
    if job is None or job.finished:
        return None
    try:
        invitees = invitees_from_csv(file=bytes(job.content))
    except ValidationError as exc:
        _status_set(job, Status.FAILED, errors=exc.message_dict.get("file", exc.messages))
        return job
    _status_set(job, Status.RUNNING, rows_total=len(invitees), rows_done=0)
    try:
        for start in range(0, len(invitees), CHUNK_ROWS):
            chunk = invitees[start : start + CHUNK_ROWS]
            with transaction.atomic():
                invitations_add(
                    conference=job.conference,
                    invitees=chunk,
                    source=Invitation.Source.CSV,
                    by=job.created_by,
                    send=False,
                )
                InvitationImport.objects.filter(pk=job.pk).update(rows_done=start + len(chunk))
    except ValidationError as exc:  # the conference stopped being scheduled meanwhile
        _status_set(job, Status.FAILED, errors=exc.messages)
        return job
    _status_set(job, Status.DONE, rows_done=len(invitees))
    return job


def invitation_imports_requeue(*, now: datetime.datetime | None = None) -> int:
    """Queue again the imports still queued after INVITATIONS_REQUEUE_AFTER_SECONDS (their
    message lost with a broker); a running one is the broker's to deliver again (acks_late)."""
    from .tasks import import_invitations_task

    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.INVITATIONS_REQUEUE_AFTER_SECONDS)
    ids = list(
        InvitationImport.objects.filter(status=Status.QUEUED, created_at__lt=stale).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        task_wake(import_invitations_task, import_id=pk)
    return len(ids)
