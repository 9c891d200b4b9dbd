"""Text the portal writes shown in the reader's script (elyurt/script_text.py), through the
real mail path (outbox -> SMTP server), the answer page and its calendar download."""

import re

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from activity.models import ActivityLog
from conferences import delivery
from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import Invitation, OutboundMessage
from conferences.services import conference_scripts_set, conference_update
from conferences.tokens import invitation_token
from experts.tests.factories import ExpertFactory, OrganizationFactory

from .factories import PresentationFactory

pytestmark = pytest.mark.django_db
CYRILLIC = re.compile(r"[\u0400-\u04ff]")

TOPIC = "Олий таълим тизимида онлайн курслар ва масофавий таълим"
TOPIC_LATIN = "Oliy taʼlim tizimida onlayn kurslar va masofaviy taʼlim"
TALK = "Оммавий очиқ онлайн курслар: Coursera ва бошқа онлайн платформалар"
TALK_LATIN = "Ommaviy ochiq onlayn kurslar: Coursera va boshqa onlayn platformalar"


def _seed_conference(conference):
    conference.title = TOPIC
    conference.save(update_fields=["title"])
    PresentationFactory(
        conference=conference,
        order=1,
        title=TALK,
        presenter=ExpertFactory(
            full_name="Одилбек Каттаев",
            full_name_latin="Odilbek Kattaev",
            position="Корпоратив университет эксперти",
            organization=OrganizationFactory(
                name="Муҳандислик экспертизасини ривожлантириш маркази",
                name_latin="Muhandislik ekspertizasini rivojlantirish markazi (Rossiya)",
            ),
        ),
    )
    return conference


def _invite(conference, *languages):
    return invitations_add(
        conference=conference,
        invitees=[
            Invitee(name="Ҳамид Иргашев", email=f"{language.lower()}@x.org", language=language)
            for language in languages
        ],
        source="manual",
        send=False,
    )


def _deliver(conference):
    OutboundMessage.objects.bulk_create(
        OutboundMessage(invitation=i, kind=OutboundMessage.Kind.INVITATION)
        for i in Invitation.objects.filter(conference=conference)
    )
    ids = list(OutboundMessage.objects.values_list("pk", flat=True))
    return delivery.messages_deliver(message_ids=ids)


def _received(smtp_server):
    """Per recipient: (subject, text, html, ics) as a mail client reads them."""
    found = {}
    for envelope in smtp_server.received:
        message = envelope.message()
        [ics] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        found[envelope.rcpt[0]] = (
            str(message["Subject"]),
            message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content(),
            ics.get_content(),
        )
    return found


def test_a_latin_reader_gets_no_cyrillic_letter_in_subject_text_html_or_ics(
    scheduled_conference, smtp_server
):
    _seed_conference(scheduled_conference)
    _invite(scheduled_conference, "uz-Latn")
    assert _deliver(scheduled_conference).sent == 1
    subject, text, html, ics = _received(smtp_server)["uz-latn@x.org"]
    assert subject == f"Taklifnoma: {TOPIC_LATIN}"
    for part in (subject, text, html, ics):
        assert CYRILLIC.findall(part) == []
    assert text.startswith("Hurmatli Hamid Irgashev,")
    assert (
        f"1. «{TALK_LATIN}» — Odilbek Kattaev, Korporativ universitet eksperti, "
        "Muhandislik ekspertizasini rivojlantirish markazi (Rossiya)" in text
    )
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == TOPIC_LATIN
    assert event["ATTENDEE"].params["CN"] == "Hamid Irgashev"


def test_english_and_russian_readers_get_latin_names_of_people(scheduled_conference, smtp_server):
    _seed_conference(scheduled_conference)
    _invite(scheduled_conference, "en", "ru", "uz-Cyrl")
    assert _deliver(scheduled_conference).sent == 3
    mail = _received(smtp_server)
    en, ru, cyrl = mail["en@x.org"], mail["ru@x.org"], mail["uz-cyrl@x.org"]
    assert en[0] == f"Invitation: {TOPIC_LATIN}"
    assert en[1].startswith("Dear Hamid Irgashev,")
    assert f"«{TALK_LATIN}» — Odilbek Kattaev," in en[1]
    # A Russian reader reads Cyrillic text, but people's names as they write them abroad.
    assert ru[0] == f"Приглашение: {TOPIC}"
    assert f"«{TALK}» — Odilbek Kattaev, Корпоратив университет эксперти" in ru[1]
    assert ru[1].startswith("Уважаемый(ая) Hamid Irgashev,")
    assert "Ҳамид Иргашев" not in ru[1] + ru[2] + ru[3]
    # The Uzbek Cyrillic reader gets everything as typed.
    assert cyrl[0] == f"Таклифнома: {TOPIC}"
    assert f"«{TALK}» — Одилбек Каттаев" in cyrl[1]
    assert "Ҳамид Иргашев" in cyrl[1]


