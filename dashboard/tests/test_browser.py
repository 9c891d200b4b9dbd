"""The dashboard end to end in headless Chromium, against a live server, a Celery worker on
Redis and a real SMTP server: the secretary runs a conference from creation to "held", an
expert answers through the link in the mail, the press service publishes the release.

Screenshots of each main page land in test-artifacts/ (git-ignored) for a person to look at.
"""

import datetime
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from conferences.models import Conference, Invitation
from dashboard import roles
from experts.models import CouncilMembership
from experts.tests.factories import CouncilFactory, ExpertFactory, OrganizationFactory

from .browser import CHROMIUM, CHROMIUM_ARGS, ROOT, LiveServer, Worker, screenshot, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "Correct-horse-9"
ZOOM_REPORT = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "Одилбек Каттаев,kattaev@example.org,12/16/2026 03:00:00 PM,12/16/2026 03:40:00 PM,40,No\n"
    "Одилбек Каттаев,KATTAEV@example.org,12/16/2026 03:45:00 PM,12/16/2026 05:00:00 PM,75,No\n"
    "Ректор ТАТУ,,12/16/2026 03:05:00 PM,12/16/2026 04:55:00 PM,110,Yes\n"
).encode()
ANSWER_LINK = re.compile(r"https?://[^\s\"'<>]+/i/[^\s\"'<>]+/")


@pytest.fixture
def live_site(settings):
    # Plain HTTP on localhost: no HTTPS redirect, cookies without the Secure flag.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    server = LiveServer().start()
    settings.SITE_URL = server.url
    yield server
    server.stop()


@pytest.fixture
def worker(smtp, live_site):
    worker = Worker(smtp_port=smtp.port, site_url=live_site.url).start()
    yield worker
    worker.stop()


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def release_template():
    """The press room's shipped wording, as its data migration writes it: transactional tests
    flush the tables, and with them the migration's row."""
    import importlib

    from pressroom.models import ReleaseTemplate

    shipped = importlib.import_module("pressroom.migrations.0003_default_release_template")
    if not ReleaseTemplate.objects.filter(language="uz-Cyrl").exists():
        ReleaseTemplate.objects.create(
            language="uz-Cyrl", name="default", title=shipped.TITLE, body=shipped.BODY
        )


@pytest.fixture
def people(django_user_model):
    council = CouncilFactory(name="Халқаро экспертлар кенгаши")
    members = [
        ExpertFactory(
            full_name="Одилбек Каттаев",
            email="kattaev@example.org",
            country="RU",
            time_zone="Europe/Moscow",
            preferred_language="ru",
        ),
        ExpertFactory(
            full_name="Ҳамид Иргашев",
            email="irgashev@example.org",
            country="GB",
            time_zone="Europe/London",
            preferred_language="uz-Latn",
        ),
        ExpertFactory(
            full_name="Маъмуржон Азимов",
            email="azimov@example.org",
            country="US",
            time_zone="America/New_York",
            preferred_language="uz-Cyrl",
        ),
    ]
    for expert in members:
        CouncilMembership.objects.create(
            expert=expert, council=council, start_date=datetime.date(2020, 1, 1)
        )
    users = {}
    for role, username in [(roles.SECRETARY, "secretary"), (roles.PRESS, "press")]:
        user = django_user_model.objects.create_user(username, password=PASSWORD)
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return {
        "council": council,
        "members": members,
        "organisation": OrganizationFactory(name="Республика олий таълим кенгаши"),
        "users": users,
    }


def _log_in(page, base, username):
    page.goto(f"{base}/dashboard/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/dashboard/")


def _confirm(page, action):
    page.click(f"#action-{action}")
    page.check("#id_confirm")
    page.click("#confirm-action")
    page.wait_for_selector(".alert-success")


