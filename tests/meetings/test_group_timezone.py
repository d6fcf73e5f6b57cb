"""A group's time zone: new groups take the creator's; a change moves meetings only if asked,
in one step, with one notice per member."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import services as group_services
from groups.enums import Role
from groups.models import Group
from groups.services import GroupActionError
from meetings import services
from meetings.models import Meeting, MeetingSeries
from members.models import AuditEntry, Delivery, TherapistProfile
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

UTC_ZONE = ZoneInfo("UTC")
DENVER = ZoneInfo("America/Denver")


def _denver_user():
    user = UserFactory()
    TherapistProfile.objects.filter(user=user).update(time_zone="America/Denver")
    user.profile.refresh_from_db()
    return user


@pytest.fixture
def group():
    return GroupFactory(name="Zone Group", time_zone="UTC")


@pytest.fixture
def organizer(group):
    return MembershipFactory(group=group, role=Role.ORGANIZER).user


@pytest.fixture
def members(group):
    return [MembershipFactory(group=group).user for _ in range(2)]


@pytest.fixture
def series(group, organizer):
    today = timezone.localdate()
    return services.create_series(
        actor=organizer,
        group=group,
        title="Consultation",
        rule="FREQ=WEEKLY;INTERVAL=1;BYDAY=TH",
        starts_on=today + timedelta(days=1),
        start_time=time(18),
        duration_minutes=90,
        today=today,
    )


def _local_times(group, zone) -> set:
    return {
        m.starts_at.astimezone(ZoneInfo(zone)).time()
        for m in Meeting.objects.filter(group=group, starts_at__gt=timezone.now())
    }


# --- new groups --------------------------------------------------------------------------------


def test_the_create_form_starts_in_the_creators_zone(client):
    client.force_login(_denver_user())

    form = client.get(reverse("groups:create")).context["form"]

    assert form["time_zone"].value() == "America/Denver"


def test_a_group_created_without_a_zone_takes_the_creators(client):
    creator = _denver_user()

    group = group_services.create_group(
        actor=creator,
        data={"name": "Front Range Consult", "purposes": ["consultation"], "city": "Denver"},
    )

    assert group.time_zone == "America/Denver"


# --- changing the zone ---------------------------------------------------------------------------


def test_keeping_local_times_moves_future_meetings_and_the_series(
    group, organizer, members, series, django_capture_on_commit_callbacks, mailoutbox
):
    sequences = dict(Meeting.objects.values_list("pk", "sequence"))

    with django_capture_on_commit_callbacks(execute=True):
        services.change_group_time_zone(
            actor=organizer, group=group, time_zone="America/Denver", keep_local_times=True
        )

    assert _local_times(group, "America/Denver") == {time(18)}
    assert list(MeetingSeries.objects.values_list("time_zone", "start_time")) == [
        ("America/Denver", time(18))
    ]
    assert all(m.sequence == sequences[m.pk] + 1 for m in Meeting.objects.all())
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in members)
    assert "from UTC to America/Denver" in mailoutbox[0].body
    assert "moved so that each keeps its local clock time" in mailoutbox[0].body
    assert Group.objects.get(pk=group.pk).usual_time == time(18)
    entry = AuditEntry.objects.get(verb="group.time_zone_changed")
    assert (entry.data["from"], entry.data["to"], entry.data["moved"]) == (
        "UTC",
        "America/Denver",
        12,
    )
    # Materializing later keeps the new local time.
    services.extend_all_series(today=timezone.localdate() + timedelta(weeks=4))
    assert _local_times(group, "America/Denver") == {time(18)}


def test_keeping_the_moment_moves_nothing_and_says_so(
    group, organizer, members, series, django_capture_on_commit_callbacks, mailoutbox
):
    before = dict(Meeting.objects.values_list("pk", "starts_at"))

    with django_capture_on_commit_callbacks(execute=True):
        services.change_group_time_zone(
            actor=organizer, group=group, time_zone="America/Denver", keep_local_times=False
        )

    assert dict(Meeting.objects.values_list("pk", "starts_at")) == before
    first = Meeting.objects.order_by("starts_at").first()
    series_zone, series_time = series.time_zone, series.start_time
    series.refresh_from_db()
    # The series keeps its own zone and clock time, so every later meeting keeps its moment.
    assert (series.time_zone, series.start_time) == (series_zone, series_time)
    group.refresh_from_db()
    assert group.usual_time == first.starts_at.astimezone(DENVER).time().replace(tzinfo=None)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in members)
    assert "kept their time: nothing moved" in mailoutbox[0].body


def test_past_meetings_never_move(group, organizer, members):
    start = timezone.now().replace(microsecond=0) - timedelta(days=3)
    past = MeetingFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=90))

    services.change_group_time_zone(
        actor=organizer, group=group, time_zone="America/Denver", keep_local_times=True
    )

    past.refresh_from_db()
    assert (past.starts_at, past.sequence) == (start, 0)


def test_the_same_zone_changes_nothing(
    group, organizer, members, series, mailoutbox, django_capture_on_commit_callbacks
):
    before = list(Meeting.objects.values_list("pk", "starts_at", "sequence").order_by("pk"))

    with django_capture_on_commit_callbacks(execute=True):
        services.change_group_time_zone(
            actor=organizer, group=group, time_zone="UTC", keep_local_times=True
        )

    assert list(Meeting.objects.values_list("pk", "starts_at", "sequence").order_by("pk")) == before
    assert mailoutbox == []
    assert Delivery.objects.count() == 0
    assert not AuditEntry.objects.filter(verb="group.time_zone_changed").exists()


def test_update_group_refuses_a_zone_change_that_skips_the_meetings(group, organizer):
    with pytest.raises(GroupActionError, match="edit page"):
        group_services.update_group(
            actor=organizer, group=group, data={"time_zone": "America/Denver"}
        )
    assert Group.objects.get(pk=group.pk).time_zone == "UTC"


# --- the edit page ---------------------------------------------------------------------------------


def _post(group, **overrides):
    data = {
        "name": group.name,
        "tagline": group.tagline,
        "purposes": ["consultation"],
        "format": group.format,
        "leadership_model": group.leadership_model,
        "membership_policy": group.membership_policy,
        "capacity": str(group.capacity),
        "venue_kind": group.venue_kind,
        "city": group.city,
        "cadence": group.cadence,
        "usual_time": "19:00",
        "meeting_minutes": str(group.meeting_minutes),
        "time_zone": group.time_zone,
        "language": group.language,
        "ground_rules": group.ground_rules,
        "warn_low_rsvp": "on",
        "status": group.status,
        **overrides,
    }
    return data


def test_edit_page_asks_what_happens_to_the_meetings(client, group, organizer, series):
    client.force_login(organizer)

    response = client.get(reverse("groups:edit", args=[group.slug]))

    assert "zone_change" in response.context["form"].fields
    assert "keep their local clock time" in response.content.decode()


def test_edit_page_without_the_choice_shows_an_error_and_changes_nothing(
    client, group, organizer, members, series
):
    client.force_login(organizer)
    before = dict(Meeting.objects.values_list("pk", "starts_at"))

    response = client.post(
        reverse("groups:edit", args=[group.slug]), _post(group, time_zone="America/Denver")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["zone_change"] == [
        "You are changing the time zone: choose whether the upcoming meetings keep their local "
        "time or their moment."
    ]
    assert Group.objects.get(pk=group.pk).time_zone == "UTC"
    assert dict(Meeting.objects.values_list("pk", "starts_at")) == before
    assert Delivery.objects.count() == 0


def test_edit_page_with_the_choice_moves_the_meetings_in_one_step(
    client, group, organizer, members, series, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("groups:edit", args=[group.slug]),
            _post(group, time_zone="America/Denver", zone_change="keep_local", tagline="New"),
        )

    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.time_zone, group.tagline) == ("America/Denver", "New")
    assert _local_times(group, "America/Denver") == {time(18)}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in members)


def test_edit_page_of_a_group_without_meetings_needs_no_choice(client, group, organizer, members):
    client.force_login(organizer)

    response = client.post(
        reverse("groups:edit", args=[group.slug]), _post(group, time_zone="America/Denver")
    )

    assert response.status_code == 302
    assert Group.objects.get(pk=group.pk).time_zone == "America/Denver"
    assert Delivery.objects.filter(template="group_time_zone_changed").count() == 2


def test_a_meeting_moved_by_the_zone_shows_the_new_time_to_members(
    client, group, organizer, members
):
    start = datetime.combine(timezone.localdate() + timedelta(days=10), time(18), tzinfo=UTC_ZONE)
    meeting = MeetingFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=90))

    services.change_group_time_zone(
        actor=organizer, group=group, time_zone="America/Denver", keep_local_times=True
    )

    meeting.refresh_from_db()
    assert meeting.starts_at.astimezone(DENVER).time() == time(18)
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=90)


def _denver_thursdays(organizer, start_time: time) -> MeetingSeries:
    """A Denver group of ``organizer``'s meeting on Thursdays at ``start_time``."""
    denver_group = GroupFactory(time_zone="America/Denver")
    MembershipFactory(group=denver_group, user=organizer, role=Role.ORGANIZER)
    return services.create_series(
        actor=organizer,
        group=denver_group,
        title="Thursdays",
        rule="FREQ=WEEKLY;INTERVAL=1;BYDAY=TH",
        starts_on=timezone.localdate() + timedelta(days=2),
        start_time=start_time,
        duration_minutes=90,
    )


