"""Sending: each contact of the addressee gets one letter in their language and script with a
personal answer link; the reminder scan mails once per period (a real worker, real SMTP)."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from conferences.tests.live import wait_until
from mailing.models import Letter
from recommendations.models import Recommendation
from recommendations.services import (
    conference_recommendations_send,
    recommendation_reminders_queue,
)

from .factories import contact, make

Status = Recommendation.Status


@pytest.mark.django_db
def test_sending_mails_each_contact_in_their_language_and_script(client):
    [recommendation] = make(text="Ўқитувчиларни қўллаб-қувватлаш")
    latin = contact(recommendation.addressee, preferred_language="uz-Latn", full_name="Aziz")
    cyrillic = contact(recommendation.addressee, preferred_language="uz-Cyrl", full_name="Анвар")
    contact(recommendation.addressee, email="")  # no address: not a contact
    result = conference_recommendations_send(conference=recommendation.conference, by=None)
    assert (result.sent, result.letters) == (1, 2)
    letters = {letter.to_email: letter for letter in Letter.objects.all()}
    assert set(letters) == {latin.email, cyrillic.email}
    assert letters[latin.email].language == "uz-latn"
    assert "Oʻqituvchilarni qoʻllab-quvvatlash" in letters[latin.email].text
    assert "Ўқитувчиларни қўллаб-қувватлаш" in letters[cyrillic.email].text
    assert letters[latin.email].key == (
        f"recommendation:{recommendation.pk}:contact:{latin.pk}:sent"
    )
    assert Recommendation.objects.get().status == Status.SENT
    # Sending again sends nothing: it is no longer proposed.
    again = conference_recommendations_send(conference=recommendation.conference, by=None)
    assert (again.sent, again.letters) == (0, 0)
    # The personal link answers without login; the token is not stored.
    [path] = re.findall(r"http://[^/]+(/a/[0-9a-f]+/)", letters[latin.email].text)
    assert path.split("/")[2] not in str(list(Recommendation.objects.values()))
    page = client.get(path)
    assert page.status_code == 200
    assert "Oʻqituvchilarni qoʻllab-quvvatlash" in page.content.decode()
    saved = client.post(path, {"status": "accepted", "comment": "Qabul qilindi"})
    assert saved.status_code == 302
    stored = Recommendation.objects.get()
    assert (stored.status, stored.comment) == (Status.ACCEPTED, "Qabul qilindi")
    refused = client.post(path, {"status": "implemented", "implemented_on": "2026-01-05"})
    assert refused.status_code == 400
    # The answer page speaks the contact's language (Uzbek Latin here).
    assert (
        '<div class="text-danger small" id="error-evidence_url">'
        "«Bajarilgan» holati uchun dalilga havola kerak"
    ) in refused.content.decode()
    assert Recommendation.objects.get().status == Status.ACCEPTED
    assert client.get("/a/" + "0" * 64 + "/").status_code == 404


@pytest.mark.django_db
def test_the_command_sends_a_conferences_proposed_ones(capsys):
    [recommendation] = make(n=1)
    contact(recommendation.addressee)
    call_command("send_recommendations", recommendation.conference.external_id)
    assert capsys.readouterr().out == "1 recommendations sent, 1 letters queued.\n"
    assert Letter.objects.count() == 1


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_due_reminder_reaches_the_contact_once_per_period(start_worker, smtp):
    today = timezone.localdate()
    [recommendation] = make(due_on=today)
    person = contact(recommendation.addressee, preferred_language="ru")
    bystander = contact(make()[0].addressee)  # proposed: never reminded
    conference_recommendations_send(conference=recommendation.conference, by=None)
    # The beat's scan, every half second, finds it due today: one reminder, however many scans.
    worker = start_worker(RECOMMENDATIONS_REMINDER_SCAN_SECONDS=0.5)
    wait_until(
        lambda: smtp.count_by_recipient()[person.email] == 2,
        timeout=60,
        what="the letter and the due-date reminder",
        worker=worker,
    )
    wait_until(
        lambda: (
            Recommendation.objects.get(pk=recommendation.pk).reminded_period == 0
            and not Letter.objects.exclude(state=Letter.State.SENT).exists()
        ),
        timeout=30,
        what="all letters sent",
        worker=worker,
    )
    assert recommendation_reminders_queue(today=today) == 0
    assert recommendation_reminders_queue(today=today + datetime.timedelta(days=29)) == 0
    # 30 days later the next period: one more, and a second scan adds nothing.
    later = today + datetime.timedelta(days=30)
    assert recommendation_reminders_queue(today=later) == 1
    assert recommendation_reminders_queue(today=later) == 0
    wait_until(
        lambda: Letter.objects.filter(state=Letter.State.SENT).count() == 3,
        timeout=60,
        what="the second reminder sent",
        worker=worker,
    )
    assert smtp.count_by_recipient()[person.email] == 3
    assert smtp.count_by_recipient()[bystander.email] == 0
