"""The OpenAPI schema: valid, every field described, docs served locally, and fuzzed.

schemathesis generates requests from the schema (valid ones, then invalid ones) and sends
them to the real WSGI application with a partner's key: no answer may be a 5xx, and none may
contradict the schema (status, content type, headers, body).
"""

import contextlib
import datetime
import os
import re

import pytest
import schemathesis
import yaml
from django.contrib.auth.models import User
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import ConferenceOrganization
from conferences.tests.factories import PresentationFactory
from experts.models import FieldOfExpertise
from experts.tests.factories import ExpertFactory, MembershipFactory, OrganizationFactory
from partners.services import api_key_create
from pressroom.models import PressRelease
from recommendations.services import recommendation_set_status, recommendations_make

from .conftest import ALL_SCOPES, held_conference, scheduled_conference

pytestmark = pytest.mark.django_db

# Bounded and derandomised so the suite stays quick and repeatable; raise API_FUZZ_EXAMPLES
# (and set API_FUZZ_RANDOM=1) for a longer exploratory run.
EXAMPLES_PER_OPERATION = int(os.environ.get("API_FUZZ_EXAMPLES", "20"))
DERANDOMIZE = os.environ.get("API_FUZZ_RANDOM") != "1"


def _schema_dict(client) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_is_valid_openapi(tmp_path):
    # --fail-on-warn: an undescribed or unresolvable field is an error, not a warning.
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert yaml.safe_load(out.read_text())["openapi"].startswith("3.")


def _undescribed(schema: dict) -> list[str]:
    missing = []
    for name, component in schema["components"]["schemas"].items():
        for prop, spec in component.get("properties", {}).items():
            if not spec.get("description"):
                missing.append(f"{name}.{prop}")
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            if not operation.get("description"):
                missing.append(where)
            for param in operation.get("parameters", []):
                if not param.get("description"):
                    missing.append(f"{where} ?{param['name']}")
            for code, response in operation["responses"].items():
                if not response.get("description"):
                    missing.append(f"{where} -> {code}")
    return missing


def test_every_field_parameter_and_operation_is_described(client):
    schema = _schema_dict(client)
    assert _undescribed(schema) == []
    assert sorted(schema["paths"]) == [
        "/api/v1/conferences/",
        "/api/v1/conferences/import/",
        "/api/v1/conferences/{conference_pk}/attendance/",
        "/api/v1/conferences/{conference_pk}/registrations/",
        "/api/v1/conferences/{conference_pk}/registrations/{id}/",
        "/api/v1/conferences/{id}/",
        "/api/v1/councils/",
        "/api/v1/councils/{id}/",
        "/api/v1/experts/",
        "/api/v1/experts/{id}/",
        "/api/v1/press-releases/",
        "/api/v1/press-releases/{id}/",
        "/api/v1/recommendations/",
        "/api/v1/recommendations/{id}/",
        "/api/v1/regulation-drafts/",
        "/api/v1/regulation-drafts/{id}/",
        "/api/v1/regulation-drafts/{id}/opinion/",
        "/api/v1/regulation-drafts/{id}/versions/",
        "/api/v1/stats/",
    ]
    assert schema["components"]["securitySchemes"]["partnerKey"]["scheme"] == "bearer"
    expert = schema["components"]["schemas"]["Expert"]["properties"]
    assert "email" not in expert and "phone" not in expert


def test_schema_is_generated_once_per_language(client):
    from elyurt.api_schema import MemoisedSchemaView

    MemoisedSchemaView.forget()
    before = MemoisedSchemaView.generated
    first = client.get("/api/schema/")
    second = client.get("/api/schema/")
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == first.content
    assert MemoisedSchemaView.generated == before + 1

    russian = client.get("/api/schema/", {"lang": "ru"})
    client.get("/api/schema/", {"lang": "ru"})
    assert russian.content != first.content
    assert MemoisedSchemaView.generated == before + 2

    # A language the portal does not serve is answered, never kept.
    client.get("/api/schema/", {"lang": "xx"})
    client.get("/api/schema/", {"lang": "xx"})
    assert MemoisedSchemaView.generated == before + 4
    assert sorted(MemoisedSchemaView._schemas) == [(first["Content-Language"], None), ("ru", None)]


