"""JSON nested beyond JSON_MAX_DEPTH is refused with 400 in the one error format, wherever a
body is parsed: the partner API, the staff import, the import command's documents, the webhook."""

import pytest

from conferences.imports import ConferenceImportError, conference_import, conference_import_text
from elyurt.json_bounded import JsonTooDeep, json_depth, json_loads_bounded

from .conftest import scheduled_conference
from .test_access import _csrf

pytestmark = pytest.mark.django_db

DEEP = b"[" * 1000 + b"]" * 1000
REFUSAL = "JSON nested more than 32 levels deep"


def _nested(levels: int) -> bytes:
    return b'{"a":' * (levels - 1) + b"[]" + b"}" * (levels - 1)


def test_depth_is_counted_per_array_and_object():
    assert (json_depth(1), json_depth([]), json_depth({"a": [1]}), json_depth([[], [[{}]]])) == (
        0, 1, 2, 4,
    )  # fmt: skip
    assert json_depth(json_loads_bounded(_nested(32))) == 32
    with pytest.raises(JsonTooDeep, match=REFUSAL):
        json_loads_bounded(_nested(33))
    with pytest.raises(JsonTooDeep, match=REFUSAL):
        json_loads_bounded(DEEP)


@pytest.mark.parametrize("body", [DEEP, _nested(33)])
def test_a_deep_body_answers_400_to_a_partner(api, body):
    conference = scheduled_conference()
    response = api.post(
        f"/api/v1/conferences/{conference.pk}/registrations/",
        body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "parse_error", "message": REFUSAL, "fields": {}}}


def test_a_deep_body_answers_400_to_the_staff_import(staff_client):
    token = _csrf(staff_client)
    response = staff_client.post(
        "/api/v1/conferences/import/",
        DEEP,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "parse_error", "message": REFUSAL, "fields": {}}}


def test_a_deep_document_is_refused_by_the_import():
    with pytest.raises(ConferenceImportError) as from_text:
        conference_import_text(text=DEEP)
    assert from_text.value.errors == ["document: " + REFUSAL]
    document: list = []
    for _level in range(2000):
        document = [document]
    with pytest.raises(ConferenceImportError) as from_python:
        conference_import(document={"title": document})
    assert from_python.value.errors == ["document: " + REFUSAL]