def test_keeping_moments_across_midnight_keeps_the_weekday_of_each_meeting(group, organizer):
    """A Thursday 18:00 Denver series seen from Berlin is on Friday at 02:00: the meetings keep
    their moments (and their Thursdays in Denver), and the group's schedule says Friday, 02:00."""
    series = _denver_thursdays(organizer, time(18))
    denver_group = series.group
    before = sorted(series.meetings.values_list("starts_at", flat=True))

    services.change_group_time_zone(
        actor=organizer, group=denver_group, time_zone="Europe/Berlin", keep_local_times=False
    )
    services.extend_all_series(today=timezone.localdate() + timedelta(days=30))

    after = sorted(series.meetings.values_list("starts_at", flat=True))
    assert after[: len(before)] == before
    assert {m.astimezone(DENVER).strftime("%a %H:%M") for m in after} == {"Thu 18:00"}
    denver_group.refresh_from_db()
    assert (denver_group.weekday_labels, denver_group.usual_time) == (["Friday"], time(2))


def test_a_series_edit_after_keeping_moments_keeps_every_meeting_on_one_clock_time(organizer):
    """Found by the state-machine model: after a zone change that kept the moments, a "this
    and following" edit made a series whose clock time and zone disagreed with its meetings."""
    series = _denver_thursdays(organizer, time(7))
    denver_group = series.group
    services.change_group_time_zone(
        actor=organizer, group=denver_group, time_zone="America/New_York", keep_local_times=False
    )
    meeting = series.meetings.order_by("starts_at")[1]
    new_york = ZoneInfo("America/New_York")
    day = meeting.starts_at.astimezone(new_york).date()

    services.update_meeting(
        actor=organizer,
        meeting=meeting,
        data={"starts_at": datetime.combine(day, time(7, 30), tzinfo=new_york)},
        scope="following",
    )

    meeting.refresh_from_db()
    assert meeting.starts_at.astimezone(new_york).time() == time(7, 30)
    new_series = meeting.series
    zone = ZoneInfo(new_series.time_zone)
    clock = {
        m.starts_at.astimezone(zone).time() for m in new_series.meetings.filter(detached=False)
    }
    assert clock == {new_series.start_time}


def test_keeping_clock_times_after_keeping_moments_moves_series_meetings_with_their_series(
    organizer,
):
    """Found by the state-machine model: Denver → New York keeping the moments, then back to
    Denver keeping the clock times people see (20:00) left the series at 18:00 while its
    meetings moved to 20:00."""
    series = _denver_thursdays(organizer, time(18))
    denver_group = series.group
    services.change_group_time_zone(
        actor=organizer, group=denver_group, time_zone="America/New_York", keep_local_times=False
    )

    services.change_group_time_zone(
        actor=organizer, group=denver_group, time_zone="America/Denver", keep_local_times=True
    )

    series.refresh_from_db()
    assert (series.time_zone, series.start_time) == ("America/Denver", time(20))
    assert {
        m.astimezone(DENVER).strftime("%a %H:%M")
        for m in series.meetings.values_list("starts_at", flat=True)
    } == {"Thu 20:00"}
