"""The conference import's `recommendations` list: validated whole with the document, made
once, matched by text when imported again."""

import datetime
import json

import pytest

from conferences.imports import ConferenceImportError, conference_import
from conferences.models import Conference
from conferences.tests.test_import import DEMO
from experts.tests.factories import OrganizationFactory
from recommendations.models import Recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    document = json.loads(DEMO.read_text(encoding="utf-8"))
    document["recommendations"] = [
        {
            "text": "Онлайн курсларни кредит-модуль тизимига киритиш",
            "addressee": "Республика олий таълим кенгаши",  # named in the document
            "due": "2020-12-31",
        },
        {"text": "Oʻqituvchilar malakasini oshirish", "addressee": "Олий таълим вазирлиги",
         "due": "2021-03-01"},
    ]  # fmt: skip
    return document


def test_recommendations_are_made_once_and_matched_again(seed):
    ministry = OrganizationFactory(name="Олий таълим вазирлиги", kind="ministry")
    result = conference_import(document=seed)
    made = list(Recommendation.objects.order_by("serial"))
    assert [(r.number, r.status, r.addressee.name, r.due_on) for r in made] == [
        ("2020/1", "proposed", "Республика олий таълим кенгаши", datetime.date(2020, 12, 31)),
        ("2020/2", "proposed", ministry.name, datetime.date(2021, 3, 1)),
    ]
    assert made[0].conference == result.conference
    assert made[1].text_cyrl == "Ўқитувчилар малакасини ошириш"
    assert conference_import(document=seed).outcome == "unchanged"
    seed["recommendations"][1]["due"] = "2021-04-01"
    assert conference_import(document=seed).outcome == "updated"
    assert Recommendation.objects.count() == 2
    assert Recommendation.objects.get(serial=2).due_on == datetime.date(2021, 4, 1)


def test_a_bad_recommendation_refuses_the_whole_document(seed):
    seed["recommendations"][0]["due"] = "31.12.2020"
    seed["recommendations"][1]["text"] = ""
    seed["recommendations"].append({"text": "x", "addressee": "Minstry", "due": "2021-01-01"})
    with pytest.raises(ConferenceImportError) as refused:
        conference_import(document=seed)
    assert refused.value.errors == [
        "recommendations[0].due: must be a date as YYYY-MM-DD",
        "recommendations[1].text: must not be empty",
    ]
    del seed["recommendations"][:2]
    seed["recommendations"][0]["extra"] = 1
    with pytest.raises(ConferenceImportError) as refused:
        conference_import(document=seed)
    assert refused.value.errors == ["recommendations[0].extra: unknown field"]
    del seed["recommendations"][0]["extra"]
    with pytest.raises(ConferenceImportError) as refused:
        conference_import(document=seed)
    assert refused.value.errors == ["recommendations[0].addressee: no organisation named 'Minstry'"]
    assert not Conference.objects.exists()
    assert not Recommendation.objects.exists()
