"""Recommendations made from the review of a draft regulation, and the year report's count of
reviews: the link between the regulations and recommendations apps."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from dashboard import roles
from dashboard.year_report import drafts_reviewed_count, drafts_reviewed_url
from experts.tests.factories import CouncilFactory, OrganizationFactory
from recommendations.services import Item, recommendations_make
from regulations.models import Draft
from regulations.services import draft_create

pytestmark = pytest.mark.django_db

TEXT = "1-modda. Umumiy qoidalar.\n\n2-modda. Kredit-modul tizimi joriy etiladi.\n"


def _draft(ministry, council, title="Nizom loyihasi"):
    return draft_create(
        organization=ministry,
        title=title,
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        text=TEXT,
        council=council,
    )


def test_a_recommendation_made_from_a_review_links_to_the_draft():
    council = CouncilFactory()
    ministry = OrganizationFactory(kind="ministry")
    draft = _draft(ministry, council)
    [made] = recommendations_make(
        source=draft,
        items=[Item(text="Kredit tizimini bosqichma-bosqich joriy etish", addressee=ministry,
                    due_on=timezone.localdate() + datetime.timedelta(days=90))],
        by=None,
    )  # fmt: skip
    assert (made.draft_id, made.conference_id, made.council_id) == (draft.pk, None, council.pk)
    assert made.number == f"{timezone.localdate().year}/1"
    assert list(draft.recommendations.all()) == [made]


def test_the_year_report_counts_the_opinions_sent_that_year(client, django_user_model):
    council = CouncilFactory()
    ministry = OrganizationFactory(kind="ministry")
    sent, other_year, unsent = (_draft(ministry, council, f"Loyiha {n}") for n in range(3))
    tashkent = timezone.get_default_timezone()
    # Set up as the review's end would leave them (the workflow itself is tested in regulations).
    Draft.objects.filter(pk=sent.pk).update(
        status=Draft.Status.SENT, sent_at=datetime.datetime(2029, 12, 31, 23, 30, tzinfo=tashkent)
    )
    Draft.objects.filter(pk=other_year.pk).update(
        status=Draft.Status.SENT, sent_at=datetime.datetime(2030, 1, 1, 0, 30, tzinfo=tashkent)
    )
    assert drafts_reviewed_count(year=2029) == 1
    assert drafts_reviewed_count(year=2030) == 1
    assert drafts_reviewed_count(year=2028) == 0
    secretary = django_user_model.objects.create_user("sec", password="x")
    secretary.groups.add(Group.objects.get(name=roles.SECRETARY))
    client.force_login(secretary)
    page = client.get(drafts_reviewed_url(year=2029))
    assert page.status_code == 200
    assert [draft.pk for draft in page.context["drafts"]] == [sent.pk]
    assert unsent.status == Draft.Status.RECEIVED
