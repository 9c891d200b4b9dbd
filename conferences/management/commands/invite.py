from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conferences.invitations import invitations_from_council, invitations_from_csv

from ._invitations import conference_by_external_id, validation_lines


class Command(BaseCommand):
    help = _(
        "Invite people to a scheduled conference: the council's current members (--council) or "
        "everyone in a CSV file (--csv FILE, header name,email,organization,position,language,"
        "timezone). A file with any bad line is refused whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("external_id", metavar="EXTERNAL_ID")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--council", action="store_true", help=_("the council's members"))
        source.add_argument("--csv", metavar="FILE", help=_("a CSV file of people"))
        parser.add_argument(
            "--no-send", action="store_true", help=_("record the invitations, mail them later")
        )

    def handle(self, *args, external_id, council, csv, no_send, **options):
        conference = conference_by_external_id(external_id)
        try:
            if council:
                invitations = invitations_from_council(conference=conference, send=not no_send)
            else:
                try:
                    data = Path(csv).read_bytes()
                except OSError as exc:
                    raise CommandError(
                        _("%(file)s: cannot be read (%(reason)s)")
                        % {"file": csv, "reason": exc.strerror}
                    ) from None
                invitations = invitations_from_csv(
                    conference=conference, file=data, send=not no_send
                )
        except ValidationError as exc:
            for line in validation_lines(exc):
                self.stderr.write(line)
            raise CommandError(_("Refused, nothing imported.")) from None
        self.stdout.write(
            _("%(count)d people invited to %(conference)s.")
            % {"count": len(invitations), "conference": conference.external_id}
        )
