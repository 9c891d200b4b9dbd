"""One account per username whatever its letter case (elyurt/auth.py): a unique index on
lower(username), on PostgreSQL and SQLite alike. Fails, naming the index, if two accounts
already differ only in case: rename one first."""

from django.db import migrations

INDEX = "auth_user_username_lower_uniq"


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0001_roles"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {INDEX} ON auth_user (lower(username))",
            f"DROP INDEX {INDEX}",
        )
    ]
