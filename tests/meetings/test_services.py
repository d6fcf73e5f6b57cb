from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from config.errors import DomainError, NotAllowed
from groups.enums import Role
from groups.models import Group
from meetings import services
from meetings.enums import AttendanceStatus, MeetingStatus, RsvpAnswer, SegmentKind
from meetings.forms import SegmentForm
from meetings.models import (
    AgendaSegment,
    AgendaTemplateSegment,
    Attendance,
    Meeting,
    MeetingSeries,
    Rsvp,
)
from meetings.services import MeetingError
from members.models import AuditEntry
from tests.factories import (
    AdminFactory,
    AgendaSegmentFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

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
        ("bad_answer", "going, maybe"),
    ],
)
def test_rsvp_refusals(group, organizer, setup, message):
    user = MembershipFactory(group=group).user
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


def test_rsvp_from_an_outsider_is_not_allowed(group):
    meeting = MeetingFactory(group=group)

    with pytest.raises(NotAllowed) as refused:
        services.set_rsvp(user=UserFactory(), meeting=meeting, answer=RsvpAnswer.GOING)

    assert str(refused.value) == "Only members of the group can answer."

    assert not Rsvp.objects.exists()


def test_meeting_error_is_a_domain_error():
    assert issubclass(MeetingError, DomainError)


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


# --- who may act: each service asks the rule its page declares ----------------------------------


def _past(meeting) -> Meeting:
    start = timezone.now() - timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=start, ends_at=start + timedelta(minutes=90)
    )
    meeting.group.memberships.update(joined_at=start - timedelta(days=30))
    meeting.refresh_from_db()
    return meeting


def _state(group) -> dict:
    """Everything the refused calls below could have changed."""
    return {
        "meetings": sorted(
            Meeting.objects.filter(group=group).values_list(
                "pk", "title", "starts_at", "status", "sequence"
            )
        ),
        "series": MeetingSeries.objects.filter(group=group).count(),
        "template": list(AgendaTemplateSegment.objects.filter(group=group).values_list("kind")),
        "segments": sorted(
            AgendaSegment.objects.filter(meeting__group=group).values_list("pk", "kind", "minutes")
        ),
        "attendance": Attendance.objects.filter(meeting__group=group).count(),
        "group": Group.objects.filter(pk=group.pk).values_list("name", "time_zone").get(),
        "audit": AuditEntry.objects.count(),
    }


def _calls(group, meeting) -> dict:
    tomorrow = timezone.now() + timedelta(days=1)
    return {
        "create_meeting": lambda actor: services.create_meeting(
            actor=actor, group=group, title="Extra", starts_at=tomorrow, duration_minutes=60
        ),
        "create_series": lambda actor: services.create_series(
            actor=actor,
            group=group,
            title="Weekly",
            rule="FREQ=WEEKLY;INTERVAL=1;BYDAY=TH",
            starts_on=timezone.localdate() + timedelta(days=1),
            start_time=time(19),
            duration_minutes=90,
        ),
        "set_agenda_template": lambda actor: services.set_agenda_template(
            actor=actor, group=group, segments=[{"kind": SegmentKind.CHECK_IN, "minutes": 10}]
        ),
        "set_agenda": lambda actor: services.set_agenda(
            actor=actor, meeting=meeting, segments=[{"kind": SegmentKind.BREAK, "minutes": 10}]
        ),
        "update_meeting": lambda actor: services.update_meeting(
            actor=actor, meeting=meeting, data={"title": "Renamed"}
        ),
        "cancel_meeting": lambda actor: services.cancel_meeting(actor=actor, meeting=meeting),
        "change_group_time_zone": lambda actor: services.change_group_time_zone(
            actor=actor, group=group, time_zone="Europe/Berlin", keep_local_times=True
        ),
        "edit_group": lambda actor: services.edit_group(
            actor=actor, group=group, data={"name": "Taken over"}
        ),
    }


# The services acting as an organizer of the group; a site admin (a superuser too) may look at
# groups but does not act in their meetings.
ORGANIZER_ONLY = [
    "create_meeting",
    "create_series",
    "set_agenda_template",
    "set_agenda",
    "update_meeting",
    "cancel_meeting",
]
GROUP_CHANGES = ["change_group_time_zone", "edit_group"]


