"""iCalendar output with the icalendar library. Case content never goes in here.

Events carry stable UIDs, a SEQUENCE that grows with each change, STATUS:CANCELLED for cancelled
meetings, the group's time zone (with VTIMEZONE), LOCATION, the agenda in DESCRIPTION, the online
link only for members, and a VALARM from the reader's reminder preference.
"""

import hashlib
import time
import zoneinfo
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, Timezone

from meetings.enums import MeetingStatus
from meetings.models import Meeting
from members import dates
from members.timezones import zone_label

PRODID = "-//PeerCircle//Peer groups for therapists//EN"
CACHE_SECONDS = 6 * 3600
# Part of every feed's ETag: raise it when a change to this module changes what the same
# meetings look like, so that calendar apps fetch the new form at once.
FEED_FORMAT = 1
# How long a feed's Last-Modified is remembered (``feed_last_modified``).
MODIFIED_SECONDS = 90 * 24 * 3600


def _uid(meeting: Meeting) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0] or "peercircle"
    return f"meeting-{meeting.pk}@{host}"


def _location(meeting: Meeting, *, member: bool) -> str:
    if meeting.is_online_only:
        return _("Online")
    parts = [meeting.effective_venue_name]
    group = meeting.group
    if member or group.address_public:
        parts.append(meeting.effective_address)
    parts.append(group.city)
    text = ", ".join(p for p in parts if p)
    if meeting.is_hybrid:
        text = _("%(place)s (and online)") % {"place": text} if text else _("Online")
    return text or _("To be announced")


def _description(meeting: Meeting, *, member: bool, url: str) -> str:
    tz = zoneinfo.ZoneInfo(meeting.group.time_zone)
    lines = [f"{meeting.group.name}: {meeting.title}"]
    if meeting.status_message:
        lines += ["", meeting.status_message]
    segments = list(meeting.segments.all())
    if segments:
        lines += ["", _("Agenda:"), _("(times are %(zone)s)") % {"zone": zone_label(tz)}]
        clock = meeting.starts_at
        for segment in segments:
            at = dates.clock(clock, zone=tz)
            lines.append(
                _("%(time)s %(segment)s (%(minutes)s min)")
                % {"time": at, "segment": segment.label, "minutes": segment.minutes}
            )
            clock += timedelta(minutes=segment.minutes)
    if member and meeting.effective_online_link and meeting.meets_online:
        lines += ["", _("Join online: %(link)s") % {"link": meeting.effective_online_link}]
    lines += ["", url]
    return "\n".join(lines)


def _event_fields(meeting: Meeting, *, member: bool, alarm_minutes: int | None) -> tuple:
    """Everything one VEVENT says, in order; the calendar cache is keyed by these values."""
    tz = zoneinfo.ZoneInfo(meeting.group.time_zone)
    url = f"{settings.SITE_URL.rstrip('/')}{meeting.get_absolute_url()}"
    summary = f"{meeting.title} · {meeting.group.name}"
    if meeting.status == MeetingStatus.CANCELLED:
        summary = _("Cancelled: %(meeting)s") % {"meeting": summary}
    fields = (
        ("uid", _uid(meeting)),
        ("sequence", meeting.sequence),
        ("last-modified", meeting.updated_at),
        ("created", meeting.created_at),
        ("dtstart", meeting.starts_at.astimezone(tz)),
        ("dtend", meeting.ends_at.astimezone(tz)),
        ("summary", summary),
        ("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED"),
        ("location", _location(meeting, member=member)),
        ("description", _description(meeting, member=member, url=url)),
        ("url", url),
    )
    alarm = None
    if alarm_minutes and not meeting.is_cancelled:
        alarm = (f"{meeting.title} · {meeting.group.name}", timedelta(minutes=-alarm_minutes))
    return fields, alarm


def _event(fields: tuple, alarm: tuple | None, stamp) -> Event:
    event = Event()
    event.add("uid", fields[0][1])
    event.add("dtstamp", stamp)
    for name, value in fields[1:]:
        event.add(name, value)
    if alarm is not None:
        component = Alarm()
        component.add("action", "DISPLAY")
        component.add("description", alarm[0])
        component.add("trigger", alarm[1])
        event.add_component(component)
    return event


def build_calendar(
    meetings: Iterable[Meeting], *, name: str, member: bool, alarm_minutes: int | None
) -> bytes:
    """The calendar as bytes, served from the cache when nothing in it has changed.

    The cache key is a digest of every value the calendar would show, so any change to a
    meeting, its agenda, its group or the reader's settings gives a new key: there is nothing to
    invalidate. DTSTAMP is the time the cached copy was made, which is what RFC 5545 asks for.
    """
    events = [
        (
            _event_fields(meeting, member=member, alarm_minutes=alarm_minutes),
            meeting.group.time_zone,
        )
        for meeting in meetings
    ]
    year = timezone.now().year
    digest = hashlib.sha256(repr((PRODID, name, year, events)).encode()).hexdigest()
    key = f"ics:{digest}"
    body = cache.get(key)
    if body is None:
        body = _render_calendar(events, name=name, year=year)
        cache.set(key, body, CACHE_SECONDS)
    return body


def _render_calendar(events: list, *, name: str, year: int) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for (fields, alarm), _zone in events:
        calendar.add_component(_event(fields, alarm, stamp))
    for zone in sorted({zone for _fields, zone in events}):
        calendar.add_component(vtimezone(zone, year))
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


def feed_etag(digest: str | None, *, owner, scope: str, name: str, language: str) -> str:
    """The weak ETag of a subscription feed, without loading its meetings.

    ``digest`` covers the meetings (``meetings.selectors.feed_digest``); the rest is what else
    ``build_calendar`` shows: the calendar's ``name``, the ``language`` of its fixed words, the
    owner's reminder (VALARM), the year (VTIMEZONE), the site's address (UID, URL). The owner and
    the ``scope`` ("all" or the group's id) are in it too, so no two feeds share an ETag. Weak:
    the same content may come back with another DTSTAMP once the cached copy is remade.
    """
    parts = (
        FEED_FORMAT,
        PRODID,
        settings.SITE_URL,
        timezone.now().year,
        owner.pk,
        scope,
        name,
        language,
        alarm_minutes_for(owner),
        digest or "",
    )
    return f'W/"{hashlib.sha256(repr(parts).encode()).hexdigest()[:32]}"'


def feed_last_modified(*, owner, scope: str, etag: str) -> int:
    """A feed's Last-Modified (seconds since the epoch): when it was first answered with
    ``etag``.

    Nothing in the database dates every change a feed shows (a removed agenda segment, a
    meeting leaving the window, another language), so the feed remembers its last ETag and when
    that came: a new ETag gets now, and always a later second than the one before, so a client's
    If-Modified-Since never matches changed content. Without the record (evicted, or the cache
    unreachable) it is now: the client gets a 200, never a wrong 304. The ETag, which clients
    send first, does not depend on the cache at all.
    """
    key = f"ics:modified:{owner.pk}:{scope}"
    now = int(time.time())
    seen = cache.get(key)
    if seen is not None and seen[0] == etag:
        return seen[1]
    stamp = now if seen is None else max(now, seen[1] + 1)
    cache.set(key, (etag, stamp), MODIFIED_SECONDS)
    return stamp
