import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from activity.models import ActivityLog
from experts.tests.factories import ExpertFactory
from mailing.models import Letter
from regulations import services
from regulations.models import Comment, Draft, Reviewer
from regulations.selectors import version_latest
from regulations.tokens import reviewer_token

from .documents import articles_docx, docx_bytes

pytestmark = pytest.mark.django_db
Status = Draft.Status


def _draft(ministry, deadline, count=5):
    return services.draft_create(
        organization=ministry, title="Низом", deadline=deadline,
        content=articles_docx(count), name="d.docx", by="test",
    )  # fmt: skip


def test_status_moves_only_along_the_table(ministry, deadline):
    draft = _draft(ministry, deadline)
    with pytest.raises(ValidationError) as caught:
        services.draft_set_status(draft=draft, status=Status.SENT)
    assert list(caught.value.message_dict) == ["status"]
    for status in (Status.IN_REVIEW, Status.OPINION_DRAFTED, Status.APPROVED, Status.SENT):
        draft = services.draft_set_status(draft=draft, status=status, by="test")
    assert draft.sent_at is not None
    logged = ActivityLog.objects.filter(action="regulation.status_changed").order_by("pk")
    assert [entry.data["to"] for entry in logged] == ["in_review", "opinion_drafted",
                                                      "approved", "sent"]  # fmt: skip


def test_invitations_in_the_experts_language_script_and_zone(ministry, deadline, settings):
    settings.SITE_URL = "https://portal.example.uz"
    draft = _draft(ministry, deadline)
    latin = ExpertFactory(preferred_language="uz-Latn", time_zone="America/New_York")
    cyrillic = ExpertFactory(preferred_language="uz-Cyrl", time_zone="Asia/Seoul")
    for expert in (latin, cyrillic):
        services.reviewer_add(draft=draft, expert=expert, by="test")
    assert services.review_start(draft=draft, by="test") == 2
    letter = Letter.objects.get(to_email=latin.email)
    assert letter.language == "uz-latn"
    assert (
        letter.key == f"review:{draft.pk}:reviewer:{Reviewer.objects.get(expert=latin).pk}:invite"
    )
    assert "Nizom" in letter.subject
    # The deadline day ends at midnight in Tashkent: 14:00 the same day in New York (UTC-5).
    assert f"{deadline.year}-yil {deadline.day}-" in letter.text
    assert ", 14:00 (UTC-05)" in letter.text
    seoul = Letter.objects.get(to_email=cyrillic.email)
    assert seoul.language == "uz-cyrl"
    assert ", 04:00 (UTC+09)" in seoul.text
    reviewer = Reviewer.objects.get(expert=latin)
    assert f"https://portal.example.uz/r/{reviewer_token(reviewer=reviewer)}/" in letter.text
    assert reviewer_token(reviewer=reviewer) not in Reviewer.objects.get(pk=reviewer.pk).token_hash
    # Starting twice is refused; the letters stay one each.
    with pytest.raises(ValidationError):
        services.review_start(draft=draft, by="test")
    assert Letter.objects.count() == 2


def test_comment_pages(ministry, deadline):
    draft = _draft(ministry, deadline)
    experts = [ExpertFactory(preferred_language="en") for _n in range(2)]
    for expert in experts:
        services.reviewer_add(draft=draft, expert=expert, by="test")
    services.review_start(draft=draft, by="test")
    first, second = (Reviewer.objects.get(expert=e) for e in experts)
    article = version_latest(draft=draft).units.get(position=2).article_id
    client = Client()
    url = f"/r/{reviewer_token(reviewer=first)}/{article}/"
    assert client.get(f"/r/{reviewer_token(reviewer=first)}/").status_code == 200
    response = client.post(url, {"remark": "  "})
    assert response.status_code == 400
    assert b"Write your remark." in response.content
    assert client.post(url, {"remark": "Too vague"}).status_code == 302
    assert (
        client.post(url, {"remark": "Too vague\r\nindeed", "proposed_wording": "X"}).status_code
        == 302
    )
    comment = Comment.objects.get()
    assert (comment.remark, comment.proposed_wording) == ("Too vague\nindeed", "X")
    # The second expert sees the first's comment only after posting their own.
    other = f"/r/{reviewer_token(reviewer=second)}/{article}/"
    assert b"Too vague" not in client.get(other).content
    client.post(other, {"remark": "Agree"})
    assert b"Too vague" in client.get(other).content
    # Unknown, tampered or closed links answer the one "link not valid" page.
    assert client.get("/r/" + "0" * 64 + "/").status_code == 404
    draft.deadline = timezone.localdate() - datetime.timedelta(days=1)
    draft.save()
    response = client.get(url)
    assert response.status_code == 404
    assert b"Link not valid" in response.content
    assert client.post(url, {"remark": "late"}).status_code == 404
    assert Comment.objects.get(reviewer=first).remark == "Too vague\nindeed"