def test_secretary_to_press_service_end_to_end(
    browser, live_site, worker, smtp, people, release_template
):
    base = live_site.url
    context = browser.new_context(locale="uz-Cyrl", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()

    # The secretary logs in; an anonymous visit went to the login page first.
    page.goto(f"{base}/dashboard/")
    screenshot(page, "01-login")
    _log_in(page, base, "secretary")
    screenshot(page, "02-home")

    # A conference with two presentations and a co-organiser, typed in Tashkent time.
    starts = timezone.localtime() + datetime.timedelta(days=20)
    starts = starts.replace(hour=15, minute=0, second=0, microsecond=0)
    page.goto(f"{base}/dashboard/conferences/new/")
    page.select_option("#id_conference-council", label=people["council"].name)
    page.fill("#id_conference-title", "Олий таълим тизимида онлайн курслар")
    page.fill("#id_conference-starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_conference-join_url", "https://zoom.example/j/85218486288")
    page.select_option("#id_orgs-0-organization", label=people["organisation"].name)
    page.select_option("#id_orgs-0-role", "co_organizer")
    page.fill("#id_orgs-0-order", "1")
    titles = [
        "Оммавий очиқ онлайн курслар: Coursera ва бошқа онлайн платформалар",
        "Масофавий таълимни жорий этишнинг долзарб масалалари",
    ]
    for index, (title, presenter) in enumerate(zip(titles, people["members"][:2], strict=True)):
        page.fill(f"#id_agenda-{index}-order", str(index + 1))
        page.fill(f"#id_agenda-{index}-title", title)
        page.select_option(f"#id_agenda-{index}-presenter", label=presenter.full_name)
    # The members' local times follow what is typed.
    page.wait_for_function("document.querySelectorAll('#live-local-times tbody tr').length === 3")
    screenshot(page, "03-conference-form")
    page.click("#save-conference")
    page.wait_for_selector("#agenda")
    conference = Conference.objects.get()
    assert page.locator("#agenda li").all_inner_texts() == [
        f"«{titles[0]}» — Одилбек Каттаев",
        f"«{titles[1]}» — Ҳамид Иргашев",
    ]
    assert conference.starts_at == starts
    screenshot(page, "04-conference-detail")

    _confirm(page, "schedule")
    assert Conference.objects.get().status == "scheduled"

    # Invite the council and send; the figures update by themselves while the worker sends.
    page.click("#tab-invitations")
    page.click("#invite-council")
    page.wait_for_selector("#invitation-table")
    assert page.locator("#invitation-table tbody tr").count() == 3
    page.click("#send-invitations")
    page.wait_for_function("document.querySelector('#count-sent').textContent.trim() === '3'")
    smtp.wait_for(lambda: len(smtp.received) == 3, timeout=30, what="three invitations")
    assert sorted(smtp.count_by_recipient()) == [
        "azimov@example.org",
        "irgashev@example.org",
        "kattaev@example.org",
    ]
    page.reload()
    assert page.locator("#invitation-table .delivery-sent").count() == 3
    screenshot(page, "05-invitations")

    # Kattaev answers through the link in his mail.
    mail = next(r for r in smtp.received if r.rcpt == ["kattaev@example.org"]).message()
    text = mail.get_body(preferencelist=("plain",)).get_content()
    link = ANSWER_LINK.search(text).group(0)
    assert link.startswith(base)
    expert_page = context.new_page()
    expert_page.goto(link)
    expert_page.click("button[value=accepted]")
    expert_page.wait_for_url(re.compile(r".*\?saved=1$"))
    screenshot(expert_page, "06-answer-page")
    expert_page.close()
    assert Invitation.objects.get(email="kattaev@example.org").answer == "accepted"
    page.reload()
    assert page.locator("#count-accepted").inner_text() == "1"
    assert page.locator("#invitation-table .answer-accepted").count() == 1

    # Declared audience, then the conference is held: the worker drafts its release.
    page.click("#tab-audience")
    page.fill("#id_participants_count_declared", "1000")
    page.check("#id_participants_approximate")
    page.fill("#id_expert_count_declared", "20")
    for expert in people["members"]:
        page.check(f"#declared-form input[name=experts][value='{expert.pk}']")
    page.click("#declared-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert page.locator("#participants-count").inner_text() == "≈ 1000"
    # Zoom's participant report: Kattaev joined twice and counts once; it wins over the 1000.
    page.set_input_files(
        "#upload-form input[type=file]",
        files=[{"name": "participants.csv", "mimeType": "text/csv", "buffer": ZOOM_REPORT}],
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert page.locator("#participants-recorded").inner_text() == "2"
    assert page.locator("#participants-count").inner_text() == "2"
    screenshot(page, "07-audience")
    page.goto(f"{base}/dashboard/conferences/{conference.pk}/")
    # 20 days ahead: the page says it cannot be marked held yet, and refuses it.
    page.click("#action-held")
    assert page.locator("#early-held").count() == 1
    page.check("#id_confirm")
    page.click("#confirm-action")
    page.wait_for_selector(".alert-danger")
    assert Conference.objects.get().status == "scheduled"
    # The conference takes place (its start moved to five minutes ago, as if the days passed).
    starts = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(minutes=5)
    Conference.objects.filter(pk=conference.pk).update(starts_at=starts)
    page.goto(f"{base}/dashboard/conferences/{conference.pk}/")
    page.click("#action-held")
    page.check("#id_confirm")
    page.click("#confirm-action")
    page.wait_for_selector(".alert-success")
    assert Conference.objects.get().status == "held"

    page.goto(f"{base}/dashboard/")
    this_year = starts.year == timezone.localdate().year  # late December runs into January
    assert page.locator("#held-count").inner_text() == ("1" if this_year else "0")
    assert page.locator("#participants-total").inner_text() == ("2" if this_year else "0")
    assert page.locator("#experts-total").inner_text() == ("3" if this_year else "0")
    screenshot(page, "08a-home-after-held")
    page.goto(f"{base}/dashboard/conferences/calendar/?month={starts:%Y-%m}")
    assert page.locator(".calendar-event").count() == 1
    screenshot(page, "08-calendar")
    page.goto(f"{base}/dashboard/conferences/")
    screenshot(page, "09-conference-list")
    page.goto(f"{base}/dashboard/experts/")
    assert page.locator("#expert-table tbody tr").count() == 3
    screenshot(page, "10-experts")
    page.click("#expert-table tbody tr:first-child a")
    page.wait_for_selector("#memberships")
    assert page.locator("#memberships tbody tr").count() == 1
    screenshot(page, "10b-expert-profile")
    page.go_back()

    # The language switcher: Russian, then back to Uzbek Cyrillic.
    page.select_option("#language-select", "ru")
    page.wait_for_function("document.documentElement.lang === 'ru'")
    screenshot(page, "11-experts-ru")
    page.select_option("#language-select", "uz-cyrl")
    page.wait_for_function("document.documentElement.lang === 'uz-cyrl'")

    page.click("#user-menu")
    page.click("#logout-button")
    page.wait_for_url(re.compile(r".*/accounts/login/.*"))

    from pressroom.models import PressRelease

    release = wait_for(lambda: PressRelease.objects.first(), timeout=30, what="the drafted release")
    assert release.conference_id == conference.pk
    _press_service_publishes(page, base, release)
    context.close()


def _press_service_publishes(page, base, release):
    from pressroom.models import PressRelease

    _log_in(page, base, "press")
    page.click("#dash-nav a[href='/dashboard/press/']")
    page.wait_for_selector("#press-releases")
    screenshot(page, "12-press-list")
    page.goto(f"{base}/dashboard/press/{release.pk}/")
    body = page.input_value("#id_body_cyrl")
    page.fill("#id_body_cyrl", body + "\n\nСаволларга жамғарма раҳбарияти жавоб берди.")
    # The Latin text was not touched, so it follows the Cyrillic edit by itself.
    page.click("#release-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert PressRelease.objects.get(pk=release.pk).body_cyrl.endswith("жавоб берди.")
    screenshot(page, "13-press-edit")
    for status in ["in_review", "approved", "published"]:
        page.click(f"#release-actions form:has(input[name=status][value={status}]) button")
        page.wait_for_selector(".alert-success")
        assert PressRelease.objects.get(pk=release.pk).status == status
    screenshot(page, "14-press-published")

    # The public page, in both scripts, for anyone.
    release = PressRelease.objects.get(pk=release.pk)
    public = page.context.browser.new_page()
    public.goto(f"{base}/press/{release.slug}/?lang=cyrl")
    assert "Саволларга жамғарма раҳбарияти жавоб берди." in public.inner_text("body")
    screenshot(public, "15-public-cyrillic")
    public.goto(f"{base}/press/{release.slug}/?lang=latn")
    assert "Savollarga jamgʻarma rahbariyati javob berdi." in public.inner_text("body")
    screenshot(public, "16-public-latin")
    public.close()


def test_answer_page_form_in_chromium(browser, live_site, people):
    """The expert's answer page, posted by a real browser with no help (see the flow above)."""
    from conferences.invitations import invitations_from_council
    from conferences.services import conference_create, conference_set_status
    from conferences.tokens import invitation_token

    conference = conference_create(
        council=people["council"],
        title="Topic",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    conference_set_status(conference=conference, status="scheduled")
    invitation = invitations_from_council(conference=conference, send=False)[0]
    token = invitation_token(invitation=invitation)
    page = browser.new_page()
    page.goto(f"{live_site.url}/i/{conference.external_id}/{token}/")
    page.click("button[value=accepted]")
    page.wait_for_url(re.compile(r".*\?saved=1$"))
    invitation.refresh_from_db()
    assert invitation.answer == "accepted"


def test_invitation_figures_update_live_while_messages_go_out(browser, live_site, people):
    """htmx polls the figures while messages wait; the page is never reloaded."""
    from conferences.invitations import invitations_from_council
    from conferences.models import OutboundMessage
    from conferences.services import conference_create, conference_set_status

    conference = conference_create(
        council=people["council"],
        title="Топик",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    conference_set_status(conference=conference, status="scheduled")
    invitations = invitations_from_council(conference=conference, send=False)
    # Recorded, not yet sent: what the worker finds when "send" was pressed.
    OutboundMessage.objects.bulk_create(
        OutboundMessage(invitation=i, kind="invitation") for i in invitations
    )
    context = browser.new_context(locale="en")
    page = context.new_page()
    _log_in(page, live_site.url, "secretary")
    page.goto(f"{live_site.url}/dashboard/conferences/{conference.pk}/invitations/")
    page.evaluate("window.notReloaded = true")
    assert page.locator("#count-waiting").inner_text() == "3"
    assert page.locator("#invitation-progress").get_attribute("data-in-progress") == "true"

    OutboundMessage.objects.filter(invitation=invitations[0]).update(
        state="sent", sent_at=timezone.now()
    )
    page.wait_for_function("document.querySelector('#count-sent').textContent.trim() === '1'")
    OutboundMessage.objects.exclude(invitation=invitations[0]).update(
        state="sent", sent_at=timezone.now()
    )
    page.wait_for_function(
        "document.querySelector('#invitation-progress').dataset.inProgress === 'false'"
    )
    assert page.locator("#count-sent").inner_text() == "3"
    assert page.locator("#count-waiting").inner_text() == "0"
    assert page.evaluate("window.notReloaded") is True
    context.close()


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What axe finds, minus the rules' long help: enough to see what to fix.
AXE_SERIOUS = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => ({
            id: v.id,
            impact: v.impact,
            nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary),
        }));
}"""


def _axe_violations(page, url):
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_SERIOUS)


# Whether the page drew its Uzbek Cyrillic letters (қ ғ ҳ ў: U+0492-U+04B3, in Noto Sans's
# cyrillic-ext subset) with the self-hosted Noto Sans rather than a fallback font. The browser
# writes the subset's range as U+460-52F; it loads a subset only when the page uses it.
NOTO_UZBEK_LOADED = """async () => {
    await document.fonts.ready;
    return [...document.fonts].some((f) => f.family.replaceAll('"', "") === "Noto Sans"
        && f.status === "loaded" && f.unicodeRange.startsWith("U+460-52F"));
}"""


def test_public_pages_draw_uzbek_letters_in_noto_sans(browser, live_site, people, release_template):
    from conferences.services import conference_create, conference_set_status
    from pressroom.services import press_release_draft, press_release_set_status

    held = conference_create(
        council=people["council"],
        title="Олий таълим тизимида онлайн курслар",
        starts_at=timezone.now() - datetime.timedelta(days=1),
    )
    conference_set_status(conference=held, status="scheduled")
    conference_set_status(conference=held, status="held")
    release = press_release_draft(conference=held)
    for status in ["in_review", "approved", "published"]:
        press_release_set_status(release=release, status=status, by=people["users"]["press"])
    release.refresh_from_db()
    page = browser.new_context(locale="uz-Cyrl").new_page()
    page.goto(f"{live_site.url}/press/{release.slug}/?lang=cyrl")
    assert "ғ" in page.inner_text("main")
    assert page.evaluate(NOTO_UZBEK_LOADED) is True
    family = page.evaluate("getComputedStyle(document.querySelector('main')).fontFamily")
    assert family.startswith('"Noto Sans"')


def test_pages_have_no_serious_accessibility_violations(
    browser, live_site, people, release_template
):
    """axe-core (npm, at install time) on each kind of page people meet: serious or critical
    violations fail, whichever the page (contrast, names of controls, landmarks...)."""
    from conferences.invitations import invitations_from_council
    from conferences.services import conference_create, conference_set_status
    from conferences.tokens import invitation_token
    from pressroom.services import press_release_draft, press_release_set_status

    base = live_site.url
    held = conference_create(
        council=people["council"],
        title="Олий таълим тизимида онлайн курслар",
        starts_at=timezone.now() - datetime.timedelta(days=1),
    )
    conference_set_status(conference=held, status="scheduled")
    conference_set_status(conference=held, status="held")
    release = press_release_draft(conference=held)
    for status in ["in_review", "approved", "published"]:
        press_release_set_status(release=release, status=status, by=people["users"]["press"])
    release.refresh_from_db()
    upcoming = conference_create(
        council=people["council"],
        title="Масофавий таълим",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    conference_set_status(conference=upcoming, status="scheduled")
    invitation = invitations_from_council(conference=upcoming, send=False)[0]
    answer = f"{base}/i/{upcoming.external_id}/{invitation_token(invitation=invitation)}/"

    anonymous = browser.new_context(locale="uz-Cyrl")
    found = {
        "press list": _axe_violations(anonymous.new_page(), f"{base}/press/"),
        "release": _axe_violations(anonymous.new_page(), f"{base}/press/{release.slug}/"),
        "answer page": _axe_violations(anonymous.new_page(), answer),
        "login": _axe_violations(anonymous.new_page(), f"{base}/accounts/login/"),
        # Each public page in its other script too (the language switcher's names in theirs).
        "home (Latin)": _axe_violations(anonymous.new_page(), f"{base}/?lang=latn"),
        "press list (Latin)": _axe_violations(anonymous.new_page(), f"{base}/press/?lang=latn"),
        "release (Latin)": _axe_violations(
            anonymous.new_page(), f"{base}/press/{release.slug}/?lang=latn"
        ),
    }
    staff = browser.new_context(locale="uz-Cyrl").new_page()
    _log_in(staff, base, "secretary")
    found["dashboard home"] = _axe_violations(staff, f"{base}/dashboard/")
    found["conference page"] = _axe_violations(staff, f"{base}/dashboard/conferences/{held.pk}/")
    failing = {page: violations for page, violations in found.items() if violations}
    assert failing == {}, json.dumps(failing, ensure_ascii=False, indent=1)
