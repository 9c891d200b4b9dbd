from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from conferences.models import Conference
from pressroom.drafting import DraftingError, draft_texts


class Command(BaseCommand):
    help = _("Print the press release drafted from a held conference's data, without saving it.")

    def add_arguments(self, parser):
        parser.add_argument("external_id", help=_("the conference's external id"))
        parser.add_argument(
            "--script",
            choices=["cyrl", "latn"],
            default="cyrl",
            help=_("Uzbek Cyrillic (default) or Latin"),
        )

    def handle(self, *args, external_id, script, **options):
        conference = Conference.objects.filter(external_id=external_id).first()
        if conference is None:
            raise CommandError(
                _("external_id: no conference with the external id %(id)r") % {"id": external_id}
            )
        try:
            texts = draft_texts(conference=conference)
        except DraftingError as exc:
            raise CommandError(f"external_id: {exc}") from None
        self.stdout.write(texts[f"title_{script}"])
        self.stdout.write("")
        self.stdout.write(texts[f"body_{script}"])
