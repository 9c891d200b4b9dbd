"""Subscriptions without a worker: the letters queued are read from the outbox table."""

import datetime
import re

import pytest

from activity.models import ActivityLog
from mailing.models import Letter
from pressroom.models import PressRelease
from pressroom.services import press_release_set_status
from subscriptions import services
from subscriptions.models import Digest, Subscription

from .conftest import release_in, scheduled_conference

pytestmark = pytest.mark.django_db
CONFIRM = re.compile(r"https://elyurt\.example(/subscriptions/confirm/[^/\s]+/)")
UNSUBSCRIBE = re.compile(r"https://elyurt\.example(/subscriptions/unsubscribe/[^/\s]+/)")
MONDAY = datetime.datetime(2030, 3, 4, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))


def _subscribe(client, email, kind="digest", language="uz-latn"):
    return client.post("/subscriptions/", {"email": email, "kind": kind, "language": language})


def _confirm(client, email):
    letter = Letter.objects.filter(to_email=email, kind="subscription").latest("pk")
    return client.post(CONFIRM.search(letter.text).group(1))


def test_subscribing_is_pending_until_confirmed(client, site):
    response = _subscribe(client, "reader@example.org")
    assert response.status_code == 200
    assert "Check your mail" in response.content.decode()
    row = Subscription.objects.get()
    assert (row.state, row.kind, row.language) == ("pending", "digest", "uz-latn")
    letter = Letter.objects.get()
    assert letter.to_email == "reader@example.org" and letter.language == "uz-latn"
    assert _confirm(client, "reader@example.org").status_code == 200
    row.refresh_from_db()
    assert row.state == "active"
    assert ActivityLog.objects.filter(action="subscription.confirmed").count() == 1
    # Subscribing again says the same and mails nothing more.
    assert _subscribe(client, "READER@example.org").content == response.content
    assert Letter.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("email", "nonsense", "Email"),
        ("kind", "everything", "What to receive"),
        ("language", "tlh", "Language and script"),
    ],
)
def test_bad_input_is_named_and_writes_nothing(client, field, value, label):
    data = {"email": "reader@example.org", "kind": "digest", "language": "ru", field: value}
    response = client.post("/subscriptions/", data)
    assert response.status_code == 400
    assert f'<span class="error" role="alert">{label}: ' in response.content.decode()
    assert not Subscription.objects.exists()


def test_the_honeypot_and_the_limits(client, settings):
    settings.PUBLIC_FORM_LIMIT_PER_ADDRESS = 3
    settings.PUBLIC_FORM_LIMIT_PER_EMAIL = 1
    data = {"email": "a@example.org", "kind": "digest", "language": "ru"}
    assert client.post("/subscriptions/", {**data, "website": "x"}).status_code == 200
    assert not Subscription.objects.exists()
    assert client.post("/subscriptions/", data).status_code == 200
    assert client.post("/subscriptions/", data).status_code == 200
    assert Letter.objects.count() == 1
    assert client.post("/subscriptions/", data).status_code == 429


def _people(client):
    """One active digest subscriber per language, one pending, one unsubscribed."""
    for language in ("uz-latn", "uz-cyrl", "ru"):
        _subscribe(client, f"{language}@example.org", language=language)
        _confirm(client, f"{language}@example.org")
    _subscribe(client, "pending@example.org")
    _subscribe(client, "gone@example.org")
    _confirm(client, "gone@example.org")
    gone = Subscription.objects.get(email="gone@example.org")
    services.subscription_end(token=_token_of(gone))


def _token_of(row):
    from subscriptions.tokens import unsubscribe_token

    return unsubscribe_token(row.unsubscribe_salt)


