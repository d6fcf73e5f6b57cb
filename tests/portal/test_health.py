"""A group's health page (issue 17, part 2): attendance per meeting, RSVPs against who came, how
turns are spread, joins and leaves per quarter, and who is drifting away; for organizers (site
admins look), drawn as SVG with the same figures in a table, in a fixed number of queries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from groups import services as group_services
from groups.enums import Role
from meetings.enums import AttendanceStatus, MeetingStatus, RsvpAnswer
from portal import health
from presentations.models import Presentation
from tests.factories import (
    AdminFactory,
    AgendaSegmentFactory,
    AttendanceFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 20, 12, 0, tzinfo=UTC)
JOINED = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def group():
    return GroupFactory(name="Front Range Consult", slug="front-range", time_zone="America/Denver")


def _member(group, name: str, role=Role.MEMBER, joined=JOINED):
    user = UserFactory(profile__display_name=name)
    MembershipFactory(
        group=group,
        user=user,
        role=role,
        joined_at=joined,
        rules_version=group.rules_versions.first(),
        rules_accepted_at=joined,
    )
    return user


@pytest.fixture
def people(group):
    return {
        "olga": _member(group, "Olga Organizer", Role.ORGANIZER),
        "mia": _member(group, "Mia Member"),
        "ned": _member(group, "Ned Newer"),
    }


def _meeting(group, day: int, **kwargs):
    starts = datetime(2026, 6, day, 1, 0, tzinfo=UTC)  # the evening before in Denver
    return MeetingFactory(
        group=group, starts_at=starts, ends_at=starts + timedelta(hours=1), **kwargs
    )


def test_attendance_rate_per_meeting_oldest_first_and_untaken_said(group, people):
    olga, mia, ned = people["olga"], people["mia"], people["ned"]
    first, second = _meeting(group, 2), _meeting(group, 9)
    _meeting(group, 16)  # attendance not taken
    _meeting(group, 18, status=MeetingStatus.CANCELLED)  # not counted at all
    _meeting(group, 25)  # not held yet
    for user, status in ((olga, "present"), (mia, "present"), (ned, "absent")):
        AttendanceFactory(meeting=first, user=user, status=status)
    AttendanceFactory(meeting=second, user=mia, status=AttendanceStatus.PRESENT)
    AttendanceFactory(meeting=second, user=ned, status=AttendanceStatus.EXCUSED)

    rows = health.group_health(group, now=NOW).attendance

    assert [(r.label, [b.text for b in r.bars], r.note) for r in rows] == [
        ("1 Jun 2026", ["67%"], "2 of 3 present"),
        ("8 Jun 2026", ["50%"], "1 of 2 present"),
        ("15 Jun 2026", ["not taken"], ""),
    ]


def test_rsvp_against_attendance_and_the_no_show_rate(group, people):
    olga, mia, ned = people["olga"], people["mia"], people["ned"]
    meeting = _meeting(group, 2)
    for user in (olga, mia, ned):
        RsvpFactory(meeting=meeting, user=user, answer=RsvpAnswer.GOING)
    for user, status in ((olga, "present"), (mia, "present"), (ned, "absent")):
        AttendanceFactory(meeting=meeting, user=user, status=status)
    later = _meeting(group, 9)
    RsvpFactory(meeting=later, user=mia, answer=RsvpAnswer.CANT)

    result = health.group_health(group, now=NOW)

    assert [([b.value for b in r.bars], r.note) for r in result.rsvp] == [
        ([3, 2], "1 said going and did not come"),
        ([0, 0], ""),
    ]
    assert result.no_show_rate == 33  # 1 of the 3 "going" at meetings with attendance taken


def test_turns_count_confirmed_presentations_and_facilitation_per_member(group, people):
    olga, mia, ned = people["olga"], people["mia"], people["ned"]
    first = _meeting(group, 2, facilitator=olga)
    second = _meeting(group, 9, facilitator=olga)
    _meeting(group, 16, facilitator=mia, status=MeetingStatus.CANCELLED)
    for meeting, presenter in ((first, mia), (second, mia), (second, ned)):
        segment = AgendaSegmentFactory(meeting=meeting, kind="case", minutes=30)
        Presentation.objects.create(segment=segment, meeting=meeting, presenter=presenter)

    rows = health.group_health(group, now=NOW).turns

    assert [(r.label, [b.value for b in r.bars]) for r in rows] == [
        ("Olga Organizer", [0, 2]),
        ("Mia Member", [2, 0]),
        ("Ned Newer", [1, 0]),
    ]
    assert [b.share for b in rows[1].bars] == [100, 0]  # the most anyone did fills the chart


def test_joins_and_leaves_per_quarter_come_from_the_services(group, people):
    newcomer = UserFactory()
    group_services.join_group(user=newcomer, group=group, accepted_rules=True)
    group_services.leave_group(user=people["ned"], group=group)

    quarters = health.group_health(group).quarters

    assert len(quarters) == health.QUARTERS
    assert [b.value for b in quarters[-1].bars] == [1, 1]
    assert sum(b.value for q in quarters[:-1] for b in q.bars) == 0


@pytest.mark.parametrize("missed", [2, 3])
def test_drifting_members_missed_the_last_meetings_where_attendance_was_taken(
    group, people, missed
):
    olga, mia, ned = people["olga"], people["mia"], people["ned"]
    late = _member(group, "Lena Late", joined=datetime(2026, 6, 5, tzinfo=UTC))
    meetings = [_meeting(group, day) for day in (2, 9, 16)]
    _meeting(group, 12)  # no attendance taken: does not count either way
    for meeting in meetings:
        AttendanceFactory(meeting=meeting, user=olga, status="present")
        AttendanceFactory(meeting=meeting, user=ned, status="absent")
    AttendanceFactory(meeting=meetings[0], user=mia, status="present")  # only the oldest

    result = health.group_health(group, drift_meetings=missed, now=NOW)

    drifting = [str(m.user) for m in result.drifting]
    # Mia came only to the oldest of the three. Lena joined between the first and the second:
    # she missed the last two, but the last three began before she joined.
    assert (
        drifting
        == {
            2: ["Mia Member", "Ned Newer", str(late)],
            3: ["Ned Newer"],
        }[missed]
    )
    assert result.drift_window == missed


def test_nobody_drifts_before_enough_meetings_had_attendance(group, people):
    AttendanceFactory(meeting=_meeting(group, 2), user=people["ned"], status="absent")

    result = health.group_health(group, now=NOW)

    assert (result.drifting, result.drift_window) == ([], 1)


def test_chart_rows_sit_one_under_another_with_scaled_bars():
    rows = [
        health.Row("a", health._bars([4, 2], 4)),
        health.Row("b", health._bars([0, 1], 4)),
    ]

    chart = health.chart(rows)

    room = health.CHART_WIDTH - health.LABEL_WIDTH - health.VALUE_WIDTH
    assert [r.y for r in rows] == [0, rows[0].height]
    assert chart.height == rows[0].height + rows[1].height
    assert [b.length for b in rows[0].bars] == [room, room // 2]
    assert [b.length for b in rows[1].bars] == [0, round(room / 4)]
    assert rows[0].bars[1].y == rows[0].bars[0].y + health.BAR_HEIGHT + health.BAR_GAP


# --- the page ---------------------------------------------------------------------------------


def _url(group, **query):
    return reverse("groups:health", args=[group.slug]) + (
        "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    )


def test_page_draws_each_chart_with_its_table(client, group, people):
    meeting = _meeting(group, 2, facilitator=people["olga"])
    AttendanceFactory(meeting=meeting, user=people["mia"], status="present")
    client.force_login(people["olga"])

    page = client.get(_url(group)).content.decode()

    for title in (
        "Attendance rate per meeting",
        "Answered going and marked present, per meeting",
        "Presentations and facilitations per member",
        "Members who joined and who left, per quarter",
    ):
        assert f">{title}</title>" in page
        assert f"<caption>{title}</caption>" in page
    assert " style=" not in page
    # Olga facilitated and did not present: her one bar is the second series' colour.
    start = page.index(">Olga Organizer</text>")
    olga_row = page[start : page.index(">Mia Member</text>", start)]
    assert 'fill="#b45309"' in olga_row


@pytest.mark.parametrize(("who", "status"), [("olga", 200), ("mia", 404), ("outsider", 404)])
def test_page_is_for_organizers(client, group, people, who, status):
    client.force_login(people.get(who) or UserFactory())

    assert client.get(_url(group)).status_code == status


def test_site_admins_may_look(client, group, people):
    client.force_login(AdminFactory())

    assert client.get(_url(group)).status_code == 200


def test_a_bad_number_of_missed_meetings_is_said_beside_the_field(client, group, people):
    client.force_login(people["olga"])

    response = client.get(_url(group, missed="99"))

    assert response.context["form"].errors["missed"] == ["Choose between 2 and 6 meetings."]
    assert response.context["health"].drift_meetings == health.DRIFT_DEFAULT
    assert 'id="id_missed_errors"' in response.content.decode()


@pytest.mark.parametrize("meetings", [1, 20])
def test_page_query_count_does_not_grow_with_meetings(
    client, group, people, meetings, django_assert_num_queries
):
    for n in range(meetings):
        meeting = _meeting(group, 1, facilitator=people["olga"])
        type(meeting).objects.filter(pk=meeting.pk).update(
            starts_at=NOW - timedelta(days=n + 1),
            ends_at=NOW - timedelta(days=n + 1) + timedelta(hours=1),
        )
        for user in people.values():
            AttendanceFactory(meeting=meeting, user=user, status="present")
            RsvpFactory(meeting=meeting, user=user, answer=RsvpAnswer.GOING)
    client.force_login(people["olga"])

    with django_assert_num_queries(8):
        client.get(_url(group))
