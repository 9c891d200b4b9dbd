"""The public conference pages and their open registration (double opt-in), without a worker:
the letters and outbox rows the requests record are read from the database."""

import datetime
import re

import pytest
from django.utils import timezone

from conferences.models import Conference, Invitation, OutboundMessage, PublicRegistration
from conferences.services import (
    ProgramOrganization,
    ProgramPresentation,
    conference_create,
    conference_program_set,
    conference_set_status,
)
from conferences.tests.factories import ConferenceFactory
from experts.tests.factories import CouncilFactory, ExpertFactory, OrganizationFactory
from mailing.models import Letter

pytestmark = pytest.mark.django_db
CONFIRM_LINK = re.compile(r"https?://\S+/conferences/confirm/[^/\s]+/")
FORM = {
    "name": "Dilnoza Karimova",
    "email": "Dilnoza@Example.org",
    "organization": "TATU",
    "position": "Dotsent",
    "participant_group": "professor",
    "language": "uz-Latn",
    "timezone": "Europe/Berlin",
}


@pytest.fixture
def conference(settings):
    settings.SITE_URL = "https://elyurt.example"
    council = CouncilFactory(name="Халқаро эксперт кенгаши")
    conference = conference_create(
        council=council,
        title="Олий таълим ислоҳоти",
        starts_at=timezone.now() + datetime.timedelta(days=10),
        language="uz-Cyrl",
        join_url="https://zoom.example/j/777",
        passcode="sekret42",
    )
    public = ExpertFactory(
        full_name="Одилбек Каттаев",
        full_name_latin="Odilbek Kattayev",
        position="Профессор",
        phone="+998901234567",
        is_public=True,
        organization=OrganizationFactory(name="Тошкент университети"),
    )
    private = ExpertFactory(full_name="Иккинчи Маърузачи", position="Махфий лавозим")
    conference_program_set(
        conference=conference,
        organizations=[
            ProgramOrganization(
                organization=OrganizationFactory(name="Эл-юрт умиди"), role="organizer"
            )
        ],
        presentations=[
            ProgramPresentation(order=1, title="Рақамли таълим", presenter=public),
            ProgramPresentation(order=2, title="Сифат", presenter=private),
        ],
    )
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    conference.refresh_from_db()
    conference.public, conference.private = public, private
    return conference


def test_the_service_gives_a_new_conference_its_address(conference):
    day = timezone.localtime(conference.starts_at).date()
    assert conference.slug == f"{day:%Y-%m-%d}-oliy-talim-islohoti"
    again = conference_create(
        council=conference.council, title=conference.title, starts_at=conference.starts_at
    )
    assert again.slug == f"{conference.slug}-2"


def test_the_page_shows_public_facts_and_no_personal_data(client, conference):
    response = client.get(f"/conferences/{conference.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Олий таълим ислоҳоти</h1>" in html
    assert "(Tashkent time)" in html
    assert "Рақамли таълим" in html and "Одилбек Каттаев" in html
    assert "Профессор" in html  # a public profile
    assert "Махфий лавозим" not in html  # a profile that is not public
    for private in (
        conference.public.email,
        conference.private.email,
        "+998901234567",
        "zoom.example",
        "sekret42",
    ):
        assert private not in html
    assert (
        f'<link rel="canonical" href="https://elyurt.example/conferences/{conference.slug}/">'
        in html
    )
    assert '<meta property="og:title" content="Олий таълим ислоҳоти">' in html
    assert 'name="website"' in html  # the honeypot


def test_the_page_in_latin_script(client, conference):
    html = client.get(f"/conferences/{conference.slug}/?lang=latn").content.decode()
    assert "<h1>Oliy taʼlim islohoti</h1>" in html
    assert "Odilbek Kattayev" in html


def test_junk_parameters_share_one_cached_page(client, conference):
    first = client.get(f"/conferences/{conference.slug}/?utm_source=x")
    second = client.get(f"/conferences/{conference.slug}/")
    assert first.content == second.content


def test_a_draft_conference_has_no_page(client):
    draft = ConferenceFactory()
    assert client.get(f"/conferences/{draft.slug}/").status_code == 404


def test_the_list_and_the_calendar_feed(client, conference):
    draft = ConferenceFactory(title="Qoralama")
    html = client.get("/conferences/").content.decode()
    assert f'href="/conferences/{conference.slug}/"' in html
    assert "Qoralama" not in html
    feed = client.get("/conferences/calendar.ics")
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    text = feed.content.decode()
    assert "METHOD:PUBLISH" in text
    assert f"UID:{conference.calendar_uid}" in text
    assert draft.calendar_uid not in text
    assert "zoom.example" not in text and "ATTENDEE" not in text
    one = client.get(f"/conferences/{conference.slug}/calendar.ics").content.decode()
    assert one.count("BEGIN:VEVENT") == 1


def _register(client, conference, **changes):
    return client.post(f"/conferences/{conference.slug}/register/", {**FORM, **changes})


def _confirm_link(letter: Letter) -> str:
    return CONFIRM_LINK.search(letter.text).group(0)


def test_a_registration_is_no_invitation_until_confirmed(client, conference):
    response = _register(client, conference)
    assert response.status_code == 200
    assert "Check your mail" in response.content.decode()
    assert not Invitation.objects.exists()
    letter = Letter.objects.get()
    assert letter.to_email == "Dilnoza@Example.org"
    assert letter.language == "uz-latn"
    assert "Oliy taʼlim islohoti" in letter.subject
    path = _confirm_link(letter).removeprefix("https://elyurt.example")
    assert client.get(path).status_code == 200  # a button; a link scanner confirms nothing
    assert not Invitation.objects.exists()
    assert client.post(path).status_code == 200
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.source, invitation.registered_by) == (
        "Dilnoza@Example.org",
        Invitation.Source.REGISTRATION,
        None,
    )
    assert invitation.timezone == "Europe/Berlin"
    # The kind chosen on the form counts in the audience's figures.
    assert invitation.kind == "professor"
    assert client.post(path).status_code == 200
    assert Invitation.objects.count() == 1
    assert OutboundMessage.objects.filter(kind=OutboundMessage.Kind.INVITATION).count() == 1
    registration = PublicRegistration.objects.get()
    assert registration.invitation == invitation
    assert registration.participant_group == "professor"


