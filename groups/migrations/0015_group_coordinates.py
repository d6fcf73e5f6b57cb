"""Where each group meets, for "near me" on browse (issue 18, part 1): latitude and longitude
from the group's city and region through the offline gazetteer (members.places), and an index
on the two that the browse filter's bounding box reads as a range.

Existing groups are filled once, one place at a time: every group in the same city and region
gets that place's coordinates in one UPDATE, a thousand rows at most. A place the gazetteer
does not know ("Narnia", a typo) and a group without a city (online) stay empty; the groups
services fill them from then on (``groups.services.groups.place_coordinates``, the same rule).
The first look-up builds the gazetteer's indexes (a second or two of CPU, once).
"""

from django.db import migrations, models

from members import places

BATCH = 1000


def place_coordinates(city: str, region: str) -> tuple[float | None, float | None]:
    place = places.locate(city, region=region) if city.strip() else None
    return (place.latitude, place.longitude) if place else (None, None)


def fill_coordinates(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    by_place: dict[tuple[str, str], list[int]] = {}
    rows = Group.objects.exclude(city="").order_by().values_list("pk", "city", "region")
    rows = rows.iterator(chunk_size=BATCH)
    for pk, city, region in rows:
        by_place.setdefault((city, region), []).append(pk)
    for (city, region), ids in by_place.items():
        latitude, longitude = place_coordinates(city, region)
        if latitude is None:
            continue
        for start in range(0, len(ids), BATCH):
            Group.objects.filter(pk__in=ids[start : start + BATCH]).update(
                latitude=latitude, longitude=longitude
            )


class Migration(migrations.Migration):
    dependencies = [("groups", "0014_group_orientation")]

    operations = [
        migrations.AddField(
            model_name="group",
            name="latitude",
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="group",
            name="longitude",
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="group",
            index=models.Index(fields=["latitude", "longitude"], name="group_coordinates"),
        ),
        migrations.RunPython(fill_coordinates, migrations.RunPython.noop),
    ]
