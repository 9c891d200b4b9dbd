"""The done-when flow on PostgreSQL with a real worker, the generic outbox and an SMTP server:
a ministry sends a 40-article draft through the API, 20 council members are invited and comment
through their links, a second version keeps their comments, D-3 and D-1 reminders reach only
the silent, the opinion goes to the ministry as a .docx in both scripts, and another ministry
reads nothing of it."""

import datetime
import io
import re

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from docx.enum.section import WD_ORIENT

from conferences.tests.live import wait_until
from experts.tests.factories import ExpertFactory
from mailing.models import Letter
from regulations import services
from regulations.models import Comment, Draft, Reviewer, Unit
from regulations.opinion import DOCX_TYPE
from regulations.reminders import reminders_queue
from regulations.selectors import article_rows, version_latest
from transliteration import to_latin

from .conftest import key_client
from .documents import article_text, articles_docx, docx_bytes, draft_paragraphs

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+/r/([0-9a-f]{64})/")
SENT = Letter.State.SENT


def _upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("draft.docx", content, content_type=DOCX_TYPE)


def _normal(text: str) -> str:
    return " ".join(text.split())


def _sent_to(smtp) -> list[str]:
    return sorted(addr.lower() for r in smtp.received for addr in r.rcpt)


def _version_two() -> bytes:
    """Version 2: a new article after 10 and after 30 (the rest renumbered), article 20
    reworded; every other article's text as before."""
    texts, number = {}, 0
    for seed in range(1, 41):
        number += 1
        variant = article_text(number, seed=seed)
        if seed == 20:
            variant = variant.replace("ҳар йили ҳисобот беради", "ҳар чоракда ахборот тақдим этади")
        texts[number - 1] = variant
        if seed in (10, 30):
            number += 1
            texts[number - 1] = (
                f"{number}-модда. Янги модда {seed}\nБутунлай янги қоида, аввал бўлмаган {seed}."
            )
    return docx_bytes(draft_paragraphs(42, texts=texts))


def _comment_through_links(smtp, silent_emails):
    client = Client()
    tokens = {}
    for received in smtp.received:
        message = received.message()
        [address] = received.rcpt
        body = message.get_body(preferencelist=("plain",)).get_content()
        tokens[address.lower()] = LINK.search(body).group(1)
    articles = [u.article_id for u in version_latest(draft=Draft.objects.get()).units.all()]
    for index, reviewer in enumerate(Reviewer.objects.select_related("expert").order_by("pk")):
        if reviewer.expert.email in silent_emails:
            continue
        token = tokens[reviewer.expert.email.lower()]
        # Each expert comments on two articles: 1-20 spread over articles 1..40.
        for article_id in (articles[index % 40], articles[(index + 20) % 40]):
            response = client.post(
                f"/r/{token}/{article_id}/",
                {
                    "remark": f"Эътироз {index}",
                    "proposed_wording": f"Таклиф {index}",
                    "justification": f"Асос {index}",
                },  # fmt: skip
            )
            assert response.status_code == 302
    return tokens


