"""A written recommendation makes stale what shows it: the partner API's stats answers (its
figures per year) and the public tracker's cached pages."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from elyurt import api_cache
from pressroom import public_cache

from .models import Recommendation


def _written(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) == {"reminded_period"}:
        return  # the reminder scan's bookkeeping shows nowhere
    # /api/v1/stats/ is cached under the conferences resource and shows recommendation figures.
    api_cache.bump_now_and_on_commit("conferences")
    # Every change may move a published row (or publish one); the tracker's pages share the
    # public pages' version, bumped after commit.
    transaction.on_commit(public_cache.invalidate, robust=True)


def connect() -> None:
    for signal, uid in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_written, sender=Recommendation, dispatch_uid=f"recommendations.{uid}")
