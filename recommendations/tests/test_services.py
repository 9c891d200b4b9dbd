"""The one door: numbering, the text in both scripts, and every status rule in
recommendation_set_status, refused with the field named and nothing changed."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from activity.models import ActivityLog
from conferences.tests.factories import ConferenceFactory
from experts.tests.factories import OrganizationFactory
from recommendations.models import Recommendation
from recommendations.services import (
    recommendation_answer,
    recommendation_set_status,
    recommendation_update,
    recommendations_make,
    reminder_period,
)

from .factories import make

Status = Recommendation.Status
pytestmark = pytest.mark.django_db


def test_numbers_run_per_council_and_year_from_the_conference_year():
    conference = ConferenceFactory()  # 2030
    first = make(conference, n=2)
    later = make(ConferenceFactory(council=conference.council), n=1)
    other_council = make(n=1)
    assert [r.number for r in first + later] == ["2030/1", "2030/2", "2030/3"]
    assert other_council[0].number == "2030/1"


def test_text_is_kept_as_typed_and_derived_for_the_other_script():
    [cyrillic] = make(text="Ўқитувчиларни қўллаб-қувватлаш")
    assert cyrillic.script == "cyrl"
    assert cyrillic.text_cyrl == "Ўқитувчиларни қўллаб-қувватлаш"
    assert cyrillic.text_latn == "Oʻqituvchilarni qoʻllab-quvvatlash"
    [latin] = make(text="Oʻqituvchilarni qoʻllab-quvvatlash")
    assert latin.script == "latn"
    assert latin.text_latn == "Oʻqituvchilarni qoʻllab-quvvatlash"
    assert latin.text_cyrl == "Ўқитувчиларни қўллаб-қувватлаш"


def test_a_bad_item_refuses_the_whole_batch_naming_it():
    addressee = OrganizationFactory()
    with pytest.raises(ValidationError) as refused:
        recommendations_make(
            source=ConferenceFactory(),
            items=[
                {"text": "Яхши", "addressee": addressee, "due_on": datetime.date(2030, 1, 1)},
                {"text": "  ", "addressee": addressee, "due_on": datetime.date(2030, 1, 1)},
                {"text": "Яхши", "addressee": None, "due_on": "tomorrow"},
            ],
            by=None,
        )
    assert refused.value.message_dict == {
        "items[1].text": ["This field may not be empty."],
        "items[2].addressee": ["Choose an organisation."],
    }
    assert not Recommendation.objects.exists()


def _sent():
    [recommendation] = make()
    return recommendation_set_status(recommendation=recommendation, status=Status.SENT, by=None)


def _refusal(recommendation, **kwargs):
    before = ActivityLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        recommendation_set_status(recommendation=recommendation, by=None, **kwargs)
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert stored.status == recommendation.status
    assert ActivityLog.objects.count() == before
    return refused.value.message_dict


def test_every_transition_rule():
    [proposed] = make()
    assert _refusal(proposed, status=Status.ACCEPTED) == {
        "status": ["A recommendation cannot go from proposed to accepted."]
    }
    sent = _sent()
    assert sent.sent_at is not None
    assert _refusal(sent, status=Status.IMPLEMENTED) == {
        "status": ["A recommendation cannot go from sent to implemented."]
    }
    assert _refusal(sent, status="done") == {
        "status": [
            "“done” is not one of proposed, sent, accepted, partly_accepted, rejected, implemented."
        ]
    }
    assert _refusal(sent, status=Status.REJECTED) == {"reason": ["Rejected needs a reason."]}
    accepted = recommendation_set_status(recommendation=sent, status=Status.ACCEPTED, by=None)
    assert _refusal(accepted, status=Status.IMPLEMENTED) == {
        "evidence_url": ["Implemented needs a link to the evidence (such as the published act)."],
        "implemented_on": ["Implemented needs the date it was implemented."],
    }
    assert _refusal(
        accepted, status=Status.IMPLEMENTED, evidence_url="ftp://x", implemented_on="2020-01-01"
    ) == {
        "evidence_url": ["Give an http or https link of at most 500 characters."],
        "implemented_on": ["Give a date (YYYY-MM-DD)."],
    }
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert _refusal(
        accepted,
        status=Status.IMPLEMENTED,
        evidence_url="https://lex.uz/acts/1",
        implemented_on=tomorrow,
    ) == {"implemented_on": ["The date may not be in the future."]}
    done = recommendation_set_status(
        recommendation=accepted,
        status=Status.IMPLEMENTED,
        evidence_url="https://lex.uz/acts/1",
        implemented_on=datetime.date(2026, 1, 5),
        by=None,
    )
    assert (done.status, done.evidence_url) == (Status.IMPLEMENTED, "https://lex.uz/acts/1")
    assert _refusal(done, status=Status.ACCEPTED) == {
        "status": ["A recommendation cannot go from implemented to accepted."]
    }
    # Clearing the evidence of an implemented one breaks its rule, named.
    assert _refusal(done, status=Status.IMPLEMENTED, evidence_url="") == {
        "evidence_url": ["Implemented needs a link to the evidence (such as the published act)."]
    }
    actions = list(
        ActivityLog.objects.filter(object_id=done.pk, action="recommendation.status_changed")
        .order_by("at", "pk")
        .values_list("data__from", "data__to")
    )
    assert actions == [("proposed", "sent"), ("sent", "accepted"), ("accepted", "implemented")]


def test_the_addressee_answers_only_what_was_sent_and_only_with_an_answer():
    [proposed] = make()
    with pytest.raises(ValidationError) as refused:
        recommendation_answer(recommendation=proposed, status=Status.ACCEPTED, by=None)
    assert refused.value.message_dict == {"status": ["This recommendation has not been sent yet."]}
    sent = _sent()
    with pytest.raises(ValidationError) as refused:
        recommendation_answer(recommendation=sent, status=Status.PROPOSED, by=None)
    assert list(refused.value.message_dict) == ["status"]
    answered = recommendation_answer(recommendation=sent, comment="Кўриб чиқилмоқда", by=None)
    assert (answered.status, answered.comment) == (Status.SENT, "Кўриб чиқилмоқда")
    entry = ActivityLog.objects.filter(object_id=sent.pk).first()
    assert (entry.action, entry.data) == ("recommendation.answered", {"changed": ["comment"]})


def test_a_sent_recommendation_keeps_its_text():
    sent = _sent()
    with pytest.raises(ValidationError) as refused:
        recommendation_update(recommendation=sent, text="Бошқа матн", by=None)
    assert refused.value.message_dict == {
        "text": ["A sent recommendation keeps its text and addressee."]
    }
    moved = recommendation_update(recommendation=sent, due_on=datetime.date(2031, 1, 1), by=None)
    assert moved.due_on == datetime.date(2031, 1, 1)


def test_reminder_periods():
    due = datetime.date(2030, 1, 1)
    assert reminder_period(due_on=due, today=datetime.date(2029, 12, 31)) is None
    assert reminder_period(due_on=due, today=due) == 0
    assert reminder_period(due_on=due, today=datetime.date(2030, 1, 30)) == 0
    assert reminder_period(due_on=due, today=datetime.date(2030, 1, 31)) == 1


@pytest.mark.django_db(transaction=True)
def test_numbers_are_unique_when_made_at_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database locks its tables between threads")
    conference = ConferenceFactory()
    addressee = OrganizationFactory()
    errors = []

    def work():
        try:
            make(conference, addressee=addressee, n=3)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    serials = sorted(Recommendation.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 13))
