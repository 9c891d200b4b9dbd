"""Every write to recommendations: making them, editing, publishing, sending and the one
function that changes a recommendation's status (`recommendation_set_status`)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import Action
from activity.services import activity_iso, activity_record
from conferences.models import Conference
from elyurt.text import text_clean
from experts.models import Council, Organization
from regulations.models import Draft
from regulations.selectors import review_council
from transliteration import in_script

from . import mail
from .models import AnswerLink, Recommendation, Script
from .selectors import organization_contacts
from .tokens import new_token_fields

Status = Recommendation.Status

# Which status may follow which. An addressee may change its answer (accepted, partly accepted,
# rejected) until it is implemented; implemented is final. The chain: proposed → sent →
# accepted / partly accepted / rejected → implemented (from an acceptance only).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PROPOSED: frozenset({Status.SENT}),
    Status.SENT: frozenset({Status.ACCEPTED, Status.PARTLY_ACCEPTED, Status.REJECTED}),
    Status.ACCEPTED: frozenset({Status.PARTLY_ACCEPTED, Status.REJECTED, Status.IMPLEMENTED}),
    Status.PARTLY_ACCEPTED: frozenset({Status.ACCEPTED, Status.REJECTED, Status.IMPLEMENTED}),
    Status.REJECTED: frozenset({Status.ACCEPTED, Status.PARTLY_ACCEPTED}),
    Status.IMPLEMENTED: frozenset(),
}
# Still waiting for something from the addressee: these are reminded after the due date.
OPEN = (Status.SENT, Status.ACCEPTED, Status.PARTLY_ACCEPTED)
# What an addressee may answer (sending is the council's).
ANSWERS = (Status.ACCEPTED, Status.PARTLY_ACCEPTED, Status.REJECTED, Status.IMPLEMENTED)
TEXT_MAX = Recommendation._meta.get_field("text_cyrl").max_length
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z]")


def text_script(text: str) -> str:
    """The script most of `text`'s letters are in ("cyrl" on a tie)."""
    return Script.LATIN if len(_LATIN.findall(text)) > len(_CYRILLIC.findall(text)) else "cyrl"


def _texts(text, *, field: str = "text") -> dict:
    """The text fields of a recommendation from the text as typed: cleaned, in both scripts."""
    cleaned = text_clean(text, field=field, multiline=True)
    if not cleaned:
        raise ValidationError({field: [_("This field may not be empty.")]})
    if len(cleaned) > TEXT_MAX:
        raise ValidationError({field: [_("At most %(max)d characters.") % {"max": TEXT_MAX}]})
    script = text_script(cleaned)
    other = Script.LATIN if script == Script.CYRILLIC else Script.CYRILLIC
    return {
        "script": script,
        f"text_{script}": cleaned,
        f"text_{other}": in_script(cleaned, other),
    }


def _due(value, *, field: str = "due_on") -> datetime.date:
    if not isinstance(value, datetime.date):
        raise ValidationError({field: [_("Give a date (YYYY-MM-DD).")]})
    return value


@dataclass
class Item:
    """One recommendation to make: its text as typed, the organisation it is addressed to and
    its due date."""

    text: str
    addressee: Organization
    due_on: datetime.date


def _source_fields(source) -> tuple[Council, int, dict]:
    """The council, the year and the source fields of a recommendation made from `source`.

    A conference is linked by its FK and numbers in the year it was held; a reviewed draft
    regulation by its FK, under the council that reviewed it, in the current year. Any other
    source with a `council` is named in `source_label` and numbers in the current year.
    """
    if isinstance(source, Conference):
        year = timezone.localtime(source.starts_at).year
        return source.council, year, {"conference": source}
    if isinstance(source, Draft):
        council = review_council(draft=source)
        if council is None:
            raise ValidationError({"source": [_("No council reviews this draft.")]})
        return council, timezone.localdate().year, {"draft": source}
    council = getattr(source, "council", None)
    if not isinstance(council, Council):
        raise TypeError(f"cannot make recommendations from {source!r}")
    return council, timezone.localdate().year, {"source_label": str(source)[:300]}


