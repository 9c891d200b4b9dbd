from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from experts.models import Organization
from experts.names import name_key
from partners.models import Scope
from partners.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for a partner organisation; the key is the last line printed."

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="The organisation's name.")
        parser.add_argument(
            "--scopes", required=True, help=f"Comma-separated, of: {', '.join(Scope.values)}."
        )
        parser.add_argument("--expires-days", type=int, default=None, help="Days until expiry.")
        parser.add_argument("--name", default="", help="A label for the key.")

    def handle(self, *args, **options):
        org = Organization.objects.filter(name_key=name_key(options["organization"])).first()
        if org is None:
            raise CommandError(f"--organization: no organisation named {options['organization']!r}")
        try:
            key, raw = api_key_create(
                organization=org,
                scopes=options["scopes"].split(","),
                name=options["name"],
                expires_days=options["expires_days"],
            )
        except ValidationError as exc:
            messages = [
                f"--{field.replace('_', '-')}: {' '.join(errs)}"
                for field, errs in exc.message_dict.items()
            ]
            raise CommandError("; ".join(messages)) from None
        expiry = key.expires_at.isoformat() if key.expires_at else "never"
        self.stdout.write(
            f"Key {key.prefix} for {org.name}; scopes {', '.join(key.scopes)}; expires {expiry}."
        )
        self.stdout.write("Store it now: it is not shown again.")
        self.stdout.write(raw)
