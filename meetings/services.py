"""Every write about meetings: series, occurrences, agendas, RSVPs, attendance, feed tokens."""

import zoneinfo
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from config import pagecache
from config.access import check
from config.errors import DomainError
from groups.cache import invalidate_browse
from groups.enums import GroupStatus
from groups.models import Group, Membership, weekday_mask
from groups.services import update_group
from meetings import notifications, recurrence
from meetings.enums import (
    AttendanceStatus,
    EditScope,
    MeetingKind,
    MeetingStatus,
    RsvpAnswer,
    SegmentKind,
    VenueOverride,
)
from meetings.models import (
    MATERIALIZE_WINDOW,
    AgendaSegment,
    AgendaTemplateSegment,
    Attendance,
    CalendarFeedToken,
    Meeting,
    MeetingSeries,
    Rsvp,
)
from meetings.selectors import open_series, running_series
from members.models import User, validate_timezone
from members.services import record_audit

LOW_RSVP_THRESHOLD = 3
LOW_RSVP_LEAD = timedelta(hours=48)
VENUE_FIELDS = ("venue_kind", "venue_name", "street_address", "online_link")


class MeetingError(DomainError):
    """A request the rules refuse; the message is shown to the person as it is."""


# --- agendas ------------------------------------------------------------------------------


def _validate_segments(segments: list[dict[str, Any]], minutes_available: int) -> None:
    total = sum(int(s["minutes"]) for s in segments)
    if total > minutes_available:
        raise MeetingError(
            _(
                "The agenda adds up to %(total)s minutes, but the meeting lasts %(available)s. "
                "Shorten a segment or lengthen the meeting."
            )
            % {"total": total, "available": minutes_available}
        )
    for segment in segments:
        if segment["kind"] not in SegmentKind.values:
            raise MeetingError(
                _("“%(kind)s” is not a kind of agenda segment.") % {"kind": segment["kind"]}
            )


@transaction.atomic
def set_agenda_template(*, actor: User, group: Group, segments: list[dict[str, Any]]) -> None:
    """The group's standard agenda, copied into each new meeting."""
    check(actor, "meetings.change_agenda_template", group)
    _validate_segments(segments, group.meeting_minutes)
    if any(s["kind"] == SegmentKind.FOLLOW_UP for s in segments):
        raise MeetingError(_("A case follow-up is asked for by its presenter, not planned ahead."))
    group.agenda_template.all().delete()
    with pagecache.announced(AgendaTemplateSegment, [f"g:{group.pk}"]):
        AgendaTemplateSegment.objects.bulk_create(
            AgendaTemplateSegment(
                group=group,
                position=i,
                kind=s["kind"],
                title=s.get("title", ""),
                minutes=s["minutes"],
            )
            for i, s in enumerate(segments)
        )
    record_audit(
        actor=actor, verb="agenda_template.changed", group=group, data={"segments": len(segments)}
    )


def _copy_template(meetings: list[Meeting]) -> None:
    if not meetings:
        return
    template = list(AgendaTemplateSegment.objects.filter(group=meetings[0].group_id))
    segments = []
    for meeting in meetings:
        budget = meeting.duration_minutes
        for item in template:
            if item.minutes > budget:
                break
            budget -= item.minutes
            segments.append(
                AgendaSegment(
                    meeting=meeting,
                    position=item.position,
                    kind=item.kind,
                    title=item.title,
                    minutes=item.minutes,
                )
            )
    with pagecache.announced(AgendaSegment, [f"g:{meetings[0].group_id}"]):
        AgendaSegment.objects.bulk_create(segments)


def lock_agenda(meeting: Meeting) -> dict[int, AgendaSegment]:
    """The meeting's segments by id, locked until the end of the transaction."""
    return {
        segment.pk: segment
        for segment in AgendaSegment.objects.select_for_update(of=("self",)).filter(meeting=meeting)
    }