def _serials(*, council: Council, year: int, count: int) -> list[int]:
    """The next `count` serial numbers of `council` in `year`.

    The council's row is locked first (select_for_update) so two secretaries, an import and a
    command making recommendations at once are numbered one after another; the unique
    constraint on (council, year, serial) backs this up. SQLite serialises writers anyway.
    """
    Council.objects.select_for_update().filter(pk=council.pk).first()
    last = (
        Recommendation.objects.filter(council=council, year=year).aggregate(n=Max("serial"))["n"]
        or 0
    )
    return list(range(last + 1, last + 1 + count))


@transaction.atomic
def recommendations_make(*, source, items: Sequence[Item | dict], by) -> list[Recommendation]:
    """Make proposed recommendations from `source` (a Conference, or a reviewed
    regulations.Draft), numbered one after another in its council and year.

    `items`: Item or dicts with `text` (as typed, either script; up to 5000 characters),
    `addressee` (an Organization) and `due_on` (a date). Every item is checked before any is
    stored: ValidationError maps `items[i].field` to the messages. Logs recommendation.created
    for each. Returns them in the order given.
    """
    council, year, source_fields = _source_fields(source)
    rows, errors = [], {}
    for index, item in enumerate(items):
        item = item if isinstance(item, Item) else Item(**item)
        try:
            if not isinstance(item.addressee, Organization):
                raise ValidationError({"addressee": [_("Choose an organisation.")]})
            rows.append(
                {**_texts(item.text), "addressee": item.addressee, "due_on": _due(item.due_on)}
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"items[{index}].{field}"] = messages
    if errors:
        raise ValidationError(errors)
    serials = _serials(council=council, year=year, count=len(rows))
    user = by if getattr(by, "is_authenticated", False) else None
    made = []
    for serial, values in zip(serials, rows, strict=True):
        recommendation = Recommendation.objects.create(
            council=council, year=year, serial=serial, created_by=user, **source_fields, **values
        )
        activity_record(
            action=Action.RECOMMENDATION_CREATED,
            target=recommendation,
            by=by,
            data={"number": recommendation.number},
        )
        made.append(recommendation)
    return made


def _locked(recommendation: Recommendation) -> Recommendation:
    return Recommendation.objects.select_for_update().get(pk=recommendation.pk)


def _refresh(target: Recommendation, source: Recommendation) -> Recommendation:
    for field in Recommendation._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


@transaction.atomic
def recommendation_update(
    *, recommendation: Recommendation, by, text=None, addressee=None, due_on=None
) -> Recommendation:
    """Change a recommendation's text, addressee or due date (None: left as it is).

    The text and the addressee change only while it is proposed: once sent, the addressee
    answers what it received (ValidationError naming `text` or `addressee`). Logs
    recommendation.updated with the fields changed; nothing when none did.
    """
    row = _locked(recommendation)
    values: dict = {}
    if text is not None:
        values.update(_texts(text))
    if addressee is not None:
        values["addressee_id"] = addressee.pk
    if due_on is not None:
        values["due_on"] = _due(due_on)
    changed = sorted(
        name.removesuffix("_id")
        for name, value in values.items()
        if getattr(row, name) != value and name != "script"
    )
    if row.status != Status.PROPOSED:
        frozen = [name for name in changed if name in ("text_cyrl", "text_latn", "addressee")]
        if frozen:
            field = "addressee" if frozen == ["addressee"] else "text"
            raise ValidationError(
                {field: [_("A sent recommendation keeps its text and addressee.")]}
            )
    if changed:
        for name, value in values.items():
            setattr(row, name, value)
        if "due_on" in changed:
            row.reminded_period = None  # a new due date starts its reminders afresh
        row.save()
        activity_record(
            action=Action.RECOMMENDATION_UPDATED, target=row, by=by, data={"changed": changed}
        )
    return _refresh(recommendation, row)


