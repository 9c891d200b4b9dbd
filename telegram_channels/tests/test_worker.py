"""Done-when tests: a real Celery worker posts through the fake Bot API over real HTTP."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from conferences.tests.live import wait_until
from pressroom.models import PressRelease
from pressroom.services import press_release_edit, press_release_set_status
from telegram_channels.models import TelegramPost
from telegram_channels.services import telegram_channel_add

from .conftest import make_release
from .fake_bot import TOKEN

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
State = TelegramPost.State
Status = PressRelease.Status
CYRILLIC_LETTER = re.compile(r"[\u0400-\u04FF]")


def _channels():
    return [
        telegram_channel_add(chat="@elyurt_latin", script="latn", by=None),
        telegram_channel_add(chat="@elyurt_cyrillic", script="cyrl", by=None),
        telegram_channel_add(chat="-1001234567890", script="cyrl", by=None),
        telegram_channel_add(chat="@elyurt_off", script="latn", enabled=False, by=None),
    ]


def _all_done(release):
    posts = TelegramPost.objects.filter(release=release)
    return lambda: posts.exists() and not posts.exclude(state=State.DONE).exists()


def test_publish_gives_one_post_per_enabled_channel_in_its_script(bot_worker, fake_bot, press):
    _channels()
    release = make_release()
    with bot_worker() as worker:
        press_release_set_status(release=release, status=Status.PUBLISHED, by=press)
        wait_until(_all_done(release), timeout=30, what="posts done", worker=worker)
        log = worker.log()
    sends = Counter(str(c.body["chat_id"]) for c in fake_bot.calls_to("sendMessage"))
    assert sends == {"@elyurt_latin": 1, "@elyurt_cyrillic": 1, "-1001234567890": 1}
    latin = list(fake_bot.messages("@elyurt_latin").values())
    assert len(latin) == 1
    assert CYRILLIC_LETTER.search(latin[0]["text"]) is None
    assert latin[0]["text"] == (
        "<b>Xorijda taʼlim: «El-yurt umidi» jamgʻarmasi konferensiyasi</b>\n\n"
        "Jamgʻarma xorijda tahsil olayotgan yoshlar bilan uchrashuv oʻtkazdi. Unda 120 nafar "
        "mutaxassis qatnashdi. Uchrashuvda &lt;taʼlim&gt; va &amp; fan masalalari muhokama "
        "qilindi. Ikkinchi xatboshi uzun matn.\n\n"
        f'<a href="https://elyurt.example/press/{release.slug}/?lang=latn">Saytda oʻqish</a>'
    )
    (cyrillic,) = fake_bot.messages("@elyurt_cyrillic").values()
    assert cyrillic["text"] == (
        "<b>Хорижда таълим: «Эл-юрт умиди» жамғармаси конференцияси</b>\n\n"
        "Жамғарма хорижда таҳсил олаётган ёшлар билан учрашув ўтказди. Унда 120 нафар "
        "мутахассис қатнашди. Учрашувда &lt;таълим&gt; ва &amp; фан масалалари муҳокама "
        "қилинди. Иккинчи хатбоши узун матн.\n\n"
        f'<a href="https://elyurt.example/press/{release.slug}/?lang=cyrl">Сайтда ўқиш</a>'
    )
    posts = {p.channel.chat: p for p in TelegramPost.objects.select_related("channel")}
    assert set(posts) == {"@elyurt_latin", "@elyurt_cyrillic", "-1001234567890"}
    assert posts["@elyurt_latin"].message_id == 1
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log


def test_429_retry_after_is_honoured(bot_worker, fake_bot, press):
    telegram_channel_add(chat="@elyurt_latin", script="latn", by=None)
    fake_bot.fail_next(
        "sendMessage", 429, "Too Many Requests: retry after 2", retry_after=2, count=1
    )
    release = make_release()
    with bot_worker() as worker:
        press_release_set_status(release=release, status=Status.PUBLISHED, by=press)
        wait_until(_all_done(release), timeout=30, what="post done", worker=worker)
    calls = fake_bot.calls_to("sendMessage")
    assert [c.answered for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 2.0
    assert len(fake_bot.messages("@elyurt_latin")) == 1
    post = TelegramPost.objects.get()
    assert (post.attempts, post.last_error, post.message_id) == (2, "", 1)


def test_5xx_is_retried_with_backoff(bot_worker, fake_bot, press):
    telegram_channel_add(chat="@elyurt_latin", script="latn", by=None)
    fake_bot.fail_next("sendMessage", 502, "Bad Gateway", count=2)
    release = make_release()
    with bot_worker() as worker:
        press_release_set_status(release=release, status=Status.PUBLISHED, by=press)
        wait_until(_all_done(release), timeout=30, what="post done", worker=worker)
    calls = fake_bot.calls_to("sendMessage")
    assert [c.answered for c in calls] == [502, 502, 200]
    # Backoff 0.3 s, then 0.6 s.
    assert calls[1].at - calls[0].at >= 0.3
    assert calls[2].at - calls[1].at >= 0.6
    assert len(fake_bot.messages("@elyurt_latin")) == 1


def test_withdrawal_deletes_and_an_edit_edits(bot_worker, fake_bot, press):
    telegram_channel_add(chat="@elyurt_latin", script="latn", by=None)
    telegram_channel_add(chat="@elyurt_cyrillic", script="cyrl", by=None)
    fake_bot.state.undeletable.add(("@elyurt_cyrillic", 1))
    release = make_release()
    posts = TelegramPost.objects.filter(release=release)
    with bot_worker() as worker:
        press_release_set_status(release=release, status=Status.PUBLISHED, by=press)
        wait_until(_all_done(release), timeout=30, what="posted", worker=worker)
        press_release_edit(release=release, by=press, title_cyrl="Янги сарлавҳа")
        wait_until(
            lambda: len(fake_bot.calls_to("editMessageText")) == 2 and _all_done(release)(),
            timeout=30,
            what="edited",
            worker=worker,
        )
        latin = fake_bot.messages("@elyurt_latin")[1]
        assert latin["text"].startswith("<b>Yangi sarlavha</b>\n\n")
        press_release_set_status(release=release, status=Status.WITHDRAWN, by=press)
        wait_until(
            lambda: (
                not posts.exclude(state=State.DONE).exists()
                and posts.filter(removal="").count() == 0
            ),
            timeout=30,
            what="withdrawn",
            worker=worker,
        )
    assert fake_bot.messages("@elyurt_latin") == {}
    # Telegram refused the delete in the Cyrillic channel: the post says it was withdrawn.
    marked = fake_bot.messages("@elyurt_cyrillic")[1]
    # (English until the integrator's catalogue has the Uzbek.)
    assert marked["text"] == "<i>Бу пресс-релиз қайтариб олинди.</i>"
    assert dict(posts.values_list("channel__chat", "removal")) == {
        "@elyurt_latin": "deleted",
        "@elyurt_cyrillic": "marked",
    }
    assert Counter(c.method for c in fake_bot.state.calls) == {
        "sendMessage": 2,
        "editMessageText": 3,
        "deleteMessage": 2,
    }


def test_permanent_error_shows_to_staff(bot_worker, fake_bot, press, client):
    telegram_channel_add(chat="@elyurt_latin", script="latn", by=None)
    kicked = telegram_channel_add(chat="@elyurt_gone", script="cyrl", by=None)
    fake_bot.kick("@elyurt_gone")
    release = make_release()
    posts = TelegramPost.objects.filter(release=release)
    with bot_worker() as worker:
        press_release_set_status(release=release, status=Status.PUBLISHED, by=press)
        wait_until(
            lambda: posts.filter(state__in=[State.DONE, State.FAILED]).count() == 2,
            timeout=30,
            what="posts settled",
            worker=worker,
        )
    failed = posts.get(channel=kicked)
    assert failed.state == State.FAILED
    assert failed.attempts == 1  # not retried: it would fail again
    assert failed.last_error == "403 sendMessage: Forbidden: bot was kicked from the channel chat"
    client.force_login(press)
    page = client.get(reverse("telegram_channels:list")).content.decode()
    assert "Forbidden: bot was kicked from the channel chat" in page
    detail = client.get(reverse("telegram_channels:detail", args=[kicked.pk])).content.decode()
    assert "Forbidden: bot was kicked from the channel chat" in detail


def test_worker_killed_mid_send_gives_at_most_one_duplicate(bot_worker, fake_bot, press):
    _channels()
    release = make_release()
    posts = TelegramPost.objects.filter(release=release)
    fake_bot.hold_sends()
    with bot_worker() as worker:
        press_release_set_status(release=release, status=Status.PUBLISHED, by=press)
        # Telegram has the first message; the worker waits for the answer and is killed.
        wait_until(lambda: fake_bot.state.held == 1, timeout=30, what="a send", worker=worker)
        worker.kill()
        fake_bot.release_sends()
        fake_bot.state.hold = None
        assert posts.filter(message_id__isnull=True).count() == 3
        worker.start()
        wait_until(_all_done(release), timeout=60, what="posts done", worker=worker)
    sends = Counter(str(c.body["chat_id"]) for c in fake_bot.calls_to("sendMessage"))
    assert set(sends) == {"@elyurt_latin", "@elyurt_cyrillic", "-1001234567890"}
    assert sum(n - 1 for n in sends.values()) <= 1
    # Every post knows its message, so a withdrawal reaches each one.
    for post in posts.select_related("channel"):
        assert post.message_id in fake_bot.messages(post.channel.chat)