def test_docs_pages_are_served_without_a_cdn(client):
    for path in ("/api/docs/", "/api/redoc/"):
        page = client.get(path)
        assert page.status_code == 200
        text = page.content.decode()
        assert "/static/drf_spectacular_sidecar/" in text
        assert "cdn" not in text.lower() and "unpkg" not in text


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_nothing_from_elsewhere(client, settings, path):
    page = client.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    resources = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", text)
    resources += re.findall(r"""url\(\s*["']?([^"')]+)""", text)
    assert resources  # the pattern finds the page's own static files
    elsewhere = [
        url
        for url in resources
        if re.match(r"(https?:)?//", url) and not url.startswith(settings.SITE_URL + "/")
    ]
    assert elsewhere == []
    # What the bundles load on their own (Redoc's sidebar logo from cdn.redoc.ly) is refused.
    assert page["Content-Security-Policy"] == (
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "style-src 'self' 'unsafe-inline'"
    )


@pytest.fixture
def fuzz_world():
    """A little of everything, so the fuzzer meets real rows as well as missing ones."""
    partner = OrganizationFactory(name="Ministry")
    upcoming = scheduled_conference()
    past = held_conference(participants_count_declared=500)
    expert = ExpertFactory(is_public=True, organization=OrganizationFactory())
    expert.fields.add(FieldOfExpertise.objects.create(name="Physics"))
    PresentationFactory(conference=upcoming, order=1, presenter=expert)
    ConferenceOrganization.objects.create(
        conference=upcoming, organization=partner, role="co_organizer"
    )
    past.experts.set([expert])
    MembershipFactory(council=upcoming.council, expert=expert, role="chair")
    release = PressRelease.objects.create(
        conference=past, slug="past", title_cyrl="Сарлавҳа", body_cyrl="Матн"
    )
    PressRelease.objects.filter(pk=release.pk).update(
        status="published", published_at=timezone.now() - datetime.timedelta(days=1)
    )
    invitations_add(
        conference=upcoming,
        invitees=[Invitee(name="Registered", email="r@edu.uz")],
        source="registration",
        registered_by=partner,
        send=False,
    )
    [recommendation] = recommendations_make(
        source=past,
        items=[{"text": "Тавсия", "addressee": partner, "due_on": datetime.date(2030, 1, 1)}],
        by=None,
    )
    recommendation_set_status(recommendation=recommendation, status="sent", by=None)
    _key, raw = api_key_create(organization=partner, scopes=ALL_SCOPES)
    return {"key": raw, "conference": upcoming}


def _run(operation, mode: GenerationMode, headers: dict, excluded: list) -> None:
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fuzzed_requests_never_fail_or_contradict_the_schema(settings_override, fuzz_world, mode):
    staff_headers = _staff_session_headers()  # before: the test client reconnects the closing
    key_headers = {"Authorization": f"Bearer {fuzz_world['key']}"}
    with connection_kept_open():
        _fuzz(key_headers, staff_headers, mode)


def _fuzz(key_headers: dict, staff_headers: dict, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    # A partner's registration may be refused for reasons the schema cannot carry (an address
    # Django thinks is invalid, a conference that is not scheduled): a 400 for "valid" data is
    # the API's answer, not a contradiction.
    excluded = [openapi_checks.positive_data_acceptance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 22
    for operation in operations:
        # The import is staff-only: fuzz it with a staff session (and its CSRF token).
        headers = staff_headers if operation.path == "/api/v1/conferences/import/" else key_headers
        _run(operation, mode, headers, excluded)


@pytest.fixture
def settings_override(settings):
    settings.PARTNER_API_THROTTLE_RATE = "100000/minute"


@contextlib.contextmanager
def connection_kept_open():
    """Run the project's WSGI application inside the test's transaction.

    Django closes the database connection when a request finishes; here that connection holds
    the test's transaction, so, as Django's own test client does, the closing is switched off.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _staff_session_headers() -> dict:
    from django.contrib.auth.models import Permission

    user = User.objects.create_user("fuzz-staff", password="pw-fuzz-1", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_conference", "change_conference"])
    )
    client = Client()
    client.force_login(user)
    client.get("/admin/")
    session, csrf = client.cookies["sessionid"].value, client.cookies["csrftoken"].value
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}
