"""The dashboard's draft-regulation pages: every role both ways, the flow through the pages,
and the list's query count at two sizes."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard import roles
from experts.tests.factories import ExpertFactory
from regulations import services
from regulations.models import Comment, Draft, Reviewer
from regulations.opinion import DOCX_TYPE
from regulations.selectors import version_latest

from .documents import article_text, articles_docx, docx_bytes, draft_paragraphs

pytestmark = pytest.mark.django_db

ALL = {roles.ADMINISTRATOR, roles.SECRETARY, roles.PRESS, roles.VIEWER, roles.REVIEW_CHAIR}
READERS = {roles.ADMINISTRATOR, roles.SECRETARY, roles.VIEWER, roles.REVIEW_CHAIR}
EDITORS = {roles.ADMINISTRATOR, roles.SECRETARY}
APPROVERS = {roles.ADMINISTRATOR, roles.REVIEW_CHAIR}


def _client(django_user_model, role):
    user = django_user_model.objects.create_user(role.replace(" ", "_"), password="x-Pw-12345")
    user.groups.add(Group.objects.get(name=role))
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def draft(ministry, deadline):
    draft = services.draft_create(
        organization=ministry, title="Низом", deadline=deadline,
        content=articles_docx(4), name="d.docx", by="test",
    )  # fmt: skip
    expert = ExpertFactory(full_name="Одилбек Каттаев")
    services.reviewer_add(draft=draft, expert=expert, by="test")
    return draft


def _pages(draft):
    comment_pk = 0
    return [
        ("dashboard:regulation_list", [], "get", READERS),
        ("dashboard:regulation_create", [], "get", EDITORS),
        ("dashboard:regulation_create", [], "post", EDITORS),
        ("dashboard:regulation_detail", [draft.pk], "get", READERS),
        ("dashboard:regulation_version", [draft.pk, 1], "get", READERS),
        ("dashboard:regulation_version_add", [draft.pk], "post", EDITORS),
        ("dashboard:regulation_reviewer_add", [draft.pk], "post", EDITORS),
        ("dashboard:regulation_comments", [draft.pk], "get", READERS),
        ("dashboard:regulation_comment_decide", [draft.pk, comment_pk], "post", EDITORS),
        ("dashboard:regulation_opinion", [draft.pk], "get", READERS),
        ("dashboard:regulation_opinion", [draft.pk], "post", EDITORS),
        ("dashboard:regulation_opinion_docx", [draft.pk], "get", READERS),
        ("dashboard:regulation_action", [draft.pk, "start"], "post", EDITORS),
        ("dashboard:regulation_action", [draft.pk, "approve"], "post", APPROVERS),
        ("dashboard:regulation_action", [draft.pk, "send"], "post", APPROVERS),
    ]


@pytest.mark.parametrize("role", sorted(ALL))
def test_every_page_for_every_role(django_user_model, draft, role):
    client = _client(django_user_model, role)
    for name, args, method, allowed in _pages(draft):
        response = getattr(client, method)(reverse(name, args=args))
        if role in allowed:
            assert response.status_code != 403, (name, method)
        else:
            assert response.status_code == 403, (name, method)


def test_anonymous_is_sent_to_login(draft):
    response = Client().get(reverse("dashboard:regulation_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_secretary_and_the_chair_take_a_draft_to_sent(django_user_model, ministry, deadline):
    secretary = _client(django_user_model, roles.SECRETARY)
    upload = SimpleUploadedFile("draft.docx", articles_docx(6), content_type=DOCX_TYPE)
    response = secretary.post(
        reverse("dashboard:regulation_create"),
        {
            "organization": ministry.pk,
            "title": "Низом",
            "deadline": deadline.isoformat(),
            "file": upload,
            "contact_email": "devon@edu.gov.uz",
        },  # fmt: skip
    )
    draft = Draft.objects.get()
    assert response["Location"] == reverse("dashboard:regulation_detail", args=[draft.pk])
    bad = SimpleUploadedFile("draft.docx", docx_bytes(["Хат."]), content_type=DOCX_TYPE)
    response = secretary.post(reverse("dashboard:regulation_version_add", args=[draft.pk]),
                              {"file": bad})  # fmt: skip
    assert response.status_code == 400
    assert b"No article was recognised" in response.content
    expert = ExpertFactory()
    secretary.post(reverse("dashboard:regulation_reviewer_add", args=[draft.pk]),
                   {"expert": expert.pk})  # fmt: skip
    secretary.post(reverse("dashboard:regulation_action", args=[draft.pk, "start"]))
    reviewer = Reviewer.objects.get()
    unit = version_latest(draft=draft).units.get(position=3)
    comment = services.comment_save(
        reviewer=reviewer, article_id=unit.article_id, remark="Аниқлаштириш керак",
        proposed_wording="Янги таҳрир",
    )  # fmt: skip
    texts = {2: article_text(3).replace("ҳар йили", "ҳар чоракда")}
    new = SimpleUploadedFile("v2.docx", docx_bytes(draft_paragraphs(6, texts=texts)))
    response = secretary.post(
        reverse("dashboard:regulation_version_add", args=[draft.pk]), {"file": new}
    )
    assert response["Location"] == reverse("dashboard:regulation_version", args=[draft.pk, 2])
    page = secretary.get(response["Location"]).content.decode()
    assert "<del>йили</del>" in page and "<ins>чоракда</ins>" in page
    page = secretary.get(reverse("dashboard:regulation_comments", args=[draft.pk])).content
    assert b"text changed since" in page
    secretary.post(reverse("dashboard:regulation_comment_decide", args=[draft.pk, comment.pk]),
                   {"decision": "accepted"})  # fmt: skip
    assert Comment.objects.get().decision == "accepted"
    secretary.post(
        reverse("dashboard:regulation_opinion", args=[draft.pk]),
        {
            "article": unit.article_id,
            f"a{unit.article_id}-wording": "Кенгаш таҳрири",
            f"a{unit.article_id}-justification": "Асос",
        },  # fmt: skip
    )
    page = secretary.get(reverse("dashboard:regulation_opinion", args=[draft.pk])).content
    assert "Кенгаш таҳрири".encode() in page
    secretary.post(reverse("dashboard:regulation_action", args=[draft.pk, "drafted"]))
    # The secretary cannot approve; the chair can, and sends.
    assert secretary.post(
        reverse("dashboard:regulation_action", args=[draft.pk, "approve"])
    ).status_code == 403  # fmt: skip
    chair = _client(django_user_model, roles.REVIEW_CHAIR)
    chair.post(reverse("dashboard:regulation_action", args=[draft.pk, "approve"]))
    chair.post(reverse("dashboard:regulation_action", args=[draft.pk, "send"]))
    assert Draft.objects.get().status == Draft.Status.SENT
    response = chair.get(reverse("dashboard:regulation_opinion_docx", args=[draft.pk]))
    assert response["Content-Type"] == DOCX_TYPE


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_costs_the_same_queries_at_two_sizes(django_user_model, ministry, deadline, count):
    for _n in range(count):
        services.draft_create(organization=ministry, title="Низом", deadline=deadline,
                              content=articles_docx(2), name="d.docx")  # fmt: skip
    client = _client(django_user_model, roles.SECRETARY)
    url = reverse("dashboard:regulation_list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 6, [q["sql"] for q in queries]
