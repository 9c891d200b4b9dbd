import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dashboard import roles

LOGINS = [
    ("secretary", roles.SECRETARY),
    ("press", roles.PRESS),
    ("viewer", roles.VIEWER),
]


class Command(BaseCommand):
    help = _("Create (or reset) one dashboard login per staff role and print the passwords.")

    def add_arguments(self, parser):
        parser.add_argument("--password", default="", help=_("random when not given"))

    def handle(self, *args, password, **options):
        User = get_user_model()
        for username, role in LOGINS:
            chosen = password or secrets.token_urlsafe(12)
            user, _created = User.objects.get_or_create(username=username)
            user.set_password(chosen)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            self.stdout.write(
                _("%(role)s: %(user)s / %(password)s")
                % {"role": roles.ROLE_LABELS[role], "user": username, "password": chosen}
            )
