"""Release templates are the press service's: they render plain data, never a model."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.template import Context

from conferences.models import Conference
from elyurt.staff_templates import UnsafeContextError, plain_data
from pressroom.drafting import compile_template, release_context, render_release
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
