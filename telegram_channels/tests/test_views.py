"""The channel pages: every role gets in or gets 403, bad input names the field and changes
nothing, the lists' queries do not grow with their rows."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from conferences.models import Conference
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from dashboard import roles
from telegram_channels import outbox
from telegram_channels.models import TelegramChannel, TelegramPost
from telegram_channels.services import telegram_channel_add

from .conftest import make_release

pytestmark = pytest.mark.django_db

ALL = {roles.ADMINISTRATOR, roles.SECRETARY, roles.PRESS, roles.VIEWER}
PRESS = {roles.ADMINISTRATOR, roles.PRESS}

# (url name, args from the fixture, method, roles allowed)
PAGES = [
    ("telegram_channels:list", [], "get", ALL),
    ("telegram_channels:detail", ["channel"], "get", ALL),
    ("telegram_channels:detail", ["channel"], "post", PRESS),
    ("telegram_channels:add", [], "get", PRESS),
    ("telegram_channels:add", [], "post", PRESS),
    ("telegram_channels:retry", ["channel"], "post", PRESS),
    ("telegram_channels:announce", ["conference"], "post", PRESS),
]


@pytest.fixture
def as_role(client, django_user_model):
    def login(role):
        user = django_user_model.objects.create_user((role or "nobody").replace(" ", "_"))
        if role:
            user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        return client

    return login


@pytest.fixture
def objects():
    conference = ConferenceFactory()
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    channel = telegram_channel_add(chat="@elyurt_news", script="latn", by=None)
    return {"conference": conference.pk, "channel": channel.pk}


def _url(name, args, objects):
    return reverse(name, args=[objects[a] for a in args])


def _cases():
    for name, args, method, allowed in PAGES:
        for role in [*sorted(ALL), None]:
            yield pytest.param(
                name, args, method, role in allowed, role, id=f"{name}-{method}-{role}"
            )


@pytest.mark.parametrize(("name", "args", "method", "allowed", "role"), list(_cases()))
def test_role_gets_in_or_gets_403(as_role, objects, name, args, method, allowed, role):
    response = getattr(as_role(role), method)(_url(name, args, objects))
    if allowed:
        assert response.status_code in (200, 302, 400)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("name", "args", "method"), [(n, a, m) for n, a, m, _r in PAGES])
def test_anonymous_goes_to_the_login_page(client, objects, name, args, method):
    response = getattr(client, method)(_url(name, args, objects))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_refused_posts_change_nothing(as_role, objects):
    client = as_role(roles.SECRETARY)
    url = reverse("telegram_channels:add")
    assert client.post(url, {"chat": "@elyurt_more", "script": "cyrl"}).status_code == 403
    url = reverse("telegram_channels:detail", args=[objects["channel"]])
    assert client.post(url, {"script": "cyrl"}).status_code == 403
    url = reverse("telegram_channels:announce", args=[objects["conference"]])
    assert client.post(url).status_code == 403
    channel = TelegramChannel.objects.get()
    assert (channel.chat, channel.script, channel.enabled) == ("@elyurt_news", "latn", True)
    assert TelegramPost.objects.count() == 0


def test_the_press_adds_and_changes_a_channel(as_role):
    client = as_role(roles.PRESS)
    response = client.post(
        reverse("telegram_channels:add"), {"chat": "elyurt_news", "script": "cyrl", "enabled": "on"}
    )
    channel = TelegramChannel.objects.get()
    assert response["Location"] == reverse("telegram_channels:detail", args=[channel.pk])
    assert (channel.chat, channel.script, channel.enabled) == ("@elyurt_news", "cyrl", True)
    client.post(reverse("telegram_channels:detail", args=[channel.pk]), {"script": "latn"})
    channel.refresh_from_db()
    assert (channel.script, channel.enabled) == ("latn", False)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"chat": "@a b", "script": "latn"},
            "chat",
            "Give the channel as @handle (5 to 32 letters, digits or underscores) or as its "
            "numeric chat id.",
        ),
        ({"chat": "@elyurt_news", "script": "arab"}, "script", None),
        ({"script": "latn"}, "chat", "This field is required."),
    ],
)
def test_bad_input_names_the_field_and_adds_nothing(as_role, data, field, message):
    response = as_role(roles.PRESS).post(reverse("telegram_channels:add"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    assert TelegramChannel.objects.count() == 0


def test_the_announce_button_shows_on_a_scheduled_conference_for_the_press(as_role, objects):
    url = reverse("dashboard:conference_detail", args=[objects["conference"]])
    announce = reverse("telegram_channels:announce", args=[objects["conference"]])
    assert announce in as_role(roles.PRESS).get(url).content.decode()
    assert announce not in as_role(roles.VIEWER).get(url).content.decode()


def test_announcing_from_the_dashboard(as_role, objects):
    response = as_role(roles.PRESS).post(
        reverse("telegram_channels:announce", args=[objects["conference"]]), follow=True
    )
    assert "Announced in 1 Telegram channels." in response.content.decode()
    post = TelegramPost.objects.get()
    assert (post.conference_id, post.channel_id) == (objects["conference"], objects["channel"])


def _failed_posts(count):
    for index in range(count):
        channel = telegram_channel_add(chat=f"@elyurt_{index:05d}", script="cyrl", by=None)
        release = make_release()
        post = TelegramPost.objects.create(release=release, channel=channel)
        claimed = outbox.post_claim(post_id=post.pk, now=post.created_at)
        outbox.post_fail(post=claimed, error="403 sendMessage: Forbidden: bot was kicked")


@pytest.mark.parametrize("rows", [1, 4])
def test_list_queries_do_not_grow(as_role, django_assert_num_queries, rows):
    _failed_posts(rows)
    client = as_role(roles.PRESS)
    # session, user, the dashboard frame's two, the channels with their counts, the failures
    with django_assert_num_queries(6):
        page = client.get(reverse("telegram_channels:list")).content.decode()
    assert page.count("403 sendMessage: Forbidden: bot was kicked") == rows


@pytest.mark.parametrize("rows", [1, 4])
def test_channel_page_queries_do_not_grow(as_role, django_assert_num_queries, rows):
    channel = telegram_channel_add(chat="@elyurt_news", script="cyrl", by=None)
    for _ in range(rows):
        TelegramPost.objects.create(release=make_release(), channel=channel)
    client = as_role(roles.PRESS)
    # session, user, the dashboard frame's two, the channel, its posts with their releases
    with django_assert_num_queries(6):
        page = client.get(reverse("telegram_channels:detail", args=[channel.pk])).content.decode()
    assert page.count("<td>Waiting</td>") == rows


def test_roles_hold_the_telegram_permissions():
    def codenames(role):
        return set(
            Group.objects.get(name=role)
            .permissions.filter(content_type__app_label="telegram_channels")
            .values_list("codename", flat=True)
        )

    every = {
        "add_telegramchannel", "change_telegramchannel", "delete_telegramchannel",
        "view_telegramchannel", "post_telegramchannel", "add_telegrampost",
        "change_telegrampost", "delete_telegrampost", "view_telegrampost",
    }  # fmt: skip
    assert codenames(roles.PRESS) == every
    assert codenames(roles.ADMINISTRATOR) == every
    assert codenames(roles.SECRETARY) == {"view_telegramchannel", "view_telegrampost"}
    assert codenames(roles.VIEWER) == {"view_telegramchannel", "view_telegrampost"}
