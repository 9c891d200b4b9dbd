"""The calendar UID stored on the conference.

Until now it was computed as "conference-<pk>@<SITE_URL's host>" at every send; every existing
conference keeps the UID it has been mailed with (run this with the SITE_URL those mails were
sent with). New conferences get a UID that names no host.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations, models

import conferences.models


def uid_mailed_so_far(pk: int) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "elyurt"
    return f"conference-{pk}@{host}"


def forward(apps, schema_editor):
    Conference = apps.get_model("conferences", "Conference")
    rows = list(Conference.objects.only("pk"))
    for row in rows:
        row.calendar_uid = uid_mailed_so_far(row.pk)
    Conference.objects.bulk_update(rows, ["calendar_uid"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("conferences", "0006_conference_bounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="conference",
            name="calendar_uid",
            field=models.CharField(
                default="", editable=False, max_length=255, verbose_name="calendar UID"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="conference",
            name="calendar_uid",
            field=models.CharField(
                default=conferences.models.generate_calendar_uid,
                editable=False,
                max_length=255,
                unique=True,
                verbose_name="calendar UID",
            ),
        ),
    ]
