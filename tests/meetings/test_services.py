from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from groups.enums import Role
from meetings import services
from meetings.enums import AttendanceStatus, MeetingStatus, RsvpAnswer, SegmentKind
from meetings.models import AgendaSegment, Attendance, Meeting, Rsvp
from meetings.services import MeetingError
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")


@pytest.fixture
def group():
    return GroupFactory(time_zone="America/New_York", meeting_minutes=90)


@pytest.fixture
def organizer(group):
    return MembershipFactory(group=group, role=Role.ORGANIZER).user


def _series(group, organizer, *, today, rule="FREQ=WEEKLY;INTERVAL=1;BYDAY=TH", **kwargs):
    return services.create_series(
        actor=organizer,
        group=group,
        title="Consultation",
        rule=rule,
        starts_on=kwargs.pop("starts_on", today),
        start_time=time(19),
        duration_minutes=90,
        today=today,
        **kwargs,
    )


def test_series_materializes_twelve_weeks_in_local_time_across_dst(group, organizer):
    today = date(2027, 2, 1)
    series = _series(group, organizer, today=today)
    meetings = list(series.meetings.order_by("starts_at"))
    assert len(meetings) == 12
    assert {m.starts_at.astimezone(NY).time() for m in meetings} == {time(19)}
    assert {m.starts_at.astimezone(NY).utcoffset() for m in meetings} == {
        timedelta(hours=-5),
        timedelta(hours=-4),
    }


def test_materializing_twice_creates_nothing_new(group, organizer):
    today = date(2027, 2, 1)
    series = _series(group, organizer, today=today)
    assert services.materialize_series(series=series, today=today) == 0
    assert services.extend_all_series(today=today) == 0
    assert series.meetings.count() == 12
    assert services.materialize_series(series=series, today=today + timedelta(weeks=1)) == 1


def test_new_meetings_copy_the_agenda_template(group, organizer):
    services.set_agenda_template(
        actor=organizer,
        group=group,
        segments=[
            {"kind": SegmentKind.CHECK_IN, "minutes": 10},
            {"kind": SegmentKind.CASE, "minutes": 20},
            {"kind": SegmentKind.CASE, "minutes": 20},
            {"kind": SegmentKind.WRAP_UP, "minutes": 5},
        ],
    )
    series = _series(group, organizer, today=date(2027, 2, 1))
    first = series.meetings.first()
    assert list(first.segments.values_list("kind", "minutes")) == [
        ("check_in", 10),
        ("case", 20),
        ("case", 20),
        ("wrap_up", 5),
    ]
    assert AgendaSegment.objects.count() == 12 * 4


def test_agenda_longer_than_the_meeting_is_refused(group, organizer):
    meeting = MeetingFactory(group=group)
    with pytest.raises(MeetingError, match="adds up to 100 minutes"):
        services.set_agenda(
            actor=organizer, meeting=meeting, segments=[{"kind": "discussion", "minutes": 100}]
        )
    assert meeting.segments.count() == 0


def test_series_with_an_end_before_its_start_is_refused(group, organizer):
    with pytest.raises(MeetingError, match="cannot end before"):
        _series(group, organizer, today=date(2027, 2, 1), ends_on=date(2027, 1, 1))


def test_edit_one_occurrence_detaches_it_and_notifies(
    group, organizer, django_capture_on_commit_callbacks, mailoutbox
):
    member = MembershipFactory(group=group).user
    today = timezone.localdate()
    series = _series(group, organizer, today=today, starts_on=today + timedelta(days=1))
    meeting = series.meetings.order_by("starts_at")[1]
    new_start = datetime.combine(meeting.starts_at.astimezone(NY).date(), time(18), tzinfo=NY)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(
            actor=organizer, meeting=meeting, data={"starts_at": new_start}, message="Room change"
        )
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.detached, meeting.sequence) == (new_start, True, 1)
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=90)
    assert [m.to for m in mailoutbox] == [[member.email]]  # not the organizer who acted
    assert "Room change" in mailoutbox[0].body
    assert mailoutbox[0].attachments[0][0] == "meeting.ics"


def test_edit_this_and_following_moves_later_meetings_only(group, organizer):
    today = timezone.localdate()
    series = _series(group, organizer, today=today, starts_on=today + timedelta(days=1))
    meetings = list(series.meetings.order_by("starts_at"))
    pivot = meetings[3]
    new_start = datetime.combine(pivot.starts_at.astimezone(NY).date(), time(17, 30), tzinfo=NY)
    services.update_meeting(
        actor=organizer, meeting=pivot, data={"starts_at": new_start}, scope="following"
    )
    times = [m.starts_at.astimezone(NY).time() for m in Meeting.objects.order_by("starts_at")]
    assert times == [time(19)] * 3 + [time(17, 30)] * 9
    assert Meeting.objects.filter(series=series).count() == 3


