import contextlib
import datetime
from unittest import mock

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


@contextlib.contextmanager
def after_start(conference, *, minutes: int = 60):
    """The clock reads `minutes` after the conference's start inside the block: a test of a
    conference dated ahead (2030) can mark it held, which conference_set_status refuses before
    the start."""
    moment = conference.starts_at + datetime.timedelta(minutes=minutes)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield
