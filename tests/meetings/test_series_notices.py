"""One change, one e-mail: a series change sends each member one summary, and nobody is told of
their own action."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from groups.enums import Role
from meetings import services
from meetings.models import Meeting
from members.models import Delivery
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")


@pytest.fixture
def group():
    return GroupFactory(time_zone="America/New_York", meeting_minutes=90)


@pytest.fixture
def organizer(group):
    return MembershipFactory(group=group, role=Role.ORGANIZER).user


@pytest.fixture
def members(group):
    return [MembershipFactory(group=group).user for _ in range(3)]


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


def _recipients(mailoutbox) -> list[str]:
    return sorted(message.to[0] for message in mailoutbox)


def test_this_and_following_sends_each_member_one_summary_and_the_actor_none(
    group, organizer, members, django_capture_on_commit_callbacks, mailoutbox
):
    series = _series(group, organizer)
    pivot = series.meetings.order_by("starts_at")[3]
    new_start = datetime.combine(pivot.starts_at.astimezone(NY).date(), time(17, 30), tzinfo=NY)

    with django_capture_on_commit_callbacks(execute=True):
        updated = services.update_meeting(
            actor=organizer,
            meeting=pivot,
            data={"starts_at": new_start},
            scope="following",
            message="New room from March",
        )

    assert len(updated) == 9
    assert _recipients(mailoutbox) == sorted(m.email for m in members)
    body = mailoutbox[0].body
    assert "changed 9 meetings of Consultation" in body
    assert "What changed: the start time." in body
    assert "New room from March" in body
    assert mailoutbox[0].subject.endswith(f"· {group.name}")
    assert "9 meetings of Consultation changed from" in mailoutbox[0].subject
    assert mailoutbox[0].attachments[0][0] == "meetings.ics"
    assert mailoutbox[0].attachments[0][1].count("BEGIN:VEVENT") == 9
    assert Delivery.objects.filter(template__startswith="meeting_").count() == 0


def test_a_second_series_change_sends_a_second_summary(
    group, organizer, members, django_capture_on_commit_callbacks, mailoutbox
):
    series = _series(group, organizer)
    pivot = series.meetings.order_by("starts_at")[3]
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(
            actor=organizer, meeting=pivot, data={"title": "Case review"}, scope="following"
        )
        pivot.refresh_from_db()
        services.update_meeting(
            actor=organizer, meeting=pivot, data={"title": "Case clinic"}, scope="following"
        )

    assert _recipients(mailoutbox) == sorted(m.email for m in members for _ in range(2))
    assert "What changed: the title." in mailoutbox[-1].body


def test_a_co_organizer_is_told_of_the_organizers_series_change(
    group, organizer, django_capture_on_commit_callbacks, mailoutbox
):
    co = MembershipFactory(group=group, role=Role.CO_ORGANIZER).user
    series = _series(group, organizer)
    pivot = series.meetings.order_by("starts_at")[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(
            actor=organizer, meeting=pivot, data={"title": "Renamed"}, scope="following"
        )

    assert _recipients(mailoutbox) == [co.email]
    assert "changed 12 meetings" in mailoutbox[0].body


def test_editing_one_meeting_notifies_the_others_but_not_the_actor(
    group, organizer, members, django_capture_on_commit_callbacks, mailoutbox
):
    meeting = MeetingFactory(group=group)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(actor=organizer, meeting=meeting, data={"title": "Renamed"})

    assert _recipients(mailoutbox) == sorted(m.email for m in members)


def test_cancelling_notifies_the_others_but_not_the_actor(
    group, organizer, members, django_capture_on_commit_callbacks, mailoutbox
):
    meeting = MeetingFactory(group=group)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(actor=organizer, meeting=meeting, message="Snow")

    assert _recipients(mailoutbox) == sorted(m.email for m in members)
    assert all("Snow" in message.body for message in mailoutbox)


def test_a_member_who_edits_as_co_organizer_is_not_told_but_the_organizer_is(
    group, organizer, django_capture_on_commit_callbacks, mailoutbox
):
    co = MembershipFactory(group=group, role=Role.CO_ORGANIZER).user
    meeting = MeetingFactory(group=group)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(actor=co, meeting=meeting)

    assert _recipients(mailoutbox) == [organizer.email]


def test_a_series_change_keeps_a_cancelled_date_cancelled(group, organizer, members):
    series = _series(group, organizer)
    meetings = list(series.meetings.order_by("starts_at"))
    services.cancel_meeting(actor=organizer, meeting=meetings[5])
    services.update_meeting(
        actor=organizer, meeting=meetings[3], data={"title": "Case review"}, scope="following"
    )

    new_series = Meeting.objects.get(pk=meetings[3].pk).series
    services.materialize_series(series=new_series, today=timezone.localdate())

    same_day = Meeting.objects.filter(group=group, occurrence_date=meetings[5].occurrence_date)
    assert list(same_day.values_list("status", "series")) == [("cancelled", new_series.pk)]
