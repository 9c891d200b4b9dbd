"""An expert comments from a phone: headless Chromium at 390 px wide, against a live server."""

import pytest
from django.utils import timezone

from dashboard.tests.browser import CHROMIUM, CHROMIUM_ARGS, LiveServer, screenshot
from experts.tests.factories import ExpertFactory
from regulations import services
from regulations.models import Comment, Reviewer
from regulations.tokens import reviewer_token

from .documents import articles_docx

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_site(settings):
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    server = LiveServer().start()
    settings.SITE_URL = server.url
    yield server
    server.stop()


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_an_expert_comments_on_a_phone(live_site, browser, ministry):
    draft = services.draft_create(
        organization=ministry, title="Олий таълим тўғрисидаги низом лойиҳаси",
        deadline=timezone.localdate() + timezone.timedelta(days=5),
        content=articles_docx(12), name="d.docx", by="test",
    )  # fmt: skip
    expert = ExpertFactory(preferred_language="uz-Cyrl", time_zone="Australia/Sydney")
    services.reviewer_add(draft=draft, expert=expert, by="test")
    services.review_start(draft=draft, by="test")
    token = reviewer_token(reviewer=Reviewer.objects.get())

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="uz-Cyrl"
    )
    page = context.new_page()
    page.goto(f"{live_site.url}/r/{token}/")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="3-модда.", exact=False).first.click()
    assert "3-модда." in page.locator("#article-text").inner_text()
    page.fill("#remark", "Муддатни аниқлаштириш керак.")
    page.fill("#proposed_wording", "Вазирлик ҳар чоракда ахборот беради.")
    page.locator("button[type=submit]").tap()
    page.wait_for_url("**?saved=1")
    assert page.locator("[role=status]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("button[type=submit]").bounding_box()
    assert box["width"] > 300  # a full-width button, easy to tap
    screenshot(page, "regulations-comment-phone")
    comment = Comment.objects.get()
    assert comment.remark == "Муддатни аниқлаштириш керак."
    assert comment.unit.number == "3"
    context.close()
