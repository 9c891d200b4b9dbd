"""Writes for press releases. The status changes here and nowhere else.

Callers (the staff dashboard, the partner API, Celery tasks) rely on three promises:
- a redraft never overwrites a human edit: it only adds a version;
- the Latin text follows the Cyrillic until someone edits the Latin by hand;
- every status change is checked against the user's permissions and recorded with who and when.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from activity.models import Action
from activity.services import activity_iso, activity_record, activity_record_save
from conferences.models import Conference
from elyurt import api_cache
from elyurt.text import texts_clean
from transliteration import to_cyrillic, to_latin

from . import public_cache
from .models import PressRelease, PressReleaseVersion, ReleaseTemplate
from .signals import press_release_edited, press_release_status_changed

Status = PressRelease.Status

PERM_CHANGE = "pressroom.change_pressrelease"
PERM_APPROVE = "pressroom.approve_pressrelease"
PERM_PUBLISH = "pressroom.publish_pressrelease"

# target status -> {allowed source statuses}
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.IN_REVIEW, Status.APPROVED, Status.WITHDRAWN},
    Status.IN_REVIEW: {Status.DRAFT, Status.APPROVED},
    Status.APPROVED: {Status.IN_REVIEW},
    Status.PUBLISHED: {Status.APPROVED, Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.PUBLISHED},
}

# The texts a version keeps and an edit may change.
TEXT_FIELDS = (
    "title_cyrl",
    "title_latn",
    "title_ru",
    "title_en",
    "body_cyrl",
    "body_latn",
    "body_ru",
    "body_en",
)
LATIN_FIELDS = ("title_latn", "body_latn")
CYRILLIC_FIELDS = ("title_cyrl", "body_cyrl")
FLAGS = {"latin_edited", "cyrillic_follows"}
# A title is one line (feeds, the .docx's heading, the page's <title>); a body keeps its
# paragraphs. Cleaned here, once (elyurt.text): the renderers need no guard of their own.
TITLE_FIELDS = ("title_cyrl", "title_latn", "title_ru", "title_en")
BODY_FIELDS = ("body_cyrl", "body_latn", "body_ru", "body_en")


def public_cache_invalidate() -> None:
    public_cache.invalidate()


def _invalidate_on_commit() -> None:
    transaction.on_commit(public_cache_invalidate)


def required_permission(*, current: str, target: str) -> str:
    """The permission a user needs to move a release from `current` to `target`."""
    if target in (Status.PUBLISHED, Status.WITHDRAWN):
        return PERM_PUBLISH
    if target == Status.APPROVED or current == Status.APPROVED:
        # Approving, and taking an approval back, are the press service's decisions.
        return PERM_APPROVE
    return PERM_CHANGE


def press_release_transition_allowed(*, current: str, target: str) -> bool:
    return current in ALLOWED_TRANSITIONS.get(target, set())


def _actor(by):
    return by if getattr(by, "is_authenticated", False) else None


def _check_permission(by, permission: str) -> None:
    if by is None:
        # The system itself (scheduled publication, drafting task).
        return
    if not getattr(by, "is_authenticated", False) or not by.has_perm(permission):
        raise PermissionDenied(_("You are not allowed to do this to a press release."))


def _unique_slug(base: str, *, exclude_pk=None) -> str:
    base = (base or "release")[:180].strip("-") or "release"
    slug, n = base, 2
    taken = PressRelease.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def release_slug_for(conference: Conference) -> str:
    day = timezone.localtime(conference.starts_at).date()
    return slugify(f"{day:%Y-%m-%d} {to_latin(conference.title)}")[:180].strip("-")


def _snapshot(*, release: PressRelease, source: str, by, texts: dict | None = None):
    number = (release.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    values = texts if texts is not None else {f: getattr(release, f) for f in TEXT_FIELDS}
    return PressReleaseVersion.objects.create(
        release=release, number=number, source=source, created_by=_actor(by), **values
    )


def _drafted_texts(conference: Conference) -> dict:
    from .drafting import draft_texts

    drafted = draft_texts(conference=conference)
    texts = {f: drafted.get(f, "") for f in TEXT_FIELDS}
    texts["title_latn"] = to_latin(texts["title_cyrl"])
    texts["body_latn"] = to_latin(texts["body_cyrl"])
    # A title template may span lines; nobody is there to be asked, so they are folded.
    return texts_clean(texts, single_line=TITLE_FIELDS, multiline=BODY_FIELDS, fold_lines=True)


@transaction.atomic
def press_release_draft(*, conference: Conference, by=None) -> PressRelease:
    """Draft the release of a held conference from its data.

    The first call creates the release (status draft, version 1). A later call adds a new
    version from the current data; it replaces the release's texts only while nobody has edited
    them and the release is still a draft, so a human edit is never overwritten. Safe to run
    twice: the conference row is locked and an unchanged draft adds no version.
    """
    Conference.objects.select_for_update().filter(pk=conference.pk).first()
    texts = _drafted_texts(conference)
    release = PressRelease.objects.select_for_update().filter(conference=conference).first()
    if release is None:
        release = PressRelease(
            conference=conference,
            slug=_unique_slug(release_slug_for(conference)),
            updated_by=_actor(by),
            **texts,
        )
        release.full_clean()
        release.save()
        activity_record(action=Action.RELEASE_CREATED, target=release, by=by)
        _snapshot(release=release, source=PressReleaseVersion.Source.DRAFT, by=by, texts=texts)
        return release

    last_draft = release.versions.filter(source=PressReleaseVersion.Source.DRAFT).last()
    if last_draft and all(getattr(last_draft, f) == texts[f] for f in TEXT_FIELDS):
        return release
    latest = release.versions.last()
    untouched = latest is None or latest.source == PressReleaseVersion.Source.DRAFT
    version = _snapshot(
        release=release, source=PressReleaseVersion.Source.DRAFT, by=by, texts=texts
    )
    applied = untouched and release.status == Status.DRAFT
    if applied:
        for name, value in texts.items():
            if name in LATIN_FIELDS and release.latin_edited:
                continue
            setattr(release, name, value)
        release.updated_by = _actor(by)
        release.save()
    activity_record(
        action=Action.RELEASE_REDRAFTED,
        target=release,
        by=by,
        data={"version": version.number, "applied": applied},
    )
    return release


def _follow_flags_set(release: PressRelease, fields: dict, changed: set) -> None:
    """Which script follows the other after this edit: the one typed is kept, the other is
    derived; a hand edit of the derived one keeps it from then on."""
    if "cyrillic_follows" in fields:
        release.cyrillic_follows = bool(fields["cyrillic_follows"])
    elif changed & set(CYRILLIC_FIELDS):
        release.cyrillic_follows = False  # the Cyrillic corrected by hand is kept
    if release.cyrillic_follows:
        release.latin_edited = True  # the Latin is the text as typed
        return
    if changed & set(LATIN_FIELDS):
        release.latin_edited = True
    if "latin_edited" in fields and not fields["latin_edited"]:
        release.latin_edited = False


@transaction.atomic
def press_release_edit(*, release: PressRelease, by, **fields) -> PressRelease:
    """Change a release's texts (and slug); every saved edit is a new version.

    The Latin texts follow the Cyrillic until a Latin field is given a value different from
    what it was; from then on they are kept (`latin_edited`). Passing `latin_edited=False`
    goes back to the transliteration. A release typed in Latin (`cyrillic_follows=True`) works
    the other way: its Cyrillic is derived from the Latin (to_cyrillic) until a Cyrillic field
    is edited by hand. Editing an approved or published release needs the publish permission,
    since it changes what was approved or what the public reads.

    Raises ValidationError naming the field: a title or body missing in the script the text
    was typed in, a line break in a title.
    """
    allowed = set(TEXT_FIELDS) | {"slug"} | FLAGS
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    # Cleaned as stored texts are: browsers post textareas with CRLF, and the stored texts use
    # LF, so an untouched field compares equal (an untouched Latin text is no hand edit). A line
    # break in a title is refused naming the field.
    fields = texts_clean(fields, single_line=TITLE_FIELDS, multiline=BODY_FIELDS)
    release = PressRelease.objects.select_for_update().get(pk=release.pk)
    needed = PERM_PUBLISH if release.status in (Status.APPROVED, Status.PUBLISHED) else PERM_CHANGE
    _check_permission(by, needed)

    changed = {n for n, v in fields.items() if getattr(release, n) != v}
    _follow_flags_set(release, fields, changed)
    for name in changed - FLAGS:
        if name in LATIN_FIELDS and not release.latin_edited:
            continue
        if name in CYRILLIC_FIELDS and release.cyrillic_follows:
            continue
        setattr(release, name, fields[name])
    if release.cyrillic_follows:
        release.title_cyrl = to_cyrillic(release.title_latn)
        release.body_cyrl = to_cyrillic(release.body_latn)
    elif not release.latin_edited:
        release.title_latn = to_latin(release.title_cyrl)
        release.body_latn = to_latin(release.body_cyrl)
    if "slug" in changed:
        release.slug = slugify(fields["slug"])
    release.updated_by = _actor(by)
    release.full_clean()
    if not changed:
        return release
    release.save()
    version = _snapshot(release=release, source=PressReleaseVersion.Source.EDIT, by=by)
    activity_record(
        action=Action.RELEASE_EDITED,
        target=release,
        by=by,
        data={"changed": sorted(changed), "version": version.number},
    )
    _invalidate_on_commit()
    press_release_edited.send(sender=PressRelease, release=release, changed=changed, by=by)
    return release


@transaction.atomic
def press_release_latin_follow(*, by=None, words=()) -> list[int]:
    """Derive again the Latin of every release whose Latin follows the Cyrillic (not edited by
    hand) and holds one of `words` (all such releases when none are given), after the
    exception dictionary changed (transliteration.services). Each release whose Latin changes
    gets a version ("edit") and release.edited in the log; returns their ids.
    """
    from transliteration.selectors import releases_following

    changed_ids = []
    releases = releases_following(words=words).select_for_update().order_by("pk")
    for release in releases:
        latin = {
            "title_latn": to_latin(release.title_cyrl),
            "body_latn": to_latin(release.body_cyrl),
        }
        changed = sorted(name for name, value in latin.items() if getattr(release, name) != value)
        if not changed:
            continue
        for name in changed:
            setattr(release, name, latin[name])
        release.updated_by = _actor(by)
        release.save()
        version = _snapshot(release=release, source=PressReleaseVersion.Source.EDIT, by=by)
        activity_record(
            action=Action.RELEASE_EDITED,
            target=release,
            by=by,
            data={"changed": changed, "version": version.number},
        )
        changed_ids.append(release.pk)
    if changed_ids:
        _invalidate_on_commit()
    return changed_ids


def release_template_save(*, template: ReleaseTemplate, by=None) -> ReleaseTemplate:
    """Save the wording of drafted releases as edited (the press pages, the admin).

    The title and body are template source, kept with their lines; the name is one line. All
    are cleaned (elyurt.text); a refused field raises ValidationError naming it. Logged as
    template.created or template.updated (the fields that changed).
    """
    cleaned = texts_clean(
        {"name": template.name, "title": template.title, "body": template.body},
        single_line=("name",),
        multiline=("title", "body"),
    )
    for name, value in cleaned.items():
        setattr(template, name, value)
    template.full_clean()
    activity_record_save(
        target=template, created=Action.TEMPLATE_CREATED, updated=Action.TEMPLATE_UPDATED, by=by
    )
    return template


@transaction.atomic
def press_release_set_status(*, release: PressRelease, status: str, by) -> PressRelease:
    """Move a release to `status`, the one place a release's status changes.

    draft → in_review → approved → published → withdrawn, with returns (in_review → draft,
    approved → in_review, withdrawn → draft or published again). Approving needs
    `approve_pressrelease`; publishing and withdrawing need `publish_pressrelease`; other
    moves need `change_pressrelease`. `by=None` is the system acting on a schedule set by a
    user who held the permission. Raises PermissionDenied, or ValidationError on `status`
    for a transition that is not allowed.
    """
    locked = PressRelease.objects.select_for_update().get(pk=release.pk)
    previous = locked.status
    if status not in Status.values or not press_release_transition_allowed(
        current=previous, target=status
    ):
        raise ValidationError(
            {
                "status": _("A press release cannot go from %(current)s to %(target)s.")
                % {"current": previous, "target": status}
            }
        )
    _check_permission(by, required_permission(current=previous, target=status))
    now = timezone.now()
    updates = {"status": status, "updated_by": _actor(by) or locked.updated_by}
    if status == Status.PUBLISHED:
        updates["published_at"] = locked.published_at or now
        updates["publish_at"] = None
    if status in (Status.DRAFT, Status.IN_REVIEW, Status.WITHDRAWN):
        # A schedule belongs to an approval; going back cancels it.
        updates["publish_at"] = None
        updates["publish_scheduled_by"] = None
    PressRelease.objects.filter(pk=locked.pk).update(updated_at=now, **updates)
    # An update sends no post_save: the partner API's stored answers are made stale here.
    api_cache.bump_now_and_on_commit("releases")
    for name, value in updates.items():
        setattr(release, name, value)
    data, actor = {"from": previous, "to": status}, by
    if by is None and status == Status.PUBLISHED and locked.publish_scheduled_by is not None:
        # Published by the periodic scan, on the authority of whoever scheduled it.
        data["scheduled"], actor = True, locked.publish_scheduled_by
    activity_record(action=Action.RELEASE_STATUS_CHANGED, target=release, by=actor, data=data)
    if Status.PUBLISHED in (previous, status):
        _invalidate_on_commit()
    press_release_status_changed.send(
        sender=PressRelease, release=release, previous=previous, by=by
    )
    return release


@transaction.atomic
def press_release_schedule_publication(
    *, release: PressRelease, publish_at: datetime.datetime | None, by
) -> PressRelease:
    """Publish an approved release at `publish_at` (None cancels the schedule).

    Needs `publish_pressrelease`. The periodic scan (`press_release_publish_due`) publishes it
    once the time has come, recording the scheduler as the one who published.
    """
    _check_permission(by, PERM_PUBLISH)
    locked = PressRelease.objects.select_for_update().get(pk=release.pk)
    if publish_at is not None:
        if locked.status != Status.APPROVED:
            raise ValidationError(
                {"publish_at": _("Only an approved press release can be scheduled.")}
            )
        if timezone.is_naive(publish_at):
            raise ValidationError({"publish_at": _("Give the time with its time zone.")})
        if publish_at <= timezone.now():
            raise ValidationError({"publish_at": _("The time must be in the future.")})
    PressRelease.objects.filter(pk=locked.pk).update(
        publish_at=publish_at, publish_scheduled_by=_actor(by) if publish_at else None
    )
    # A new time, or the same time on someone else's authority, is a new schedule.
    if publish_at is not None and (publish_at, _actor(by)) != (
        locked.publish_at,
        locked.publish_scheduled_by,
    ):
        activity_record(
            action=Action.RELEASE_SCHEDULED,
            target=release,
            by=by,
            data={"publish_at": activity_iso(publish_at)},
        )
    elif publish_at is None and locked.publish_at is not None:
        activity_record(
            action=Action.RELEASE_UNSCHEDULED,
            target=release,
            by=by,
            data={"publish_at": activity_iso(locked.publish_at)},
        )
    release.publish_at = publish_at
    release.publish_scheduled_by = _actor(by) if publish_at else None
    return release


def press_release_publish_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Publish every approved release whose scheduled time has come; returns their ids."""
    now = now or timezone.now()
    published = []
    due = PressRelease.objects.filter(status=Status.APPROVED, publish_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            release = (
                PressRelease.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Status.APPROVED, publish_at__lte=now)
                .first()
            )
            if release is None:
                continue
            press_release_set_status(release=release, status=Status.PUBLISHED, by=None)
            published.append(pk)
    return published
