"""Every write about meetings: series, occurrences, agendas, RSVPs, attendance, feed tokens."""

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groups.cache import invalidate_browse
from groups.models import Group, Membership
from meetings import recurrence
from meetings.enums import AttendanceStatus, MeetingStatus, RsvpAnswer, SegmentKind
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
from members.models import User
from members.services import record_audit

LOW_RSVP_THRESHOLD = 3
LOW_RSVP_LEAD = timedelta(hours=48)
VENUE_FIELDS = ("venue_kind", "venue_name", "street_address", "online_link")


class MeetingError(Exception):
    """A request the rules refuse; the message is shown to the person as it is."""


# --- agendas ------------------------------------------------------------------------------


def _validate_segments(segments: list[dict[str, Any]], minutes_available: int) -> None:
    total = sum(int(s["minutes"]) for s in segments)
    if total > minutes_available:
        raise MeetingError(
            f"The agenda adds up to {total} minutes, but the meeting lasts {minutes_available}. "
            "Shorten a segment or lengthen the meeting."
        )
    for segment in segments:
        if segment["kind"] not in SegmentKind.values:
            raise MeetingError(f"“{segment['kind']}” is not a kind of agenda segment.")


@transaction.atomic
def set_agenda_template(*, actor: User, group: Group, segments: list[dict[str, Any]]) -> None:
    """The group's standard agenda, copied into each new meeting."""
    _validate_segments(segments, group.meeting_minutes)
    group.agenda_template.all().delete()
    AgendaTemplateSegment.objects.bulk_create(
        AgendaTemplateSegment(
            group=group, position=i, kind=s["kind"], title=s.get("title", ""), minutes=s["minutes"]
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
    AgendaSegment.objects.bulk_create(segments)


@transaction.atomic
def set_agenda(*, actor: User, meeting: Meeting, segments: list[dict[str, Any]]) -> Meeting:
    _validate_segments(segments, meeting.duration_minutes)
    meeting.segments.all().delete()
    AgendaSegment.objects.bulk_create(
        AgendaSegment(
            meeting=meeting,
            position=i,
            kind=s["kind"],
            title=s.get("title", ""),
            minutes=s["minutes"],
        )
        for i, s in enumerate(segments)
    )
    Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    record_audit(
        actor=actor,
        verb="agenda.changed",
        group=meeting.group,
        obj=meeting,
        data={"segments": len(segments)},
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
    if starts_at <= timezone.now():
        raise MeetingError("Choose a time in the future.")
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
    if ends_on and ends_on < starts_on:
        raise MeetingError("The series cannot end before it starts.")
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
            "These settings give no meeting in the next 12 weeks. Check the start date and the "
            "weekdays."
        )
    record_audit(actor=actor, verb="series.created", group=group, obj=series, data={"rule": rule})
    return series


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
    created = Meeting.objects.bulk_create(new, ignore_conflicts=True)
    # ignore_conflicts gives no primary keys back: fetch the meetings this run made.
    made = list(
        series.meetings.filter(occurrence_date__in=[m.occurrence_date for m in created])
        .filter(segments__isnull=True)
        .select_related("group")
    )
    _copy_template(made)
    MeetingSeries.objects.filter(pk=series.pk).update(materialized_until=until)
    if made:
        invalidate_browse()
    return len(made)


def extend_all_series(*, today: date | None = None) -> int:
    """The daily beat job: keep every open series materialized 12 weeks ahead."""
    today = today or timezone.localdate()
    total = 0
    open_series = MeetingSeries.objects.filter(group__status="active").exclude(ends_on__lt=today)
    for series in open_series.iterator():
        with transaction.atomic():
            locked = MeetingSeries.objects.select_for_update(of=("self",)).get(pk=series.pk)
            total += materialize_series(series=locked, today=today)
    return total


# --- changing meetings ----------------------------------------------------------------------


def _notify(meeting: Meeting, kind: str, message: str = "") -> None:
    from meetings import notifications

    notifications.meeting_changed(meeting, kind, message)


def _apply(meeting: Meeting, *, data: dict[str, Any], keep_date: bool) -> list[str]:
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
            tz = data["starts_at"].tzinfo
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
    *, actor: User, meeting: Meeting, data: dict[str, Any], scope: str = "this", message: str = ""
) -> list[Meeting]:
    """Edit one meeting, or this and every following meeting of its series."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("group", "series")
        .get(pk=meeting.pk)
    )
    if meeting.is_cancelled:
        raise MeetingError("This meeting is cancelled; it cannot be edited.")
    if meeting.ends_at <= timezone.now():
        raise MeetingError("This meeting is over; it cannot be edited.")
    if "starts_at" in data and data["starts_at"] <= timezone.now():
        raise MeetingError("Choose a time in the future.")
    if scope == "following" and meeting.series_id:
        invalidate_browse()  # the group's next meeting may move
        return _update_following(actor=actor, meeting=meeting, data=data, message=message)
    changed = _apply(meeting, data=data, keep_date=False)
    if not changed:
        return [meeting]
    invalidate_browse()
    meeting.detached = meeting.series_id is not None
    meeting.sequence += 1
    meeting.status_message = message.strip()
    meeting.full_clean()
    meeting.save(update_fields=[*changed, "detached", "sequence", "status_message", "updated_at"])
    record_audit(
        actor=actor,
        verb="meeting.changed",
        group=meeting.group,
        obj=meeting,
        data={"fields": sorted(set(changed))},
    )
    if set(changed) - {"timekeeper"}:
        _notify(meeting, "rescheduled" if "starts_at" in changed else "changed", message)
    return [meeting]


def _update_following(
    *, actor: User, meeting: Meeting, data: dict[str, Any], message: str
) -> list[Meeting]:
    """Split the series at this meeting: a new series carries the change forward."""
    old = MeetingSeries.objects.select_for_update(of=("self",)).get(pk=meeting.series_id)
    tz = data["starts_at"].tzinfo if "starts_at" in data else None
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
        .filter(
            series=old,
            occurrence_date__gte=meeting.occurrence_date,
            status=MeetingStatus.SCHEDULED,
        )
    )
    updated = []
    for item in following:
        item.series = new_series
        fields = ["series"]
        if not item.detached or item.pk == meeting.pk:
            changed = _apply(item, data=data, keep_date=True)
            if changed:
                item.sequence += 1
                item.status_message = message.strip()
                fields += [*changed, "sequence", "status_message"]
        item.full_clean()
        item.save(update_fields=[*set(fields), "updated_at"])
        updated.append(item)
        if len(fields) > 1:
            _notify(item, "rescheduled" if "starts_at" in fields else "changed", message)
    if old.starts_on >= meeting.occurrence_date and not old.meetings.exists():
        old.delete()
    record_audit(
        actor=actor,
        verb="series.changed_from",
        group=meeting.group,
        obj=new_series,
        data={"from": str(meeting.occurrence_date), "meetings": len(updated)},
    )
    return updated


@transaction.atomic
def cancel_meeting(*, actor: User, meeting: Meeting, message: str = "") -> Meeting:
    """Cancel (or skip) one meeting; members are told by e-mail."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("group").get(pk=meeting.pk)
    )
    if meeting.is_cancelled:
        raise MeetingError("This meeting is already cancelled.")
    if meeting.ends_at <= timezone.now():
        raise MeetingError("This meeting is over; it cannot be cancelled.")
    invalidate_browse()
    meeting.status = MeetingStatus.CANCELLED
    meeting.status_message = message.strip()
    meeting.sequence += 1
    meeting.save(update_fields=["status", "status_message", "sequence", "updated_at"])
    record_audit(
        actor=actor,
        verb="meeting.cancelled",
        group=meeting.group,
        obj=meeting,
        data={"message": meeting.status_message[:300]} if meeting.status_message else {},
    )
    _notify(meeting, "cancelled", message)
    return meeting


