import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from partners.models import Scope
from regulations.models import Draft
from regulations.opinion import DOCX_TYPE

from .conftest import key_client
from .documents import articles_docx, docx_bytes

pytestmark = pytest.mark.django_db


def _post(client, when, **overrides):
    data = {
        "file": SimpleUploadedFile("draft.docx", articles_docx(5), content_type=DOCX_TYPE),
        "title": "Низом лойиҳаси",
        "deadline": when.isoformat(),
        **overrides,
    }
    return client.post("/api/v1/regulation-drafts/", data, format="multipart")


def test_a_ministry_sends_a_draft_and_reads_its_status(ministry, deadline):
    api = key_client(ministry)
    response = _post(api, deadline)
    assert response.status_code == 201
    draft = Draft.objects.get()
    assert response.json() == {"id": draft.pk, "version": 1, "units": 5, "unchanged": 0,
                               "changed": 0, "new": 5, "removed": 0}  # fmt: skip
    assert draft.organization == ministry
    detail = api.get(f"/api/v1/regulation-drafts/{draft.pk}/").json()
    assert detail["status"] == "received"
    assert detail["versions"] == 1
    response = api.get(f"/api/v1/regulation-drafts/{draft.pk}/opinion/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_sent"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"file": SimpleUploadedFile("draft.pdf", b"%PDF-1.4")}, "file"),
        ({"file": SimpleUploadedFile("draft.docx", b"")}, "file"),
        ({"file": SimpleUploadedFile("d.docx", docx_bytes(["Хат.", "Моддасиз."]))}, "file"),
        ({"title": ""}, "title"),
        ({"title": "Бир\nикки"}, "title"),
        ({"deadline": "10.12.2026"}, "deadline"),
        ({"deadline": "2000-01-01"}, "deadline"),
        ({"contact_email": "not an address"}, "contact_email"),
    ],
)
def test_bad_input_answers_400_naming_the_field_and_stores_nothing(
    ministry, deadline, overrides, field
):
    response = _post(key_client(ministry), deadline, **overrides)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert not Draft.objects.exists()


def test_a_missing_file_names_the_field(ministry, deadline):
    api = key_client(ministry)
    response = api.post(
        "/api/v1/regulation-drafts/", {"title": "T", "deadline": deadline.isoformat()},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["file"]


def test_the_scope_is_required(ministry, deadline):
    api = key_client(ministry, scopes=[Scope.CONFERENCES_READ])
    response = _post(api, deadline)
    assert response.status_code == 403
    assert not Draft.objects.exists()


def test_another_ministry_sees_nothing(ministry, other_ministry, deadline):
    _post(key_client(ministry), deadline)
    draft = Draft.objects.get()
    other = key_client(other_ministry)
    assert other.get(f"/api/v1/regulation-drafts/{draft.pk}/").status_code == 404
    assert other.get(f"/api/v1/regulation-drafts/{draft.pk}/opinion/").status_code == 404
    assert other.get("/api/v1/regulation-drafts/").json()["count"] == 0


def test_staff_with_the_permission_name_the_ministry(ministry, deadline):
    user = User.objects.create_user("sec", password="pw-sec-12345", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_draft"))
    staff = APIClient()
    staff.force_login(user)
    assert list(_post(staff, deadline).json()["error"]["fields"]) == ["organization"]
    response = _post(staff, deadline, organization=str(ministry.pk))
    assert response.status_code == 201
    plain = User.objects.create_user("viewer", password="pw-view-12345", is_staff=True)
    client = APIClient()
    client.force_login(plain)
    assert _post(client, deadline, organization=str(ministry.pk)).status_code == 403


def test_the_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/regulation-drafts/"]
    assert "post" in paths["/api/v1/regulation-drafts/{id}/versions/"]
    opinion = paths["/api/v1/regulation-drafts/{id}/opinion/"]["get"]["responses"]["200"]
    assert set(opinion["content"]) == {"application/json", DOCX_TYPE}


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_costs_the_same_queries_at_two_sizes(ministry, deadline, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from regulations.services import draft_create

    for _n in range(count):
        draft_create(organization=ministry, title="Низом", deadline=deadline,
                     content=articles_docx(2), name="d.docx")  # fmt: skip
    api = key_client(ministry)
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/regulation-drafts/")
    assert response.json()["count"] == count
    assert len(queries) == 3, [q["sql"] for q in queries]