def segments_to_remove(
    existing: dict[int, AgendaSegment], segments: list[dict[str, Any]]
) -> list[AgendaSegment]:
    """Which current segments an edit removes: those not submitted again, and those whose kind
    changes (a segment of another kind is a new segment; what was planned for the old one, a
    presentation above all, does not silently carry over). Unknown ids are refused."""
    kept: dict[int, str] = {}
    for row in segments:
        segment_id = row.get("id")
        if segment_id is None:
            continue
        if segment_id not in existing or segment_id in kept:
            raise MeetingError(
                _("The agenda has changed since you opened it. Reload the page and try again.")
            )
        kept[segment_id] = row["kind"]
    return [
        segment for pk, segment in existing.items() if pk not in kept or kept[pk] != segment.kind
    ]


@transaction.atomic
def set_agenda(*, actor: User, meeting: Meeting, segments: list[dict[str, Any]]) -> Meeting:
    """Edit the meeting's agenda in place.

    Each row is ``{"id": <existing segment or None>, "kind", "title", "minutes"}`` in the new
    order. Kept segments keep their ids (and so whatever points at them); rows without an id
    are added; segments not listed are removed. The database refuses to remove a segment that
    a presentation holds (``on_delete=RESTRICT``): the presentations app releases held slots
    first, with the organizer's confirmation.
    """
    check(actor, "meetings.change_meeting", meeting)
    _validate_segments(segments, meeting.duration_minutes)
    existing = lock_agenda(meeting)
    removed = segments_to_remove(existing, segments)
    removed_ids = {segment.pk for segment in removed}
    try:
        with transaction.atomic():
            AgendaSegment.objects.filter(pk__in=removed_ids).delete()
    except RestrictedError as exc:
        raise MeetingError(
            _("A segment you removed holds a presentation. Take the presenter off it first.")
        ) from exc
    changed, added = [], []
    for position, row in enumerate(segments):
        values = {"position": position, "kind": row["kind"], "title": row.get("title", "")}
        values["minutes"] = row["minutes"]
        segment = existing.get(row.get("id")) if row.get("id") not in removed_ids else None
        if segment is None:
            added.append(AgendaSegment(meeting=meeting, **values))
        elif any(getattr(segment, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(segment, field, value)
            segment.full_clean(exclude=["meeting"])
            changed.append(segment)
    with pagecache.announced([AgendaSegment, Meeting], [f"g:{meeting.group_id}"]):
        AgendaSegment.objects.bulk_update(changed, ["position", "kind", "title", "minutes"])
        AgendaSegment.objects.bulk_create(added)
        Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    record_audit(
        actor=actor,
        verb="agenda.changed",
        group=meeting.group,
        obj=meeting,
        data={
            "segments": len(segments),
            "added": len(added),
            "removed": [segment.label for segment in removed],
            "changed": len(changed),
        },
    )
    return meeting


# --- creating meetings ----------------------------------------------------------------------


@transaction.atomic
def create_meeting(
    *,
    actor: User,
    group: Group,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    venue: dict[str, str] | None = None,
) -> Meeting:
    """A one-off meeting."""
    check(actor, "meetings.add_meeting", group)
    if starts_at <= timezone.now():
        raise MeetingError(_("Choose a time in the future."))
    meeting = Meeting(
        group=group,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=duration_minutes),
        **(venue or {}),
    )
    meeting.full_clean()
    meeting.save()
    _copy_template([meeting])
    invalidate_browse()
    record_audit(actor=actor, verb="meeting.created", group=group, obj=meeting)
    return meeting


@transaction.atomic
def create_series(
    *,
    actor: User,
    group: Group,
    title: str,
    rule: str,
    starts_on: date,
    start_time,
    duration_minutes: int,
    ends_on: date | None = None,
    today: date | None = None,
) -> MeetingSeries:
    """A recurring series in the group's time zone, materialized 12 weeks ahead."""
    check(actor, "meetings.add_meeting", group)
    if ends_on and ends_on < starts_on:
        raise MeetingError(_("The series cannot end before it starts."))
    recurrence.first_occurrence(
        rule=rule, starts_on=starts_on, start_time=start_time, ends_on=ends_on
    )
    series = MeetingSeries(
        group=group,
        title=title.strip(),
        rule=rule,
        starts_on=starts_on,
        ends_on=ends_on,
        start_time=start_time,
        duration_minutes=duration_minutes,
        time_zone=group.time_zone,
        created_by=actor,
    )
    series.full_clean()
    series.save()
    created = materialize_series(series=series, today=today)
    if not created and not series.meetings.exists():
        raise MeetingError(
            _(
                "These settings give no meeting in the next 12 weeks. Check the start date and the "
                "weekdays."
            )
        )
    record_audit(actor=actor, verb="series.created", group=group, obj=series, data={"rule": rule})
    sync_group_schedule(group=group, today=today)
    return series


def _next_seen_in(series: MeetingSeries, zone, today: date) -> tuple[int, Any] | None:
    """How the series' next occurrence looks in another zone: (days it shifts, clock time), or
    None if it has no occurrence left."""
    window_start = max(series.starts_on, today)
    upcoming = recurrence.local_datetimes(
        rule=series.rule,
        starts_on=series.starts_on,
        start_time=series.start_time,
        window_start=window_start,
        window_end=window_start + timedelta(days=400),
        ends_on=series.ends_on,
    )
    if not upcoming:
        return None
    moment = recurrence.to_aware(upcoming[0], series.time_zone).astimezone(zone)
    return (moment.date() - upcoming[0].date()).days, moment.time().replace(tzinfo=None)


def sync_group_schedule(*, group: Group, today: date | None = None) -> bool:
    """Make the group's shown schedule (cadence, weekdays, usual time) say what its running
    series do, so the group page and the browse filters tell the truth. A group without a
    running series keeps what its organizer typed. Returns whether anything changed."""
    current = running_series(group=group, today=today)
    if not current:
        return False
    group_tz = zoneinfo.ZoneInfo(group.time_zone)
    days: set[int] = set()
    usual_time = current[-1].start_time
    for series in current:
        # A series may run in another zone than the group (it kept its moments when the group
        # moved): say its weekdays and time as they fall in the group's zone.
        shift, clock = 0, series.start_time
        if series.time_zone != group.time_zone:
            seen = _next_seen_in(series, group_tz, today or timezone.localdate())
            if seen is not None:
                shift, clock = seen
        days |= {(day + shift) % 7 for day in recurrence.weekdays_of(series.rule)}
        usual_time = clock
    schedule = {
        "cadence": recurrence.cadence_of([s.rule for s in current]),
        "weekdays": weekday_mask(sorted(days)),
        "usual_time": usual_time,
    }
    stored = Group.objects.filter(pk=group.pk).values(*schedule).first() or {}
    if stored == schedule:
        return False
    with pagecache.announced(Group, [f"g:{group.pk}"]):
        Group.objects.filter(pk=group.pk).update(**schedule, updated_at=timezone.now())
    for name, value in schedule.items():
        setattr(group, name, value)
    invalidate_browse()
    return True


def materialize_series(*, series: MeetingSeries, today: date | None = None) -> int:
    """Create the series' meetings up to 12 weeks ahead. Safe to run twice."""
    today = today or timezone.localdate()
    until = today + MATERIALIZE_WINDOW
    start = max(series.starts_on, today)
    local_times = recurrence.local_datetimes(
        rule=series.rule,
        starts_on=series.starts_on,
        start_time=series.start_time,
        window_start=start,
        window_end=until,
        ends_on=series.ends_on,
    )
    existing = set(series.meetings.values_list("occurrence_date", flat=True))
    now = timezone.now()
    new = []
    for local in local_times:
        if local.date() in existing:
            continue
        starts_at = recurrence.to_aware(local, series.time_zone)
        if starts_at <= now and today >= timezone.localdate():
            continue  # never create a meeting that has already started
        new.append(
            Meeting(
                group_id=series.group_id,
                series=series,
                occurrence_date=local.date(),
                title=series.title,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=series.duration_minutes),
            )
        )
    with pagecache.announced(Meeting, [f"g:{series.group_id}"]):
        created = Meeting.objects.bulk_create(new, ignore_conflicts=True)
    # ignore_conflicts gives no primary keys back: fetch the meetings this run made.
    made = list(
        series.meetings.filter(occurrence_date__in=[m.occurrence_date for m in created])
        .filter(segments__isnull=True)
        .select_related("group")
    )
    _copy_template(made)
    with pagecache.announced(MeetingSeries, [f"g:{series.group_id}"]):
        MeetingSeries.objects.filter(pk=series.pk).update(materialized_until=until)
    if made:
        invalidate_browse()
    return len(made)