@transaction.atomic
def recommendation_set_public(*, recommendation: Recommendation, public: bool, by) -> bool:
    """Show (or stop showing) a recommendation on the public tracker; the secretary decides.
    Returns whether anything changed. Logs recommendation.publicity_changed."""
    row = _locked(recommendation)
    if row.is_public == bool(public):
        return False
    row.is_public = bool(public)
    row.save(update_fields=["is_public", "updated_at"])
    recommendation.is_public = row.is_public
    activity_record(
        action=Action.RECOMMENDATION_PUBLICITY_CHANGED,
        target=row,
        by=by,
        data={"public": row.is_public},
    )
    return True


def _text_answer(value, *, field: str) -> str:
    text = text_clean(value, field=field, multiline=True)
    if len(text) > TEXT_MAX:
        raise ValidationError({field: [_("At most %(max)d characters.") % {"max": TEXT_MAX}]})
    return text


def _evidence_url(value) -> str:
    url = text_clean(value, field="evidence_url", fold_lines=True)
    try:
        if len(url) > 500:
            raise ValidationError("too long")
        if url:
            URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {"evidence_url": [_("Give an http or https link of at most 500 characters.")]}
        ) from None
    return url


def _implemented_on(value) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise ValidationError({"implemented_on": [_("Give a date (YYYY-MM-DD).")]})
    if value > timezone.localdate():
        raise ValidationError({"implemented_on": [_("The date may not be in the future.")]})
    return value


ANSWER_CLEANERS = {
    "reason": lambda value: _text_answer(value, field="reason"),
    "comment": lambda value: _text_answer(value, field="comment"),
    "evidence_url": _evidence_url,
    "implemented_on": _implemented_on,
}


def _answer_fields(row: Recommendation, given: dict) -> dict:
    """The answer fields as they would be: given ones (not None) cleaned, others as stored.
    Every refused field is reported at once."""
    values, errors = {}, {}
    for name, clean in ANSWER_CLEANERS.items():
        values[name] = getattr(row, name)
        if given.get(name) is None:
            continue
        try:
            values[name] = clean(given[name])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return values


