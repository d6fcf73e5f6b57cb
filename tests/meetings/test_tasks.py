"""The meetings beat tasks: series stay materialized ahead, low RSVPs are warned about once;
a series or meeting that is no longer there to work on is left be."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from groups.enums import GroupStatus, Role
from groups.models import Group
from meetings import services
from meetings.enums import MeetingStatus, RsvpAnswer
from meetings.models import Meeting
from meetings.tasks import task_extend_all_series, task_warn_low_rsvps
from members.models import Delivery
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return GroupFactory(time_zone="America/New_York", meeting_minutes=90)


@pytest.fixture
def organizer(group):
    return MembershipFactory(group=group, role=Role.ORGANIZER).user


@pytest.fixture
def week_old_series(group, organizer):
    """A weekly series materialized twelve weeks ahead of a week ago: one week short today."""
    week_ago = timezone.localdate() - timedelta(weeks=1)
    return services.create_series(
        actor=organizer,
        group=group,
        title="Consultation",
        rule="FREQ=WEEKLY;INTERVAL=1",
        starts_on=week_ago,
        start_time=time(19),
        duration_minutes=90,
        today=week_ago,
    )


def test_task_extend_all_series_adds_the_missing_week_once(week_old_series):
    before = week_old_series.meetings.count()

    assert task_extend_all_series() == 1
    assert task_extend_all_series() == 0

    assert week_old_series.meetings.count() == before + 1


def test_task_extend_all_series_leaves_a_series_of_an_archived_group_alone(week_old_series):
    Group.objects.filter(pk=week_old_series.group_id).update(status=GroupStatus.ARCHIVED)
    before = week_old_series.meetings.count()

    assert task_extend_all_series() == 0

    assert week_old_series.meetings.count() == before


@pytest.fixture
def thin_meeting(group, organizer):
    """A meeting in 30 hours with one member going."""
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(hours=30))
    member = MembershipFactory(group=group).user
    services.set_rsvp(user=member, meeting=meeting, answer=RsvpAnswer.GOING)
    return meeting


def test_task_warn_low_rsvps_warns_the_organizer_once(thin_meeting, organizer):
    assert task_warn_low_rsvps() == 1
    assert task_warn_low_rsvps() == 0

    warnings = Delivery.objects.filter(template="low_rsvp_warning")
    assert list(warnings.values_list("email", "object_id")) == [(organizer.email, thin_meeting.pk)]
    assert Meeting.objects.get(pk=thin_meeting.pk).low_rsvp_warned_at is not None


def test_task_warn_low_rsvps_about_a_cancelled_meeting_warns_nobody(thin_meeting, organizer):
    services.cancel_meeting(actor=organizer, meeting=thin_meeting)

    assert task_warn_low_rsvps() == 0

    assert Meeting.objects.get(pk=thin_meeting.pk).status == MeetingStatus.CANCELLED
    assert not Delivery.objects.filter(template="low_rsvp_warning").exists()
