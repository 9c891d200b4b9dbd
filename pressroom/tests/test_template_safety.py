"""Release templates are the press service's: they render plain data, never a model."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.template import Context

from conferences.models import Conference
from elyurt.staff_templates import UnsafeContextError, plain_data
from pressroom.drafting import compile_template, draft_texts, release_context, render_release
from pressroom.models import ReleaseTemplate

pytestmark = pytest.mark.django_db


def test_the_release_context_is_plain_data_without_the_conference(seed_conference):
    context = release_context(conference=seed_conference)
    assert "conference" not in context
    assert plain_data(context)["date"]["locative"] == "2020 йил 28 августда"


@pytest.mark.parametrize(
    "unsafe",
    [
        lambda c: c,
        lambda c: Conference.objects.all(),
        lambda c: c.invitations,
        lambda c: get_user_model().objects.create_user(username="u", password="pw"),
        lambda c: lambda: "called",
        lambda c: {"nested": [{"deeper": c}]},
        lambda c: {c.pk},
        lambda c: {1: "a key that is not a string"},
        lambda c: Conference.Status.HELD,
    ],
    ids=["model", "queryset", "manager", "user", "function", "nested", "set", "key", "choice"],
)
def test_anything_but_plain_data_is_refused_when_a_template_renders(seed_conference, unsafe):
    value = unsafe(seed_conference)
    template = compile_template("{{ x }}")
    with pytest.raises(UnsafeContextError):
        template.render({"x": value})
    # Whatever door the context comes through: a Context, the drafting's render.
    with pytest.raises(UnsafeContextError):
        template.render(Context({"x": value}))
    stored = ReleaseTemplate(language="uz-Cyrl", name="t", title="{{ x }}", body="{{ x }}")
    with pytest.raises(UnsafeContextError):
        render_release(template=stored, context={"x": value})


def test_plain_data_renders_as_before():
    template = compile_template(
        "{{ a.b }} {{ items.1 }} {{ items|length }} {{ when|date:'Y-m-d' }} {{ missing.x }}|"
        "{% for k, v in a.items %}{{ k }}={{ v }}{% endfor %}"
    )
    rendered = template.render(
        {"a": {"b": "<b>"}, "items": ["x", "y"], "when": datetime.date(2020, 8, 28)}
    )
    # Plain text out, no escaping, a missing name is empty.
    assert rendered == "<b> y 2 2020-08-28 |b=<b>"


def test_a_template_cannot_change_the_data_it_renders(seed_conference):
    stored = ReleaseTemplate(
        language="uz-Cyrl",
        name="t",
        title="{{ presentations.clear }}{{ organizer.clear }}{{ presentations.pop }}",
        body="{{ presentations|length }} {{ organizer.name }}",
    )
    context = release_context(conference=seed_conference)
    title, body = render_release(template=stored, context=context)
    assert (title, body) == ("", "2 “Эл-юрт умиди” жамғармаси")
    assert len(context["presentations"]) == 2


@pytest.mark.parametrize(
    ("source", "tag"),
    [
        ("{% load i18n %}{% translate 'x' %}", "load"),
        ("{% load %}", "load"),
        ('{% include "dashboard/base.html" %}', "include"),
        ('{% extends "dashboard/base.html" %}', "extends"),
        ("{% if qa %}{% debug %}{% endif %}", "debug"),
        ("{%  debug  %}", "debug"),
    ],
)
@pytest.mark.parametrize("field", ["title", "body"])
def test_a_template_with_a_refused_tag_is_refused_naming_the_field(source, tag, field):
    from pressroom.forms import ReleaseTemplateForm

    data = {"language": "ru", "name": "x", "title": "{{ topic }}", "body": "{{ topic }}"}
    form = ReleaseTemplateForm(data={**data, field: source, "active": "on"})
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert form.errors[field] == [
        "The template uses what release templates may not: "
        f"the tag {{% {tag} %}} cannot be used here"
    ]


def test_a_stored_template_with_a_refused_tag_stops_the_draft(seed_conference):
    from pressroom.drafting import DraftingError

    # Stored before the check, or from the shell: the draft stops instead of printing the context.
    ReleaseTemplate.objects.filter(language="uz-Cyrl").update(body="{% debug %}")
    with pytest.raises(DraftingError):
        draft_texts(conference=seed_conference)


def test_the_press_page_refuses_a_debug_tag_on_its_field(client, django_user_model):
    from .conftest import user_with

    press = user_with(django_user_model, "press", "view_releasetemplate", "change_releasetemplate")
    client.force_login(press)
    template = ReleaseTemplate.objects.get(language="uz-Cyrl", active=True)
    data = {"language": "uz-Cyrl", "name": "d", "title": "{% debug %}", "body": "{{ topic }}"}
    refused = client.post(f"/dashboard/press/templates/{template.pk}/", data)
    assert refused.status_code == 400
    assert (
        "title: The template uses what release templates may not: "
        "the tag {% debug %} cannot be used here"
    ) in refused.content.decode()
    template.refresh_from_db()
    assert template.title != "{% debug %}"


# What a press-service user tried before the fix, and walks from every name the context has.
HOSTILE_PATHS = [
    "conference",
    "conference.invitations.all",
    "conference.invitations.all.0.email",
    "conference.invitations.all.0.token_salt",
    "conference.invitations.all.0.token_hash",
    "conference.invitations.all.0.registered_by.api_keys.all.0.key_hash",
    "conference.press_release.updated_by.password",
    "conference.press_release.updated_by.email",
    "conference.council.memberships.all.0.expert.email",
    "conference.experts.all.0.email",
    "conference.presentations.all.0.presenter.email",
    "conference.organization_roles.all.0.representatives.all.0.email",
    "presenters.0.email",
    "presentations.0.email",
    "presentations.0.presenter.email",
    "user.password",
    "user",
    "request",
    "request.user.password",
    "perms",
    "csrf_token",
    "settings.SECRET_KEY",
    "view",
]
ATTRIBUTE_WALKS = [
    "",
    ".email",
    ".password",
    ".token",
    ".token_salt",
    ".token_hash",
    ".salt",
    ".pk",
    ".id",
    ".items",
    ".values",
    ".copy",
    ".all",
    ".objects.all",
    ".invitations.all",
    ".experts.all",
    ".memberships.all",
    ".representatives.all",
    ".presenter.email",
    ".council.memberships.all.0.expert.email",
    ".0.email",
    ".0.presenter.email",
]


def _walks(value, path: str) -> list[str]:
    """Every path in the context, each followed by every hostile walk."""
    paths = [path + walk for walk in ATTRIBUTE_WALKS]
    if isinstance(value, dict):
        for key, item in value.items():
            paths += _walks(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += _walks(item, f"{path}.{index}")
    return paths


def test_a_hostile_template_reads_no_email_token_salt_or_password(seed_conference, settings):
    from conferences.models import Invitation
    from experts.models import CouncilMembership, Expert
    from pressroom.services import press_release_draft

    password = "Known-Password-4711"
    user = get_user_model().objects.create_user(
        username="press", password=password, email="press.user@example.org"
    )
    press_release_draft(conference=seed_conference, by=user)  # updated_by: the user
    Invitation.objects.create(
        conference=seed_conference,
        name="Invitee",
        email="invitee.secret@example.org",
        email_lower="invitee.secret@example.org",
        source="csv",
        token_salt="known-salt-9f3a71c2",
        token_hash="known-hash-0b64e5d8",
    )
    members = CouncilMembership.objects.filter(council=seed_conference.council)
    walkable = Expert.objects.filter(
        pk__in=[
            *seed_conference.experts.values_list("pk", flat=True),
            *seed_conference.presentations.values_list("presenter", flat=True),
            *members.values_list("expert", flat=True),
            *seed_conference.organization_roles.values_list("representatives", flat=True),
        ]
    )
    for expert in walkable:
        Expert.objects.filter(pk=expert.pk).update(email=f"private.{expert.pk}@example.org")
    expert_emails = [f"private.{pk}@example.org" for pk in walkable.values_list("pk", flat=True)]
    assert len(expert_emails) >= 4  # presenters, council members and representatives
    secrets = [
        "invitee.secret@example.org",
        "known-salt-9f3a71c2",
        "known-hash-0b64e5d8",
        get_user_model().objects.get(pk=user.pk).password,
        "press.user@example.org",
        password,
        settings.SECRET_KEY,
        *expert_emails,
    ]
    context = release_context(conference=seed_conference)
    paths = HOSTILE_PATHS + [p for key, value in context.items() for p in _walks(value, key)]
    body = "\n\n".join(f"{path}=[{{{{ {path} }}}}]" for path in paths)
    ReleaseTemplate.objects.filter(language="uz-Cyrl").update(title="{{ topic }}", body=body)

    release = press_release_draft(conference=seed_conference)

    texts = "\n".join(
        getattr(release, f"{part}_{script}")
        for part in ("title", "body")
        for script in ("cyrl", "latn")
    )
    assert [secret for secret in secrets if secret in texts] == []
    assert "conference.invitations.all=[]" in texts  # the template did render every path
    assert "@" not in texts
    assert "pbkdf2" not in texts


def _documented_names() -> set[str]:
    from pressroom.drafting import release_context_help

    names = set()
    for entry, _example in release_context_help():
        root = ""
        for part in entry.split(" / "):
            part = part.strip()
            if " (list: " in part:
                root, items = part.removesuffix(")").split(" (list: ")
                names |= {f"{root}.{item}" for item in items.split(", ")}
                continue
            name = f"{root}{part}" if part.startswith(".") else part
            root = name.split(".")[0]
            names.add(name)
    return names


def _context_names(context: dict) -> set[str]:
    names = set()
    for key, value in context.items():
        if isinstance(value, dict):
            names |= {f"{key}.{inner}" for inner in value}
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            names |= {f"{key}.{inner}" for inner in value[0]}
        else:
            names.add(key)
    return names


def test_the_template_page_lists_exactly_what_a_template_can_use(
    seed_conference, client, django_user_model
):
    from .conftest import user_with

    context = release_context(conference=seed_conference)
    assert _documented_names() == _context_names(context)
    press = user_with(django_user_model, "press", "change_releasetemplate")
    client.force_login(press)
    template = ReleaseTemplate.objects.get(language="uz-Cyrl", active=True)
    page = client.get(f"/dashboard/press/templates/{template.pk}/").content.decode()
    assert "<code>technical.name / .genitive / .mission / .country / " in page
    assert "The tags load, include, extends and debug are refused." in page


# --- what a template may cost ------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        '{{ topic|ljust:"99999999" }}',
        '{{ topic|center:"1000000" }}',
        '{{ topic|stringformat:"099999999d" }}',
        '{% for c in topic|rjust:"5000000" %}{% endfor %}',
        '{% if topic|floatformat:"-99999" %}{% endif %}',
        "{{ topic|ljust:count }}",
        "x" * 200_001,
    ],
    ids=["ljust", "center", "stringformat", "for", "if", "variable-width", "long"],
)
def test_a_template_that_asks_too_much_is_refused_when_it_compiles(source):
    from elyurt.staff_templates import TemplateTooCostly

    with pytest.raises(TemplateTooCostly):
        compile_template(source)


def test_a_costly_template_is_refused_on_its_field():
    from pressroom.forms import ReleaseTemplateForm

    data = {"language": "ru", "name": "x", "title": "{{ topic }}", "active": "on"}
    form = ReleaseTemplateForm(data={**data, "body": '{{ topic|ljust:"99999999" }}'})
    assert form.errors["body"] == [
        "The template uses what release templates may not: "
        "a number given to the filter ljust has more than 3 digits"
    ]


def test_modest_filter_arguments_still_render():
    template = compile_template('[{{ topic|ljust:"12" }}]{{ n|floatformat:"1" }}')
    assert template.render({"topic": "Online", "n": 2.25}) == "[Online      ]2.3"


def test_nested_loops_over_long_data_stop_at_the_iteration_budget():
    from elyurt.staff_templates import RENDER_MAX_ITERATIONS, TemplateTooCostly

    template = compile_template("{% for a in s %}{% for b in s %}.{% endfor %}{% endfor %}")
    assert template.render({"s": "ab"}) == "...."
    with pytest.raises(TemplateTooCostly, match=f"more than {RENDER_MAX_ITERATIONS} times"):
        template.render({"s": "x" * 10_000})


def test_a_loop_that_writes_too_much_stops_at_the_output_budget():
    from elyurt.staff_templates import RENDER_MAX_CHARS, TemplateTooCostly

    template = compile_template("{% for a in items %}{{ long }}{% endfor %}")
    assert len(template.render({"items": [1, 2], "long": "y" * 100})) == 200
    with pytest.raises(TemplateTooCostly, match=f"more than {RENDER_MAX_CHARS} characters"):
        template.render({"items": list(range(200)), "long": "y" * 10_000})


def test_a_costly_stored_template_stops_the_draft_not_the_worker(seed_conference):
    from pressroom.drafting import DraftingError

    ReleaseTemplate.objects.filter(language="uz-Cyrl").update(
        body="{% for a in topic %}{% for b in topic %}{% for c in topic %}{{ topic }}"
        "{% endfor %}{% endfor %}{% endfor %}"
    )
    with pytest.raises(DraftingError, match="more than"):
        draft_texts(conference=seed_conference)
