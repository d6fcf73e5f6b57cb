"""Meetings laid out for a page: a month of a group's meetings in weeks, an agenda with the
clock time each part starts. Shared by every page that shows them, whichever app's."""

import calendar as pycalendar
import zoneinfo
from datetime import date, timedelta

from django.utils import timezone

from meetings import selectors
from meetings.enums import PRESENTATION_KINDS


def month_grid(group, month_param: str | None, viewer_tz) -> dict:
    """A month of the group's meetings laid out in weeks, in the viewer's time zone."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (month_param or "").split("-"))
        if not 1900 <= year <= 2200:
            raise ValueError("out of range")
        first_day = date(year, month, 1)
    except (ValueError, TypeError):
        first_day = today.replace(day=1)
    tz = viewer_tz or zoneinfo.ZoneInfo("UTC")
    start = timezone.make_aware(
        timezone.datetime.combine(first_day, timezone.datetime.min.time()), tz
    )
    days_in_month = pycalendar.monthrange(first_day.year, first_day.month)[1]
    end = start + timezone.timedelta(days=days_in_month)
    by_day: dict[date, list] = {}
    for meeting in selectors.group_month(group, start, end):
        by_day.setdefault(meeting.starts_at.astimezone(tz).date(), []).append(meeting)
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(
        first_day.year, first_day.month
    ):
        weeks.append(
            [
                {"day": d, "in_month": d.month == first_day.month, "meetings": by_day.get(d, [])}
                for d in week
            ]
        )
    prev_month = (first_day - timezone.timedelta(days=1)).replace(day=1)
    next_month = (first_day + timezone.timedelta(days=32)).replace(day=1)
    return {
        "first_day": first_day,
        "weeks": weeks,
        "prev": f"{prev_month:%Y-%m}",
        "next": f"{next_month:%Y-%m}",
    }


def agenda_with_times(meeting, segments, presentations=None):
    """Each segment with its start time (aware; templates show it in the viewer's zone) and,
    for presentation slots, who holds it."""
    clock = meeting.starts_at
    rows = []
    for segment in segments:
        rows.append(
            {
                "segment": segment,
                "starts_at": clock,
                "is_slot": segment.kind in PRESENTATION_KINDS,
                "presentation": (presentations or {}).get(segment.pk),
            }
        )
        clock = clock + timedelta(minutes=segment.minutes)
    return rows
