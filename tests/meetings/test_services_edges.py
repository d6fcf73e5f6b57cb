"""The meetings services' refusals and edge branches that the main service tests leave out:
each refusal leaves everything as it was; each edge gives the result the product promises."""

import threading
import time as time_module
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.utils import timezone

from groups.enums import Cadence, Role
from groups.models import Group, weekday_mask
from meetings import recurrence, services
from meetings.enums import AttendanceStatus, EditScope, SegmentKind
from meetings.models import (
    AgendaSegment,
    AgendaTemplateSegment,
    Attendance,
    Meeting,
    MeetingSeries,
)
from meetings.recurrence import RecurrenceError
from meetings.services import MeetingError
from members.models import AuditEntry
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory
from tests.race import waiting_backends

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
THURSDAY = 3


@pytest.fixture
def group():
    return GroupFactory(time_zone="America/New_York", meeting_minutes=90)


@pytest.fixture
def organizer(group):
    return MembershipFactory(group=group, role=Role.ORGANIZER).user


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _series(group, organizer, *, starts_on, **kwargs):
    return services.create_series(
        actor=organizer,
        group=group,
        title="Consultation",
        rule="FREQ=WEEKLY;INTERVAL=1;BYDAY=TH",
        starts_on=starts_on,
        start_time=time(19),
        duration_minutes=90,
        **kwargs,
    )


def _meetings(group) -> list[tuple]:
    return list(
        Meeting.objects.filter(group=group)
        .order_by("pk")
        .values_list(
            "pk", "series", "title", "starts_at", "ends_at", "status", "sequence", "timekeeper"
        )
    )


def _state(group) -> dict:
    """Everything a refused call could have changed."""
    return {
        "group": Group.objects.filter(pk=group.pk)
        .values_list("name", "time_zone", "cadence", "weekdays", "usual_time")
        .get(),
        "meetings": _meetings(group),
        "series": sorted(
            MeetingSeries.objects.filter(group=group).values_list("pk", "ends_on", "time_zone")
        ),
        "template": list(
            AgendaTemplateSegment.objects.filter(group=group).values_list("kind", "minutes")
        ),
        "segments": sorted(
            AgendaSegment.objects.filter(meeting__group=group).values_list("pk", "kind", "minutes")
        ),
        "attendance": sorted(
            Attendance.objects.filter(meeting__group=group).values_list("user", "status")
        ),
        "audit": list(AuditEntry.objects.values_list("pk", flat=True)),
    }


def _started(meeting: Meeting, *, ago: timedelta, lasting: timedelta) -> Meeting:
    start = timezone.now() - ago
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + lasting)
    meeting.group.memberships.update(joined_at=start - timedelta(days=30))
    meeting.refresh_from_db()
    return meeting


# --- agendas ------------------------------------------------------------------------------------


def test_set_agenda_template_with_an_unknown_segment_kind_is_refused(group, organizer):
    services.set_agenda_template(
        actor=organizer, group=group, segments=[{"kind": SegmentKind.CHECK_IN, "minutes": 10}]
    )
    before = _state(group)

    with pytest.raises(MeetingError) as refused:
        services.set_agenda_template(
            actor=organizer,
            group=group,
            segments=[
                {"kind": SegmentKind.DISCUSSION, "minutes": 20},
                {"kind": "gossip", "minutes": 10},
            ],
        )

    assert str(refused.value) == "“gossip” is not a kind of agenda segment."
    assert _state(group) == before


def test_new_meeting_shorter_than_the_template_copies_only_the_segments_that_fit(group, organizer):
    services.set_agenda_template(
        actor=organizer,
        group=group,
        segments=[
            {"kind": SegmentKind.CHECK_IN, "minutes": 20},
            {"kind": SegmentKind.CASE, "minutes": 30},
            {"kind": SegmentKind.WRAP_UP, "minutes": 5},
        ],
    )

    meeting = services.create_meeting(
        actor=organizer,
        group=group,
        title="Short one",
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=45,
    )

    # The case does not fit in the 25 minutes left; the copy stops there, in template order.
    assert list(meeting.segments.values_list("kind", "minutes")) == [(SegmentKind.CHECK_IN, 20)]


