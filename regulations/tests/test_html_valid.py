"""The review's pages validate (vnu.jar, as dashboard/tests/test_html_valid.py): the expert's
article list and article page, and the dashboard's draft, version, comments and opinion pages."""

import json
import shutil
import subprocess

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from dashboard import roles
from dashboard.tests.test_html_valid import VNU
from experts.tests.factories import ExpertFactory
from regulations import services
from regulations.models import Reviewer
from regulations.selectors import version_latest
from regulations.tokens import reviewer_token

from .documents import article_text, articles_docx, docx_bytes, draft_paragraphs

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _pages(django_user_model, ministry, deadline) -> dict[str, bytes]:
    draft = services.draft_create(organization=ministry, title="Низом", deadline=deadline,
                                  content=articles_docx(5), name="d.docx")  # fmt: skip
    services.reviewer_add(draft=draft, expert=ExpertFactory(), by="test")
    services.review_start(draft=draft, by="test")
    reviewer = Reviewer.objects.get()
    unit = version_latest(draft=draft).units.get(position=2)
    comment = services.comment_save(reviewer=reviewer, article_id=unit.article_id,
                                    remark="Эътироз", proposed_wording="Таклиф")  # fmt: skip
    services.comment_decide(comment=comment, decision="accepted", by="test")
    texts = {1: article_text(2).replace("ҳар йили", "ҳар чоракда")}
    services.version_add(draft=draft, content=docx_bytes(draft_paragraphs(5, texts=texts)),
                         name="v2.docx")  # fmt: skip
    secretary = django_user_model.objects.create_user("secretary")
    secretary.groups.add(Group.objects.get(name=roles.SECRETARY))
    staff = Client()
    staff.force_login(secretary)
    anonymous = Client()
    token = reviewer_token(reviewer=reviewer)
    urls = {
        "review home": (anonymous, f"/r/{token}/"),
        "review article": (anonymous, f"/r/{token}/{unit.article_id}/"),
        "draft list": (staff, "/dashboard/regulations/"),
        "draft upload": (staff, "/dashboard/regulations/new/"),
        "draft": (staff, f"/dashboard/regulations/{draft.pk}/"),
        "versions": (staff, f"/dashboard/regulations/{draft.pk}/versions/2/"),
        "comments": (staff, f"/dashboard/regulations/{draft.pk}/comments/"),
        "opinion": (staff, f"/dashboard/regulations/{draft.pk}/opinion/"),
    }
    pages = {}
    for name, (client, url) in urls.items():
        response = client.get(url, secure=True)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = response.content
    return pages


def test_pages_validate(django_user_model, ministry, deadline, tmp_path):
    java = shutil.which("java")
    assert java, "the HTML check needs Java (apt-get install default-jre-headless)"
    files = {}
    for name, content in _pages(django_user_model, ministry, deadline).items():
        path = tmp_path / f"{name.replace(' ', '-')}.html"
        path.write_bytes(content)
        files[str(path)] = name
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *files],
        capture_output=True,
        timeout=120,
    )
    messages = json.loads(run.stdout)["messages"]
    found = [
        f"{files[m['url'].removeprefix('file:')]}: line {m.get('lastLine')}: {m['message']}"
        for m in messages
    ]
    assert found == []
