import datetime

from conferences.tests.factories import ConferenceFactory
from experts.tests.factories import ExpertFactory, OrganizationFactory
from recommendations.services import recommendations_make


def make(conference=None, *, addressee=None, due_on=datetime.date(2030, 6, 1), text=None, n=1,
         by=None):  # fmt: skip
    """`n` proposed recommendations made through the service (the one door)."""
    conference = conference or ConferenceFactory()
    addressee = addressee or OrganizationFactory(kind="ministry")
    return recommendations_make(
        source=conference,
        items=[
            {
                "text": text or f"Тавсия {i}: онлайн курслар",
                "addressee": addressee,
                "due_on": due_on,
            }
            for i in range(n)
        ],
        by=by,
    )


def contact(organization, **kwargs):
    return ExpertFactory(organization=organization, **kwargs)
