"""Reminders that fall due together (after a late change or RSVP) send only the nearest one."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from groups.enums import Role
from meetings import services as meeting_services
from meetings.models import Meeting, Rsvp
from members import notifications
from members.models import Delivery, TherapistProfile
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
START = datetime(2027, 3, 15, 19, tzinfo=NY).astimezone(UTC)


@pytest.fixture
def setup():
    group = GroupFactory(time_zone="America/New_York")
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    member = MembershipFactory(group=group).user
    TherapistProfile.objects.filter(user=member).update(reminder_lead_minutes=[180, 60, 15])
    TherapistProfile.objects.filter(user=organizer).update(reminder_lead_minutes=[])
    meeting = MeetingFactory(group=group, starts_at=START, ends_at=START + timedelta(minutes=90))
    return {"group": group, "organizer": organizer, "member": member, "meeting": meeting}


def _statuses(member) -> dict[str, str]:
    return dict(
        Delivery.objects.filter(template="meeting_reminder", email=member.email).values_list(
            "dedupe_key", "status"
        )
    )


def _key(lead: int, start=START) -> str:
    return f"{lead}m@{start.isoformat()}"


def test_a_late_rsvp_gets_only_the_nearest_overdue_reminder(setup, mailoutbox):
    member, meeting = setup["member"], setup["meeting"]
    now = START - timedelta(minutes=10)
    notifications.dispatch_due(now=now)  # not answered yet: nothing
    Rsvp.objects.create(meeting=meeting, user=member, answer="going")

    notifications.dispatch_due(now=now + timedelta(minutes=1))
    notifications.dispatch_due(now=now + timedelta(minutes=2))

    assert [m.to for m in mailoutbox] == [[member.email]]
    assert _statuses(member) == {
        _key(15): "sent",
        _key(60): "skipped",
        _key(180): "skipped",
    }


def test_a_meeting_moved_closer_gets_only_the_nearest_reminder(setup, mailoutbox):
    member, meeting = setup["member"], setup["meeting"]
    Rsvp.objects.create(meeting=meeting, user=member, answer="going")
    earlier = START - timedelta(hours=2)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=earlier, ends_at=earlier + timedelta(minutes=90)
    )

    notifications.dispatch_due(now=earlier - timedelta(minutes=50))

    assert len(mailoutbox) == 1
    assert _statuses(member) == {_key(60, earlier): "sent", _key(180, earlier): "skipped"}
    notifications.dispatch_due(now=earlier - timedelta(minutes=15))
    assert len(mailoutbox) == 2
    assert _statuses(member)[_key(15, earlier)] == "sent"


def test_a_reminder_still_waiting_is_overtaken_by_a_nearer_one(setup, mailoutbox):
    member, meeting = setup["member"], setup["meeting"]
    Rsvp.objects.create(meeting=meeting, user=member, answer="going")
    for plan in notifications.PLANNERS:  # recorded at its time, but never sent (broker down)
        plan(START - timedelta(minutes=180))

    notifications.dispatch_due(now=START - timedelta(minutes=59))

    assert len(mailoutbox) == 1
    assert _statuses(member) == {_key(60): "sent", _key(180): "skipped"}


def test_reminders_on_time_each_arrive_at_their_own_moment(setup, mailoutbox):
    member, meeting = setup["member"], setup["meeting"]
    Rsvp.objects.create(meeting=meeting, user=member, answer="going")
    for lead in (180, 60, 15):
        notifications.dispatch_due(now=START - timedelta(minutes=lead))

    assert len(mailoutbox) == 3
    assert set(_statuses(member).values()) == {"sent"}


def test_a_late_rsvp_through_the_service_gets_one_reminder(setup, mailoutbox):
    member, meeting = setup["member"], setup["meeting"]
    TherapistProfile.objects.filter(user=member).update(reminder_lead_minutes=[1440, 180, 60])
    # Well before the start as the test runs (the meeting is in 2027): the RSVP is accepted.
    meeting_services.set_rsvp(user=member, meeting=meeting, answer="going")

    notifications.dispatch_due(now=START - timedelta(minutes=30))

    assert len(mailoutbox) == 1
    assert _statuses(member) == {_key(60): "sent", _key(180): "skipped"}
