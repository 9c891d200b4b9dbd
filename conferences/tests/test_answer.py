import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from conferences.invitations import invitation_answer, invitation_cancel, invitations_add
from conferences.invitees import Invitee
from conferences.models import Conference, Invitation
from conferences.services import conference_set_status, conference_update
from conferences.tokens import InvalidToken, invitation_token

from .factories import ConferenceFactory, PresentationFactory

pytestmark = pytest.mark.django_db
INVALID = "Link not valid"


def _invitation(conference, email="a@x.org", language="en"):
    [invitation] = invitations_add(
        conference=conference,
        invitees=[Invitee(name="Ali", email=email, language=language)],
        source="manual",
        send=False,
    )
    return invitation


def _url(conference, token):
    return f"/i/{conference.external_id}/{token}/"


def test_valid_link_shows_the_page_and_records_accept_then_decline(client, scheduled_conference):
    invitation = _invitation(scheduled_conference)
    url = _url(scheduled_conference, invitation_token(invitation=invitation))
    page = client.get(url)
    assert page.status_code == 200
    assert scheduled_conference.title in page.text
    assert "You have not answered yet." in page.text
    assert page["Referrer-Policy"] == "same-origin"
    assert "a@x.org" not in page.text

    response = client.post(url, {"answer": "accepted"})
    assert (response.status_code, response["Location"]) == (302, url + "?saved=1")
    invitation.refresh_from_db()
    assert invitation.answer == Invitation.Answer.ACCEPTED
    first_answered = invitation.answered_at
    assert first_answered is not None
    assert "Your answer: you will take part." in client.get(url + "?saved=1").text

    client.post(url, {"answer": "declined"})
    invitation.refresh_from_db()
    assert invitation.answer == Invitation.Answer.DECLINED
    assert invitation.answered_at >= first_answered


def test_page_speaks_the_invitees_language(client, scheduled_conference):
    invitation = _invitation(scheduled_conference, language="uz-Cyrl")
    page = client.get(_url(scheduled_conference, invitation_token(invitation=invitation)))
    assert "Иштирок этасизми?" in page.text
    assert '<dd class="col-sm-8" id="when-tashkent">2030 йил 14 март, 10:00 (UTC+05)</dd>' in (
        page.text
    )


def test_bad_answer_value_is_refused_and_changes_nothing(client, scheduled_conference):
    invitation = _invitation(scheduled_conference)
    url = _url(scheduled_conference, invitation_token(invitation=invitation))
    response = client.post(url, {"answer": "maybe"})
    assert response.status_code == 400
    assert "Choose accept or decline." in response.text
    invitation.refresh_from_db()
    assert (invitation.answer, invitation.answered_at) == ("none", None)
    with pytest.raises(ValidationError) as exc:
        invitation_answer(token=invitation_token(invitation=invitation), answer="yes")
    assert list(exc.value.message_dict) == ["answer"]


def _assert_invalid(client, url):
    for response in (
        client.get(url, headers={"accept-language": "en"}),
        client.post(url, {"answer": "accepted"}, headers={"accept-language": "en"}),
    ):
        assert response.status_code == 404
        assert INVALID in response.text
        assert "Ali" not in response.text
    # Without a language preference: the portal's default, Uzbek Cyrillic (the test run's
    # default is English, see conftest.py).
    with override_settings(LANGUAGE_CODE="uz-cyrl"):
        assert "Ҳавола яроқсиз" in client.get(url).text


def test_tampered_token_is_not_valid(client, scheduled_conference):
    invitation = _invitation(scheduled_conference)
    token = invitation_token(invitation=invitation)
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    _assert_invalid(client, _url(scheduled_conference, tampered))
    _assert_invalid(client, _url(scheduled_conference, "x"))
    _assert_invalid(client, _url(scheduled_conference, "z" * 500))
    _assert_invalid(client, _url(scheduled_conference, invitation.token_hash))
    invitation.refresh_from_db()
    assert invitation.answer == "none"


