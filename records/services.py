"""Writes for meeting records. The status changes in record_set_status and nowhere else."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activity.models import Action
from activity.services import activity_record
from conferences.models import Conference
from elyurt.text import text_clean
from experts.models import Language
from experts.selectors import council_current_members
from mailing.services import letters_queue

from .docx import record_docx
from .models import PARTS, MeetingRecord, MeetingRecordVersion
from .selectors import record_facts

Status = MeetingRecord.Status

# Approved is not final: an edit after approval takes the record back to draft, to be approved
# (and mailed) again.
ALLOWED_TRANSITIONS = {
    Status.DRAFT: {Status.APPROVED},
    Status.APPROVED: {Status.DRAFT},
}


def _version_add(*, record: MeetingRecord, source: str, by=None) -> MeetingRecordVersion:
    last = record.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return MeetingRecordVersion.objects.create(
        record=record,
        number=last + 1,
        source=source,
        parts={part: getattr(record, part) for part in PARTS},
        by=by if getattr(by, "pk", None) else None,
    )


@transaction.atomic
def record_draft(*, conference: Conference, by=None) -> MeetingRecord | None:
    """Draft the record of a held conference from its facts (records.selectors.record_facts);
    version 1. A conference that already has a record keeps it (the secretary's edits are
    never overwritten): it is returned as it is. None for a conference that is not held."""
    locked = Conference.objects.select_for_update().get(pk=conference.pk)
    if locked.status != Conference.Status.HELD:
        return None
    existing = MeetingRecord.objects.filter(conference=locked).first()
    if existing is not None:
        return existing
    record = MeetingRecord.objects.create(conference=locked, **record_facts(conference=locked))
    _version_add(record=record, source=MeetingRecordVersion.Source.DRAFT, by=by)
    activity_record(action=Action.RECORD_CREATED, target=record, by=by)
    return record


@transaction.atomic
def record_set_status(*, record: MeetingRecord, status: str, by=None) -> MeetingRecord:
    """Move the record to `status` if allowed; approving stamps who and when. Raises
    ValidationError naming `status` otherwise."""
    locked = MeetingRecord.objects.select_for_update().get(pk=record.pk)
    if status not in ALLOWED_TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            {
                "status": _("A meeting record cannot go from %(current)s to %(target)s.")
                % {"current": locked.status, "target": status}
            }
        )
    approved = status == Status.APPROVED
    fields = {
        "status": status,
        "approved_at": timezone.now() if approved else None,
        "approved_by": by if approved and getattr(by, "pk", None) else None,
        "updated_at": timezone.now(),
    }
    MeetingRecord.objects.filter(pk=record.pk).update(**fields)
    for name, value in fields.items():
        setattr(record, name, value)
    if approved:
        version = record.versions.order_by("-number").values_list("number", flat=True).first()
        activity_record(
            action=Action.RECORD_APPROVED, target=record, by=by, data={"version": version}
        )
    return record


@transaction.atomic
def record_edit(*, record: MeetingRecord, by=None, **parts: str) -> set[str]:
    """Save the secretary's text of the given parts (models.PARTS); returns the names changed.

    Text is cleaned once here (elyurt.text). A change makes a new version and takes an
    approved record back to draft. Raises ValidationError naming the part for text that is
    not text, or for a part that does not exist; nothing is saved then.
    """
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise ValidationError({unknown[0]: _("A meeting record has no such part.")})
    clean = {name: text_clean(value, field=name, multiline=True) for name, value in parts.items()}
    locked = MeetingRecord.objects.select_for_update().get(pk=record.pk)
    changed = {name for name, value in clean.items() if getattr(locked, name) != value}
    if not changed:
        return set()
    for name in changed:
        setattr(locked, name, clean[name])
    locked.save(update_fields=[*sorted(changed), "updated_at"])
    version = _version_add(record=locked, source=MeetingRecordVersion.Source.EDIT, by=by)
    activity_record(
        action=Action.RECORD_EDITED,
        target=locked,
        by=by,
        data={"changed": sorted(changed), "version": version.number},
    )
    if locked.status == Status.APPROVED:
        record_set_status(record=locked, status=Status.DRAFT, by=by)
    record.refresh_from_db()
    return changed


def _reader_script(expert) -> str:
    return "latn" if expert.preferred_language == Language.UZ_LATN else "cyrl"


@transaction.atomic
def record_mail(*, record: MeetingRecord, by=None) -> int:
    """Queue the approved record to every current member of the council with an email, as a
    .docx in the member's script, through the general outbox (mailing). Idempotent per
    version: mailing the same approved text again queues nothing. Returns the letters queued.
    Raises ValidationError naming `status` unless the record is approved."""
    locked = MeetingRecord.objects.select_for_update().get(pk=record.pk)
    if locked.status != Status.APPROVED:
        raise ValidationError({"status": _("Only an approved meeting record can be mailed.")})
    version = locked.versions.order_by("-number").values_list("number", flat=True).first()
    conference = locked.conference
    members = council_current_members(council=conference.council).exclude(email="")
    documents = {script: record_docx(record=locked, script=script) for script in ("cyrl", "latn")}
    letters = []
    for member in members.order_by("pk"):
        script = _reader_script(member)
        language = str(member.preferred_language).lower()
        with translation.override(language):
            subject = _("Record of the meeting: %(title)s") % {"title": conference.title}
            text = _(
                "Dear %(name)s,\n\nthe approved record of the meeting “%(title)s” of "
                "%(date)s is attached.\n"
            ) % {
                "name": member.full_name,
                "title": conference.title,
                "date": timezone.localtime(conference.starts_at).date().isoformat(),
            }
        letters.append(
            {
                "key": f"record:{locked.pk}:v{version}:expert:{member.pk}",
                "to_email": member.email,
                "to_name": member.full_name,
                "language": language,
                "subject": subject,
                "text": text,
                "attachments": [
                    (
                        f"record-{conference.external_id}-{script}.docx",
                        documents[script],
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    )
                ],
                "source": locked,
            }
        )
    queued = letters_queue(letters)
    if queued:
        activity_record(
            action=Action.RECORD_MAILED, target=locked, by=by, data={"count": len(queued)}
        )
    return len(queued)