def test_review_from_draft_to_opinion(
    start_worker, smtp, ministry, other_ministry, council_of_20, deadline, settings
):
    settings.SITE_URL = "https://portal.example.uz"
    worker = start_worker()
    api = key_client(ministry)

    # A 40-article .docx gives exactly 40 units with the source's text.
    response = api.post(
        "/api/v1/regulation-drafts/",
        {
            "file": _upload(articles_docx(40)),
            "title": "Олий таълим тўғрисидаги низом",
            "deadline": deadline.isoformat(),
            "contact_email": "devon@edu.gov.uz",
        },  # fmt: skip
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["units"] == 40
    draft = Draft.objects.get(pk=response.json()["id"])
    units = list(version_latest(draft=draft).units.order_by("position"))
    assert [_normal(u.text) for u in units] == [_normal(article_text(n)) for n in range(1, 41)]

    # Three experts added by hand stay silent: the reminders' audience.
    silent = [ExpertFactory(email=f"silent{n}@example.org") for n in range(3)]
    for expert in silent:
        services.reviewer_add(draft=draft, expert=expert, by="test")
    call_command("review_start", str(draft.pk))
    wait_until(lambda: Letter.objects.filter(state=SENT).count() == 23, timeout=60,
               what="23 invitations sent", worker=worker)  # fmt: skip
    silent_emails = {e.email for e in silent}
    tokens = _comment_through_links(smtp, silent_emails)
    assert len(tokens) == 23
    assert Comment.objects.count() == 40
    assert Comment.objects.values("reviewer").distinct().count() == 20

    # A second version with 2 inserted and 1 changed article keeps every comment.
    response = api.post(
        f"/api/v1/regulation-drafts/{draft.pk}/versions/",
        {"file": _upload(_version_two())},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json() == {"id": draft.pk, "version": 2, "units": 42, "unchanged": 39,
                               "changed": 1, "new": 2, "removed": 0}  # fmt: skip
    rows = {row["article"].pk: row for row in article_rows(draft=draft)}
    for comment in Comment.objects.select_related("unit"):
        row = rows[comment.article_id]
        stale = next(c for c in row["comments"] if c.pk == comment.pk).stale
        assert row["unit"] is not None
        assert stale == (comment.unit.number == "20")
    assert Unit.objects.filter(version__number=2, change="changed").get().number == "21"

    # D-3 and D-1 reminders reach only the silent; none after the deadline.
    before = len(smtp.received)
    assert reminders_queue(now=draft.deadline_at - datetime.timedelta(days=3, minutes=-1)) == 3
    assert reminders_queue(now=draft.deadline_at - datetime.timedelta(days=2)) == 0
    assert reminders_queue(now=draft.deadline_at - datetime.timedelta(hours=23)) == 3
    assert reminders_queue(now=draft.deadline_at + datetime.timedelta(minutes=1)) == 0
    wait_until(lambda: len(smtp.received) == before + 6, timeout=60, what="6 reminders",
               worker=worker)  # fmt: skip
    reminded = sorted(a.lower() for r in smtp.received[before:] for a in r.rcpt)
    assert reminded == sorted(list(silent_emails) * 2)

    # The opinion: accepted comments on 5 articles, approved, sent by mail and to the API.
    accepted_articles = set()
    for comment in Comment.objects.select_related("unit").order_by("pk")[:5]:
        services.comment_decide(comment=comment, decision="accepted", by="test")
        accepted_articles.add(comment.article_id)
    services.draft_set_status(draft=draft, status=Draft.Status.OPINION_DRAFTED, by="test")
    services.draft_set_status(draft=draft, status=Draft.Status.APPROVED, by="test")
    services.opinion_send(draft=draft, by="test")
    wait_until(
        lambda: "devon@edu.gov.uz" in _sent_to(smtp), timeout=60, what="the opinion mailed",
        worker=worker,
    )  # fmt: skip
    [mailed] = [r for r in smtp.received if r.rcpt == ["devon@edu.gov.uz"]]
    [attachment] = list(mailed.message().iter_attachments())
    document = docx.Document(io.BytesIO(attachment.get_content()))
    cyrillic, latin = document.tables
    assert len(cyrillic.rows) == len(accepted_articles) + 1
    assert len(latin.rows) == len(accepted_articles) + 1
    first_current = cyrillic.rows[1].cells[1].text
    assert latin.rows[1].cells[1].text == to_latin(first_current)
    assert "модда" in first_current and "modda" in latin.rows[1].cells[1].text
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert "PAGE" in section.footer._element.xml

    response = api.get(f"/api/v1/regulation-drafts/{draft.pk}/opinion/")
    assert response.status_code == 200
    assert len(response.json()["rows"]) == len(accepted_articles)
    response = api.get(f"/api/v1/regulation-drafts/{draft.pk}/opinion/", HTTP_ACCEPT=DOCX_TYPE)
    assert response["Content-Type"] == DOCX_TYPE
    assert len(docx.Document(io.BytesIO(response.content)).tables) == 2

    # Another ministry reads nothing of the first's.
    other = key_client(other_ministry)
    for path in ("", "opinion/"):
        assert other.get(f"/api/v1/regulation-drafts/{draft.pk}/{path}").status_code == 404
    response = other.post(f"/api/v1/regulation-drafts/{draft.pk}/versions/",
                          {"file": _upload(_version_two())}, format="multipart")  # fmt: skip
    assert response.status_code == 404
    assert other.get("/api/v1/regulation-drafts/").json()["results"] == []