def extend_all_series(*, today: date | None = None) -> int:
    """The daily beat job: keep every open series materialized 12 weeks ahead."""
    today = today or timezone.localdate()
    total = 0
    open_series = MeetingSeries.objects.filter(group__status=GroupStatus.ACTIVE).exclude(
        ends_on__lt=today
    )
    for series in open_series.iterator():
        with transaction.atomic():
            locked = MeetingSeries.objects.select_for_update(of=("self",)).get(pk=series.pk)
            total += materialize_series(series=locked, today=today)
    # A series that ended this past week no longer makes the group's schedule.
    ended = MeetingSeries.objects.filter(
        ends_on__lt=today, ends_on__gte=today - timedelta(days=7)
    ).values("group_id")
    for group in Group.objects.filter(pk__in=ended):
        sync_group_schedule(group=group, today=today)
    return total


# --- changing meetings ----------------------------------------------------------------------


def bump_sequence(meeting: Meeting) -> None:
    """One more version of the meeting for calendars: counted by the database, so two edits
    that race both land (an in-memory ``sequence + 1`` would lose one)."""
    with pagecache.announced(Meeting, [f"g:{meeting.group_id}"]):
        Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    meeting.refresh_from_db(fields=["sequence"])


def _notify(meeting: Meeting, kind: str, message: str, actor: User) -> None:
    notifications.meeting_changed(meeting, kind, message, actor=actor)


