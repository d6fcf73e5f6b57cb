"""Where each therapist practises, for "near me" on browse (issue 18, part 1): latitude and
longitude from the profile's city and region through the offline gazetteer (members.places),
private to the profile's owner.

Existing profiles are filled once, each distinct place looked up once: every profile in the same
city and region gets that place's coordinates in one UPDATE, a thousand rows at most. A place
the gazetteer does not know and a profile without a city stay empty; the profile service fills
them from then on (``members.services.update_profile``, the same rule:
``members.places.coordinates``). The first look-up builds the gazetteer's indexes (a second or
two of CPU, once).
"""

from django.db import migrations, models

from members import places

BATCH = 1000


def fill_coordinates(apps, schema_editor):
    TherapistProfile = apps.get_model("members", "TherapistProfile")
    by_place: dict[tuple[str, str], list[int]] = {}
    rows = TherapistProfile.objects.exclude(city="").order_by().values_list("pk", "city", "region")
    for pk, city, region in rows.iterator(chunk_size=BATCH):
        by_place.setdefault((city, region), []).append(pk)
    for (city, region), ids in by_place.items():
        latitude, longitude = places.coordinates(city=city, region=region)
        if latitude is None:
            continue
        for start in range(0, len(ids), BATCH):
            TherapistProfile.objects.filter(pk__in=ids[start : start + BATCH]).update(
                latitude=latitude, longitude=longitude
            )


class Migration(migrations.Migration):
    dependencies = [("members", "0013_user_language")]

    operations = [
        migrations.AddField(
            model_name="therapistprofile",
            name="latitude",
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="therapistprofile",
            name="longitude",
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_coordinates, migrations.RunPython.noop),
    ]
