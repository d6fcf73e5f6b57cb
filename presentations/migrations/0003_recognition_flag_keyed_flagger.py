"""Recognition flags stop naming the member who flagged: the user column is replaced by a keyed
hash of (user, presentation) (see ``presentations.models.recognition_flag_key``). Existing flags
are converted in place, so members who flagged still do not see those cases."""

from django.conf import settings
from django.db import migrations, models
from django.utils.crypto import salted_hmac

# A copy of presentations.models.RECOGNITION_FLAG_SALT: migrations do not import app code.
SALT = "peercircle.presentations.RecognitionFlag.flagger_key"


def hash_flaggers(apps, schema_editor):
    RecognitionFlag = apps.get_model("presentations", "RecognitionFlag")
    for flag in RecognitionFlag.objects.all().only("pk", "presentation_id", "user_id"):
        flag.flagger_key = salted_hmac(
            SALT,
            f"{flag.presentation_id}:{flag.user_id}",
            secret=settings.SECRET_KEY,
            algorithm="sha256",
        ).hexdigest()
        flag.save(update_fields=["flagger_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("presentations", "0002_case_drafts_and_restrict_segment"),
    ]

    operations = [
        migrations.AddField(
            model_name="recognitionflag",
            name="flagger_key",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        # Irreversible on purpose: the point is that who flagged cannot be read back.
        migrations.RunPython(hash_flaggers),
        migrations.RemoveConstraint(model_name="recognitionflag", name="recognition_once"),
        migrations.RemoveField(model_name="recognitionflag", name="user"),
        migrations.AlterField(
            model_name="recognitionflag",
            name="flagger_key",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AddConstraint(
            model_name="recognitionflag",
            constraint=models.UniqueConstraint(
                fields=("presentation", "flagger_key"), name="recognition_once"
            ),
        ),
    ]
