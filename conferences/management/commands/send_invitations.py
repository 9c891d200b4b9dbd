from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conferences.invitations import invitations_send

from ._invitations import conference_by_external_id, validation_lines


class Command(BaseCommand):
    help = _("Send the invitations of a scheduled conference that have not gone out yet.")

    def add_arguments(self, parser):
        parser.add_argument("external_id", metavar="EXTERNAL_ID")

    def handle(self, *args, external_id, **options):
        conference = conference_by_external_id(external_id)
        try:
            queued = invitations_send(conference=conference)
        except ValidationError as exc:
            raise CommandError("\n".join(validation_lines(exc))) from None
        self.stdout.write(
            _("%(count)d messages queued for %(conference)s.")
            % {"count": queued, "conference": conference.external_id}
        )