# --- RSVPs and attendance ---------------------------------------------------------------------


@transaction.atomic
def set_rsvp(*, user: User, meeting: Meeting, answer: str, note: str = "") -> Rsvp:
    if answer not in RsvpAnswer.values:
        raise MeetingError("Answer going, maybe or can't go.")
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise MeetingError("This meeting is cancelled, so there is nothing to answer.")
    if meeting.has_started:
        raise MeetingError("This meeting has already started; RSVPs are closed.")
    if not Membership.objects.filter(group=meeting.group_id, user=user).exists():
        raise MeetingError("Only members of the group can answer.")
    rsvp, _ = Rsvp.objects.update_or_create(
        meeting=meeting,
        user=user,
        defaults={"answer": answer, "note": note.strip()[:300], "updated_at": timezone.now()},
    )
    return rsvp


@transaction.atomic
def record_attendance(*, actor: User, meeting: Meeting, marks: dict[int, str]) -> list[Attendance]:
    """Mark members present, absent or excused once the meeting has started."""
    if not meeting.has_started:
        raise MeetingError("Attendance can be taken once the meeting has started.")
    if meeting.is_cancelled:
        raise MeetingError("This meeting was cancelled; there is no attendance to take.")
    member_ids = set(
        Membership.objects.filter(group=meeting.group_id).values_list("user_id", flat=True)
    ) | set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    unknown = set(marks) - member_ids
    if unknown:
        raise MeetingError("Attendance can only be taken for the group's members.")
    if any(status not in AttendanceStatus.values for status in marks.values()):
        raise MeetingError("Mark each member present, absent or excused.")
    now = timezone.now()
    saved = []
    for user_id, status in marks.items():
        record, _ = Attendance.objects.update_or_create(
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
    token, _ = CalendarFeedToken.objects.get_or_create(user=user)
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
    from meetings import notifications

    now = now or timezone.now()
    due = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED,
        group__warn_low_rsvp=True,
        low_rsvp_warned_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + LOW_RSVP_LEAD,
    ).values_list("pk", flat=True)
    warned = 0
    for meeting_id in list(due):
        with transaction.atomic():
            going = Rsvp.objects.filter(meeting_id=meeting_id, answer=RsvpAnswer.GOING).count()
            if going >= LOW_RSVP_THRESHOLD:
                continue
            # Claim the warning: only one run can flip the timestamp from NULL.
            claimed = Meeting.objects.filter(pk=meeting_id, low_rsvp_warned_at__isnull=True).update(
                low_rsvp_warned_at=now
            )
            if claimed:
                notifications.low_rsvp(Meeting.objects.get(pk=meeting_id))
                warned += 1
    return warned