def test_a_removed_article_keeps_its_comments(ministry, deadline):
    draft = _draft(ministry, deadline, count=3)
    expert = ExpertFactory()
    services.reviewer_add(draft=draft, expert=expert, by="test")
    services.review_start(draft=draft, by="test")
    reviewer = Reviewer.objects.get()
    third = version_latest(draft=draft).units.get(position=3)
    services.comment_save(reviewer=reviewer, article_id=third.article_id, remark="Remove it")
    services.version_add(draft=draft, content=articles_docx(2), name="v2.docx", by="test")
    from regulations.selectors import article_rows

    [row] = article_rows(draft=draft)
    assert row["unit"] is None
    assert [c.remark for c in row["comments"]] == ["Remove it"]


def test_commands(ministry, deadline, tmp_path, capsys):
    path = tmp_path / "draft.docx"
    path.write_bytes(articles_docx(7))
    call_command(
        "import_regulation_draft", str(path), "--title", "Низом", "--organization",
        ministry.name, "--deadline", deadline.isoformat(),
    )  # fmt: skip
    draft = Draft.objects.get()
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == str(draft.pk)
    assert version_latest(draft=draft).units.count() == 7
    (tmp_path / "empty.docx").write_bytes(docx_bytes(["Хат."]))
    with pytest.raises(CommandError, match="^file: No article was recognised"):
        call_command(
            "import_regulation_draft", str(tmp_path / "empty.docx"), "--title", "T",
            "--organization", str(ministry.pk), "--deadline", deadline.isoformat(),
        )  # fmt: skip
    with pytest.raises(CommandError, match="^reviewers: "):
        call_command("review_start", str(draft.pk))
    services.reviewer_add(draft=draft, expert=ExpertFactory(), by="test")
    call_command("review_start", str(draft.pk))
    assert capsys.readouterr().out == "1 invitation queued.\n"
    assert Draft.objects.get().status == Status.IN_REVIEW


def test_a_reminder_queued_before_the_comment_is_skipped(ministry, deadline):
    from regulations.reminders import reminders_queue

    draft = _draft(ministry, deadline)
    experts = [ExpertFactory() for _n in range(2)]
    for expert in experts:
        services.reviewer_add(draft=draft, expert=expert, by="test")
    services.review_start(draft=draft, by="test")
    moment = draft.deadline_at - datetime.timedelta(days=3) + datetime.timedelta(minutes=1)
    assert reminders_queue(now=moment) == 2
    assert reminders_queue(now=moment) == 0  # once per reviewer and kind
    reviewer = Reviewer.objects.get(expert=experts[0])
    article = version_latest(draft=draft).units.first().article_id
    services.comment_save(reviewer=reviewer, article_id=article, remark="Done")
    reminders = Letter.objects.filter(key__endswith=":d3").order_by("to_email")
    assert {(r.to_email, r.state) for r in reminders} == {
        (experts[0].email, Letter.State.SKIPPED),
        (experts[1].email, Letter.State.PENDING),
    }


def test_a_plain_text_draft_through_the_command(ministry, deadline, tmp_path, capsys):
    path = tmp_path / "draft.txt"
    path.write_text("Низом\n1-modda. Umumiy\nMatn.\n2-modda. Yakun\nMatn 2.\n", encoding="utf-8")
    call_command("import_regulation_draft", str(path), "--title", "Nizom", "--organization",
                 str(ministry.pk), "--deadline", deadline.isoformat())  # fmt: skip
    units = version_latest(draft=Draft.objects.get()).units.order_by("position")
    assert [(u.number, u.text) for u in units] == [
        ("1", "1-modda. Umumiy\nMatn."),
        ("2", "2-modda. Yakun\nMatn 2."),
    ]
