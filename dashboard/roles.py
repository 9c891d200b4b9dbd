"""Staff roles: Django groups with the permissions each kind of staff needs.

The groups are created by migration 0001 and kept in step after every `migrate`, so a
permission added later by any app (a new model, the pressroom's approve/publish) reaches the
roles without a new migration. Permissions are only added here, never removed: an
administrator's change to a group in the admin stays.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ADMINISTRATOR = "administrator"
SECRETARY = "council secretary"
PRESS = "press service"
VIEWER = "viewer"
# Approves the council's opinion on a draft regulation and sends it to the ministry; the
# secretary prepares it (uploads, starts the review, decides comments, writes the wording).
REVIEW_CHAIR = "review chair"

ROLE_LABELS = {
    ADMINISTRATOR: _("Administrator"),
    SECRETARY: _("Council secretary"),
    PRESS: _("Press service"),
    VIEWER: _("Viewer"),
    REVIEW_CHAIR: _("Review chair"),
}

PROJECT_APPS = (
    "experts",
    "conferences",
    "pressroom",
    "integrations",
    "transliteration",
    "telegram_channels",
    "recommendations",
    "regulations",
    "records",
)


def _view(apps_labels) -> Q:
    return Q(content_type__app_label__in=apps_labels, codename__startswith="view_")


def role_permissions(permission_model) -> dict:
    """Permission querysets per role, for the real or a migration's historical model."""
    perms = permission_model.objects.all()
    edit = Q(codename__startswith="add_") | Q(codename__startswith="change_")
    edit |= Q(codename__startswith="view_")
    return {
        ADMINISTRATOR: perms,
        SECRETARY: perms.filter(
            (
                Q(
                    content_type__app_label__in=[
                        "experts",
                        "conferences",
                        "recommendations",
                        "regulations",
                    ]
                )
                & edit
            )
            | _view(["pressroom", "integrations", "telegram_channels"])
            # The meeting record is the secretary's: edited, approved and mailed by them.
            | Q(content_type__app_label="records")
        ),
        # The press reads conferences and people, not the invitation lists with their emails;
        # it keeps the transliteration's exception dictionary and the Telegram channels.
        PRESS: perms.filter(
            Q(content_type__app_label__in=["pressroom", "transliteration", "telegram_channels"])
            | _view(["experts", "conferences"])
        ).exclude(codename__in=["view_invitation", "view_outboundmessage"]),
        VIEWER: perms.filter(_view(PROJECT_APPS)),
        REVIEW_CHAIR: perms.filter(
            _view(["regulations", "experts"])
            | Q(content_type__app_label="regulations", codename="approve_opinion")
        ),
    }


def roles_sync(*, group_model, permission_model) -> None:
    for name, permissions in role_permissions(permission_model).items():
        group, _created = group_model.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def roles_sync_after_migrate(sender, using="default", **kwargs) -> None:
    # post_migrate fires once per app, after that app's permissions exist; syncing each time is
    # cheap and idempotent, and the last run sees every permission.
    from django.contrib.auth.models import Group, Permission

    roles_sync(group_model=Group, permission_model=Permission)
