"""Every licence on a profile that nobody has verified enters the check queue (the queue is
new: until now a site admin ticked "verified" in the admin unasked)."""

from django.db import migrations


def queue_unchecked(apps, schema_editor):
    profile_model = apps.get_model("members", "TherapistProfile")
    check_model = apps.get_model("members", "LicenceCheck")
    unchecked = profile_model.objects.filter(licence_verified_at__isnull=True).exclude(
        licence_number=""
    )
    check_model.objects.bulk_create(
        check_model(
            profile=profile,
            credential_type=profile.credential_type,
            licence_number=profile.licence_number,
            licence_region=profile.licence_region,
            submitted_at=profile.updated_at,
        )
        for profile in unchecked.iterator()
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0010_licence_checks")]

    operations = [migrations.RunPython(queue_unchecked, migrations.RunPython.noop)]
