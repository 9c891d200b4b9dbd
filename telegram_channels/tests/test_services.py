"""Through every door, in process: the services record the posts in the transaction of the
change, and (tasks eager, after the commit) the fake Bot API over real HTTP gets them."""

import datetime
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from activity.models import Action, ActivityLog
from conferences.models import Conference
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from elyurt.logfilters import MaskBotToken
from pressroom.models import PressRelease
from pressroom.services import (
    press_release_edit,
    press_release_publish_due,
    press_release_set_status,
)
from telegram_channels import outbox
from telegram_channels.bot import BotApi, BotError
from telegram_channels.models import TelegramChannel, TelegramPost
from telegram_channels.services import (
    conference_announce,
    telegram_channel_add,
    telegram_channel_update,
    telegram_posts_retry,
)

from .conftest import make_release
from .fake_bot import TOKEN

pytestmark = pytest.mark.django_db
State = TelegramPost.State
Status = PressRelease.Status


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block queued after commit (the eager tasks)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def channels(fake_bot):
    return [
        telegram_channel_add(chat="@elyurt_latin", script="latn", by=None),
        telegram_channel_add(chat="@elyurt_cyrillic", script="cyrl", by=None),
        telegram_channel_add(chat="@elyurt_off", script="cyrl", enabled=False, by=None),
    ]


def _states(release):
    return dict(TelegramPost.objects.filter(release=release).values_list("channel__chat", "state"))


def test_publishing_posts_once_per_enabled_channel(channels, fake_bot, press, committed):
    release = make_release()
    with committed():
        press_release_set_status(release=release, status=Status.PUBLISHED, by=press)
    assert _states(release) == {"@elyurt_latin": State.DONE, "@elyurt_cyrillic": State.DONE}
    assert sorted(str(c.body["chat_id"]) for c in fake_bot.calls_to("sendMessage")) == [
        "@elyurt_cyrillic",
        "@elyurt_latin",
    ]
    # The same publication seen twice (a retried receiver) adds nothing.
    with committed():
        outbox.posts_record(rows=[TelegramPost(release=release, channel=channels[0])])
    assert len(fake_bot.calls_to("sendMessage")) == 2


def test_the_scheduler_publishing_posts_too(channels, fake_bot, press, committed):
    release = make_release()
    PressRelease.objects.filter(pk=release.pk).update(
        publish_at=timezone.now() - datetime.timedelta(minutes=1), publish_scheduled_by=press
    )
    with committed():
        assert press_release_publish_due() == [release.pk]
    assert _states(release) == {"@elyurt_latin": State.DONE, "@elyurt_cyrillic": State.DONE}


