"""Browse compares cities by a normalised key ("Denver, CO", "denver" and "DENVER" are Denver;
"Sao Paulo" is São Paulo): the column, its value for the groups there are, and its index, which
replaces the upper-case one on ``city`` and, like the browse list, keeps the newest first."""

from django.db import migrations, models

import groups.models


def fill_city_keys(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    rows = list(Group.objects.using(schema_editor.connection.alias).only("pk", "city"))
    for group in rows:
        group.city_key = groups.models.city_key(group.city)
    Group.objects.using(schema_editor.connection.alias).bulk_update(
        rows, ["city_key"], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0008_invitation_revoked_and_send_limits"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="group", name="group_city_ci"),
        migrations.AddField(
            model_name="group",
            name="city_key",
            field=groups.models.CityKeyField(
                blank=True, default="", editable=False, max_length=100
            ),
        ),
        migrations.RunPython(fill_city_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="group",
            index=models.Index(
                fields=["city_key", "status", "-created_at", "-id"], name="group_city_key"
            ),
        ),
    ]
