"""What other apps may react to in a press release's life, declared in one place.

Sent by `pressroom.services` with `Signal.send` inside the transaction of the change, with
``sender=PressRelease``: a receiver that records rows (the Telegram channels' posts) writes them
in the same transaction, so a crash loses both or neither; outside work is queued with
`elyurt.celery.task_after_commit`. Receivers live in each app's `receivers.py`, connected in
its `AppConfig.ready()` with a `dispatch_uid`; the pressroom never imports the apps that react.

Keyword arguments: `release` (the PressRelease as saved), `by` (a User, or None for the
scheduler), and per signal the ones below.
"""

from django.dispatch import Signal

# A status change (`press_release_set_status`). Arguments: `previous`, the status it left.
# Publishing is `status == "published"`, by hand or by the scheduler (`by=None`).
press_release_status_changed = Signal()

# Texts or slug changed (`press_release_edit`), in any status. Arguments: `changed`, the set
# of field names the edit changed.
press_release_edited = Signal()