# --- creating meetings --------------------------------------------------------------------------


def test_create_meeting_in_the_past_is_refused(group, organizer):
    before = _state(group)

    with pytest.raises(MeetingError) as refused:
        services.create_meeting(
            actor=organizer,
            group=group,
            title="Yesterday",
            starts_at=timezone.now() - timedelta(days=1),
            duration_minutes=60,
        )

    assert str(refused.value) == "Choose a time in the future."
    assert _state(group) == before


def test_create_series_with_no_meeting_in_the_next_twelve_weeks_is_refused(group, organizer):
    before = _state(group)

    with pytest.raises(MeetingError) as refused:
        # It has meetings, but only from half a year on: nothing to put on the calendar yet.
        _series(group, organizer, starts_on=timezone.localdate() + timedelta(days=200))

    assert str(refused.value) == (
        "These settings give no meeting in the next 12 weeks. Check the start date and the "
        "weekdays."
    )
    assert _state(group) == before


# --- the group's shown schedule -----------------------------------------------------------------


def test_schedule_of_a_series_in_another_zone_with_no_meeting_left_keeps_its_own_clock(
    group, organizer
):
    first = _next_weekday(timezone.localdate() + timedelta(days=2), THURSDAY)
    last_day = first + timedelta(days=1)  # a Friday: the series ends after one meeting
    _series(group, organizer, starts_on=first, ends_on=last_day)
    # The meetings keep their moments; the series goes on running in New York time.
    services.change_group_time_zone(
        actor=organizer, group=group, time_zone="Europe/Berlin", keep_local_times=False
    )
    group.refresh_from_db()
    # Thursday 7 pm in New York is early Friday in Berlin.
    seen = Meeting.objects.get(group=group).starts_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert seen.weekday() == 4
    assert (group.weekdays, group.usual_time) == (weekday_mask([4]), seen.time())

    # On its last day the series is still running but has no occurrence left to look at.
    assert services.sync_group_schedule(group=group, today=last_day) is True

    group.refresh_from_db()
    assert (group.cadence, group.weekdays, group.usual_time) == (
        Cadence.WEEKLY,
        weekday_mask([THURSDAY]),
        time(19),
    )


# --- changing one meeting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "data", "message"),
    [
        ("cancelled", {"title": "Renamed"}, "This meeting is cancelled; it cannot be edited."),
        ("over", {"title": "Renamed"}, "This meeting is over; it cannot be edited."),
        ("scheduled", {"starts_at": "past"}, "Choose a time in the future."),
    ],
)
def test_update_meeting_refusals_change_nothing(group, organizer, setup, data, message):
    meeting = MeetingFactory(group=group)
    if setup == "cancelled":
        services.cancel_meeting(actor=organizer, meeting=meeting)
    if setup == "over":
        meeting = _started(meeting, ago=timedelta(hours=3), lasting=timedelta(hours=1))
    if data.get("starts_at") == "past":
        data = {"starts_at": timezone.now() - timedelta(hours=1)}
    before = _state(group)

    with pytest.raises(MeetingError) as refused:
        services.update_meeting(actor=organizer, meeting=meeting, data=data)

    assert str(refused.value) == message
    assert _state(group) == before


def test_update_meeting_venue_is_a_change_members_are_told_about(
    group, organizer, django_capture_on_commit_callbacks, mailoutbox
):
    member = MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group)

    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(
            actor=organizer,
            meeting=meeting,
            data={"venue_kind": "in_person", "venue_name": "Library, room 2"},
        )

    meeting.refresh_from_db()
    assert (meeting.venue_kind, meeting.venue_name, meeting.sequence, meeting.detached) == (
        "in_person",
        "Library, room 2",
        1,
        False,
    )
    assert AuditEntry.objects.filter(verb="meeting.changed").get().data == {
        "fields": ["venue_kind", "venue_name"]
    }
    assert [m.to for m in mailoutbox] == [[member.email]]


