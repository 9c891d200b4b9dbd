"""In headless Chromium against a live server: subscribe, confirm and unsubscribe with one
click from the link in the mail; the conference page guesses the visitor's time zone and shows
the start in their time."""

import re

import pytest

from dashboard.tests.browser import CHROMIUM, CHROMIUM_ARGS, LiveServer
from mailing.models import Letter
from subscriptions import services
from subscriptions.models import Subscription

from .conftest import scheduled_conference

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
def page(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(timezone_id="Europe/Berlin", locale="en-GB")
        yield context.new_page()
        browser.close()


def _link(pattern: str, email: str) -> str:
    letter = Letter.objects.filter(to_email=email).latest("pk")
    return re.search(pattern, letter.text).group(0)


def test_subscribe_confirm_and_unsubscribe_in_a_browser(live_site, page):
    email = "reader@example.org"
    page.goto(f"{live_site.url}/subscriptions/")
    page.fill("#id_email", email)
    page.check("input[name=kind][value=digest]")
    page.select_option("#id_language", "uz-latn")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Check your mail")
    page.goto(_link(r"http://\S+/subscriptions/confirm/[^/\s]+/", email))
    page.click("button[type=submit]")
    page.wait_for_selector("text=Subscription confirmed")
    assert Subscription.objects.get().state == "active"

    scheduled_conference()
    assert services.digest_send() == 1
    page.goto(_link(r"http://\S+/subscriptions/unsubscribe/[^/\s]+/", email))
    assert Subscription.objects.get().state == "active"  # opening the link alone does nothing
    page.click("button[type=submit]")
    page.wait_for_selector("text=Unsubscribed")
    assert Subscription.objects.get().state == "ended"


def test_the_conference_page_uses_the_visitors_time_zone(live_site, page):
    conference = scheduled_conference()
    page.goto(f"{live_site.url}/conferences/{conference.slug}/")
    page.wait_for_selector("#conference-local:not([hidden])")
    assert page.input_value("#id_timezone") == "Europe/Berlin"
    assert page.inner_text("#conference-local .local-time") != ""