def _apply(
    meeting: Meeting,
    *,
    data: dict[str, Any],
    keep_date: bool,
    zone: zoneinfo.ZoneInfo | None = None,
) -> list[str]:
    changed = []
    if "title" in data and data["title"] != meeting.title:
        meeting.title = data["title"].strip()
        changed.append("title")
    for name in VENUE_FIELDS:
        if name in data and data[name] != getattr(meeting, name):
            setattr(meeting, name, data[name])
            changed.append(name)
    if "timekeeper" in data and data["timekeeper"] != meeting.timekeeper:
        meeting.timekeeper = data["timekeeper"]
        changed.append("timekeeper")
    if "starts_at" in data or "duration_minutes" in data:
        duration = data.get("duration_minutes") or meeting.duration_minutes
        starts_at = data.get("starts_at") or meeting.starts_at
        if keep_date and "starts_at" in data:
            # Move to the new local time of day on this meeting's own local date.
            # The new clock time on this meeting's own date, both in the series' zone.
            tz = zone or data["starts_at"].tzinfo
            local_date = meeting.starts_at.astimezone(tz).date()
            local_time = data["starts_at"].astimezone(tz).timetz().replace(tzinfo=None)
            starts_at = datetime.combine(local_date, local_time, tzinfo=tz)
        ends_at = starts_at + timedelta(minutes=duration)
        if starts_at != meeting.starts_at:
            meeting.starts_at = starts_at
            changed.append("starts_at")
        if ends_at != meeting.ends_at:
            meeting.ends_at = ends_at
            changed.append("ends_at")
    return changed