def test_cancel_marks_cancelled_and_cannot_repeat(group, organizer):
    meeting = MeetingFactory(group=group)
    services.cancel_meeting(actor=organizer, meeting=meeting, message="Snow")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.status_message, meeting.sequence) == (
        MeetingStatus.CANCELLED,
        "Snow",
        1,
    )
    with pytest.raises(MeetingError, match="already cancelled"):
        services.cancel_meeting(actor=organizer, meeting=meeting)


def test_rsvp_can_change_until_the_start(group, organizer):
    member = MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group)
    services.set_rsvp(user=member, meeting=meeting, answer=RsvpAnswer.MAYBE)
    services.set_rsvp(user=member, meeting=meeting, answer=RsvpAnswer.GOING, note="Late 10 min")
    assert list(Rsvp.objects.values_list("answer", "note")) == [("going", "Late 10 min")]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("cancelled", "cancelled"),
        ("past", "already started"),
        ("outsider", "Only members"),
        ("bad_answer", "going, maybe"),
    ],
)
def test_rsvp_refusals(group, organizer, setup, message):
    user = UserFactory() if setup == "outsider" else MembershipFactory(group=group).user
    meeting = MeetingFactory(group=group)
    if setup == "cancelled":
        services.cancel_meeting(actor=organizer, meeting=meeting)
    if setup == "past":
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now() - timedelta(hours=2),
            ends_at=timezone.now() - timedelta(hours=1),
        )
    answer = "sometimes" if setup == "bad_answer" else RsvpAnswer.GOING
    with pytest.raises(MeetingError, match=message):
        services.set_rsvp(user=user, meeting=meeting, answer=answer)
    assert not Rsvp.objects.exists()


def test_attendance_after_the_start_for_members_only(group, organizer):
    member = MembershipFactory(group=group).user
    # Both were members before the meeting (only those are counted).
    group.memberships.update(joined_at=timezone.now() - timedelta(days=30))
    meeting = MeetingFactory(group=group)
    with pytest.raises(MeetingError, match="once the meeting has started"):
        services.record_attendance(actor=organizer, meeting=meeting, marks={member.pk: "present"})
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=2),
        ends_at=timezone.now() - timedelta(minutes=30),
    )
    meeting.refresh_from_db()
    with pytest.raises(MeetingError, match="group's members"):
        services.record_attendance(
            actor=organizer, meeting=meeting, marks={UserFactory().pk: "present"}
        )
    services.record_attendance(
        actor=organizer, meeting=meeting, marks={member.pk: "present", organizer.pk: "excused"}
    )
    assert dict(Attendance.objects.values_list("user_id", "status")) == {
        member.pk: AttendanceStatus.PRESENT,
        organizer.pk: AttendanceStatus.EXCUSED,
    }


def test_low_rsvp_warning_is_sent_once(
    group, organizer, django_capture_on_commit_callbacks, mailoutbox
):
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(hours=30))
    member = MembershipFactory(group=group).user
    services.set_rsvp(user=member, meeting=meeting, answer=RsvpAnswer.GOING)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.warn_low_rsvps() == 1
        assert services.warn_low_rsvps() == 0
    assert [m.to for m in mailoutbox] == [[organizer.email]]
    assert "Only 1 member has said they're going" in mailoutbox[0].body


def test_no_low_rsvp_warning_with_three_going_or_when_turned_off(group, organizer):
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(hours=30))
    for _ in range(3):
        services.set_rsvp(
            user=MembershipFactory(group=group).user, meeting=meeting, answer=RsvpAnswer.GOING
        )
    quiet = GroupFactory(warn_low_rsvp=False)
    MeetingFactory(group=quiet, starts_at=timezone.now() + timedelta(hours=30))
    assert services.warn_low_rsvps() == 0


def test_regenerating_the_feed_token_revokes_the_old_one():
    user = UserFactory()
    old = services.get_or_create_feed_token(user=user).token
    new = services.regenerate_feed_token(user=user).token
    assert old != new
    assert services.get_or_create_feed_token(user=user).token == new


def test_edit_this_and_following_refreshes_the_browse_page(
    group, organizer, django_capture_on_commit_callbacks
):
    from groups.cache import browse_version

    today = timezone.localdate()
    series = _series(group, organizer, today=today, starts_on=today + timedelta(days=1))
    pivot = series.meetings.order_by("starts_at")[0]  # the group's next meeting moves
    new_start = datetime.combine(pivot.starts_at.astimezone(NY).date(), time(17, 30), tzinfo=NY)
    before = browse_version()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(
            actor=organizer, meeting=pivot, data={"starts_at": new_start}, scope="following"
        )
    assert browse_version() != before
