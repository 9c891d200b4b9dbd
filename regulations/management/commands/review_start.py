"""python manage.py review_start DRAFT_ID: invite the council's current members to comment."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conferences.management.commands._invitations import validation_lines
from regulations.models import Draft
from regulations.services import review_start


class Command(BaseCommand):
    help = "Start the review of a draft regulation: invitations go to the council's members."

    def add_arguments(self, parser):
        parser.add_argument("draft_id", type=int)

    def handle(self, *args, **options):
        try:
            draft = Draft.objects.get(pk=options["draft_id"])
        except Draft.DoesNotExist:
            raise CommandError(_("No draft with id %d.") % options["draft_id"]) from None
        try:
            queued = review_start(draft=draft, by="command")
        except ValidationError as exc:
            raise CommandError("\n".join(validation_lines(exc))) from None
        self.stdout.write(
            ngettext("%(count)d invitation queued.", "%(count)d invitations queued.", queued)
            % {"count": queued}
        )