def test_the_same_email_again_says_the_same_and_reveals_nothing(client, conference):
    first = _register(client, conference).content
    path = _confirm_link(Letter.objects.get()).removeprefix("https://elyurt.example")
    client.post(path)
    again = _register(client, conference, email="dilnoza@example.ORG").content
    assert first == again
    assert Letter.objects.count() == 1  # a confirmed registration is mailed nothing
    assert Invitation.objects.count() == 1


def test_an_unconfirmed_registration_again_gets_a_new_link_and_the_old_one_dies(client, conference):
    _register(client, conference)
    _register(client, conference, name="Dilnoza K.")
    first, second = Letter.objects.order_by("pk")
    assert (
        client.post(_confirm_link(first).removeprefix("https://elyurt.example")).status_code == 404
    )
    assert (
        client.post(_confirm_link(second).removeprefix("https://elyurt.example")).status_code == 200
    )
    assert Invitation.objects.get().name == "Dilnoza K."


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("email", "not-an-address", "Email"),
        ("name", "", "Name"),
        ("participant_group", "astronaut", "kind of participant"),
        ("timezone", "Mars/Olympus", "Your time zone"),
        ("language", "xx", "Language of the mail"),
        ("name", "x" * 201, "Name"),
    ],
)
def test_bad_input_is_named_and_writes_nothing(client, conference, field, value, label):
    response = _register(client, conference, **{field: value})
    assert response.status_code == 400
    assert f'<span class="error" role="alert">{label}: ' in response.content.decode()
    assert not PublicRegistration.objects.exists()
    assert not Letter.objects.exists()


def test_a_bad_confirmation_link_is_answered_not_500(client, conference):
    for token in ("short", "x" * 64, "y" * 500):
        assert client.post(f"/conferences/confirm/{token}/").status_code == 404


def test_the_honeypot_records_nothing(client, conference):
    response = _register(client, conference, website="http://spam.example")
    assert response.status_code == 200
    assert "Check your mail" in response.content.decode()
    assert not PublicRegistration.objects.exists()


def test_limits_per_address_and_per_email(client, conference, settings):
    settings.PUBLIC_FORM_LIMIT_PER_EMAIL = 2
    settings.PUBLIC_FORM_LIMIT_PER_ADDRESS = 4
    answers = [_register(client, conference) for _n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert answers[3].content == answers[0].content  # past the email's limit: said the same
    assert Letter.objects.count() == 2
    assert _register(client, conference, email="other@example.org").status_code == 429


def test_closed_registration_and_a_seat_cap(client, conference):
    Conference.objects.filter(pk=conference.pk).update(seats_max=1)
    _register(client, conference)
    _register(client, conference, email="second@example.org")
    first, second = Letter.objects.order_by("pk")
    assert (
        client.post(_confirm_link(first).removeprefix("https://elyurt.example")).status_code == 200
    )
    refused = client.post(_confirm_link(second).removeprefix("https://elyurt.example"))
    assert refused.status_code == 409
    assert "Every seat of this conference is taken." in refused.content.decode()
    assert Invitation.objects.count() == 1
    response = _register(client, conference, email="third@example.org")
    assert response.status_code == 400
    assert "Every seat of this conference is taken." in response.content.decode()
    Conference.objects.filter(pk=conference.pk).update(seats_max=None, registration_open=False)
    response = _register(client, conference, email="fourth@example.org")
    assert "Registration for this conference is closed." in response.content.decode()
    assert PublicRegistration.objects.count() == 2


def _queries(client, path) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pressroom import public_cache

    cache.clear()
    public_cache.clear_local()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _conference_with_agenda(talks: int, *, held: bool = False):
    conference = ConferenceFactory(
        starts_at=timezone.now() + datetime.timedelta(days=-5 if held else 5)
    )
    conference_program_set(
        conference=conference,
        organizations=[
            ProgramOrganization(organization=OrganizationFactory(), role="organizer", order=n)
            for n in range(talks)
        ],
        presentations=[
            ProgramPresentation(
                order=n + 1, title=f"Talk {n}", presenter=ExpertFactory(is_public=n % 2 == 0)
            )
            for n in range(talks)
        ],
    )
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    if held:
        conference_set_status(conference=conference, status=Conference.Status.HELD)
    return conference


def test_queries_do_not_grow_with_the_number_of_conferences_or_talks(client, settings):
    settings.SITE_URL = "https://elyurt.example"
    small = _conference_with_agenda(1)
    _conference_with_agenda(1, held=True)
    counts_small = [
        _queries(client, "/conferences/"),
        _queries(client, f"/conferences/{small.slug}/"),
        _queries(client, "/conferences/calendar.ics"),
    ]
    big = _conference_with_agenda(3)
    for _n in range(2):
        _conference_with_agenda(3)
        _conference_with_agenda(2, held=True)
    counts_big = [
        _queries(client, "/conferences/"),
        _queries(client, f"/conferences/{big.slug}/"),
        _queries(client, "/conferences/calendar.ics"),
    ]
    assert counts_small == counts_big
