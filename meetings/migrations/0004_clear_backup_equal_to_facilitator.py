from django.db import migrations, models


def clear_backup_equal_to_facilitator(apps, schema_editor):
    """A backup who is also the facilitator is no backup: clear it before the database refuses
    the pair (the facilitator stays)."""
    Meeting = apps.get_model("meetings", "Meeting")
    Meeting.objects.filter(
        facilitator__isnull=False, backup_facilitator=models.F("facilitator")
    ).update(backup_facilitator=None)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_certificate"),
    ]

    operations = [
        migrations.RunPython(clear_backup_equal_to_facilitator, migrations.RunPython.noop),
    ]
