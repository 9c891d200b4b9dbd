"""Every write on draft regulations: drafts and versions, reviewers, comments, the opinion.

Text is cleaned here once (elyurt.text); each change is logged (activity); mail goes through
the generic outbox (mailing.services.letter_queue), queued in the change's transaction.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import Action
from activity.services import activity_record
from elyurt.text import texts_clean
from experts.models import Council, Expert, Organization
from mailing.services import letter_queue, letters_skip

from . import mail
from .matching import units_match
from .models import Article, Comment, Draft, OpinionArticle, Reviewer, Unit, Version
from .opinion import opinion_docx, opinion_filename
from .selectors import review_experts, version_latest, version_units
from .splitting import ParsedUnit, units_parse
from .tokens import new_token_fields

Status = Draft.Status

# The one table of moves between statuses (draft_set_status is the only writer of status).
TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.OPINION_DRAFTED},
    Status.OPINION_DRAFTED: {Status.APPROVED, Status.IN_REVIEW},
    Status.APPROVED: {Status.SENT, Status.OPINION_DRAFTED},
    Status.SENT: set(),
}
# A new version may come while the council can still read it.
VERSION_STATUSES = (Status.RECEIVED, Status.IN_REVIEW, Status.OPINION_DRAFTED)


def _queue(letters: list[dict]) -> int:
    """Queue letters in the generic outbox; how many were new (the key makes it idempotent)."""
    return sum(1 for letter in letters if letter["to_email"] and letter_queue(**letter))


@transaction.atomic
def draft_set_status(*, draft: Draft, status: str, by=None) -> Draft:
    """Move `draft` to `status` along TRANSITIONS; the only code that assigns Draft.status.

    Raises ValidationError on `status` for a move the table does not allow. Logs
    regulation.status_changed {"from", "to"}; SENT also stamps sent_at.
    """
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if status not in TRANSITIONS.get(draft.status, set()):
        raise ValidationError(
            {
                "status": _("A draft that is “%(from)s” cannot become “%(to)s”.")
                % {"from": draft.get_status_display(), "to": Status(status).label}
                if status in Status.values
                else _("Unknown status.")
            }
        )
    previous = draft.status
    draft.status = status
    if status == Status.SENT:
        draft.sent_at = timezone.now()
    draft.save(update_fields=["status", "sent_at", "updated_at"])
    activity_record(
        action=Action.REGULATION_STATUS_CHANGED,
        target=draft,
        by=by,
        data={"from": previous, "to": status},
    )
    return draft


def _collected(errors: dict, check, *args):
    """check(*args), or None with its ValidationError's messages added to `errors`."""
    try:
        return check(*args)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return None


