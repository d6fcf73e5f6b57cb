"""What meetings e-mail, built from the data as it stands when each e-mail goes out: change
notices, series summaries, time-zone notices, low-RSVP warnings, reminders, RSVP nudges and
role reminders. Someone who left the group, answered already, or no longer holds the role is
not sent what no longer concerns them; the planners pick who is due for what."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from groups.enums import Role
from groups.services.membership import leave_group
from meetings import notifications, services
from meetings.enums import RsvpAnswer
from members.enums import DeliveryStatus
from members.models import Delivery, NotificationPreference
from members.notifications import dispatch_due, send_delivery
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")  # the group's zone and every recipient's (ProfileFactory)


@pytest.fixture
def group():
    return GroupFactory(name="Harbour Circle", time_zone="America/New_York", meeting_minutes=90)


@pytest.fixture
def organizer(group):
    return MembershipFactory(group=group, role=Role.ORGANIZER).user


@pytest.fixture
def members(group):
    return [MembershipFactory(group=group).user for _ in range(3)]


def _starting_in(group, delta: timedelta, **kwargs):
    return MeetingFactory(
        group=group, starts_at=(timezone.now() + delta).replace(microsecond=0), **kwargs
    )


def _day(moment, fmt: str = "%A %-d %B %Y") -> str:
    return moment.astimezone(NY).strftime(fmt)


def _sent(mailoutbox) -> list[tuple[str, str]]:
    return sorted((m.to[0], m.subject) for m in mailoutbox)


def _send(template: str) -> dict[str, str]:
    """Send every delivery of ``template`` now, as the worker would: {e-mail address: outcome}."""
    rows = Delivery.objects.filter(template=template).order_by("pk").values_list("pk", "email")
    return {email: send_delivery(pk) for pk, email in rows}


# --- a meeting changed, a series changed, the group's zone changed ---------------------------------


def test_a_cancellation_is_not_sent_to_someone_who_left_the_group_meanwhile(
    group, organizer, members, mailoutbox
):
    meeting = _starting_in(group, timedelta(days=7))
    services.cancel_meeting(actor=organizer, meeting=meeting, message="The room is flooded")
    leave_group(user=members[0], group=group)

    assert _send("meeting_cancelled") == {
        members[0].email: DeliveryStatus.SKIPPED,
        members[1].email: DeliveryStatus.SENT,
        members[2].email: DeliveryStatus.SENT,
    }
    subject = (
        f"[PeerCircle] Group meeting on {_day(meeting.starts_at)} is cancelled · Harbour Circle"
    )
    assert _sent(mailoutbox) == [(members[1].email, subject), (members[2].email, subject)]
    assert "The room is flooded" in mailoutbox[0].body
    assert mailoutbox[0].attachments[0][0] == "meeting.ics"


def _series(group, organizer):
    today = timezone.localdate()
    return services.create_series(
        actor=organizer,
        group=group,
        title="Consultation",
        rule="FREQ=WEEKLY;INTERVAL=1;BYDAY=TH",
        starts_on=today + timedelta(days=1),
        start_time=time(19),
        duration_minutes=90,
        today=today,
    )


def _change_last_three(group, organizer) -> list:
    """Move the series' last three meetings to 17:30; the summary is recorded, not yet sent."""
    pivot = _series(group, organizer).meetings.order_by("starts_at")[9]
    new_start = datetime.combine(pivot.starts_at.astimezone(NY).date(), time(17, 30), tzinfo=NY)
    updated = services.update_meeting(
        actor=organizer, meeting=pivot, data={"starts_at": new_start}, scope="following"
    )
    return sorted(updated, key=lambda m: m.starts_at)


def test_a_series_summary_lists_the_meetings_as_they_stand_when_sent(
    group, organizer, members, mailoutbox
):
    changed = _change_last_three(group, organizer)
    services.cancel_meeting(actor=organizer, meeting=changed[0])
    leave_group(user=members[0], group=group)

    assert _send("series_changed") == {
        members[0].email: DeliveryStatus.SKIPPED,
        members[1].email: DeliveryStatus.SENT,
        members[2].email: DeliveryStatus.SENT,
    }
    body = mailoutbox[0].body
    assert "changed 3 meetings of Consultation" in body
    listed = [line for line in body.splitlines() if line.startswith("- Consultation: ")]
    assert [line.split(": ", 1)[1].split(",")[0] for line in listed] == [
        f"{m.starts_at.astimezone(NY):%a %-d %b %Y}" for m in changed[1:]
    ]
    assert mailoutbox[0].attachments[0][1].count("BEGIN:VEVENT") == 2


