"""Every page and action, for every role: the allowed roles get in, the others get 403."""

import pytest
from django.urls import reverse

from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from dashboard import roles
from experts.tests.factories import MembershipFactory, OrganizationFactory
from partners.services import api_key_create

pytestmark = pytest.mark.django_db

ALL = {roles.ADMINISTRATOR, roles.SECRETARY, roles.PRESS, roles.VIEWER}
EDITORS = {roles.ADMINISTRATOR, roles.SECRETARY}
EXPERT_READERS = ALL
# Partner API keys open the portal's data to outsiders: no role but the administrator's holds
# the partners permissions (an administrator may grant them to a group or a user).
KEY_KEEPERS = {roles.ADMINISTRATOR}

# (url name, args from the fixture, method, roles allowed)
PAGES = [
    ("dashboard:home", [], "get", ALL),
    ("dashboard:conference_list", [], "get", ALL),
    ("dashboard:conference_calendar", [], "get", ALL),
    ("dashboard:conference_detail", ["conference"], "get", ALL),
    ("dashboard:conference_audience", ["conference"], "get", ALL),
    ("dashboard:conference_create", [], "get", EDITORS),
    ("dashboard:conference_create", [], "post", EDITORS),
    ("dashboard:conference_edit", ["conference"], "get", EDITORS),
    ("dashboard:conference_edit", ["conference"], "post", EDITORS),
    ("dashboard:conference_action", ["conference", "cancel"], "get", EDITORS),
    ("dashboard:conference_action", ["conference", "cancel"], "post", EDITORS),
    ("dashboard:conference_audience", ["conference"], "post", EDITORS),
    (
        "dashboard:invitation_list",
        ["conference"],
        "get",
        {roles.ADMINISTRATOR, roles.SECRETARY, roles.VIEWER},
    ),
    (
        "dashboard:invitation_progress",
        ["conference"],
        "get",
        {roles.ADMINISTRATOR, roles.SECRETARY, roles.VIEWER},
    ),
    ("dashboard:invitation_action", ["conference", "council"], "post", EDITORS),
    ("dashboard:invitation_action", ["conference", "csv"], "post", EDITORS),
    ("dashboard:invitation_action", ["conference", "send"], "post", EDITORS),
    ("dashboard:invitation_action", ["conference", "resend"], "post", EDITORS),
    ("dashboard:expert_list", [], "get", EXPERT_READERS),
    ("dashboard:expert_create", [], "get", EDITORS),
    ("dashboard:expert_create", [], "post", EDITORS),
    ("dashboard:expert_edit", ["expert"], "get", EDITORS),
    ("dashboard:expert_edit", ["expert"], "post", EDITORS),
    ("dashboard:membership_add", ["expert"], "post", EDITORS),
    ("dashboard:membership_end", ["expert", "membership"], "post", EDITORS),
    ("dashboard:api_key_list", [], "get", KEY_KEEPERS),
    ("dashboard:api_key_create", [], "get", KEY_KEEPERS),
    ("dashboard:api_key_create", [], "post", KEY_KEEPERS),
    ("dashboard:api_key_created", ["api_key"], "get", KEY_KEEPERS),
    ("dashboard:api_key_revoke", ["api_key"], "get", KEY_KEEPERS),
    ("dashboard:api_key_revoke", ["api_key"], "post", KEY_KEEPERS),
]


@pytest.fixture
def objects():
    conference = ConferenceFactory()
    conference_set_status(conference=conference, status="scheduled")
    membership = MembershipFactory(council=conference.council)
    api_key, _raw = api_key_create(organization=OrganizationFactory(), scopes=["experts:read"])
    return {
        "conference": conference.pk,
        "expert": membership.expert_id,
        "membership": membership.pk,
        "api_key": api_key.pk,
    }


def _url(name, args, objects):
    return reverse(name, args=[objects.get(a, a) for a in args])


def _cases():
    for name, args, method, allowed in PAGES:
        for role in [*sorted(ALL), None]:
            yield pytest.param(
                name,
                args,
                method,
                role in allowed,
                role,
                id=f"{name}-{'-'.join(args)}-{method}-{role}",
            )


@pytest.mark.parametrize(("name", "args", "method", "allowed", "role"), list(_cases()))
def test_role_gets_in_or_gets_403(as_role, objects, name, args, method, allowed, role):
    client = as_role(role)
    response = getattr(client, method)(_url(name, args, objects))
    if allowed:
        assert response.status_code in (200, 302, 400)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("name", "args", "method"), [(n, a, m) for n, a, m, _r in PAGES])
def test_anonymous_goes_to_the_login_page(client, objects, name, args, method):
    url = _url(name, args, objects)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_refused_post_changes_nothing(as_role, objects):
    from conferences.models import Conference, Invitation

    client = as_role(roles.PRESS)
    url = reverse("dashboard:conference_action", args=[objects["conference"], "cancel"])
    assert client.post(url, {"confirm": "on"}).status_code == 403
    assert Conference.objects.get(pk=objects["conference"]).status == "scheduled"
    url = reverse("dashboard:invitation_action", args=[objects["conference"], "council"])
    assert client.post(url).status_code == 403
    assert Invitation.objects.count() == 0


def test_nav_shows_only_what_the_role_may_open(as_role):
    page = as_role(roles.PRESS).get(reverse("dashboard:conference_list")).content.decode()
    assert reverse("dashboard:conference_create") not in page
    page = as_role(roles.SECRETARY).get(reverse("dashboard:conference_list")).content.decode()
    assert reverse("dashboard:conference_create") in page


def test_refusal_page_says_why_in_the_users_language(make_user):
    from django.test import Client

    client = Client(headers={"accept-language": "ru"})
    client.force_login(make_user(roles.PRESS))
    response = client.get(reverse("dashboard:conference_create"))
    assert response.status_code == 403
    assert "Ваша роль не позволяет" in response.content.decode()
