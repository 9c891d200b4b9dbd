import datetime

import factory

from conferences.models import Conference, Presentation
from experts.tests.factories import CouncilFactory, ExpertFactory

TASHKENT = datetime.timezone(datetime.timedelta(hours=5))


class ConferenceFactory(factory.django.DjangoModelFactory):
    """A conference in draft; move it with conference_set_status, never by assignment."""

    class Meta:
        model = Conference

    council = factory.SubFactory(CouncilFactory)
    external_id = factory.Sequence(lambda n: f"conf-test-{n}")
    title = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"2030-03-14-topic-{n}")
    language = "uz-Cyrl"
    starts_at = datetime.datetime(2030, 3, 14, 10, 0, tzinfo=TASHKENT)


class PresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Presentation

    conference = factory.SubFactory(ConferenceFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Presentation {n}")
    presenter = factory.SubFactory(ExpertFactory)