def test_corrections_win_and_a_topic_typed_in_latin_reaches_cyrillic_readers(
    scheduled_conference, smtp_server
):
    _seed_conference(scheduled_conference)
    conference_update(
        conference=scheduled_conference,
        title="Oʻzbekistonda masofaviy taʼlim",
        language="uz-Latn",
    )
    changed = conference_scripts_set(
        conference=scheduled_conference,
        title_latn="",
        talks={1: ("Ommaviy ochiq onlayn kurslar (MOOC)", "")},
    )
    assert changed == {"presentations"}
    _invite(scheduled_conference, "uz-Cyrl", "uz-Latn")
    assert _deliver(scheduled_conference).sent == 2
    mail = _received(smtp_server)
    assert mail["uz-cyrl@x.org"][0] == "Таклифнома: Ўзбекистонда масофавий таълим"
    assert "«Ommaviy ochiq onlayn kurslar (MOOC)»" in mail["uz-latn@x.org"][1]
    assert f"«{TALK}»" in mail["uz-cyrl@x.org"][1]


def test_a_new_topic_drops_the_old_topics_correction(scheduled_conference):
    conference_scripts_set(conference=scheduled_conference, title_latn="Eski mavzu")
    scheduled_conference.refresh_from_db()
    assert scheduled_conference.title_latn == "Eski mavzu"
    changed = conference_update(conference=scheduled_conference, title="Янги мавзу")
    assert changed == {"title", "title_latn"}
    scheduled_conference.refresh_from_db()
    assert (scheduled_conference.title, scheduled_conference.title_latn) == ("Янги мавзу", "")


def test_a_correction_is_cleaned_logged_and_a_bad_one_refused_naming_the_field(
    scheduled_conference,
):
    PresentationFactory(conference=scheduled_conference, order=1, title="Тақдимот")
    with pytest.raises(ValidationError) as exc:
        conference_scripts_set(
            conference=scheduled_conference,
            title_latn="Bir\nikki",
            talks={1: ("a\nb", ""), 7: ("x", "")},
        )
    assert sorted(exc.value.message_dict) == [
        "presentations[1].title_latn",
        "presentations[7].order",
        "title_latn",
    ]
    scheduled_conference.refresh_from_db()
    assert scheduled_conference.title_latn == ""
    changed = conference_scripts_set(
        conference=scheduled_conference, title_cyrl="  Мавзу\u0438\u0306  "
    )
    assert changed == {"title_cyrl"}
    scheduled_conference.refresh_from_db()
    assert scheduled_conference.title_cyrl == "Мавзуй"  # NFC, trimmed
    entry = ActivityLog.objects.filter(action="conference.updated").latest("pk")
    assert entry.data == {"changed": ["title_cyrl"]}
    assert conference_scripts_set(conference=scheduled_conference, title_cyrl="Мавзуй") == set()


def test_the_answer_page_and_its_calendar_speak_latin_to_a_latin_reader(
    client, scheduled_conference
):
    _seed_conference(scheduled_conference)
    [invitation] = _invite(scheduled_conference, "uz-Latn")
    url = f"/i/{scheduled_conference.external_id}/{invitation_token(invitation=invitation)}/"
    page = client.get(url)
    assert page.status_code == 200
    assert CYRILLIC.findall(page.text) == []
    assert f'<h1 class="h3 mb-3">{TOPIC_LATIN}</h1>' in page.text
    assert "Odilbek Kattaev" in page.text
    ics = client.get(url + "calendar.ics").content.decode()
    assert CYRILLIC.findall(ics) == []
    assert str(Calendar.from_ical(ics).walk("VEVENT")[0]["SUMMARY"]) == TOPIC_LATIN


def test_the_programme_carries_a_talks_correction_and_keeps_it_when_not_given(
    scheduled_conference,
):
    from conferences.services import ProgramPresentation

    presenter = ExpertFactory()
    changed = conference_update(
        conference=scheduled_conference,
        presentations=[
            ProgramPresentation(
                order=1, title="Тақдимот", presenter=presenter, title_latn="Taqdimot (MOOC)"
            )
        ],
    )
    assert changed == {"presentations"}
    [talk] = scheduled_conference.presentations.all()
    assert (talk.title_latn, talk.title_cyrl) == ("Taqdimot (MOOC)", "")
    # The dashboard's agenda knows no corrections: saving it again keeps them.
    same = [ProgramPresentation(order=1, title="Тақдимот", presenter=presenter)]
    assert conference_update(conference=scheduled_conference, presentations=same) == set()
    talk.refresh_from_db()
    assert talk.title_latn == "Taqdimot (MOOC)"
    # A new title drops the old title's correction.
    new = [ProgramPresentation(order=1, title="Янги тақдимот", presenter=presenter)]
    assert conference_update(conference=scheduled_conference, presentations=new) == {
        "presentations"
    }
    talk.refresh_from_db()
    assert (talk.title, talk.title_latn) == ("Янги тақдимот", "")
    with pytest.raises(ValidationError) as exc:
        conference_update(
            conference=scheduled_conference,
            presentations=[
                ProgramPresentation(
                    order=1, title="Янги тақдимот", presenter=presenter, title_cyrl="a\nb"
                )
            ],
        )
    assert list(exc.value.message_dict) == ["presentations[0].title_cyrl"]
