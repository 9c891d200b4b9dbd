import datetime
import json
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from activity.models import IMPORT
from conferences.imports import conference_import_text
from experts.models import CouncilMembership
from experts.services import (
    council_get_or_create,
    council_save,
    expert_get_or_create,
    expert_save,
    membership_add,
    organization_get_or_create,
    organization_save,
)

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
MEMBERS_FILE = Path(__file__).resolve().parents[3] / "experts" / "demo" / "council-members.json"

FOUNDATION_MISSION = (
    "“Эл-юрт умиди” жамғармаси мутахассисларни хорижда тайёрлаш билан бирга, хорижий давлатларда "
    "истиқомат қилаётган катта илмий ва амалий тажрибага эга ватандошлар билан мулоқотлар "
    "ўрнатиш унинг яна бир асосий вазифаларидан ҳисобланади."
)
COUNCIL_MISSION = (
    "мамлакатимиз олий таълим тизимини ривожлантиришга оид таклифлар ишлаб чиқиш ва уларни "
    "олий таълим муассасалари амалиётида кенг қўллаш механизмларини ишлаб чиқиш, олий таълимга "
    "оид меъёрий-ҳуқуқий ҳужжатларнинг экспертизасини ўтказиш асосида олий таълим сифатини "
    "оширишга кўмаклашишдан иборат"
)


class Command(BaseCommand):
    help = _("Load the demo conference and its council, and create a staff login.")

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="", help=_("random when not given"))

    @transaction.atomic
    def handle(self, *args, username, password, **options):
        for path in sorted(DEMO_DIR.glob("*.json")):
            result = conference_import_text(text=path.read_bytes(), by=IMPORT)
            self.stdout.write(f"{path.name}: {result.outcome} {result.conference.external_id}")
        foundation = organization_get_or_create(
            name="“Эл-юрт умиди” жамғармаси",
            name_latin="“El-yurt umidi” jamgʻarmasi",
            kind="foundation",
            country="UZ",
        )
        foundation.mission = FOUNDATION_MISSION
        organization_save(organization=foundation, by=IMPORT)
        council = council_get_or_create(name="Халқаро экспертлар кенгаши")
        council.name_latin = "Xalqaro ekspertlar kengashi"
        council.host_organization = foundation
        council.mission = COUNCIL_MISSION
        council_save(council=council, by=IMPORT)
        self._load_members(council)

        User = get_user_model()
        password = password or secrets.token_urlsafe(12)
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        user.set_password(password)
        user.save()
        self.stdout.write(
            _("Staff login: %(user)s / %(password)s") % {"user": username, "password": password}
        )

    def _load_members(self, council):
        """Council members of the demo; the invented ones use example.org addresses."""
        for row in json.loads(MEMBERS_FILE.read_text(encoding="utf-8")):
            expert = expert_get_or_create(
                name=row["name"],
                name_latin=row["name_latin"],
                country=row["country"],
                organization=organization_get_or_create(name=row["organization"]),
                position=row["position"],
                email=row["email"],
                by=IMPORT,
            )
            expert.city = row["city"]
            expert.time_zone = row["time_zone"]
            expert.preferred_language = row["language"]
            expert.is_public = row["public"]
            expert_save(expert=expert, by=IMPORT)
            if not CouncilMembership.objects.filter(expert=expert, council=council).exists():
                membership_add(
                    expert=expert,
                    council=council,
                    role=row["role"],
                    start_date=datetime.date(2020, 6, 1),
                    by=IMPORT,
                )