def test_a_series_summary_is_skipped_once_every_meeting_in_it_is_cancelled(
    group, organizer, members, mailoutbox
):
    for meeting in _change_last_three(group, organizer):
        services.cancel_meeting(actor=organizer, meeting=meeting)

    assert set(_send("series_changed").values()) == {DeliveryStatus.SKIPPED}
    assert mailoutbox == []


def test_a_time_zone_notice_is_not_sent_to_someone_who_left_the_group_meanwhile(
    group, organizer, members, mailoutbox
):
    upcoming = _starting_in(group, timedelta(days=7))
    services.change_group_time_zone(
        actor=organizer, group=group, time_zone="Europe/London", keep_local_times=True
    )
    leave_group(user=members[0], group=group)

    assert _send("group_time_zone_changed") == {
        members[0].email: DeliveryStatus.SKIPPED,
        members[1].email: DeliveryStatus.SENT,
        members[2].email: DeliveryStatus.SENT,
    }
    assert {m.subject for m in mailoutbox} == {
        "[PeerCircle] Harbour Circle now schedules its meetings in Europe/London"
    }
    body = mailoutbox[0].body
    assert "changed the group's time zone from America/New_York to Europe/London" in body
    assert "1 upcoming meeting moved so that each keeps its local clock time" in body
    upcoming.refresh_from_db()
    assert f"- Group meeting: {_day(upcoming.starts_at, '%a %-d %b %Y, %H:%M')}" in body


# --- few going ---------------------------------------------------------------------------------------


def test_a_low_rsvp_warning_is_skipped_once_the_meeting_is_cancelled(
    group, organizer, members, mailoutbox
):
    meeting = _starting_in(group, timedelta(hours=30))
    assert services.warn_low_rsvps() == 1
    services.cancel_meeting(actor=organizer, meeting=meeting)

    assert _send("low_rsvp_warning") == {organizer.email: DeliveryStatus.SKIPPED}
    assert mailoutbox == []


# --- meeting reminders ---------------------------------------------------------------------------


@pytest.fixture
def tomorrow(group, members):
    """A meeting a day ahead less ten minutes (the default one-day reminder fell due), which
    every member said they are going to."""
    meeting = _starting_in(group, timedelta(days=1, minutes=-10))
    for member in members:
        services.set_rsvp(user=member, meeting=meeting, answer=RsvpAnswer.GOING)
    return meeting


def _leave(member, meeting) -> None:
    leave_group(user=member, group=meeting.group)


def _cant_go(member, meeting) -> None:
    services.set_rsvp(user=member, meeting=meeting, answer=RsvpAnswer.CANT)


@pytest.mark.parametrize("change", [_leave, _cant_go], ids=["left_the_group", "cant_go"])
def test_a_meeting_reminder_is_skipped_for_someone_no_longer_coming(
    members, tomorrow, mailoutbox, change
):
    notifications.plan_meeting_reminders(timezone.now())
    change(members[0], tomorrow)

    assert _send("meeting_reminder") == {
        members[0].email: DeliveryStatus.SKIPPED,
        members[1].email: DeliveryStatus.SENT,
        members[2].email: DeliveryStatus.SENT,
    }
    subject = (
        f"[PeerCircle] Reminder: Group meeting on "
        f"{_day(tomorrow.starts_at, '%A %-d %B %Y, %H:%M New York time')} · Harbour Circle"
    )
    assert _sent(mailoutbox) == [(members[1].email, subject), (members[2].email, subject)]
    assert "You said: Going." in mailoutbox[0].body
    assert mailoutbox[0].attachments[0][0] == "meeting.ics"


# --- RSVP nudges and role reminders, two days ahead ---------------------------------------------------


@pytest.fixture
def in_two_days(group):
    """A meeting two days ahead less ten minutes: nudges and role reminders fell due."""
    return _starting_in(group, timedelta(days=2, minutes=-10))


