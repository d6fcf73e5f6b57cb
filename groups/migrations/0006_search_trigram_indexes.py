"""Trigram indexes for the browse page's free-text search (PostgreSQL only).

The search matches each word anywhere in the name, tagline or description, case-insensitively
(``UPPER(col) LIKE UPPER('%word%')``); B-tree indexes cannot serve that, so at 10,000 groups
every search read the whole table (about 20 ms). GIN trigram indexes on the same expressions
make a selective search a bitmap index scan (0.1 ms). SQLite, the development default, keeps
scanning its small table; the indexes are created only on PostgreSQL.

``fastupdate = off``: groups are written rarely and searched often, so new rows go straight
into the index instead of a pending list that every search would have to read until the next
vacuum (and that makes the planner shun the index meanwhile).
"""

from django.db import migrations

COLUMNS = ("name", "tagline", "description")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS group_{column}_trgm ON groups_group "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops) WITH (fastupdate = off)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS group_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("groups", "0005_resource")]

    operations = [migrations.RunPython(create, drop)]
