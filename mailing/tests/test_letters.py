"""The general outbox: queueing is idempotent by key, and a real worker delivers every letter
once, through an SMTP outage and a killed worker."""

import datetime

import pytest
from django.utils import timezone

from conferences.tests.live import wait_until
from mailing import outbox
from mailing.models import Letter
from mailing.selectors import letters_for, letters_waiting
from mailing.services import letter_queue, letters_queue, letters_retry_failed, letters_skip

State = Letter.State


def _fields(n, **extra):
    return {
        "key": f"test:{n}",
        "to_email": f"reader{n}@example.org",
        "to_name": f"Reader {n}",
        "language": "uz-latn",
        "subject": f"Letter {n}",
        "text": f"Hello {n}",
        **extra,
    }


@pytest.mark.django_db
def test_a_key_is_recorded_once():
    first = letter_queue(**_fields(1))
    assert first is not None
    assert letter_queue(**_fields(1, subject="Again")) is None
    assert Letter.objects.get().subject == "Letter 1"
    assert Letter.objects.get().kind == "test"


@pytest.mark.django_db
def test_bulk_queue_drops_recorded_keys_and_cleans_text():
    letter_queue(**_fields(0))
    ids = letters_queue([_fields(n, subject=f"Line\nbreak {n}") for n in range(3)])
    assert len(ids) == 2
    assert list(Letter.objects.order_by("key").values_list("subject", flat=True)) == [
        "Letter 0",
        "Line break 1",
        "Line break 2",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("language", "xx"), ("to_email", "not an address"), ("key", ""), ("key", "k" * 201)],
)
def test_a_caller_mistake_is_refused_naming_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        letter_queue(**_fields(1, **{field: value}))
    assert not Letter.objects.exists()


@pytest.mark.django_db
def test_a_header_with_a_line_break_is_refused():
    with pytest.raises(ValueError, match="headers"):
        letter_queue(**_fields(1, headers={"List-Unsubscribe": "<https://x>\r\nBcc: a@b.c"}))


@pytest.mark.django_db
def test_skip_only_takes_pending_letters(django_user_model):
    source = django_user_model.objects.create(username="source")
    letter_queue(**_fields(1, source=source))
    letter_queue(**_fields(2))
    [claimed] = outbox.letters_claim(
        letter_ids=list(Letter.objects.filter(key="test:2").values_list("pk", flat=True)),
        now=timezone.now(),
    )
    assert letters_skip(keys=["test:1", "test:2"]) == 1
    assert [letter.key for letter in letters_for(source)] == ["test:1"]
    assert Letter.objects.get(key="test:1").state == State.SKIPPED
    assert Letter.objects.get(key="test:2").state == State.SENDING
    outbox.letter_finish_failed(letter=claimed, error="550 no such user")
    assert letters_retry_failed(letters=Letter.objects.all()) == [claimed.pk]
    assert Letter.objects.get(key="test:2").state == State.PENDING


@pytest.mark.django_db
def test_a_scheduled_letter_waits_for_its_time():
    later = timezone.now() + datetime.timedelta(hours=1)
    letter_queue(**_fields(1, not_before=later))
    assert letters_waiting() == 0
    assert outbox.letters_claim(letter_ids=[Letter.objects.get().pk], now=timezone.now()) == []
    assert letters_waiting(now=later + datetime.timedelta(seconds=1)) == 1


def test_the_table_of_transitions():
    assert outbox.ALLOWED == {
        (State.PENDING, State.SENDING),
        (State.SENDING, State.SENDING),
        (State.SENDING, State.SENT),
        (State.SENDING, State.FAILED),
        (State.SENDING, State.PENDING),
        (State.PENDING, State.SKIPPED),
        (State.FAILED, State.PENDING),
    }


# --- a real worker, a real SMTP server -------------------------------------------------------


def _sent(count):
    return lambda: Letter.objects.filter(state=State.SENT).count() == count


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_each_letter_once_with_its_headers_and_attachment(start_worker, smtp):
    worker = start_worker()
    letters_queue(
        [
            _fields(
                n,
                html=f"<p>Hello {n}</p>",
                headers={"List-Unsubscribe": f"<https://example.org/u/{n}/>"},
                attachments=[("note.txt", "Oʻzbek".encode(), "text/plain")],
            )
            for n in range(120)
        ]
    )
    wait_until(_sent(120), timeout=60, what="120 letters sent", worker=worker)
    counts = smtp.count_by_recipient()
    assert set(counts.values()) == {1}
    assert len(counts) == 120
    message = smtp.received[0].message()
    n = int(message["Subject"].split()[-1])
    assert message["List-Unsubscribe"] == f"<https://example.org/u/{n}/>"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content() == "Oʻzbek"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_an_smtp_outage_and_a_killed_worker_lose_nothing(start_worker, smtp):
    smtp.stop()
    worker = start_worker(concurrency=1)
    letters_queue([_fields(n) for n in range(200)])
    wait_until(
        lambda: Letter.objects.filter(attempts__gte=1).count() == 200,
        timeout=60,
        what="every letter tried while the server is down",
        worker=worker,
    )
    assert Letter.objects.filter(state=State.SENT).count() == 0
    smtp.start()
    wait_until(lambda: len(smtp.received) >= 40, timeout=60, what="40 received", worker=worker)
    worker.kill()
    start_worker(concurrency=1)
    wait_until(_sent(200), timeout=90, what="200 letters sent")
    counts = smtp.count_by_recipient()
    assert len(counts) == 200
    # One process: one kill can catch at most one letter between acceptance and `sent`.
    assert sum(counts.values()) <= 201