@pytest.mark.parametrize("who", ["member", "outsider", "site_admin"])
@pytest.mark.parametrize("call", ORGANIZER_ONLY)
def test_meeting_services_refuse_anyone_but_the_organizers(group, organizer, who, call):
    meeting = MeetingFactory(group=group)
    AgendaSegmentFactory(meeting=meeting, kind=SegmentKind.DISCUSSION, minutes=30)
    actor = {
        "member": lambda: MembershipFactory(group=group).user,
        "outsider": UserFactory,
        "site_admin": AdminFactory,
    }[who]()
    before = _state(group)

    with pytest.raises(NotAllowed):
        _calls(group, meeting)[call](actor)

    assert _state(group) == before


@pytest.mark.parametrize("who", ["member", "outsider"])
@pytest.mark.parametrize("call", GROUP_CHANGES)
def test_group_schedule_services_refuse_members_and_outsiders(group, organizer, who, call):
    meeting = MeetingFactory(group=group)
    actor = MembershipFactory(group=group).user if who == "member" else UserFactory()
    before = _state(group)

    with pytest.raises(NotAllowed) as refused:
        _calls(group, meeting)[call](actor)

    assert str(refused.value) == "Only the group's organizers can change the group."

    assert _state(group) == before


@pytest.mark.parametrize(
    ("call", "verb"),
    [
        ("create_meeting", "meeting.created"),
        ("create_series", "series.created"),
        ("set_agenda_template", "agenda_template.changed"),
        ("set_agenda", "agenda.changed"),
        ("update_meeting", "meeting.changed"),
        ("cancel_meeting", "meeting.cancelled"),
        ("change_group_time_zone", "group.time_zone_changed"),
        ("edit_group", "group.updated"),
    ],
)
def test_a_co_organizer_may_do_what_an_organizer_may(group, call, verb):
    co_organizer = MembershipFactory(group=group, role=Role.CO_ORGANIZER).user
    meeting = MeetingFactory(group=group)

    _calls(group, meeting)[call](co_organizer)

    assert list(AuditEntry.objects.filter(actor=co_organizer).values_list("verb", flat=True)) == [
        verb
    ]


def test_record_attendance_refuses_a_member_who_does_not_facilitate(group, organizer):
    member = MembershipFactory(group=group).user
    meeting = _past(MeetingFactory(group=group))

    with pytest.raises(NotAllowed, match="facilitator can take attendance"):
        services.record_attendance(actor=member, meeting=meeting, marks={member.pk: "present"})

    assert Attendance.objects.count() == 0


def test_record_attendance_lets_the_facilitator_take_it(group, organizer):
    facilitator = MembershipFactory(group=group).user
    meeting = _past(MeetingFactory(group=group, facilitator=facilitator))

    services.record_attendance(
        actor=facilitator, meeting=meeting, marks={facilitator.pk: "present"}
    )

    assert list(Attendance.objects.values_list("user", "status", "marked_by")) == [
        (facilitator.pk, "present", facilitator.pk)
    ]


def test_the_standard_agenda_takes_no_case_follow_up(group, organizer):
    """A follow-up comes from a presenter asking to report back; copied into every new meeting
    it would be a segment with nobody's follow-up behind it."""
    before = list(group.agenda_template.values_list("kind", flat=True))

    with pytest.raises(services.MeetingError, match="asked for by its presenter"):
        services.set_agenda_template(
            actor=organizer,
            group=group,
            segments=[{"kind": SegmentKind.FOLLOW_UP, "minutes": 10}],
        )

    assert list(group.agenda_template.values_list("kind", flat=True)) == before


def test_the_agenda_form_offers_case_follow_up_only_to_a_row_that_is_one():
    new_row = SegmentForm(data={"kind": SegmentKind.FOLLOW_UP, "minutes": "10"})
    kept_row = SegmentForm(
        initial={"kind": SegmentKind.FOLLOW_UP},
        data={"kind": SegmentKind.FOLLOW_UP, "minutes": "10", "title": ""},
    )

    assert SegmentKind.FOLLOW_UP not in dict(new_row.fields["kind"].choices)
    assert new_row.is_valid() is False and "kind" in new_row.errors
    assert kept_row.is_valid() is True