def test_update_meeting_timekeeper_only_is_recorded_without_a_notice(
    group, organizer, django_capture_on_commit_callbacks, mailoutbox
):
    member = MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group)

    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(actor=organizer, meeting=meeting, data={"timekeeper": member})

    meeting.refresh_from_db()
    assert (meeting.timekeeper, meeting.sequence) == (member, 1)
    assert AuditEntry.objects.filter(verb="meeting.changed").get().data == {
        "fields": ["timekeeper"]
    }
    assert mailoutbox == []


# --- changing this and all following meetings ---------------------------------------------------


def test_update_following_from_the_series_first_meeting_replaces_the_series(group, organizer):
    first = _next_weekday(timezone.localdate() + timedelta(days=2), THURSDAY)
    old = _series(group, organizer, starts_on=first)
    pivot = old.meetings.order_by("starts_at").first()
    count = old.meetings.count()
    assert pivot.occurrence_date == first

    services.update_meeting(
        actor=organizer, meeting=pivot, data={"title": "Case consultation"}, scope="following"
    )

    # Nothing of the old series is left before the change, so it is gone, not cut short.
    assert not MeetingSeries.objects.filter(pk=old.pk).exists()
    new = MeetingSeries.objects.get(group=group)
    assert (new.starts_on, new.ends_on, new.title) == (first, None, "Case consultation")
    assert set(Meeting.objects.values_list("series", "title")) == {(new.pk, "Case consultation")}
    assert Meeting.objects.count() == count


def test_update_following_duration_is_named_in_the_summary(
    group, organizer, django_capture_on_commit_callbacks, mailoutbox
):
    member = MembershipFactory(group=group).user
    series = _series(group, organizer, starts_on=timezone.localdate() + timedelta(days=1))
    pivot = list(series.meetings.order_by("starts_at"))[-4]
    earlier = series.meetings.count() - 4

    with django_capture_on_commit_callbacks(execute=True):
        updated = services.update_meeting(
            actor=organizer, meeting=pivot, data={"duration_minutes": 60}, scope="following"
        )

    assert len(updated) == 4
    lengths = [m.duration_minutes for m in Meeting.objects.order_by("starts_at")]
    assert lengths == [90] * earlier + [60] * 4
    assert AuditEntry.objects.filter(verb="series.changed_from").get().data == {
        "from": str(pivot.occurrence_date),
        "meetings": 4,
        "changed": 4,
        "fields": ["duration", "ends_at"],
    }
    assert [m.to for m in mailoutbox] == [[member.email]]


def test_update_following_with_nothing_different_changes_no_meeting(
    group, organizer, django_capture_on_commit_callbacks, mailoutbox
):
    MembershipFactory(group=group)
    series = _series(group, organizer, starts_on=timezone.localdate() + timedelta(days=1))
    pivot = list(series.meetings.order_by("starts_at"))[-3]
    before = [row[2:] for row in _meetings(group)]  # all but the pk and the series

    with django_capture_on_commit_callbacks(execute=True):
        updated = services.update_meeting(
            actor=organizer,
            meeting=pivot,
            data={"title": "Consultation", "duration_minutes": 90},
            scope=EditScope.FOLLOWING,
            message="Same as before",
        )

    assert len(updated) == 3
    assert [row[2:] for row in _meetings(group)] == before
    assert set(Meeting.objects.values_list("status_message", flat=True)) == {""}
    assert AuditEntry.objects.filter(verb="series.changed_from").get().data == {
        "from": str(pivot.occurrence_date),
        "meetings": 3,
        "changed": 0,
        "fields": [],
    }
    assert mailoutbox == []


def test_update_following_timekeeper_only_sends_no_summary(
    group, organizer, django_capture_on_commit_callbacks, mailoutbox
):
    member = MembershipFactory(group=group).user
    series = _series(group, organizer, starts_on=timezone.localdate() + timedelta(days=1))
    pivot = list(series.meetings.order_by("starts_at"))[-2]
    earlier = series.meetings.count() - 2

    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(
            actor=organizer, meeting=pivot, data={"timekeeper": member}, scope="following"
        )

    keepers = list(Meeting.objects.order_by("starts_at").values_list("timekeeper", flat=True))
    assert keepers == [None] * earlier + [member.pk] * 2
    assert AuditEntry.objects.filter(verb="series.changed_from").get().data["fields"] == [
        "timekeeper"
    ]
    assert mailoutbox == []