def test_the_digest_goes_only_to_confirmed_subscribers(client, site):
    _people(client)
    conference = scheduled_conference(now=MONDAY)
    release = release_in("published", published_at=MONDAY - datetime.timedelta(days=2))
    assert services.digest_send(now=MONDAY) == 3
    digests = Letter.objects.filter(kind="digest")
    assert sorted(digests.values_list("to_email", flat=True)) == [
        "ru@example.org",
        "uz-cyrl@example.org",
        "uz-latn@example.org",
    ]
    latin = digests.get(to_email="uz-latn@example.org")
    assert "Oliy taʼlim islohoti" in latin.text
    assert f"/conferences/{conference.slug}/?lang=latn#register" in latin.text
    assert f"/press/{release.slug}/?lang=latn" in latin.text
    url = UNSUBSCRIBE.search(latin.text).group(0)
    assert latin.headers == {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert "Олий таълим ислоҳоти" in digests.get(to_email="uz-cyrl@example.org").text
    # Once a week, whatever the beat does.
    assert services.digest_send(now=MONDAY + datetime.timedelta(hours=1)) == 0
    assert Digest.objects.get().letters == 3


def test_a_week_with_nothing_new_sends_nothing(client, site):
    _people(client)
    scheduled_conference(now=MONDAY, days=20)
    assert services.digest_send(now=MONDAY) == 3
    # Next week: the same conference, no release: nothing.
    assert services.digest_send(now=MONDAY + datetime.timedelta(days=7)) == 0
    assert Digest.objects.count() == 1
    # The week after, a new conference: a digest again.
    scheduled_conference(title="Янги мавзу", now=MONDAY + datetime.timedelta(days=14))
    assert services.digest_send(now=MONDAY + datetime.timedelta(days=14)) == 3


def test_an_empty_site_sends_no_digest(client, site):
    _people(client)
    assert services.digest_send(now=MONDAY) == 0
    assert not Letter.objects.filter(kind="digest").exists()


def test_one_click_unsubscribe_by_post_takes_effect_at_once(client, site):
    _people(client)
    scheduled_conference(now=MONDAY)
    services.digest_send(now=MONDAY)
    letter = Letter.objects.get(kind="digest", to_email="ru@example.org")
    path = UNSUBSCRIBE.search(letter.text).group(1)
    page = client.get(path)
    assert page.status_code == 200 and "<button" in page.content.decode()
    assert Subscription.objects.get(email="ru@example.org").state == "active"
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscription.objects.get(email="ru@example.org").state == "ended"
    letter.refresh_from_db()
    assert letter.state == "skipped"  # the pending digest is not sent after all
    assert client.post(path).status_code == 200  # again: nothing changes
    assert client.post("/subscriptions/unsubscribe/" + "z" * 64 + "/").status_code == 404


def test_a_published_release_is_mailed_to_release_subscribers(
    client, site, django_capture_on_commit_callbacks
):
    _subscribe(client, "news@example.org", kind="releases", language="uz-cyrl")
    _confirm(client, "news@example.org")
    _subscribe(client, "digest@example.org")
    _confirm(client, "digest@example.org")
    release = release_in("approved")
    with django_capture_on_commit_callbacks(execute=True):
        press_release_set_status(release=release, status=PressRelease.Status.PUBLISHED, by=None)
    [letter] = Letter.objects.filter(kind="release")
    assert letter.to_email == "news@example.org"
    assert letter.subject == "Янги пресс-релиз: Янги пресс-релиз"  # "New press release: …"
    assert letter.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert services.release_letters_queue(release=release) == 0  # once per release


def test_a_digest_run_that_died_midway_is_finished_by_the_next(client, site):
    _people(client)
    scheduled_conference(now=MONDAY)
    assert services.digest_send(now=MONDAY) == 3
    # As if the run had died after queueing two of the three letters.
    Letter.objects.filter(kind="digest", to_email="ru@example.org").delete()
    Digest.objects.update(queued_at=None, letters=2)
    assert services.digest_send(now=MONDAY + datetime.timedelta(minutes=5)) == 1
    assert Letter.objects.filter(kind="digest").count() == 3
    assert Digest.objects.get().letters == 3
