from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from activity.models import SCHEDULER
from conferences.management.commands._invitations import conference_by_external_id

from ...services import conference_recommendations_send


class Command(BaseCommand):
    help = _(
        "Send a conference's proposed recommendations to their addressees (mail to each "
        "addressee's contacts with a personal answer link)."
    )

    def add_arguments(self, parser):
        parser.add_argument("external_id", metavar="EXTERNAL_ID")

    def handle(self, *args, external_id, **options):
        conference = conference_by_external_id(external_id)
        result = conference_recommendations_send(conference=conference, by=SCHEDULER)
        self.stdout.write(
            _("%(sent)d recommendations sent, %(letters)d letters queued.")
            % {"sent": result.sent, "letters": result.letters}
        )
        for number in result.without_contact:
            self.stderr.write(
                _("%(number)s: the addressee has no contact with an email; it sees the "
                  "recommendation in the partner API only.") % {"number": number}
            )  # fmt: skip
