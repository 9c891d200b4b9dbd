import datetime

import factory

from experts.models import Council, CouncilMembership, Expert, Organization
from experts.names import name_key


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    name_key = factory.LazyAttribute(lambda o: name_key(o.name))
    kind = Organization.Kind.UNIVERSITY
    country = "UZ"


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    full_name = factory.Sequence(lambda n: f"Expert {n}")
    name_key = factory.LazyAttribute(lambda o: name_key(o.full_name))
    country = "US"
    email = factory.Sequence(lambda n: f"expert{n}@example.org")
    time_zone = "America/New_York"
    preferred_language = "en"


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    name = factory.Sequence(lambda n: f"Council {n}")
    name_key = factory.LazyAttribute(lambda o: name_key(o.name))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilMembership

    expert = factory.SubFactory(ExpertFactory)
    council = factory.SubFactory(CouncilFactory)
    role = CouncilMembership.Role.MEMBER
    start_date = datetime.date(2020, 1, 1)
