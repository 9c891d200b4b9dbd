import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# experts too: its later columns (experts 0003's name_cyrl) have no database default, so rows
# made with the models of this state must meet the table of this state.
BEFORE = [
    ("activity", "0001_initial"),
    ("experts", "0002_membership_no_overlap"),
    ("conferences", "0004_reminders_per_start_and_reinstatement"),
    ("pressroom", "0003_default_release_template"),
]
AFTER = [
    ("activity", "0002_status_history"),
    ("conferences", "0005_status_history_in_activity_log"),
    ("pressroom", "0004_status_history_in_activity_log"),
]
UTC = datetime.UTC


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_after():
    """Whatever this test migrates back, every app ends at its latest migration again: the
    tests that run later on this database expect the current schema."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_status_histories_become_log_entries(latest_schema_after):
    old = _migrate(BEFORE)
    User = old.get_model("auth", "User")
    Council = old.get_model("experts", "Council")
    Conference = old.get_model("conferences", "Conference")
    ConferenceStatusChange = old.get_model("conferences", "ConferenceStatusChange")
    PressRelease = old.get_model("pressroom", "PressRelease")
    PressReleaseStatusChange = old.get_model("pressroom", "PressReleaseStatusChange")

    secretary = User.objects.create(username="secretary")
    press = User.objects.create(username="press")
    council = Council.objects.create(name="Council", name_key="council")
    conference = Conference.objects.create(
        council=council,
        external_id="conf-1",
        title="Topic",
        starts_at=datetime.datetime(2020, 8, 28, 5, tzinfo=UTC),
        status="held",
    )
    release = PressRelease.objects.create(
        conference=conference, slug="topic", title_cyrl="Т", body_cyrl="Б", status="in_review"
    )
    at = [datetime.datetime(2020, 8, day, 9, tzinfo=UTC) for day in (1, 2, 3, 29, 30)]
    for when, (before, after, by) in zip(
        at[:3],
        [("", "draft", secretary), ("draft", "scheduled", secretary), ("scheduled", "held", None)],
        strict=True,
    ):
        row = ConferenceStatusChange.objects.create(
            conference=conference, from_status=before, to_status=after, changed_by=by
        )
        ConferenceStatusChange.objects.filter(pk=row.pk).update(changed_at=when)
    for when, (before, after, by) in zip(
        at[3:], [("", "draft", None), ("draft", "in_review", press)], strict=True
    ):
        row = PressReleaseStatusChange.objects.create(
            release=release, from_status=before, to_status=after, changed_by=by
        )
        PressReleaseStatusChange.objects.filter(pk=row.pk).update(changed_at=when)

    new = _migrate(AFTER)
    ActivityLog = new.get_model("activity", "ActivityLog")
    entries = ActivityLog.objects.order_by("at", "pk").values_list(
        "content_type__model", "object_id", "action", "data", "actor__username", "actor_label", "at"
    )
    assert list(entries) == [
        ("conference", conference.pk, "conference.created", {}, "secretary", "secretary", at[0]),
        (
            "conference",
            conference.pk,
            "conference.status_changed",
            {"from": "draft", "to": "scheduled"},
            "secretary",
            "secretary",
            at[1],
        ),
        (
            "conference",
            conference.pk,
            "conference.status_changed",
            {"from": "scheduled", "to": "held"},
            None,
            "",
            at[2],
        ),
        ("pressrelease", release.pk, "release.created", {}, None, "", at[3]),
        (
            "pressrelease",
            release.pk,
            "release.status_changed",
            {"from": "draft", "to": "in_review"},
            "press",
            "press",
            at[4],
        ),
    ]
    assert "conferences_conferencestatuschange" not in connection.introspection.table_names()
    assert "pressroom_pressreleasestatuschange" not in connection.introspection.table_names()