@transaction.atomic
def update_meeting(
    *,
    actor: User,
    meeting: Meeting,
    data: dict[str, Any],
    scope: str = EditScope.THIS,
    message: str = "",
) -> list[Meeting]:
    """Edit one meeting, or this and every following meeting of its series."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("group", "series")
        .get(pk=meeting.pk)
    )
    check(actor, "meetings.change_meeting", meeting)
    if meeting.is_cancelled:
        raise MeetingError(_("This meeting is cancelled; it cannot be edited."))
    if meeting.ends_at <= timezone.now():
        raise MeetingError(_("This meeting is over; it cannot be edited."))
    if "starts_at" in data and data["starts_at"] <= timezone.now():
        raise MeetingError(_("Choose a time in the future."))
    if scope == EditScope.FOLLOWING and meeting.series_id:
        invalidate_browse()  # the group's next meeting may move
        return _update_following(actor=actor, meeting=meeting, data=data, message=message)
    changed = _apply(meeting, data=data, keep_date=False)
    if not changed:
        return [meeting]
    invalidate_browse()
    meeting.detached = meeting.series_id is not None
    meeting.status_message = message.strip()
    meeting.full_clean()
    meeting.save(update_fields=[*changed, "detached", "status_message", "updated_at"])
    bump_sequence(meeting)
    record_audit(
        actor=actor,
        verb="meeting.changed",
        group=meeting.group,
        obj=meeting,
        data={"fields": sorted(set(changed))},
    )
    if set(changed) - {"timekeeper"}:
        _notify(meeting, "rescheduled" if "starts_at" in changed else "changed", message, actor)
    return [meeting]


def _update_following(
    *, actor: User, meeting: Meeting, data: dict[str, Any], message: str
) -> list[Meeting]:
    """Split the series at this meeting: a new series carries the change forward.

    Every later occurrence moves to the new series, cancelled ones too (so the new series never
    makes a cancelled date again); the change applies to the scheduled ones that were not edited
    on their own. Members get one summary of the whole change, not one e-mail per meeting.
    """
    old = MeetingSeries.objects.select_for_update(of=("self",)).get(pk=meeting.series_id)
    # The series runs in its own zone (it may differ from the group's, after a time zone change
    # that kept every meeting's moment): the new clock time is read in that zone.
    tz = zoneinfo.ZoneInfo(old.time_zone) if "starts_at" in data else None
    new_series = MeetingSeries.objects.create(
        group=old.group,
        title=data.get("title", old.title).strip(),
        rule=old.rule,
        starts_on=meeting.occurrence_date,
        ends_on=old.ends_on,
        start_time=(
            data["starts_at"].astimezone(tz).time().replace(tzinfo=None) if tz else old.start_time
        ),
        duration_minutes=data.get("duration_minutes") or old.duration_minutes,
        time_zone=old.time_zone,
        materialized_until=old.materialized_until,
        created_by=actor,
    )
    if old.starts_on < meeting.occurrence_date:
        old.ends_on = meeting.occurrence_date - timedelta(days=1)
        old.save(update_fields=["ends_on"])
    following = list(
        Meeting.objects.select_for_update(of=("self",))
        .select_related("group")
        .filter(series=old, occurrence_date__gte=meeting.occurrence_date)
    )
    updated: list[Meeting] = []
    changed_meetings: list[Meeting] = []
    what: set[str] = set()
    for item in following:
        item.series = new_series
        fields = ["series"]
        changed: list[str] = []
        follows = not item.detached or item.pk == meeting.pk
        if item.status == MeetingStatus.SCHEDULED and follows:
            length = item.duration_minutes
            changed = _apply(item, data=data, keep_date=True, zone=zoneinfo.ZoneInfo(old.time_zone))
            if item.duration_minutes != length:
                what.add("duration")
            if changed:
                item.status_message = message.strip()
                fields += [*changed, "status_message"]
        item.full_clean()
        item.save(update_fields=[*set(fields), "updated_at"])
        if changed:
            bump_sequence(item)
            changed_meetings.append(item)
            what.update(changed)
        if item.status == MeetingStatus.SCHEDULED:
            updated.append(item)
    if not old.meetings.exists() and old.starts_on >= meeting.occurrence_date:
        old.delete()
    record_audit(
        actor=actor,
        verb="series.changed_from",
        group=meeting.group,
        obj=new_series,
        data={
            "from": str(meeting.occurrence_date),
            "meetings": len(updated),
            "changed": len(changed_meetings),
            "fields": sorted(what),
        },
    )
    if changed_meetings and what - {"timekeeper"}:
        notifications.series_changed(
            series=new_series,
            meetings=changed_meetings,
            fields=sorted(what),
            message=message,
            actor=actor,
        )
    sync_group_schedule(group=meeting.group)
    return updated


@transaction.atomic
def cancel_meeting(*, actor: User, meeting: Meeting, message: str = "") -> Meeting:
    """Cancel (or skip) one meeting; members are told by e-mail."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("group").get(pk=meeting.pk)
    )
    check(actor, "meetings.change_meeting", meeting)
    if meeting.is_cancelled:
        raise MeetingError(_("This meeting is already cancelled."))
    if meeting.ends_at <= timezone.now():
        raise MeetingError(_("This meeting is over; it cannot be cancelled."))
    invalidate_browse()
    meeting.status = MeetingStatus.CANCELLED
    meeting.status_message = message.strip()
    meeting.save(update_fields=["status", "status_message", "updated_at"])
    bump_sequence(meeting)
    record_audit(
        actor=actor,
        verb="meeting.cancelled",
        group=meeting.group,
        obj=meeting,
        data={"message": meeting.status_message[:300]} if meeting.status_message else {},
    )
    _notify(meeting, "cancelled", message, actor)
    return meeting


