"""Attendance for a meeting lists and counts only those who were members at its time."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.enums import Role
from groups.models import GroundRulesVersion, Membership
from meetings import selectors, services
from meetings.enums import AttendanceStatus, RsvpAnswer
from meetings.models import Attendance, Meeting
from meetings.services import MeetingError
from tests.factories import (
    AttendanceFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
)

pytestmark = pytest.mark.django_db


def _joined(user, group, days_ago: int) -> None:
    Membership.objects.filter(user=user, group=group).update(
        joined_at=timezone.now() - timedelta(days=days_ago)
    )


def _past(group, days_ago: int) -> Meeting:
    start = timezone.now().replace(microsecond=0) - timedelta(days=days_ago)
    return MeetingFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=90))


@pytest.fixture
def people():
    group = GroupFactory()
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    veteran = MembershipFactory(group=group).user
    newcomer = MembershipFactory(group=group).user
    _joined(organizer, group, 60)
    _joined(veteran, group, 30)
    _joined(newcomer, group, 1)
    GroundRulesVersion.objects.filter(group=group).update(
        created_at=timezone.now() - timedelta(days=90)
    )
    return {"group": group, "organizer": organizer, "veteran": veteran, "newcomer": newcomer}


def test_attendance_page_lists_only_those_who_were_members_at_the_meeting(client, people):
    meeting = _past(people["group"], 7)
    client.force_login(people["organizer"])

    response = client.get(reverse("meetings:attendance", args=[meeting.pk]))

    listed = [membership.user_id for membership, _name in response.context["form"].member_fields]
    assert sorted(listed) == sorted([people["organizer"].pk, people["veteran"].pk])
    assert str(people["newcomer"]) not in response.content.decode()


def test_saving_attendance_records_nobody_who_joined_later(client, people):
    meeting = _past(people["group"], 7)
    client.force_login(people["organizer"])

    response = client.post(
        reverse("meetings:attendance", args=[meeting.pk]),
        {
            f"member_{people['organizer'].pk}": "present",
            f"member_{people['veteran'].pk}": "absent",
            f"member_{people['newcomer'].pk}": "absent",
        },
    )

    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("user_id", "status")) == {
        people["organizer"].pk: "present",
        people["veteran"].pk: "absent",
    }


def test_the_service_refuses_a_mark_for_someone_who_joined_later(people):
    meeting = _past(people["group"], 7)

    with pytest.raises(MeetingError, match="members at the meeting"):
        services.record_attendance(
            actor=people["organizer"], meeting=meeting, marks={people["newcomer"].pk: "absent"}
        )
    assert Attendance.objects.count() == 0


def test_someone_who_joined_at_the_very_start_is_counted(people):
    meeting = _past(people["group"], 7)
    Membership.objects.filter(user=people["newcomer"]).update(joined_at=meeting.starts_at)

    assert sorted(m.user_id for m in selectors.members_at(meeting)) == sorted(
        [people["organizer"].pk, people["veteran"].pk, people["newcomer"].pk]
    )


def test_attendance_rates_ignore_meetings_before_someone_joined(people):
    group = people["group"]
    old, recent = _past(group, 45), _past(group, 7)
    AttendanceFactory(meeting=old, user=people["organizer"], status="present")
    AttendanceFactory(meeting=recent, user=people["organizer"], status="present")
    AttendanceFactory(meeting=recent, user=people["veteran"], status="present")
    # Recorded absent at meetings before they joined, by the old code or by hand.
    AttendanceFactory(meeting=old, user=people["veteran"], status="absent")
    AttendanceFactory(meeting=recent, user=people["newcomer"], status="absent")

    rows = {
        row["membership"].user_id: (row["present"], row["total"], row["rate"])
        for row in selectors.attendance_rates(group)
    }

    assert rows == {
        people["organizer"].pk: (2, 2, 100),
        people["veteran"].pk: (1, 1, 100),
        people["newcomer"].pk: (0, 0, None),
    }


def test_group_attendance_page_shows_no_rate_for_a_newcomer(client, people):
    recent = _past(people["group"], 7)
    AttendanceFactory(meeting=recent, user=people["newcomer"], status="absent")
    client.force_login(people["organizer"])

    response = client.get(reverse("meetings:group_attendance", args=[people["group"].slug]))

    newcomer_row = next(
        row
        for row in response.context["rows"]
        if row["membership"].user_id == people["newcomer"].pk
    )
    assert (newcomer_row["total"], newcomer_row["rate"]) == (0, None)
    assert "0%" not in response.content.decode()


def test_attendance_sheet_starts_from_what_was_recorded_then_the_rsvps(people):
    meeting = _past(people["group"], 7)
    organizer, veteran = people["organizer"], people["veteran"]
    RsvpFactory(meeting=meeting, user=organizer, answer=RsvpAnswer.CANT)
    RsvpFactory(meeting=meeting, user=veteran, answer=RsvpAnswer.GOING)
    RsvpFactory(meeting=meeting, user=people["newcomer"], answer=RsvpAnswer.GOING)
    AttendanceFactory(meeting=meeting, user=veteran, status=AttendanceStatus.ABSENT)

    sheet = selectors.attendance_sheet(meeting)

    assert sorted(m.user_id for m in sheet.members) == sorted([organizer.pk, veteran.pk])
    assert sheet.marks == {organizer.pk: AttendanceStatus.EXCUSED, veteran.pk: "absent"}
    assert sheet.recorded is True


@pytest.mark.parametrize(
    ("answer", "mark"),
    [
        (RsvpAnswer.GOING, AttendanceStatus.PRESENT),
        (RsvpAnswer.MAYBE, AttendanceStatus.PRESENT),
        (RsvpAnswer.CANT, AttendanceStatus.EXCUSED),
        (None, AttendanceStatus.ABSENT),
    ],
)
def test_attendance_sheet_suggests_a_mark_from_each_answer(people, answer, mark):
    meeting = _past(people["group"], 7)
    if answer is not None:
        RsvpFactory(meeting=meeting, user=people["veteran"], answer=answer)

    sheet = selectors.attendance_sheet(meeting)

    assert (sheet.marks[people["veteran"].pk], sheet.recorded) == (mark, False)
