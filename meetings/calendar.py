"""iCalendar output with the icalendar library. Case content never goes in here.

Events carry stable UIDs, a SEQUENCE that grows with each change, STATUS:CANCELLED for cancelled
meetings, the group's time zone (with VTIMEZONE), LOCATION, the agenda in DESCRIPTION, the online
link only for members, and a VALARM from the reader's reminder preference.
"""

import zoneinfo
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from icalendar import Alarm, Calendar, Event, Timezone

from meetings.enums import MeetingStatus
from meetings.models import Meeting

PRODID = "-//PeerCircle//Peer groups for therapists//EN"


def _uid(meeting: Meeting) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0] or "peercircle"
    return f"meeting-{meeting.pk}@{host}"


def _location(meeting: Meeting, *, member: bool) -> str:
    if meeting.is_online_only:
        return "Online"
    parts = [meeting.effective_venue_name]
    group = meeting.group
    if member or group.address_public:
        parts.append(meeting.effective_address)
    parts.append(group.city)
    text = ", ".join(p for p in parts if p)
    if meeting.effective_venue_kind == "hybrid":
        text = f"{text} (and online)" if text else "Online"
    return text or "To be announced"


def _description(meeting: Meeting, *, member: bool) -> str:
    tz = zoneinfo.ZoneInfo(meeting.group.time_zone)
    lines = [f"{meeting.group.name}: {meeting.title}"]
    if meeting.status_message:
        lines += ["", meeting.status_message]
    segments = list(meeting.segments.all())
    if segments:
        lines += ["", "Agenda:"]
        clock = meeting.starts_at.astimezone(tz)
        for segment in segments:
            lines.append(f"{clock:%H:%M} {segment.label} ({segment.minutes} min)")
            clock += timedelta(minutes=segment.minutes)
    if member and meeting.effective_online_link and meeting.effective_venue_kind != "in_person":
        lines += ["", f"Join online: {meeting.effective_online_link}"]
    lines += ["", f"{settings.SITE_URL.rstrip('/')}{meeting.get_absolute_url()}"]
    return "\n".join(lines)


def meeting_event(meeting: Meeting, *, member: bool, alarm_minutes: int | None) -> Event:
    tz = zoneinfo.ZoneInfo(meeting.group.time_zone)
    event = Event()
    event.add("uid", _uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("last-modified", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    summary = f"{meeting.title} · {meeting.group.name}"
    if meeting.status == MeetingStatus.CANCELLED:
        summary = f"Cancelled: {summary}"
    event.add("summary", summary)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("location", _location(meeting, member=member))
    event.add("description", _description(meeting, member=member))
    event.add("url", f"{settings.SITE_URL.rstrip('/')}{meeting.get_absolute_url()}")
    if alarm_minutes and not meeting.is_cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{meeting.title} · {meeting.group.name}")
        alarm.add("trigger", timedelta(minutes=-alarm_minutes))
        event.add_component(alarm)
    return event


def build_calendar(
    meetings: Iterable[Meeting], *, name: str, member: bool, alarm_minutes: int | None
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    zones = set()
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, member=member, alarm_minutes=alarm_minutes))
        zones.add(meeting.group.time_zone)
    for zone in sorted(zones):
        calendar.add_component(vtimezone(zone, timezone.now().year))
    return calendar.to_ical()


@lru_cache(maxsize=128)
def vtimezone(tz_name: str, year: int | None = None) -> Timezone:
    """The zone's VTIMEZONE, with the transitions from last year to ten years ahead.

    Computed once per process and year; the same component serves every event in that zone.
    """
    year = year or timezone.now().year
    return Timezone.from_tzinfo(
        zoneinfo.ZoneInfo(tz_name),
        tzid=tz_name,
        first_date=date(year - 1, 1, 1),
        last_date=date(year + 10, 1, 1),
    )


def alarm_minutes_for(user) -> int | None:
    """The reader's first reminder lead time, for VALARM (None when they chose none)."""
    profile = getattr(user, "profile", None)
    leads = [int(m) for m in (getattr(profile, "reminder_lead_minutes", None) or []) if int(m) > 0]
    return max(leads) if leads else None
