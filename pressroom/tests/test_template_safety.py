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