# --- the group's time zone and details ------------------------------------------------------

SCHEDULE_FIELDS = ("cadence", "weekdays", "usual_time")


@transaction.atomic
def change_group_time_zone(
    *, actor: User, group: Group, time_zone: str, keep_local_times: bool
) -> Group:
    """Schedule the group in another zone, in one step.

    ``keep_local_times``: every future meeting and every open series keeps its clock time in
    the new zone (so the meetings move); otherwise the meetings keep their moment and the open
    series go on at the same moment's clock time in the new zone. Either way calendars get a new
    version of each future meeting and every member but the actor gets one notice.
    """
    try:
        validate_timezone(time_zone)
    except ValidationError as exc:
        raise MeetingError(
            _("“%(zone)s” is not a time zone we know.") % {"zone": time_zone}
        ) from exc
    locked = Group.objects.select_for_update(of=("self",)).get(pk=group.pk)
    check(actor, "groups.change_group", locked)
    old_zone = locked.time_zone
    if time_zone == old_zone:
        return locked
    old_tz, new_tz = zoneinfo.ZoneInfo(old_zone), zoneinfo.ZoneInfo(time_zone)
    now = timezone.now()
    today = timezone.localdate()
    locked.time_zone = time_zone
    locked.full_clean()
    locked.save(update_fields=["time_zone", "updated_at"])
    future = list(
        Meeting.objects.select_for_update(of=("self",))
        .filter(group=locked, status=MeetingStatus.SCHEDULED, starts_at__gt=now)
        .select_related("series")
    )
    moving = _move_series(locked, old_tz, time_zone, today) if keep_local_times else {}
    moved = 0
    for meeting in future:
        if not keep_local_times:
            continue
        if meeting.series_id and not meeting.detached:
            if meeting.series_id not in moving:
                continue  # its series keeps its own zone, and so its moments
            # Made again from its series, so it keeps the series' clock time exactly.
            starts_at = datetime.combine(
                meeting.occurrence_date, moving[meeting.series_id], tzinfo=new_tz
            )
        else:
            starts_at = meeting.starts_at.astimezone(old_tz).replace(tzinfo=new_tz)
        if starts_at == meeting.starts_at or starts_at <= now:
            continue  # never moved into the past
        meeting.ends_at = starts_at + (meeting.ends_at - meeting.starts_at)
        meeting.starts_at = starts_at
        meeting.save(update_fields=["starts_at", "ends_at", "updated_at"])
        moved += 1
    with pagecache.announced(Meeting, [f"g:{group.pk}"]):
        Meeting.objects.filter(pk__in=[m.pk for m in future]).update(sequence=F("sequence") + 1)
    record_audit(
        actor=actor,
        verb="group.time_zone_changed",
        group=locked,
        obj=locked,
        data={
            "from": old_zone,
            "to": time_zone,
            "keep_local_times": keep_local_times,
            "moved": moved,
        },
    )
    invalidate_browse()
    notifications.group_time_zone_changed(
        group=locked,
        old_zone=old_zone,
        moved=moved if keep_local_times else len(future),
        keep_local=keep_local_times,
        actor=actor,
    )
    sync_group_schedule(group=locked, today=today)
    return locked


