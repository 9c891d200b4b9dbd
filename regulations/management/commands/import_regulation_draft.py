"""python manage.py import_regulation_draft FILE --title … --organization … --deadline YYYY-MM-DD"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from activity.models import IMPORT
from conferences.management.commands._invitations import validation_lines
from experts.models import Organization
from experts.names import name_key
from regulations.services import draft_create


def organization_find(value: str) -> Organization:
    """An organisation by id or by name (matched as the import matches names)."""
    found = None
    if value.isdigit():
        found = Organization.objects.filter(pk=int(value)).first()
    found = found or Organization.objects.filter(name_key=name_key(value)).first()
    if found is None:
        raise CommandError(_("organization: no organisation %r.") % value)
    return found


class Command(BaseCommand):
    help = "Receive a draft regulation from a .docx (or .txt) file; prints the new draft's id last."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--title", required=True)
        parser.add_argument("--organization", required=True, help="The ministry: id or name.")
        parser.add_argument("--deadline", required=True, help="YYYY-MM-DD")
        parser.add_argument("--contact-email", default="")
        parser.add_argument("--contact-name", default="")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"file: {exc.strerror}") from None
        source = {"content": content, "name": path.name}
        if path.suffix.lower() == ".txt":
            try:
                source = {"text": content.decode("utf-8")}
            except UnicodeDecodeError:
                raise CommandError(_("file: a .txt file must be UTF-8.")) from None
        try:
            draft = draft_create(
                organization=organization_find(options["organization"]),
                title=options["title"],
                deadline=options["deadline"],
                contact_email=options["contact_email"],
                contact_name=options["contact_name"],
                by=IMPORT,
                **source,
            )
        except ValidationError as exc:
            raise CommandError("\n".join(validation_lines(exc))) from None
        units = draft.versions.get().units.count()
        self.stdout.write(_("%(units)d articles found.") % {"units": units})
        self.stdout.write(str(draft.pk))
