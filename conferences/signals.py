"""Events of the conferences app that other apps react to, in their own receivers.py.

Each is sent after the commit of the change it announces, with `send_robust`: a failing
receiver is logged and does not undo the change or stop the other receivers.
"""

from django.dispatch import Signal

# People were registered for a conference (partner registrations, see registrations.py), new
# or updated. Sent after commit with sender=Invitation, conference= the Conference and
# invitation_ids= the ids of their invitations, in the order of the rows registered.
invitations_registered = Signal()
