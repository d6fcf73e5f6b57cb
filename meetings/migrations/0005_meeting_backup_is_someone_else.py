from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_clear_backup_equal_to_facilitator"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("facilitator__isnull", True),
                    models.Q(("facilitator", models.F("backup_facilitator")), _negated=True),
                    _connector="OR",
                ),
                name="meeting_backup_is_someone_else",
            ),
        ),
    ]
