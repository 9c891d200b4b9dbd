"""On PostgreSQL the database itself refuses overlapping terms of one expert in one council.

SQLite has no exclusion constraints; there the partial unique constraint of 0001 (one open term)
and the service's check are what hold.
"""

from django.db import migrations

FORWARD = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE experts_councilmembership ADD CONSTRAINT membership_no_overlap
    EXCLUDE USING gist (
        expert_id WITH =,
        council_id WITH =,
        daterange(start_date, end_date, '[]') WITH &&
    );
"""
BACKWARD = "ALTER TABLE experts_councilmembership DROP CONSTRAINT IF EXISTS membership_no_overlap;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("experts", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