# --- cancelling -----------------------------------------------------------------------------------


def test_cancel_meeting_that_is_over_is_refused(group, organizer):
    meeting = _started(
        MeetingFactory(group=group), ago=timedelta(hours=3), lasting=timedelta(hours=2)
    )
    before = _state(group)

    with pytest.raises(MeetingError) as refused:
        services.cancel_meeting(actor=organizer, meeting=meeting, message="Too late")

    assert str(refused.value) == "This meeting is over; it cannot be cancelled."
    assert _state(group) == before


# --- the group's time zone ----------------------------------------------------------------------


def test_change_group_time_zone_to_an_unknown_zone_is_refused(group, organizer):
    MeetingFactory(group=group)
    before = _state(group)

    with pytest.raises(MeetingError) as refused:
        services.change_group_time_zone(
            actor=organizer, group=group, time_zone="Mars/Olympus", keep_local_times=True
        )

    assert str(refused.value) == "“Mars/Olympus” is not a time zone we know."
    assert _state(group) == before


def test_change_group_time_zone_keeping_local_times_never_moves_a_meeting_into_the_past(
    group, organizer
):
    soon = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(hours=2))
    later = MeetingFactory(group=group)
    soon_start, later_start = soon.starts_at, later.starts_at

    services.change_group_time_zone(
        actor=organizer, group=group, time_zone="Europe/Berlin", keep_local_times=True
    )

    soon.refresh_from_db()
    later.refresh_from_db()
    berlin = ZoneInfo("Europe/Berlin")
    # In two hours' New York clock time in Berlin is hours ago: that meeting keeps its moment.
    assert (soon.starts_at, soon.sequence) == (soon_start, 1)
    # The later one keeps its New York clock time, now in Berlin.
    assert later.starts_at.astimezone(berlin).replace(tzinfo=None) == later_start.astimezone(
        NY
    ).replace(tzinfo=None)
    assert later.sequence == 1
    assert AuditEntry.objects.filter(verb="group.time_zone_changed").get().data == {
        "from": "America/New_York",
        "to": "Europe/Berlin",
        "keep_local_times": True,
        "moved": 1,
    }


def test_edit_group_moving_zone_with_upcoming_meetings_must_say_what_they_do(group, organizer):
    MeetingFactory(group=group)
    before = _state(group)

    with pytest.raises(MeetingError) as refused:
        services.edit_group(
            actor=organizer,
            group=group,
            data={"name": "Renamed group", "time_zone": "Europe/Berlin"},
        )

    assert str(refused.value) == (
        "The group has upcoming meetings: choose whether they keep their local time in the new "
        "time zone."
    )
    # The new name, saved first, is rolled back with the refusal.
    assert _state(group) == before


# --- attendance ---------------------------------------------------------------------------------


def test_record_attendance_for_a_cancelled_meeting_is_refused(group, organizer):
    member = MembershipFactory(group=group).user
    meeting = _started(
        MeetingFactory(group=group), ago=timedelta(minutes=30), lasting=timedelta(hours=2)
    )
    services.cancel_meeting(actor=organizer, meeting=meeting, message="Called off")
    meeting.refresh_from_db()
    before = _state(group)

    with pytest.raises(MeetingError) as refused:
        services.record_attendance(actor=organizer, meeting=meeting, marks={member.pk: "present"})

    assert str(refused.value) == "This meeting was cancelled; there is no attendance to take."
    assert _state(group) == before


def test_record_attendance_with_an_unknown_mark_is_refused(group, organizer):
    member = MembershipFactory(group=group).user
    meeting = _started(
        MeetingFactory(group=group), ago=timedelta(hours=2), lasting=timedelta(hours=1)
    )
    before = _state(group)

    with pytest.raises(MeetingError) as refused:
        services.record_attendance(
            actor=organizer,
            meeting=meeting,
            marks={organizer.pk: AttendanceStatus.PRESENT, member.pk: "late"},
        )

    assert str(refused.value) == "Mark each member present, absent or excused."
    assert _state(group) == before


