"""The posts' outbox: its table of transitions, leases, a change while a post is in flight."""

import datetime

import pytest
from django.utils import timezone

from telegram_channels import outbox
from telegram_channels.models import TelegramPost
from telegram_channels.services import telegram_channel_add

from .conftest import make_release

pytestmark = pytest.mark.django_db
State = TelegramPost.State


@pytest.fixture
def post():
    channel = telegram_channel_add(chat="@elyurt_news", script="latn", by=None)
    return TelegramPost.objects.create(release=make_release(), channel=channel)


def test_the_table_of_transitions():
    assert outbox.ALLOWED == {
        (State.PENDING, State.SENDING),
        (State.SENDING, State.SENDING),
        (State.SENDING, State.DONE),
        (State.SENDING, State.PENDING),
        (State.SENDING, State.FAILED),
        (State.SENDING, State.SKIPPED),
        (State.DONE, State.PENDING),
        (State.FAILED, State.PENDING),
        (State.SKIPPED, State.PENDING),
    }


def test_a_claimed_post_is_nobody_elses_until_its_lease_runs_out(post, settings):
    settings.TELEGRAM_LEASE_SECONDS = 60
    now = timezone.now()
    claimed = outbox.post_claim(post_id=post.pk, now=now)
    assert (claimed.state, claimed.attempts) == (State.SENDING, 1)
    assert outbox.post_claim(post_id=post.pk, now=now + datetime.timedelta(seconds=59)) is None
    later = outbox.post_claim(post_id=post.pk, now=now + datetime.timedelta(seconds=61))
    assert (later.state, later.attempts) == (State.SENDING, 2)
    # The first worker lost its lease: its finish changes nothing.
    outbox.post_finish(post=claimed)
    assert TelegramPost.objects.get().state == State.SENDING
    outbox.post_finish(post=later)
    assert TelegramPost.objects.get().state == State.DONE


def test_a_change_while_in_flight_sends_the_post_again(post):
    claimed = outbox.post_claim(post_id=post.pk, now=timezone.now())
    outbox.posts_want(posts=TelegramPost.objects.all(), withdrawn=True)
    outbox.post_finish(post=claimed)
    post.refresh_from_db()
    assert (post.state, post.withdrawn, post.revision, post.delivered_revision) == (
        State.PENDING,
        True,
        2,
        1,
    )


def test_postpone_waits_retry_after_and_fails_at_the_bound(post, settings):
    settings.TELEGRAM_MAX_ATTEMPTS = 2
    claimed = outbox.post_claim(post_id=post.pk, now=timezone.now())
    assert outbox.post_postpone(post=claimed, error="429 flood", wait=7.0) == 7.0
    post.refresh_from_db()
    assert post.state == State.PENDING
    assert 6.5 < (post.next_attempt_at - timezone.now()).total_seconds() <= 7.0
    assert outbox.post_claim(post_id=post.pk, now=timezone.now()) is None
    claimed = outbox.post_claim(post_id=post.pk, now=post.next_attempt_at)
    assert outbox.post_postpone(post=claimed, error="502 Bad Gateway") is None
    post.refresh_from_db()
    assert (post.state, post.last_error) == (State.FAILED, "502 Bad Gateway")


def test_the_sweeper_puts_back_a_killed_workers_post(post, settings):
    settings.TELEGRAM_LEASE_SECONDS = 1
    now = timezone.now()
    outbox.post_claim(post_id=post.pk, now=now)
    assert outbox.posts_sweep(now=now) == 0
    assert outbox.posts_sweep(now=now + datetime.timedelta(seconds=2)) == 1
    post.refresh_from_db()
    assert (post.state, post.lease_until) == (State.PENDING, None)
