"""The group's shown schedule (cadence, weekdays, usual time) follows its running series."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.enums import Cadence, Role
from groups.models import Group, weekdays_from_mask
from meetings import services
from meetings.models import MeetingSeries
from tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")


@pytest.fixture
def group():
    # What the organizer typed: monthly on Fridays at 7 pm.
    return GroupFactory(
        name="Typed Schedule",
        time_zone="America/New_York",
        cadence=Cadence.MONTHLY,
        weekdays=1 << 4,
        usual_time=time(19),
    )


@pytest.fixture
def organizer(group):
    return MembershipFactory(group=group, role=Role.ORGANIZER).user


def _series(group, organizer, rule, *, start_time=time(18, 30), days=1, ends_in=None):
    today = timezone.localdate()
    return services.create_series(
        actor=organizer,
        group=group,
        title="Consultation",
        rule=rule,
        starts_on=today + timedelta(days=days),
        start_time=start_time,
        duration_minutes=90,
        ends_on=today + timedelta(days=ends_in) if ends_in else None,
        today=today,
    )


def _schedule(group) -> tuple:
    group = Group.objects.get(pk=group.pk)
    return group.cadence, weekdays_from_mask(group.weekdays), group.usual_time


@pytest.mark.parametrize(
    ("rule", "cadence", "weekdays"),
    [
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", Cadence.BIWEEKLY, [1]),
        ("FREQ=WEEKLY;INTERVAL=1;BYDAY=TH", Cadence.WEEKLY, [3]),
        ("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE", Cadence.SEVERAL_WEEKLY, [0, 2]),
        ("FREQ=MONTHLY;INTERVAL=1;BYDAY=+1TH,+3TH", Cadence.TWICE_MONTHLY, [3]),
        ("FREQ=MONTHLY;INTERVAL=1;BYDAY=+2WE", Cadence.MONTHLY, [2]),
        ("FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15", Cadence.MONTHLY, []),
        ("FREQ=WEEKLY;INTERVAL=4;BYDAY=SA", Cadence.MONTHLY, [5]),
    ],
)
def test_a_new_series_sets_the_groups_schedule(group, organizer, rule, cadence, weekdays):
    _series(group, organizer, rule)

    assert _schedule(group) == (cadence, weekdays, time(18, 30))


def test_a_change_to_this_and_following_moves_the_usual_time_and_keeps_the_cadence(
    group, organizer
):
    series = _series(group, organizer, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
    pivot = series.meetings.order_by("starts_at")[2]
    new_start = datetime.combine(pivot.starts_at.astimezone(NY).date(), time(17), tzinfo=NY)

    services.update_meeting(
        actor=organizer, meeting=pivot, data={"starts_at": new_start}, scope="following"
    )

    assert MeetingSeries.objects.filter(group=group).count() == 2
    assert _schedule(group) == (Cadence.BIWEEKLY, [1], time(17))


def test_two_running_series_add_up(group, organizer):
    _series(group, organizer, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", start_time=time(9))
    _series(group, organizer, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", start_time=time(12), days=3)

    assert _schedule(group) == (Cadence.WEEKLY, [0, 3], time(12))


def test_a_series_that_ended_leaves_the_schedule_to_the_one_that_runs(group, organizer):
    _series(group, organizer, "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO", ends_in=20)
    _series(group, organizer, "FREQ=MONTHLY;INTERVAL=1;BYDAY=+1WE", start_time=time(8))
    assert _schedule(group) == (Cadence.WEEKLY, [0, 2], time(8))

    services.extend_all_series(today=timezone.localdate() + timedelta(days=21))

    assert _schedule(group) == (Cadence.MONTHLY, [2], time(8))


def test_a_group_without_series_keeps_what_was_typed(group):
    services.sync_group_schedule(group=group)

    assert _schedule(group) == (Cadence.MONTHLY, [4], time(19))


def test_browse_filters_on_the_real_schedule(client, group, organizer):
    _series(group, organizer, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")

    def names(**params):
        response = client.get(reverse("groups:browse"), params)
        return [g.name for g in response.context["page"].object_list]

    assert names(cadence="biweekly") == ["Typed Schedule"]
    assert names(cadence="monthly") == []
    assert names(weekday="1") == ["Typed Schedule"]
    assert names(weekday="4") == []


def test_the_edit_page_shows_the_schedule_as_set_by_the_series(client, group, organizer):
    _series(group, organizer, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
    client.force_login(organizer)

    form = client.get(reverse("groups:edit", args=[group.slug])).context["form"]

    assert form.fields["cadence"].disabled
    assert "Every 2 weeks on Tuesday" in form.fields["cadence"].help_text