def _move_series(group: Group, old_tz, time_zone: str, today: date) -> dict[int, Any]:
    """The group's open series go on at the clock time they had in the group's old zone, now
    in the new one. Returns {series id: new clock time}. Each series keeps its own zone (other
    than the group's after an earlier change that kept the moments) unless it runs in the old
    zone or its clock time there falls on the same date; otherwise (its weekday would change)
    it keeps its zone, and its meetings keep their moments."""
    moving = {}
    for series in open_series(group, today).select_for_update(of=("self",)):
        clock = series.start_time
        if series.time_zone != old_tz.key:
            seen = _next_seen_in(series, old_tz, today)
            if seen is None or seen[0] != 0:
                continue
            clock = seen[1]
        series.time_zone, series.start_time = time_zone, clock
        series.save(update_fields=["time_zone", "start_time"])
        moving[series.pk] = clock
    return moving


def has_future_meetings(group: Group) -> bool:
    return Meeting.objects.filter(
        group=group, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()
    ).exists()


@transaction.atomic
def edit_group(
    *, actor: User, group: Group, data: dict[str, Any], keep_local_times: bool | None = None
) -> Group:
    """The group edit page's one call: the group's details, then its time zone (moving the
    meetings if asked), and a schedule that stays what its running series say."""
    check(actor, "groups.change_group", group)
    data = dict(data)
    time_zone = data.pop("time_zone", None)
    if running_series(group=group):
        for name in SCHEDULE_FIELDS:
            data.pop(name, None)  # derived from the series, not typed
    group = update_group(actor=actor, group=group, data=data)
    if time_zone and time_zone != group.time_zone:
        if keep_local_times is None and has_future_meetings(group):
            raise MeetingError(
                _(
                    "The group has upcoming meetings: choose whether they keep their local time in "
                    "the new time zone."
                )
            )
        group = change_group_time_zone(
            actor=actor, group=group, time_zone=time_zone, keep_local_times=bool(keep_local_times)
        )
    sync_group_schedule(group=group)
    return group


# --- RSVPs and attendance ---------------------------------------------------------------------


@transaction.atomic
def set_rsvp(*, user: User, meeting: Meeting, answer: str, note: str = "") -> Rsvp:
    if answer not in RsvpAnswer.values:
        raise MeetingError(_("Answer going, maybe or can't go."))
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    check(user, "meetings.answer_rsvp", meeting)
    if meeting.is_cancelled:
        raise MeetingError(_("This meeting is cancelled, so there is nothing to answer."))
    if meeting.has_started:
        raise MeetingError(_("This meeting has already started; RSVPs are closed."))
    rsvp, _created = Rsvp.objects.update_or_create(
        meeting=meeting,
        user=user,
        defaults={"answer": answer, "note": note.strip()[:300], "updated_at": timezone.now()},
    )
    return rsvp


