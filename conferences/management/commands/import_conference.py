from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from activity.models import IMPORT
from conferences.imports import ConferenceImportError, conference_import_text


class Command(BaseCommand):
    help = _("Import conferences from JSON documents in the conference import format.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files, **options):
        refused = 0
        for name in files:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as exc:
                self.stderr.write(f"{name}: {_('cannot be read')} ({exc.strerror})")
                refused += 1
                continue
            try:
                result = conference_import_text(text=data, by=IMPORT)
            except ConferenceImportError as exc:
                refused += 1
                self.stderr.write(f"{name}: {_('refused, nothing stored')}")
                for error in exc.errors:
                    self.stderr.write(f"  {error}")
                continue
            self.stdout.write(
                f"{name}: {result.outcome} {result.conference.external_id} "
                f"({result.conference.get_status_display()})"
            )
            for note in result.notes:
                self.stdout.write(f"  {note}")
        if refused:
            raise CommandError(
                _("%(refused)d of %(total)d documents refused")
                % {"refused": refused, "total": len(files)}
            )
