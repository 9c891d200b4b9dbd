import datetime
import importlib
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from conferences.imports import conference_import
from experts.services import council_get_or_create, membership_add, organization_get_or_create
from pressroom import public_cache

DEMO = Path(__file__).resolve().parents[2] / "conferences" / "demo"
SEED_FILE = DEMO / "iec-2020-08-28-online-courses.json"

FOUNDATION_MISSION = (
    "“Эл-юрт умиди” жамғармаси мутахассисларни хорижда тайёрлаш билан бирга, хорижий "
    "давлатларда истиқомат қилаётган катта илмий ва амалий тажрибага эга ватандошлар билан "
    "мулоқотлар ўрнатиш унинг яна бир асосий вазифаларидан ҳисобланади."
)
COUNCIL_MISSION = (
    "мамлакатимиз олий таълим тизимини ривожлантиришга оид таклифлар ишлаб чиқиш ва уларни "
    "олий таълим муассасалари амалиётида кенг қўллаш механизмларини ишлаб чиқиш, олий таълимга "
    "оид меъёрий-ҳуқуқий ҳужжатларнинг экспертизасини ўтказиш асосида олий таълим сифатини "
    "оширишга кўмаклашишдан иборат"
)


@pytest.fixture(autouse=True)
def _default_release_template(request):
    """The shipped wording, as its data migration writes it.

    Transactional tests (of any app) flush the tables and with them the migration's row.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is not None:
        transactional = marker.kwargs.get("transaction", False)
        request.getfixturevalue("transactional_db" if transactional else "db")
    elif "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    from pressroom.models import ReleaseTemplate

    shipped = importlib.import_module("pressroom.migrations.0003_default_release_template")
    if not ReleaseTemplate.objects.filter(language="uz-Cyrl").exists():
        ReleaseTemplate.objects.create(
            language="uz-Cyrl", name="default", title=shipped.TITLE, body=shipped.BODY
        )


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    public_cache.clear_local()
    yield
    cache.clear()
    public_cache.clear_local()


def import_document(document: dict):
    return conference_import(document=document).conference


@pytest.fixture
def seed_document() -> dict:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def seed_conference(db, seed_document):
    """The seed event imported as the demo ships it, with the foundation's and council's missions
    and the two presenters on the council (as the demo's members file has them)."""
    conference = import_document(seed_document)
    foundation = organization_get_or_create(name="“Эл-юрт умиди” жамғармаси")
    foundation.mission = FOUNDATION_MISSION
    foundation.save()
    council = council_get_or_create(name="Халқаро экспертлар кенгаши")
    council.host_organization = foundation
    council.mission = COUNCIL_MISSION
    council.save()
    for presentation in conference.presentations.select_related("presenter"):
        membership_add(
            expert=presentation.presenter, council=council, start_date=datetime.date(2020, 6, 1)
        )
    conference.refresh_from_db()
    return conference


def user_with(django_user_model, username: str, *codenames: str):
    user = django_user_model.objects.create_user(username=username, password="pw-" + username)
    if codenames:
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="pressroom", codename__in=codenames)
        )
    return django_user_model.objects.get(pk=user.pk)  # drop the permission cache


@pytest.fixture
def editor(django_user_model):
    """Edits and submits for review, cannot approve or publish."""
    return user_with(django_user_model, "editor", "view_pressrelease", "change_pressrelease")


@pytest.fixture
def press(django_user_model):
    """The press service: everything on releases."""
    return user_with(
        django_user_model,
        "press",
        "view_pressrelease",
        "change_pressrelease",
        "approve_pressrelease",
        "publish_pressrelease",
        "view_releasetemplate",
        "change_releasetemplate",
    )


@pytest.fixture
def outsider(django_user_model):
    return user_with(django_user_model, "outsider")