# --- low-RSVP warnings --------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_low_rsvp_warning_claimed_by_another_run_first_is_not_sent_again(mailoutbox):
    """Two beat runs overlap: the other run claims the warning while this one is about to; this
    one finds it claimed and sends nothing."""
    meeting = MeetingFactory(starts_at=timezone.now() + timedelta(hours=30))
    MembershipFactory(group=meeting.group, role=Role.ORGANIZER)
    other_run_at = timezone.now() - timedelta(minutes=1)
    holding, release = threading.Event(), threading.Event()

    def other_run():
        try:
            with transaction.atomic():
                Meeting.objects.filter(pk=meeting.pk, low_rsvp_warned_at__isnull=True).update(
                    low_rsvp_warned_at=other_run_at
                )
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def release_when_this_run_waits():
        try:
            deadline = timezone.now() + timedelta(seconds=30)
            while waiting_backends() == 0 and timezone.now() < deadline:
                time_module.sleep(0.02)
        finally:
            release.set()
            connection.close()

    other = threading.Thread(target=other_run)
    other.start()
    assert holding.wait(timeout=30)
    watcher = threading.Thread(target=release_when_this_run_waits)
    watcher.start()

    warned = services.warn_low_rsvps()

    watcher.join(timeout=120)
    other.join(timeout=120)
    assert not (watcher.is_alive() or other.is_alive())
    assert warned == 0
    meeting.refresh_from_db()
    assert meeting.low_rsvp_warned_at == other_run_at
    assert mailoutbox == []


# --- recurrence rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("interval", [0, 9])
def test_build_rule_weekly_interval_out_of_range_is_refused(interval):
    with pytest.raises(RecurrenceError) as refused:
        recurrence.build_rule(kind="weekly", interval=interval, weekdays=[THURSDAY])

    assert str(refused.value) == "Repeat every 1 to 8 weeks."


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("FREQ=SOMETIMES", "invalid 'FREQ': SOMETIMES"),
        ("INTERVAL=2", "rrule.__init__() missing 1 required positional argument: 'freq'"),
    ],
)
def test_local_datetimes_of_a_rule_that_does_not_parse_is_refused(rule, reason):
    with pytest.raises(RecurrenceError) as refused:
        recurrence.local_datetimes(
            rule=rule,
            starts_on=date(2027, 2, 1),
            start_time=time(19),
            window_start=date(2027, 2, 1),
            window_end=date(2027, 3, 1),
        )

    assert str(refused.value) == f"That repeat rule is not valid: {reason}"


def test_local_datetimes_of_a_window_after_the_series_ended_is_empty():
    found = recurrence.local_datetimes(
        rule="FREQ=WEEKLY;INTERVAL=1;BYDAY=TH",
        starts_on=date(2027, 1, 7),
        start_time=time(19),
        window_start=date(2027, 3, 1),
        window_end=date(2027, 4, 1),
        ends_on=date(2027, 2, 1),
    )

    assert found == []


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15", "Monthly on day 15"),
        ("FREQ=YEARLY;INTERVAL=1", "FREQ=YEARLY;INTERVAL=1"),  # not one we build: shown as is
    ],
)
def test_describe_a_day_of_the_month_and_a_rule_it_does_not_know(rule, text):
    assert recurrence.describe(rule) == text


@pytest.mark.parametrize(
    ("rule", "per_week"),
    [
        ("FREQ=DAILY;INTERVAL=2", 3.5),
        ("FREQ=YEARLY;INTERVAL=1", 0.0),
    ],
)
def test_meetings_per_week_of_daily_and_unknown_rules(rule, per_week):
    assert recurrence.meetings_per_week(rule) == per_week


@pytest.mark.parametrize(
    ("rules", "cadence"),
    [
        ([], Cadence.AS_NEEDED),
        (["FREQ=YEARLY;INTERVAL=1"], Cadence.AS_NEEDED),
        (["FREQ=DAILY;INTERVAL=1"], Cadence.SEVERAL_WEEKLY),
    ],
)
def test_cadence_of_no_rule_or_an_unknown_one_is_as_needed(rules, cadence):
    assert recurrence.cadence_of(rules) == cadence