def _draft_fields_clean(title, contact_email, contact_name) -> dict:
    """The draft's text fields cleaned (elyurt.text); ValidationError naming each at fault."""
    fields = texts_clean(
        {"title": title, "contact_email": contact_email, "contact_name": contact_name},
        single_line=["title", "contact_email", "contact_name"],
    )
    errors = {}
    if not fields["title"]:
        errors["title"] = [_("Give the draft's title.")]
    elif len(fields["title"]) > Draft._meta.get_field("title").max_length:
        errors["title"] = [_("The title is longer than 500 characters.")]
    if len(fields["contact_name"]) > Draft._meta.get_field("contact_name").max_length:
        errors["contact_name"] = [_("The name is longer than 200 characters.")]
    if fields["contact_email"]:
        try:
            validate_email(fields["contact_email"])
        except ValidationError as exc:
            errors["contact_email"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return fields


def _deadline_clean(deadline) -> datetime.date:
    if isinstance(deadline, str):
        try:
            deadline = datetime.date.fromisoformat(deadline.strip())
        except ValueError:
            raise ValidationError({"deadline": _("Give the deadline as YYYY-MM-DD.")}) from None
    if not isinstance(deadline, datetime.date) or isinstance(deadline, datetime.datetime):
        raise ValidationError({"deadline": _("Give the deadline as YYYY-MM-DD.")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline has passed.")})
    return deadline


def _units_store(
    *, draft: Draft, version: Version, previous: Version | None, parsed: list[ParsedUnit]
) -> dict:
    """Store a version's units, each on its article: matched to `previous`'s, or new.

    Returns counts {"units", "unchanged", "changed", "new", "removed"}.
    """
    old = list(version_units(version=previous)) if previous else []
    match = units_match(
        old=[(u.number, u.text) for u in old], new=[(p.number, p.text) for p in parsed]
    )
    fresh = [
        Article(draft=draft, first_number=p.number)
        for p, old_index in zip(parsed, match.old_index, strict=True)
        if old_index is None
    ]
    Article.objects.bulk_create(fresh)
    fresh_iter = iter(fresh)
    units = []
    counts = {"units": len(parsed), "unchanged": 0, "changed": 0, "new": 0, "removed": 0}
    for position, (p, old_index, changed) in enumerate(
        zip(parsed, match.old_index, match.changed, strict=True), start=1
    ):
        if old_index is None:
            article, change = next(fresh_iter), Unit.Change.NEW
        else:
            article = old[old_index].article
            change = Unit.Change.CHANGED if changed else Unit.Change.UNCHANGED
        counts[change] += 1
        units.append(
            Unit(
                version=version,
                article=article,
                position=position,
                number=p.number,
                heading=p.heading[:1000],
                context=p.context[:1000],
                text=p.text,
                change=change,
            )
        )
    counts["removed"] = len(old) - counts["unchanged"] - counts["changed"]
    Unit.objects.bulk_create(units)
    return counts


@transaction.atomic
def draft_create(
    *,
    organization: Organization,
    title: str,
    deadline,
    content: bytes | None = None,
    name: str = "",
    text: str | None = None,
    contact_email: str = "",
    contact_name: str = "",
    council: Council | None = None,
    show_others_comments: bool = True,
    by=None,
) -> Draft:
    """A draft received from `organization` (a ministry) with its first version, split into
    units from a .docx (`content`, file `name`) or plain `text` (regulations.splitting).

    Raises ValidationError naming `title`, `deadline` (YYYY-MM-DD, not past), `contact_email`,
    `file` or `text`; nothing is stored then. Logs regulation.created {"version": 1, ...counts}.
    """
    # Every field is checked, so that one answer names every field at fault.
    errors: dict[str, list[str]] = {}
    fields = _collected(errors, _draft_fields_clean, title, contact_email, contact_name)
    deadline = _collected(errors, _deadline_clean, deadline)
    parsed = _collected(errors, lambda: units_parse(content=content, name=name, text=text))
    if errors:
        raise ValidationError(errors)
    draft = Draft.objects.create(
        organization=organization,
        title=fields["title"],
        deadline=deadline,
        contact_email=fields["contact_email"],
        contact_name=fields["contact_name"],
        council=council,
        show_others_comments=bool(show_others_comments),
    )
    version = Version.objects.create(draft=draft, number=1, source_name=name[:255])
    counts = _units_store(draft=draft, version=version, previous=None, parsed=parsed)
    activity_record(
        action=Action.REGULATION_CREATED, target=draft, by=by, data={"version": 1, **counts}
    )
    return draft


@transaction.atomic
def version_add(
    *, draft: Draft, content: bytes | None = None, name: str = "", text: str | None = None, by=None
) -> Version:
    """A new version of `draft`, its units matched to the last version's (regulations.matching):
    comments stay on their articles; a changed article's comments read "text changed since";
    a removed one's stay under "removed".

    Raises ValidationError on `file`/`text` as draft_create, and on `status` once the opinion
    is approved or sent. Logs regulation.version_added {"version", ...counts}.
    """
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.status not in VERSION_STATUSES:
        raise ValidationError(
            {"status": _("The opinion is approved: a new version can no longer be reviewed.")}
        )
    parsed = units_parse(content=content, name=name, text=text)
    previous = version_latest(draft=draft)
    number = (previous.number if previous else 0) + 1
    version = Version.objects.create(draft=draft, number=number, source_name=name[:255])
    counts = _units_store(draft=draft, version=version, previous=previous, parsed=parsed)
    activity_record(
        action=Action.REGULATION_VERSION_ADDED,
        target=draft,
        by=by,
        data={"version": number, **counts},
    )
    return version


def _reviewer_get_or_add(*, draft: Draft, expert: Expert, by_hand: bool) -> tuple[Reviewer, bool]:
    reviewer = Reviewer.objects.filter(draft=draft, expert=expert).first()
    if reviewer is not None:
        return reviewer, False
    return Reviewer.objects.create(
        draft=draft, expert=expert, added_by_hand=by_hand, **new_token_fields()
    ), True


def _invite(reviewers: list[Reviewer]) -> int:
    now = timezone.now()
    letters = [mail.reviewer_letter(reviewer=r, kind="invite") for r in reviewers]
    queued = _queue(letters)
    Reviewer.objects.filter(pk__in=[r.pk for r in reviewers], invited_at__isnull=True).update(
        invited_at=now
    )
    return queued


@transaction.atomic
def review_start(*, draft: Draft, by=None) -> int:
    """Open `draft` for comments: its council's current members (and any expert added by hand)
    become reviewers and get a personal link in their language, script and time zone.

    Raises ValidationError on `status` unless the draft is received, on `deadline` once it has
    passed, on `reviewers` when nobody would be invited. Returns the letters queued. Logs
    regulation.review_started {"count": n} besides the status change.
    """
    if draft.deadline_at <= timezone.now():
        raise ValidationError({"deadline": _("The deadline has passed.")})
    for expert in review_experts(draft=draft):
        _reviewer_get_or_add(draft=draft, expert=expert, by_hand=False)
    reviewers = list(draft.reviewers.select_related("expert", "draft__organization"))
    if not reviewers:
        raise ValidationError({"reviewers": _("The council has no current members to invite.")})
    draft_set_status(draft=draft, status=Status.IN_REVIEW, by=by)
    queued = _invite(reviewers)
    activity_record(
        action=Action.REGULATION_REVIEW_STARTED, target=draft, by=by, data={"count": queued}
    )
    return queued


@transaction.atomic
def reviewer_add(*, draft: Draft, expert: Expert, by=None) -> Reviewer:
    """Add an expert by hand; invited at once when the review is open.

    Raises ValidationError on `expert` for one without an email address.
    """
    if not expert.email:
        raise ValidationError({"expert": _("This expert has no email address to invite.")})
    reviewer, created = _reviewer_get_or_add(draft=draft, expert=expert, by_hand=True)
    if created:
        activity_record(
            action=Action.REGULATION_REVIEWER_ADDED,
            target=draft,
            by=by,
            data={"expert": expert.pk},
        )
    draft.refresh_from_db(fields=["status"])
    if draft.status == Status.IN_REVIEW:
        _invite([Reviewer.objects.select_related("expert", "draft__organization").get(
            pk=reviewer.pk)])  # fmt: skip
    return reviewer


@transaction.atomic
def comment_save(
    *,
    reviewer: Reviewer,
    article_id,
    remark: str,
    proposed_wording: str = "",
    justification: str = "",
) -> Comment:
    """Write or rewrite `reviewer`'s comment on an article of the latest version.

    The caller has checked the link (regulations.tokens.reviewer_by_token: in review, before
    the deadline). Raises ValidationError on `article` (not in the latest version) or `remark`
    (empty). Logs comment.saved with {"article": number, "created": bool}, by the reviewer.
    """
    from .selectors import article_for_comment

    try:
        article_id = int(article_id)
    except (TypeError, ValueError):
        article_id = None
    found = article_for_comment(draft=reviewer.draft, article_id=article_id) if article_id else None
    if found is None:
        raise ValidationError({"article": _("Choose an article of the current version.")})
    article, unit = found
    fields = texts_clean(
        {"remark": remark, "proposed_wording": proposed_wording, "justification": justification},
        multiline=["remark", "proposed_wording", "justification"],
    )
    if not fields["remark"]:
        raise ValidationError({"remark": _("Write your remark.")})
    for name, value in fields.items():
        if len(value) > 20000:
            raise ValidationError({name: _("Keep it under 20,000 characters.")})
    comment, created = Comment.objects.update_or_create(
        reviewer=reviewer, article=article, defaults={**fields, "unit": unit}
    )
    # Someone who has commented is no longer reminded, even by a reminder already queued.
    letters_skip(keys=[f"review:{reviewer.draft_id}:reviewer:{reviewer.pk}:{kind}"
                       for kind, _days in mail.REMINDERS])  # fmt: skip
    activity_record(
        action=Action.COMMENT_SAVED,
        target=comment,
        by=reviewer,  # logged under the expert's name: no user account behind a link
        data={"article": unit.number, "created": created},
    )
    return comment


@transaction.atomic
def comment_decide(*, comment: Comment, decision: str, by=None) -> Comment:
    """The secretary's decision on a comment: accepted, merged, rejected or pending again.

    Raises ValidationError on `decision` for an unknown one. Logs comment.decided.
    """
    if decision not in Comment.Decision.values:
        raise ValidationError({"decision": _("Choose accepted, merged, rejected or pending.")})
    if comment.decision == decision:
        return comment
    previous, comment.decision = comment.decision, decision
    comment.save(update_fields=["decision", "updated_at"])
    activity_record(
        action=Action.COMMENT_DECIDED,
        target=comment,
        by=by,
        data={"from": previous, "to": decision},
    )
    return comment


@transaction.atomic
def opinion_article_save(*, article: Article, wording: str, justification: str, by=None):
    """The council's wording and justification for one article (empty: the experts' own).

    Refused with ValidationError on `status` once the opinion is approved. Logs
    opinion.edited {"article": id, "changed": [...]} when something changed.
    """
    if article.draft.status in (Status.APPROVED, Status.SENT):
        raise ValidationError({"status": _("The opinion is approved: reopen it to edit.")})
    fields = texts_clean(
        {"wording": wording, "justification": justification},
        multiline=["wording", "justification"],
    )
    opinion, _created = OpinionArticle.objects.get_or_create(article=article)
    changed = sorted(name for name, value in fields.items() if getattr(opinion, name) != value)
    if changed:
        for name in changed:
            setattr(opinion, name, fields[name])
        opinion.save()
        activity_record(
            action=Action.OPINION_EDITED,
            target=article.draft,
            by=by,
            data={"article": article.pk, "changed": changed},
        )
    return opinion


@transaction.atomic
def opinion_send(*, draft: Draft, by=None) -> Draft:
    """Send the approved opinion: to the ministry's contact by mail (the .docx attached) and
    to the API (the draft reads "sent"). Raises ValidationError on `status` unless approved."""
    draft = draft_set_status(draft=draft, status=Status.SENT, by=by)
    if draft.contact_email:
        letter = mail.opinion_letter(
            draft=draft, docx=opinion_docx(draft=draft), filename=opinion_filename(draft=draft)
        )
        _queue([letter])
    return draft
