"""The HTML of the pages people meet validates (the Nu Html Checker, vnu.jar from npm, run
offline on Java): the public list and a release, the answer page, the login page, the dashboard
home and a conference page, the Telegram channel pages. One JVM checks every page at once, in a few seconds."""

import datetime
import json
import shutil
import subprocess

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from conferences.invitations import invitations_from_council
from conferences.services import conference_create, conference_set_status
from conferences.tokens import invitation_token
from dashboard import roles
from experts.models import CouncilMembership
from experts.tests.factories import CouncilFactory, ExpertFactory, OrganizationFactory
from pressroom.services import press_release_draft, press_release_set_status
from recommendations.services import (
    recommendation_set_public,
    recommendations_make,
    recommendations_send,
)
from recommendations.tokens import answer_token
from telegram_channels.services import telegram_channel_add

from .browser import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _pages(django_user_model) -> dict[str, bytes]:
    council = CouncilFactory(name="Халқаро экспертлар кенгаши")
    expert = ExpertFactory(full_name="Одилбек Каттаев", email="kattaev@example.org")
    CouncilMembership.objects.create(
        expert=expert, council=council, start_date=datetime.date(2020, 1, 1)
    )
    press = django_user_model.objects.create_user("press")
    press.groups.add(Group.objects.get(name=roles.PRESS))
    secretary = django_user_model.objects.create_user("secretary")
    secretary.groups.add(Group.objects.get(name=roles.SECRETARY))

    held = conference_create(
        council=council, title="Онлайн курслар", starts_at=timezone.now() - datetime.timedelta(1)
    )
    conference_set_status(conference=held, status="scheduled")
    conference_set_status(conference=held, status="held")
    channel = telegram_channel_add(chat="@elyurt_news", script="cyrl", by=None)
    release = press_release_draft(conference=held)
    for status in ["in_review", "approved", "published"]:
        press_release_set_status(release=release, status=status, by=press)
    release.refresh_from_db()
    upcoming = conference_create(
        council=council, title="Масофавий таълим", starts_at=timezone.now() + datetime.timedelta(3)
    )
    conference_set_status(conference=upcoming, status="scheduled")
    invitation = invitations_from_council(conference=upcoming, send=False)[0]
    token = invitation_token(invitation=invitation)

    ministry = OrganizationFactory(name="Олий таълим вазирлиги", kind="ministry")
    contact = ExpertFactory(organization=ministry, preferred_language="uz-Latn")
    [recommendation] = recommendations_make(
        source=held,
        items=[{"text": "Онлайн курсларни кўпайтириш", "addressee": ministry,
                "due_on": datetime.date(2030, 1, 1)}],
        by=secretary,
    )  # fmt: skip
    recommendations_send(recommendations=[recommendation], by=secretary)
    recommendation_set_public(recommendation=recommendation, public=True, by=secretary)
    link = recommendation.answer_links.get(contact=contact)

    anonymous = Client()
    staff = Client()
    staff.force_login(secretary)
    press_client = Client()
    press_client.force_login(press)
    urls = {
        "press list": (anonymous, "/press/"),
        "release": (anonymous, f"/press/{release.slug}/"),
        "answer page": (anonymous, f"/i/{upcoming.external_id}/{token}/"),
        "login": (anonymous, "/accounts/login/"),
        "public conference list": (anonymous, "/conferences/"),
        "public conference": (anonymous, f"/conferences/{upcoming.slug}/"),
        "subscribe": (anonymous, "/subscriptions/"),
        "dashboard home": (staff, "/dashboard/"),
        # With its activity log, whose times are <time datetime>.
        "conference page": (staff, f"/dashboard/conferences/{held.pk}/"),
        # With the Telegram announce button.
        "upcoming conference page": (press_client, f"/dashboard/conferences/{upcoming.pk}/"),
        "telegram channels": (press_client, "/dashboard/telegram/"),
        "telegram channel": (press_client, f"/dashboard/telegram/{channel.pk}/"),
        "telegram channel added": (press_client, "/dashboard/telegram/new/"),
        "recommendation tracker": (anonymous, "/recommendations/"),
        "recommendation answer page": (anonymous, f"/a/{answer_token(link=link)}/"),
        "recommendation list": (staff, f"/dashboard/recommendations/?conference={held.pk}"),
        "recommendation page": (staff, f"/dashboard/recommendations/{recommendation.pk}/"),
        "new recommendation": (staff, f"/dashboard/conferences/{held.pk}/recommendations/new/"),
        "year report": (staff, f"/dashboard/report/{timezone.localdate().year}/"),
    }
    press_client = Client()
    press_client.force_login(press)
    urls["dictionary"] = (press_client, "/dashboard/dictionary/")
    pages = {}
    for name, (client, url) in urls.items():
        response = client.get(url, secure=True)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = response.content
    # The dictionary's preview of the releases an entry changes (the seed's "Онлайн").
    preview = press_client.post(
        "/dashboard/dictionary/new/", {"cyrillic": "онлайн", "latin": "online"}, secure=True
    )
    assert b'id="dictionary-preview-table"' in preview.content
    pages["dictionary preview"] = preview.content
    return pages


def test_pages_validate(django_user_model, tmp_path):
    java = shutil.which("java")
    assert java, "the HTML check needs Java (apt-get install default-jre-headless)"
    files = {}
    for name, content in _pages(django_user_model).items():
        path = tmp_path / f"{name.replace(' ', '-')}.html"
        path.write_bytes(content)
        files[str(path)] = name
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *files],
        capture_output=True,
        timeout=120,
    )
    messages = json.loads(run.stdout)["messages"]
    found = [
        f"{files[m['url'].removeprefix('file:')]}: line {m.get('lastLine')}: {m['message']}"
        for m in messages
    ]
    assert found == []
