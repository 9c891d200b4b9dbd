"""What other apps may react to in a press release's life.

`release_status_changed` is sent by `services.press_release_set_status`, the one place a
release's status changes, inside the transaction of the change, with sender=PressRelease and
`release` (as saved), `previous` (the status it left) and `by`. Receivers that wake outside
work (the subscribers' mail) queue it with elyurt.celery.task_after_commit.
"""

from django.dispatch import Signal

release_status_changed = Signal()