def _status_rules(*, current: str, status: str, values: dict) -> None:
    """The rules of a status, each refusal naming its field."""
    if status not in Status.values:
        raise ValidationError(
            {"status": [_("“%(value)s” is not one of %(choices)s.")
                        % {"value": str(status)[:40], "choices": ", ".join(Status.values)}]}
        )  # fmt: skip
    if status != current and status not in TRANSITIONS[current]:
        raise ValidationError(
            {"status": [_("A recommendation cannot go from %(from)s to %(to)s.")
                        % {"from": current, "to": status}]}
        )  # fmt: skip
    errors = {}
    if status == Status.IMPLEMENTED:
        if not values["evidence_url"]:
            errors["evidence_url"] = [
                _("Implemented needs a link to the evidence (such as the published act).")
            ]
        if values["implemented_on"] is None:
            errors["implemented_on"] = [_("Implemented needs the date it was implemented.")]
    if status == Status.REJECTED and not values["reason"]:
        errors["reason"] = [_("Rejected needs a reason.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def recommendation_set_status(
    *,
    recommendation: Recommendation,
    status: str,
    by,
    reason: str | None = None,
    comment: str | None = None,
    evidence_url: str | None = None,
    implemented_on: datetime.date | None = None,
) -> Recommendation:
    """The one function that changes a recommendation's status and the answer that goes with
    it (reason, comment, evidence link and date; None leaves one as it is).

    Rules (TRANSITIONS above; issue 17): proposed → sent → accepted / partly accepted /
    rejected → implemented; implemented needs `evidence_url` (http or https) and
    `implemented_on` (not in the future); rejected needs a `reason`. `status` may be the
    current one, to change only the answer's fields. A refusal raises ValidationError naming
    the field (`status`, `evidence_url`, `implemented_on`, `reason`, `comment`) and changes
    nothing. Logs recommendation.status_changed {"from", "to", "changed"} or, when the status
    stays, recommendation.answered {"changed"}; nothing when nothing changed.
    """
    row = _locked(recommendation)
    values = _answer_fields(
        row,
        {"reason": reason, "comment": comment, "evidence_url": evidence_url,
         "implemented_on": implemented_on},
    )  # fmt: skip
    _status_rules(current=row.status, status=status, values=values)
    changed = sorted(name for name, value in values.items() if getattr(row, name) != value)
    previous = row.status
    if status == previous and not changed:
        return _refresh(recommendation, row)
    for name, value in values.items():
        setattr(row, name, value)
    row.status = status
    if status == Status.SENT and row.sent_at is None:
        row.sent_at = timezone.now()
    row.save()
    if status != previous:
        activity_record(
            action=Action.RECOMMENDATION_STATUS_CHANGED,
            target=row,
            by=by,
            data={
                "from": previous,
                "to": status,
                "changed": changed,
                **(
                    {"implemented_on": activity_iso(row.implemented_on)}
                    if status == Status.IMPLEMENTED
                    else {}
                ),
            },
        )
    else:
        activity_record(
            action=Action.RECOMMENDATION_ANSWERED, target=row, by=by, data={"changed": changed}
        )
    return _refresh(recommendation, row)


def recommendation_answer(*, recommendation: Recommendation, by, status: str | None = None,
                          **answer) -> Recommendation:  # fmt: skip
    """The addressee's door (the partner API and the answer link): like
    recommendation_set_status, for a recommendation that was sent, to one of ANSWERS (or with
    no status, the answer's fields alone)."""
    if status is not None and status != recommendation.status and status not in ANSWERS:
        raise ValidationError(
            {"status": [_("Answer with one of %(choices)s.") % {"choices": ", ".join(ANSWERS)}]}
        )
    if recommendation.status == Status.PROPOSED:
        raise ValidationError({"status": [_("This recommendation has not been sent yet.")]})
    return recommendation_set_status(
        recommendation=recommendation, status=status or recommendation.status, by=by, **answer
    )


# --- sending ------------------------------------------------------------------------------


def _answer_links(recommendation: Recommendation, contacts: list) -> list[AnswerLink]:
    existing = {link.contact_id: link for link in recommendation.answer_links.all()}
    links = []
    for contact in contacts:
        link = existing.get(contact.pk)
        if link is None:
            link = AnswerLink.objects.create(
                recommendation=recommendation, contact=contact, **new_token_fields()
            )
        link.contact = contact
        links.append(link)
    return links


@dataclass
class SendResult:
    sent: int = 0  # recommendations moved to "sent"
    letters: int = 0  # letters queued to the addressees' contacts
    without_contact: list[str] | None = None  # numbers of those whose addressee has none


@transaction.atomic
def recommendations_send(*, recommendations: Iterable[Recommendation], by) -> SendResult:
    """Send the proposed ones among `recommendations`: each moves to "sent" (through
    recommendation_set_status) and every contact of its addressee (a person of that
    organisation with an email) gets a letter in their language and script with a personal
    answer link. Letters are keyed `recommendation:<id>:contact:<expert id>:sent`, so sending
    again queues nothing twice. Others are left as they are. A recommendation whose addressee
    has no contact is still sent: the addressee sees it in the partner API."""
    result = SendResult(without_contact=[])
    for recommendation in recommendations:
        if recommendation.status != Status.PROPOSED:
            continue
        recommendation_set_status(recommendation=recommendation, status=Status.SENT, by=by)
        contacts = list(organization_contacts(organization_id=recommendation.addressee_id))
        if not contacts:
            result.without_contact.append(recommendation.number)
        for link in _answer_links(recommendation, contacts):
            if mail.recommendation_letter_queue(link=link, occasion="sent"):
                result.letters += 1
        result.sent += 1
    return result


@transaction.atomic
def conference_recommendations_send(*, conference: Conference, by) -> SendResult:
    """Send the conference's proposed recommendations (the dashboard's button and
    `manage.py send_recommendations EXTERNAL_ID`); logs conference.recommendations_sent."""
    proposed = (
        conference.recommendations.filter(status=Status.PROPOSED)
        .select_related("addressee", "council")
        .order_by("serial")
    )
    result = recommendations_send(recommendations=list(proposed), by=by)
    if result.sent:
        activity_record(
            action=Action.CONFERENCE_RECOMMENDATIONS_SENT,
            target=conference,
            by=by,
            data={"count": result.sent},
        )
    return result


# --- reminders ----------------------------------------------------------------------------

REMINDER_PERIOD_DAYS = 30


def reminder_period(*, due_on: datetime.date, today: datetime.date) -> int | None:
    """Which reminder period `today` is in: 0 from the due date, 1 from 30 days after, ...;
    None before the due date."""
    if today < due_on:
        return None
    return (today - due_on).days // REMINDER_PERIOD_DAYS


def recommendation_reminders_queue(*, today: datetime.date | None = None) -> int:
    """Queue the reminders that are due (the periodic scan, tasks.py): on the due date and every
    30 days after, while a recommendation is open (sent, accepted or partly accepted), each
    contact of its addressee is mailed once per period. A letter's key names the period
    (`recommendation:<id>:contact:<expert id>:remind:<period>`), and the row keeps the last
    period queued, so a second scan, or two at once, queue nothing twice. Returns how many
    letters were queued."""
    today = today or timezone.localdate()
    queued = 0
    due = Recommendation.objects.filter(status__in=OPEN, due_on__lte=today).values_list(
        "pk", "due_on", "reminded_period"
    )
    for pk, due_on, reminded in due:
        period = reminder_period(due_on=due_on, today=today)
        if reminded is not None and reminded >= period:
            continue
        with transaction.atomic():
            row = (
                Recommendation.objects.select_for_update()
                .select_related("addressee", "council")
                .get(pk=pk)
            )
            if row.status not in OPEN or (
                row.reminded_period is not None and row.reminded_period >= period
            ):
                continue
            contacts = list(organization_contacts(organization_id=row.addressee_id))
            for link in _answer_links(row, contacts):
                if mail.recommendation_letter_queue(link=link, occasion=f"remind:{period}"):
                    queued += 1
            row.reminded_period = period
            row.save(update_fields=["reminded_period"])
    return queued


# --- the conference import ----------------------------------------------------------------


@transaction.atomic
def conference_recommendations_import(*, conference: Conference, items: list[dict], by) -> bool:
    """The conference import's `recommendations` list (conferences.imports): each item (`text`,
    `addressee`, `due_on`) is matched to the conference's recommendation with the same text as
    typed; a match has its due date (and, while proposed, its addressee) brought up to date,
    an unmatched item is made. Recommendations the document no longer lists are left as they
    are: one sent cannot be taken back by a file. Importing the same list again changes
    nothing. Returns whether anything changed; ValidationError names `items[i].field`."""
    existing: dict[str, Recommendation] = {}
    for recommendation in conference.recommendations.order_by("serial"):
        existing.setdefault(recommendation.text_in(recommendation.script), recommendation)
    new, changed = [], False
    for index, item in enumerate(items):
        try:
            texts = _texts(item["text"])
        except ValidationError as exc:
            raise ValidationError(
                {f"items[{index}].{k}": v for k, v in exc.message_dict.items()}
            ) from None
        match = existing.pop(texts[f"text_{texts['script']}"], None)
        if match is None:
            new.append(item)
            continue
        before = (match.due_on, match.addressee_id)
        recommendation_update(
            recommendation=match,
            by=by,
            due_on=item["due_on"],
            addressee=item["addressee"] if match.status == Status.PROPOSED else None,
        )
        changed |= (match.due_on, match.addressee_id) != before
    if new:
        recommendations_make(source=conference, items=new, by=by)
    return changed or bool(new)
