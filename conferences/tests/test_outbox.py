"""Each outbox has one owner: conferences/outbox.py alone writes OutboundMessage.state,
mailing/outbox.py alone Letter.state, telegram_channels/outbox.py alone TelegramPost.state and
subscriptions/services.py (its `_state_set`) alone Subscription.state, each only along its table
of transitions. Any other write of a `state` anywhere in the project
fails the scan."""

import ast
import datetime
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from conferences import outbox
from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import Invitation, OutboundMessage

State = OutboundMessage.State
Kind = OutboundMessage.Kind

ROOT = Path(settings.BASE_DIR)
OWNERS = {
    ROOT / "conferences" / "outbox.py",
    ROOT / "mailing" / "outbox.py",
    ROOT / "telegram_channels" / "outbox.py",
    ROOT / "subscriptions" / "services.py",
}
# Folders that hold no project code, or code that only seeds rows as tests do (bench/).
NOT_SCANNED = {"tests", "migrations", "bench", "node_modules", "static", "media", "__pycache__"}
# A `state=` keyword passed to these only reads.
READS = {
    "filter", "exclude", "get", "Q", "Exists", "Subquery", "Count", "Max", "Min", "Sum",
    "aggregate", "annotate", "get_object_or_404", "FilteredRelation",
}  # fmt: skip
RAW_SET_STATE = re.compile(r"\bSET\b.*\bstate\s*=", re.IGNORECASE | re.DOTALL)


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _has_state_key(node: ast.AST) -> bool:
    return isinstance(node, ast.Dict) and any(
        isinstance(key, ast.Constant) and key.value == "state" for key in node.keys
    )


def _call_writes(call: ast.Call) -> list[int]:
    """Lines where this call writes a `state`: a `state=` keyword (or a dict of them) passed to
    anything but a read, setattr(x, "state", ...), bulk_update(..., ["state", ...])."""
    name = _callee(call)
    lines = []
    if name not in READS:
        for keyword in call.keywords:
            if keyword.arg == "state" or _has_state_key(keyword.value):
                lines.append(keyword.value.lineno)
    if name == "setattr" and len(call.args) > 1:
        key = call.args[1]
        if isinstance(key, ast.Constant) and key.value == "state":
            lines.append(call.lineno)
    if name == "bulk_update":
        for arg in [*call.args[1:], *(k.value for k in call.keywords if k.arg == "fields")]:
            if isinstance(arg, (ast.List, ast.Tuple)) and any(
                isinstance(e, ast.Constant) and e.value == "state" for e in arg.elts
            ):
                lines.append(arg.lineno)
    return lines


def state_writes(source: str) -> list[int]:
    """The lines of `source` that write a `state`: `.state = ...`, `.update(state=...)` (over
    any number of lines), `Model(state=...)`, `create(state=...)`, raw `UPDATE ... SET state`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, ast.Attribute) and part.attr == "state":
                        lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            lines.extend(_call_writes(node))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if RAW_SET_STATE.search(node.value):
                lines.append(node.lineno)
    return sorted(set(lines))


def _project_sources():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in NOT_SCANNED and not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if name.endswith(".py") and path not in OWNERS:
                yield path


def test_only_the_outbox_writes_a_message_state():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _project_sources()
        for line in state_writes(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "a state written outside the outboxes' owners"


def test_the_scan_finds_every_form_of_write_and_passes_reads_by():
    source = """
rows.filter(state=State.PENDING).exclude(state="sent")
rows.filter(pk=1).update(
    lease_until=None,
    state=State.PENDING,
)
message.state = State.SENT
OutboundMessage(invitation=i, state="sent")
OutboundMessage.objects.create(invitation=i, state=State.FAILED)
rows.update(**{"state": "skipped"})
setattr(message, "state", "sent")
OutboundMessage.objects.bulk_update(rows, ["state", "updated_at"])
_finish(message, state=State.SKIPPED)
cursor.execute("UPDATE conferences_outboundmessage SET sent_at = %s, state = %s WHERE id = %s")
Invitation.objects.annotate(n=Count("messages", filter=Q(messages__state="sent")))
if message.state == State.SENT:
    pass