@transaction.atomic
def record_attendance(*, actor: User, meeting: Meeting, marks: dict[int, str]) -> list[Attendance]:
    """Mark members present, absent or excused once the meeting has started."""
    check(actor, "meetings.take_attendance", meeting)
    if not meeting.has_started:
        raise MeetingError(_("Attendance can be taken once the meeting has started."))
    if meeting.is_cancelled:
        raise MeetingError(_("This meeting was cancelled; there is no attendance to take."))
    # Those who were members when it started (and anyone already marked, who may have left).
    member_ids = set(
        Membership.objects.filter(
            group=meeting.group_id, joined_at__lte=meeting.starts_at
        ).values_list("user_id", flat=True)
    ) | set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    unknown = set(marks) - member_ids
    if unknown:
        raise MeetingError(
            _("Attendance can only be taken for those who were the group's members at the meeting.")
        )
    if any(status not in AttendanceStatus.values for status in marks.values()):
        raise MeetingError(_("Mark each member present, absent or excused."))
    now = timezone.now()
    saved = []
    for user_id, status in marks.items():
        record, _created = Attendance.objects.update_or_create(
            meeting=meeting,
            user_id=user_id,
            defaults={"status": status, "marked_by": actor, "marked_at": now},
        )
        saved.append(record)
    record_audit(
        actor=actor,
        verb="attendance.recorded",
        group=meeting.group,
        obj=meeting,
        data={"marked": len(saved)},
    )
    return saved


# --- calendar feeds -----------------------------------------------------------------------------


def get_or_create_feed_token(*, user: User) -> CalendarFeedToken:
    token, _created = CalendarFeedToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def regenerate_feed_token(*, user: User) -> CalendarFeedToken:
    """A new secret address; the old one stops working at once."""
    CalendarFeedToken.objects.filter(user=user).delete()
    token = CalendarFeedToken.objects.create(user=user)
    record_audit(actor=user, verb="calendar_feed.regenerated", subject=user)
    return token


# --- low-RSVP warnings ----------------------------------------------------------------------------


def warn_low_rsvps(*, now: datetime | None = None) -> int:
    """Warn organizers once when fewer than three are going 48 hours before a meeting."""
    now = now or timezone.now()
    due = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED,
        kind=MeetingKind.REGULAR,  # a huddle is called for whoever can come: no warning
        group__warn_low_rsvp=True,
        low_rsvp_warned_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + LOW_RSVP_LEAD,
    ).values_list("pk", "group_id")
    warned = 0
    for meeting_id, group_id in list(due):
        with transaction.atomic():
            going = Rsvp.objects.filter(meeting_id=meeting_id, answer=RsvpAnswer.GOING).count()
            if going >= LOW_RSVP_THRESHOLD:
                continue
            # Claim the warning: only one run can flip the timestamp from NULL.
            with pagecache.announced(Meeting, [f"g:{group_id}"]):
                claimed = Meeting.objects.filter(
                    pk=meeting_id, low_rsvp_warned_at__isnull=True
                ).update(low_rsvp_warned_at=now)
            if claimed:
                notifications.low_rsvp(Meeting.objects.get(pk=meeting_id))
                warned += 1
    return warned


# --- huddles ---------------------------------------------------------------------------------------

HUDDLE_MINUTES = (15, 90)


@transaction.atomic
def create_huddle(
    *,
    actor: User,
    group: Group,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    online_link: str,
) -> Meeting:
    """A short one-off online meeting that any member may call (the consultations app calls
    one about a consultation request, once its own rule says who may). Members get it like any
    meeting: RSVP, reminders, calendar feeds. Not the group's standard agenda: one discussion."""

    check(actor, "groups.view_members_area", group)
    shortest, longest = HUDDLE_MINUTES
    if starts_at <= timezone.now():
        raise MeetingError(_("Choose a time in the future."))
    if not shortest <= duration_minutes <= longest:
        raise MeetingError(
            _("A huddle lasts %(shortest)s to %(longest)s minutes.")
            % {"shortest": shortest, "longest": longest}
        )
    meeting = Meeting(
        group=group,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=duration_minutes),
        venue_kind=VenueOverride.ONLINE,
        online_link=online_link.strip(),
        kind=MeetingKind.HUDDLE,
    )
    meeting.full_clean()
    meeting.save()
    AgendaSegment.objects.create(
        meeting=meeting, position=0, kind=SegmentKind.DISCUSSION, minutes=duration_minutes
    )
    # (No browse cache to refresh: browse shows a group's next regular meeting, never a huddle.)
    record_audit(
        actor=actor,
        verb="meeting.huddle_created",
        group=group,
        obj=meeting,
        data={"minutes": duration_minutes},
    )
    return meeting