def test_without_a_token_the_posts_wait(channels, fake_bot, press, committed, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    release = make_release()
    with committed():
        press_release_set_status(release=release, status=Status.PUBLISHED, by=press)
    assert _states(release) == {"@elyurt_latin": State.PENDING, "@elyurt_cyrillic": State.PENDING}
    assert TelegramPost.objects.filter(attempts__gt=0).count() == 0
    assert fake_bot.state.calls == []


def test_an_edit_of_another_language_leaves_the_posts_alone(channels, fake_bot, press, committed):
    release = make_release()
    with committed():
        press_release_set_status(release=release, status=Status.PUBLISHED, by=press)
        press_release_edit(release=release, by=press, title_en="English title")
    assert fake_bot.calls_to("editMessageText") == []
    with committed():
        press_release_edit(release=release, by=press, body_cyrl="Янги матн.")
    edits = fake_bot.calls_to("editMessageText")
    assert sorted((str(c.body["chat_id"]), c.body["message_id"]) for c in edits) == [
        ("@elyurt_cyrillic", 1),
        ("@elyurt_latin", 1),
    ]
    assert "\n\nYangi matn.\n\n" in fake_bot.messages("@elyurt_latin")[1]["text"]


def test_published_again_after_withdrawal_is_posted_anew(channels, fake_bot, press, committed):
    release = make_release()
    with committed():
        press_release_set_status(release=release, status=Status.PUBLISHED, by=press)
    with committed():
        press_release_set_status(release=release, status=Status.WITHDRAWN, by=press)
    assert fake_bot.messages("@elyurt_latin") == {}
    with committed():
        press_release_set_status(release=release, status=Status.PUBLISHED, by=press)
    assert list(fake_bot.messages("@elyurt_latin")) == [2]
    post = TelegramPost.objects.get(release=release, channel__chat="@elyurt_latin")
    assert (post.state, post.message_id, post.withdrawn, post.removal) == (State.DONE, 2, False, "")


def test_a_chat_not_found_fails_for_good_and_staff_can_retry(channels, fake_bot, press, committed):
    fake_bot.forget_chat("@elyurt_cyrillic")
    release = make_release()
    with committed():
        press_release_set_status(release=release, status=Status.PUBLISHED, by=press)
    failed = TelegramPost.objects.get(channel__chat="@elyurt_cyrillic")
    assert (failed.state, failed.attempts) == (State.FAILED, 1)
    assert failed.last_error == "400 sendMessage: Bad Request: chat not found"
    fake_bot.state.missing.clear()
    with committed():
        assert telegram_posts_retry(channel=failed.channel, by=press) == [failed.pk]
    failed.refresh_from_db()
    assert (failed.state, failed.message_id, failed.last_error) == (State.DONE, 1, "")


def test_a_channel_switched_off_gets_nothing_new(channels, fake_bot, press, committed):
    latin = channels[0]
    telegram_channel_update(channel=latin, script="latn", enabled=False, by=press)
    release = make_release()
    with committed():
        press_release_set_status(release=release, status=Status.PUBLISHED, by=press)
    assert _states(release) == {"@elyurt_cyrillic": State.DONE}


def test_announcing_a_scheduled_conference(channels, fake_bot, press, committed):
    conference = ConferenceFactory(title="Илмий кенгаш")
    with pytest.raises(ValidationError) as refused:
        conference_announce(conference=conference, by=press)
    assert refused.value.message_dict == {
        "conference": ["Only a scheduled conference can be announced."]
    }
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    with committed():
        ids = conference_announce(conference=conference, by=press)
    assert len(ids) == 2
    assert conference_announce(conference=conference, by=press) == []
    latin = fake_bot.messages("@elyurt_latin")[1]["text"]
    assert latin.startswith("<b>Ilmiy kengash</b>\n\n14.03.2030, soat 10:00 (Toshkent vaqti)")
    assert f'href="http://localhost:8000/conferences/{conference.slug}/"' in latin
    entry = ActivityLog.objects.get(action=Action.CONFERENCE_ANNOUNCED)
    assert entry.data == {"channels": ["@elyurt_cyrillic", "@elyurt_latin"]}
    # Cancelled: the announcement is taken back.
    with committed():
        conference_set_status(conference=conference, status=Conference.Status.CANCELLED)
    assert fake_bot.messages("@elyurt_latin") == {}


def test_announcing_needs_the_permission(channels, django_user_model):
    conference = ConferenceFactory()
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    nobody = django_user_model.objects.create_user(username="nobody")
    with pytest.raises(PermissionDenied):
        conference_announce(conference=conference, by=nobody)
    assert TelegramPost.objects.count() == 0


@pytest.mark.parametrize(
    ("chat", "stored"),
    [("@elyurt_news", "@elyurt_news"), ("elyurt_news", "@elyurt_news"), ("-1001234", "-1001234")],
)
def test_a_channel_is_a_handle_or_a_chat_id(db, chat, stored):
    assert telegram_channel_add(chat=chat, script="latn", by=None).chat == stored


@pytest.mark.parametrize("chat", ["", "@ab", "@has space", "@1digitfirst", "@" + "x" * 40, None])
def test_a_malformed_channel_is_refused_naming_the_field(db, chat):
    with pytest.raises(ValidationError) as refused:
        telegram_channel_add(chat=chat, script="latn", by=None)
    assert list(refused.value.message_dict) == ["chat"]
    assert TelegramChannel.objects.count() == 0


def test_a_channel_twice_or_a_bad_script_is_refused(db):
    telegram_channel_add(chat="@elyurt_news", script="latn", by=None)
    with pytest.raises(ValidationError) as twice:
        telegram_channel_add(chat="@ELYURT_NEWS", script="cyrl", by=None)
    assert twice.value.message_dict == {"chat": ["This channel is already in the list."]}
    with pytest.raises(ValidationError) as script:
        telegram_channel_add(chat="@elyurt_other", script="arab", by=None)
    assert script.value.message_dict == {"script": ["Choose the script: latn or cyrl."]}
    assert TelegramChannel.objects.count() == 1


def test_the_command_adds_a_channel(db, capsys):
    call_command("telegram_channel_add", "@elyurt_news", "--script", "latn")
    assert capsys.readouterr().out == "Added @elyurt_news (latn, enabled).\n"
    channel = TelegramChannel.objects.get()
    assert (channel.chat, channel.script, channel.enabled) == ("@elyurt_news", "latn", True)
    entry = ActivityLog.objects.get(action=Action.TELEGRAM_CHANNEL_ADDED)
    assert entry.data == {"chat": "@elyurt_news", "script": "latn", "enabled": True}
    with pytest.raises(CommandError) as refused:
        call_command("telegram_channel_add", "@elyurt_news", "--script", "cyrl")
    assert str(refused.value) == "chat: This channel is already in the list."


def test_no_token_in_errors(settings, silent_server):
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.OUTSIDE_TIMEOUT_SECONDS = 0.3
    settings.TELEGRAM_API_BASE_URL = f"http://127.0.0.1:{silent_server}"
    with pytest.raises(BotError) as timed_out:
        BotApi().call("getMe")
    assert timed_out.value.transient
    assert "ReadTimeout" in str(timed_out.value)
    assert TOKEN not in str(timed_out.value)
    assert TOKEN.split(":")[1] not in str(timed_out.value)


def test_no_token_in_logs(fake_bot, caplog):
    caplog.set_level(logging.DEBUG)
    BotApi().call("getMe")
    # urllib3 logs the path (with the token) at DEBUG; the handlers' filter masks it.
    logged = [r for r in caplog.records if "/bot" in r.getMessage()]
    assert len(logged) == 1
    MaskBotToken().filter(logged[0])
    assert TOKEN.split(":")[1] not in logged[0].getMessage()
    assert '"POST /bot…/getMe HTTP/1.1" 200' in logged[0].getMessage()


def test_refusals_are_classified(fake_bot):
    api = BotApi()
    fake_bot.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(BotError) as flood:
        api.call("sendMessage", chat_id="@x", text="a")
    assert (flood.value.code, flood.value.retry_after, flood.value.transient) == (429, 7.0, True)
    fake_bot.fail_next("sendMessage", 500, "Internal Server Error")
    with pytest.raises(BotError) as server:
        api.call("sendMessage", chat_id="@x", text="a")
    assert (server.value.code, server.value.transient) == (500, True)
    fake_bot.kick("@x")
    with pytest.raises(BotError) as kicked:
        api.call("sendMessage", chat_id="@x", text="a")
    assert (kicked.value.code, kicked.value.transient) == (403, False)
    assert api.call("getMe") == {"id": 123456789, "is_bot": True}


def test_a_photo_post_goes_with_its_caption_and_is_edited_as_one(fake_bot):
    from telegram_channels.delivery import _edit, _send
    from telegram_channels.rendering import Post

    api = BotApi()
    photo = Post(html="<b>Сарлавҳа</b>\n\nМатн.", photo_url="https://elyurt.example/lead.jpg")
    message_id = _send(api, "@elyurt_news", photo)
    _edit(api, "@elyurt_news", message_id, True, "<b>Янги</b>")
    # The same caption again is no error (Telegram answers "message is not modified").
    _edit(api, "@elyurt_news", message_id, True, "<b>Янги</b>")
    assert fake_bot.messages("@elyurt_news") == {
        1: {"photo": "https://elyurt.example/lead.jpg", "caption": "<b>Янги</b>", "visible": "Янги"}
    }
    assert [c.method for c in fake_bot.state.calls] == [
        "sendPhoto",
        "editMessageCaption",
        "editMessageCaption",
    ]
