"""What other apps may react to in a conference's life, declared in one place.

The services in `conferences.services` send these with `Signal.send`, inside the transaction of
the change, once per call: a receiver that writes rows (the outbox's calendar UPDATE) writes them
in the same transaction as the change, so a crash loses both or neither, and a receiver that
raises undoes the change. A receiver that wakes outside work (Zoom, drafting a release, a mail
task) queues it with `elyurt.celery.task_after_commit`, which runs only once the change is
committed and never fails the request. Receivers live in each app's `receivers.py` and are
connected in its `AppConfig.ready()` with a `dispatch_uid`; conferences never imports the apps
that react.

`invitations_registered` is the exception: it is sent after commit (with `send_robust`, a
failing receiver is logged), since its receivers only wake outside work.

The conference signals are sent with ``sender=Conference`` and these keyword arguments:

- `conference`: the Conference as saved;
- `by`: who made the change (a User, another actor, or None for the system);

and, per signal, the ones below.
"""

from django.dispatch import Signal

# A status change (`conference_set_status`). Arguments: `previous`, the status it left.
conference_status_changed = Signal()

# Something an invitee's calendar entry shows changed: topic, start, duration, join link,
# meeting id, passcode or the agenda (`conferences.services.CALENDAR_FIELDS`). Arguments:
# `changed`, the set of every name the call changed (agenda and organisations included), so one
# call that moves the start and changes the agenda is one signal, one calendar UPDATE.
conference_schedule_changed = Signal()

# The programme changed: organisations taking part, agenda or the experts who took part.
# Arguments: `changed`, a subset of {"organizations", "presentations", "experts"}.
conference_program_changed = Signal()

# People were registered for a conference by a partner organisation (`conferences.registrations`),
# new or updated. Sent after commit with sender=Invitation, `conference` and `invitation_ids`
# (their invitations, in the order of the rows registered). Receivers only wake outside work
# (the Zoom registrants).
invitations_registered = Signal()