"""
    assert state_writes(source) == [5, 7, 8, 9, 10, 11, 12, 13, 14]


def test_the_table_of_transitions():
    assert outbox.ALLOWED == {
        (State.PENDING, State.SENDING),
        (State.SENDING, State.SENDING),  # re-claimed once the lease ran out
        (State.SENDING, State.SENT),
        (State.SENDING, State.FAILED),
        (State.SENDING, State.PENDING),
        (State.SENDING, State.SKIPPED),
        (State.PENDING, State.SKIPPED),
        (State.FAILED, State.SKIPPED),
        (State.SKIPPED, State.PENDING),
        (State.FAILED, State.PENDING),
    }
    # Nothing ever leaves `sent`.
    assert not {source for source, _target in outbox.ALLOWED} & {State.SENT}


@pytest.fixture
def message(scheduled_conference):
    [invitation] = invitations_add(
        conference=scheduled_conference,
        invitees=[Invitee(name="A", email="a@x.org")],
        source=Invitation.Source.MANUAL,
        send=False,
    )
    return OutboundMessage.objects.create(invitation=invitation, kind=Kind.INVITATION)


def _state(message):
    message.refresh_from_db()
    return message.state


def test_claim_then_sent_is_one_update_and_holds_the_lease(message, django_assert_num_queries):
    [claimed] = outbox.messages_claim(message_ids=[message.pk], now=timezone.now())
    assert (claimed.state, claimed.attempts) == (State.SENDING, 1)
    with django_assert_num_queries(1):
        outbox.message_finish_sent(message=claimed)
    message.refresh_from_db()
    assert (message.state, message.lease_until, message.attempts) == (State.SENT, None, 1)
    assert message.sent_at is not None


def test_a_transition_from_a_state_it_does_not_leave_changes_nothing(message):
    invitations = Invitation.objects.all()
    assert outbox.messages_retry_failed(invitations=invitations) == []  # pending, not failed
    [claimed] = outbox.messages_claim(message_ids=[message.pk], now=timezone.now())
    assert outbox.messages_skip(invitations=invitations) == 0  # in flight: the sender decides
    outbox.message_finish_sent(message=claimed)
    assert outbox.messages_skip(invitations=invitations) == 0
    assert outbox.messages_revive(invitations=invitations) == []
    outbox.message_finish_failed(message=claimed, error="late")
    assert _state(message) == State.SENT


def test_a_worker_whose_lease_ran_out_finishes_nothing(message):
    start = timezone.now()
    [first] = outbox.messages_claim(message_ids=[message.pk], now=start)
    later = start + datetime.timedelta(seconds=outbox.lease_seconds() + 1)
    [second] = outbox.messages_claim(message_ids=[message.pk], now=later)
    assert second.attempts == 2
    outbox.message_finish_failed(message=first, error="from the worker that lost the row")
    assert _state(message) == State.SENDING
    outbox.message_finish_sent(message=second)
    message.refresh_from_db()
    assert (message.state, message.last_error) == (State.SENT, "")


def test_postpone_spends_attempts_and_fails_at_the_bound(message, settings):
    settings.INVITATIONS_MAX_ATTEMPTS = 2
    settings.INVITATIONS_RETRY_BACKOFF_SECONDS = 10
    [claimed] = outbox.messages_claim(message_ids=[message.pk], now=timezone.now())
    assert outbox.message_postpone(message=claimed, error="451 later") == 10
    assert _state(message) == State.PENDING
    [claimed] = outbox.messages_claim(
        message_ids=[message.pk], now=timezone.now() + datetime.timedelta(seconds=11)
    )
    assert outbox.message_postpone(message=claimed, error="451 still later") is None
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (
        State.FAILED,
        2,
        "451 still later",
    )
