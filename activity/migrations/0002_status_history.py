"""The two status-history tables become entries of the one log.

A row with no previous status (the first row of every conference and release) is its creation:
`conference.created` / `release.created` with no data, as the services now write it. Every other
row is `<target>.status_changed` with {"from": …, "to": …}. The user keeps their username as the
label, and the time is the row's own.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import migrations

BATCH = 1000

HISTORIES = [
    # (app, history model, target model, target field, action prefix)
    ("conferences", "ConferenceStatusChange", "conference", "conference_id", "conference"),
    ("pressroom", "PressReleaseStatusChange", "pressrelease", "release_id", "release"),
]


def forward(apps, schema_editor):
    ActivityLog = apps.get_model("activity", "ActivityLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    username = f"changed_by__{get_user_model().USERNAME_FIELD}"
    for app, history, target_model, target_field, prefix in HISTORIES:
        rows = apps.get_model(app, history).objects.order_by("changed_at", "pk")
        if not rows.exists():
            continue
        # Content types are otherwise created after migrate; this one is needed now.
        kind, _created = ContentType.objects.get_or_create(app_label=app, model=target_model)
        batch = []
        for row in rows.values(
            target_field, "from_status", "to_status", "changed_by_id", username, "changed_at"
        ).iterator(chunk_size=BATCH):
            created = not row["from_status"]
            batch.append(
                ActivityLog(
                    actor_id=row["changed_by_id"],
                    actor_label=row[username] or "",
                    action=f"{prefix}.created" if created else f"{prefix}.status_changed",
                    content_type=kind,
                    object_id=row[target_field],
                    data={} if created else {"from": row["from_status"], "to": row["to_status"]},
                    at=row["changed_at"],
                )
            )
            if len(batch) == BATCH:
                ActivityLog.objects.bulk_create(batch)
                batch = []
        ActivityLog.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("conferences", "0004_reminders_per_start_and_reinstatement"),
        ("pressroom", "0003_default_release_template"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
