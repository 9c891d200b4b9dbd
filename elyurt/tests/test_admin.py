import json
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse

from conferences.imports import conference_import

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "conferences" / "demo"
MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.fixture
def demo():
    for path in DEMO.glob("*.json"):
        conference_import(document=json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_admin_changelist_search_and_add_load(admin_client, demo, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "Иргашев"}).status_code == 200
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code in (200, 403)  # logs refuse adding by hand


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_admin_change_page_loads_for_each_row(admin_client, demo, model):
    opts = model._meta
    for obj in model.objects.all()[:3]:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client.get(url).status_code == 200


def test_admin_requires_staff(client):
    response = client.get(reverse("admin:conferences_conference_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
