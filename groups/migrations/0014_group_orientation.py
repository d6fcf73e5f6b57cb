"""A group's orientation as a choice (secular, faith-integrated, not stated), for the browse
filter; and trigram indexes for the free-text search's new columns (PostgreSQL only).

Existing groups get a choice from their own words where the orientation note clearly says one
thing: "secular", or a word of faith ("faith", "Christian", "Jewish", "Muslim", "spiritual" and
a few more), case-insensitively and not negated ("non-faith", "not spiritual"). A note that says
both, or neither, leaves the group "not stated" for its organizers to choose.

The search now also matches the orientation note and the city anywhere in the text, as it does
the name, tagline and description (0006): GIN trigram indexes on the same expressions keep a
search a bitmap index scan instead of a read of the whole table.
"""

import re

from django.db import migrations, models

SECULAR = "secular"
FAITH_INTEGRATED = "faith_integrated"

_NOT = r"(?<!non-)(?<!non )(?<!not )(?<!no )"
SAYS_SECULAR = re.compile(_NOT + r"\bsecular", re.IGNORECASE)
SAYS_FAITH = re.compile(
    _NOT
    + r"\b(faith|christian|catholic|jewish|judaism|muslim|islamic|spiritual|biblical|buddhist)",
    re.IGNORECASE,
)

TRIGRAM_COLUMNS = ("orientation_note", "city")


def orientation_from_note(note: str) -> str:
    secular, faith = bool(SAYS_SECULAR.search(note)), bool(SAYS_FAITH.search(note))
    if secular and not faith:
        return SECULAR
    if faith and not secular:
        return FAITH_INTEGRATED
    return ""


def set_from_notes(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    for value in (SECULAR, FAITH_INTEGRATED):
        ids = [
            pk
            for pk, note in Group.objects.exclude(orientation_note="")
            .filter(orientation="")
            .values_list("pk", "orientation_note")
            .iterator()
            if orientation_from_note(note) == value
        ]
        for start in range(0, len(ids), 1000):
            Group.objects.filter(pk__in=ids[start : start + 1000]).update(orientation=value)


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS group_{column}_trgm ON groups_group "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops) WITH (fastupdate = off)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS group_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("groups", "0013_documents")]

    operations = [
        migrations.AddField(
            model_name="group",
            name="orientation",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Not stated"),
                    ("secular", "Secular"),
                    ("faith_integrated", "Faith-integrated"),
                ],
                default="",
                help_text="Therapists looking for a secular or a faith-integrated group can "
                "filter the group list by this. Say more in your own words below.",
                max_length=20,
                verbose_name="secular or faith-integrated",
            ),
        ),
        migrations.AddIndex(
            model_name="group",
            index=models.Index(fields=["status", "orientation"], name="group_status_orientation"),
        ),
        migrations.RunPython(set_from_notes, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