def test_another_conferences_link_is_not_valid(client, scheduled_conference):
    other = ConferenceFactory()
    conference_set_status(conference=other, status=Conference.Status.SCHEDULED)
    invitation = _invitation(scheduled_conference)
    token = invitation_token(invitation=invitation)
    _assert_invalid(client, _url(other, token))
    _assert_invalid(client, f"/i/no-such-conference/{token}/")
    with pytest.raises(InvalidToken):
        invitation_answer(token=token, answer="accepted", external_id=other.external_id)


def test_link_after_the_start_is_not_valid(client, scheduled_conference):
    invitation = _invitation(scheduled_conference)
    token = invitation_token(invitation=invitation)
    conference_update(
        conference=scheduled_conference,
        starts_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    _assert_invalid(client, _url(scheduled_conference, token))
    invitation.refresh_from_db()
    assert invitation.answer == "none"


def test_withdrawn_invitation_and_cancelled_conference_links_are_not_valid(
    client, scheduled_conference
):
    withdrawn = _invitation(scheduled_conference, email="w@x.org")
    kept = _invitation(scheduled_conference, email="k@x.org")
    invitation_cancel(invitation=withdrawn)
    _assert_invalid(client, _url(scheduled_conference, invitation_token(invitation=withdrawn)))
    conference_set_status(conference=scheduled_conference, status=Conference.Status.CANCELLED)
    _assert_invalid(client, _url(scheduled_conference, invitation_token(invitation=kept)))


def test_token_is_long_random_and_only_its_hash_is_stored(scheduled_conference):
    a = _invitation(scheduled_conference, email="a@x.org")
    b = _invitation(scheduled_conference, email="b@x.org")
    token_a, token_b = invitation_token(invitation=a), invitation_token(invitation=b)
    assert len(token_a) == 64 and token_a != token_b
    assert len(a.token_salt) == 32  # 128 random bits
    stored = Invitation.objects.filter(pk=a.pk).values().get()
    assert token_a not in {str(v) for v in stored.values()}


def test_page_shows_the_agenda_join_link_and_a_calendar_download(client, scheduled_conference):
    PresentationFactory(conference=scheduled_conference, order=1, title="Online courses")
    invitation = _invitation(scheduled_conference)
    token = invitation_token(invitation=invitation)
    page = client.get(_url(scheduled_conference, token))
    assert page.context["agenda"][0]["title"] == "Online courses"
    assert page.context["join_url"] == "https://zoom.example/j/123"
    calendar_url = _url(scheduled_conference, token) + "calendar.ics"
    assert f'href="{calendar_url}"' in page.text

    ics = client.get(calendar_url)
    assert (ics.status_code, ics["Content-Type"]) == (
        200,
        "text/calendar; charset=utf-8; method=PUBLISH",
    )
    assert ics["Referrer-Policy"] == "same-origin"
    event = Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert event["DTSTART"].dt == scheduled_conference.starts_at
    assert str(event["SEQUENCE"]) == str(scheduled_conference.sequence)
    assert "ATTENDEE" not in event  # a PUBLISH names no attendee
    assert "https://zoom.example/j/123" in str(event["DESCRIPTION"])


def test_calendar_download_with_a_bad_token_gets_the_invalid_page(client, scheduled_conference):
    invitation = _invitation(scheduled_conference)
    token = invitation_token(invitation=invitation)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get(_url(scheduled_conference, tampered) + "calendar.ics")
    assert response.status_code == 404
    assert INVALID in response.text
    assert client.post(_url(scheduled_conference, token) + "calendar.ics").status_code == 405


def test_the_token_never_reaches_the_log(client, scheduled_conference, caplog):
    import logging

    from elyurt.logfilters import MaskAnswerTokens

    invitation = _invitation(scheduled_conference)
    token = invitation_token(invitation=invitation)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert (
            client.post(_url(scheduled_conference, token), {"answer": "maybe"}).status_code == 400
        )
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert MaskAnswerTokens().filter(record) is True
    assert record.getMessage() == f"Bad Request: /i/{scheduled_conference.external_id}/…/"
