"""Every write to a row the partner API shows makes that resource's stored answers stale.

Model signals rather than calls in each service: the API shows rows that many services, the
admin, imports and commands write (an expert's name shows in conferences, councils and
experts), and a stale answer is served for an hour, so every save, delete and many-to-many
change counts, whoever makes it. A queryset `.update()` sends no signal: the services that
write shown fields that way bump by hand (conference_set_status through
`conference_status_changed`, press_release_set_status directly).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from conferences.models import Conference, ConferenceOrganization, Presentation
from conferences.signals import conference_status_changed
from elyurt import api_cache
from experts.models import Council, CouncilMembership, Expert, FieldOfExpertise, Organization
from pressroom.models import PressRelease

# Each model, and the resources whose answers show its rows.
SHOWN_IN = {
    Conference: ("conferences", "releases"),  # a release shows its conference's external id
    Presentation: ("conferences",),
    ConferenceOrganization: ("conferences",),
    Conference.experts.through: ("conferences",),  # figures: experts and their countries
    Expert: ("conferences", "experts", "councils"),
    Expert.fields.through: ("experts",),
    FieldOfExpertise: ("experts",),
    Organization: ("conferences", "experts", "councils"),
    Council: ("conferences", "councils"),
    CouncilMembership: ("councils",),
    PressRelease: ("releases",),
}


def _row_written(sender, **kwargs):
    api_cache.bump_now_and_on_commit(*SHOWN_IN[sender])


def _relation_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        api_cache.bump_now_and_on_commit(*SHOWN_IN[sender])


def _status_changed(sender, **kwargs):
    api_cache.bump_now_and_on_commit(*SHOWN_IN[Conference])


def connect() -> None:
    for model in SHOWN_IN:
        uid = f"partners.api_cache.{model._meta.label}"
        if model._meta.auto_created:
            m2m_changed.connect(_relation_changed, sender=model, dispatch_uid=uid)
        else:
            post_save.connect(_row_written, sender=model, dispatch_uid=f"{uid}.save")
            post_delete.connect(_row_written, sender=model, dispatch_uid=f"{uid}.delete")
    conference_status_changed.connect(
        _status_changed, sender=Conference, dispatch_uid="partners.api_cache.status"
    )
