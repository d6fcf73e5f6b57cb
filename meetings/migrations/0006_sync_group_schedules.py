"""Groups whose shown schedule contradicted their running series (a "Monthly" group meeting
every other week) now show what the series do, as ``services.sync_group_schedule`` keeps it."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

from meetings import recurrence


def sync_schedules(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    MeetingSeries = apps.get_model("meetings", "MeetingSeries")
    today = timezone.localdate()
    open_series = (
        MeetingSeries.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("group_id", "starts_on", "pk")
        .values_list("group_id", "rule", "starts_on", "ends_on", "start_time")
    )
    by_group: dict[int, list] = {}
    for row in open_series:
        by_group.setdefault(row[0], []).append(row)
    for group_id, rows in by_group.items():
        reference = max(today, rows[-1][2])
        current = [r for r in rows if r[2] <= reference and (r[3] is None or r[3] >= reference)]
        days: set[int] = set()
        for row in current:
            days |= recurrence.weekdays_of(row[1])
        Group.objects.filter(pk=group_id).update(
            cadence=recurrence.cadence_of([r[1] for r in current]),
            weekdays=sum(1 << day for day in days),
            usual_time=current[-1][4],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_meeting_backup_is_someone_else"),
        ("groups", "0006_search_trigram_indexes"),
    ]

    operations = [migrations.RunPython(sync_schedules, migrations.RunPython.noop)]