def test_rsvp_nudges_go_to_members_who_have_not_answered_and_want_them(
    group, organizer, members, in_two_days, mailoutbox
):
    services.set_rsvp(user=members[0], meeting=in_two_days, answer=RsvpAnswer.MAYBE)
    NotificationPreference.objects.create(user=members[1], kind="rsvp_nudge", enabled=False)

    dispatch_due()

    subject = (
        f"[PeerCircle] Are you coming to Group meeting on {_day(in_two_days.starts_at)}? "
        "· Harbour Circle"
    )
    assert _sent(mailoutbox) == sorted([(organizer.email, subject), (members[2].email, subject)])
    assert "you haven't said yet whether you're coming" in mailoutbox[0].body
    assert in_two_days.get_absolute_url() in mailoutbox[0].body


def test_rsvp_nudges_of_two_groups_go_each_to_its_own_members(
    group, organizer, members, in_two_days
):
    other = GroupFactory(time_zone="America/New_York")
    stranger = MembershipFactory(group=other).user
    theirs = MeetingFactory(group=other, starts_at=in_two_days.starts_at)

    notifications.plan_rsvp_nudges_and_roles(timezone.now())

    nudges = Delivery.objects.filter(template="rsvp_nudge").values_list("recipient", "object_id")
    assert sorted(nudges) == sorted(
        [(u.pk, in_two_days.pk) for u in [organizer, *members]] + [(stranger.pk, theirs.pk)]
    )


def test_an_rsvp_nudge_is_skipped_once_the_member_answered(
    organizer, members, in_two_days, mailoutbox
):
    notifications.plan_rsvp_nudges_and_roles(timezone.now())
    services.set_rsvp(user=members[0], meeting=in_two_days, answer=RsvpAnswer.GOING)

    assert _send("rsvp_nudge") == {
        organizer.email: DeliveryStatus.SENT,
        members[0].email: DeliveryStatus.SKIPPED,
        members[1].email: DeliveryStatus.SENT,
        members[2].email: DeliveryStatus.SENT,
    }
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        u.email for u in [organizer, members[1], members[2]]
    )


def test_role_reminders_go_to_the_facilitator_and_timekeeper_who_want_them(
    group, organizer, members, mailoutbox
):
    meeting = _starting_in(
        group, timedelta(days=2, minutes=-10), facilitator=members[0], timekeeper=members[1]
    )
    untimed = _starting_in(group, timedelta(days=2, minutes=-20), facilitator=members[2])
    NotificationPreference.objects.create(user=members[2], kind="role_reminder", enabled=False)

    dispatch_due()

    roles = [m for m in mailoutbox if m.subject.startswith("[PeerCircle] You are the")]
    day = _day(meeting.starts_at)
    assert _sent(roles) == [
        (
            members[0].email,
            f"[PeerCircle] You are the facilitator for Group meeting on {day} · Harbour Circle",
        ),
        (
            members[1].email,
            f"[PeerCircle] You are the timekeeper for Group meeting on {day} · Harbour Circle",
        ),
    ]
    by_role = {m.to[0]: m.body for m in roles}
    assert "As facilitator, you guide the group through the agenda" in by_role[members[0].email]
    assert (
        "As timekeeper, you keep each segment of the agenda to its time"
        in (by_role[members[1].email])
    )
    assert all(m.attachments[0][0] == "meeting.ics" for m in roles)
    assert not Delivery.objects.filter(template="role_reminder", object_id=untimed.pk).exists()


def test_a_role_reminder_is_skipped_once_the_role_changed_hands(
    group, organizer, members, mailoutbox
):
    meeting = _starting_in(
        group, timedelta(days=2, minutes=-10), facilitator=members[0], timekeeper=members[1]
    )
    notifications.plan_rsvp_nudges_and_roles(timezone.now())
    services.update_meeting(actor=organizer, meeting=meeting, data={"timekeeper": members[2]})

    assert _send("role_reminder") == {
        members[0].email: DeliveryStatus.SENT,
        members[1].email: DeliveryStatus.SKIPPED,
    }
    assert [m.to[0] for m in mailoutbox] == [members[0].email]


def test_role_reminders_are_skipped_once_the_meeting_is_cancelled(
    group, organizer, members, mailoutbox
):
    meeting = _starting_in(
        group, timedelta(days=2, minutes=-10), facilitator=members[0], timekeeper=members[1]
    )
    notifications.plan_rsvp_nudges_and_roles(timezone.now())
    services.cancel_meeting(actor=organizer, meeting=meeting)

    assert _send("role_reminder") == {
        members[0].email: DeliveryStatus.SKIPPED,
        members[1].email: DeliveryStatus.SKIPPED,
    }
    assert mailoutbox == []
