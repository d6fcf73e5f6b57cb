"""Organizer pages for meetings: schedule, edit, cancel, agendas and attendance."""

import html
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.http import urlencode

from groups.enums import Role
from groups.models import GroundRulesVersion, Membership
from meetings import services
from meetings.enums import AttendanceStatus, MeetingStatus, RsvpAnswer, SegmentKind
from meetings.models import (
    AgendaSegment,
    AgendaTemplateSegment,
    Attendance,
    Meeting,
    MeetingSeries,
    Rsvp,
)
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

BERLIN = ZoneInfo("Europe/Berlin")
NY = ZoneInfo("America/New_York")


@pytest.fixture
def group():
    # The group meets in Berlin; everyone here reads the site in New York time (the profile
    # default), so a time that comes out right proves the group's zone was used.
    return GroupFactory(name="Berlin Consult", time_zone="Europe/Berlin", meeting_minutes=90)


@pytest.fixture
def organizer(group):
    return MembershipFactory(
        group=group, role=Role.ORGANIZER, user=UserFactory(profile__display_name="Olga Organizer")
    ).user


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, user=UserFactory(profile__display_name="Mia Member")).user


@pytest.fixture
def meeting(group):
    # on the minute, as meetings scheduled through the forms are
    start = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    return MeetingFactory(
        group=group,
        title="February consult",
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
    )


def _text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _viewer_today():
    """``timezone.localdate()`` as the views see it for a viewer in New York."""
    return timezone.localdate(timezone=NY)


def _to_past(meeting) -> Meeting:
    start = timezone.now().replace(microsecond=0) - timedelta(days=2)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=start, ends_at=start + timedelta(minutes=90)
    )
    # The group and its members so far were there before it (attendance counts only those who
    # had joined by then).
    GroundRulesVersion.objects.filter(group=meeting.group_id).update(
        created_at=start - timedelta(days=60)
    )
    Membership.objects.filter(group=meeting.group_id, joined_at__gt=start).update(
        joined_at=start - timedelta(days=30)
    )
    meeting.refresh_from_db()
    return meeting


# --- scheduling -----------------------------------------------------------------------------------


def _create(client, group, **data):
    payload = {
        "title": "Consultation",
        "kind": "once",
        "starts_on": str(_viewer_today() + timedelta(days=10)),
        "start_time": "19:00",
        "duration_minutes": "90",
        "interval": "1",
        **data,
    }
    return client.post(reverse("meetings:create", args=[group.slug]), payload)


@pytest.mark.parametrize("role", [Role.MEMBER, None])
def test_create_member_or_outsider_is_404(client, group, role):
    user = MembershipFactory(group=group, role=role).user if role else UserFactory()
    client.force_login(user)

    assert client.get(reverse("meetings:create", args=[group.slug])).status_code == 404
    assert _create(client, group).status_code == 404
    assert Meeting.objects.count() == 0


def test_create_organizer_sees_form_with_group_defaults(client, group, organizer):
    client.force_login(organizer)

    response = client.get(reverse("meetings:create", args=[group.slug]))

    form = response.context["form"]
    assert form.fields["start_time"].initial == time(19)
    assert form.fields["duration_minutes"].initial == 90
    assert "In the group's time zone (Berlin time)." in _text(response)


def test_create_once_schedules_in_the_group_time_zone(client, group, organizer):
    day = _viewer_today() + timedelta(days=10)
    client.force_login(organizer)

    response = _create(client, group, starts_on=str(day), start_time="19:00", duration_minutes=90)

    meeting = Meeting.objects.get()
    assert response.url == reverse("meetings:detail", args=[meeting.pk])
    assert meeting.starts_at == datetime.combine(day, time(19), tzinfo=BERLIN)
    assert meeting.ends_at == meeting.starts_at + timedelta(minutes=90)
    assert (meeting.title, meeting.group, meeting.series) == ("Consultation", group, None)
    assert _messages(response) == ["The meeting is scheduled and members can RSVP."]


def test_create_weekly_series_makes_twelve_meetings(client, group, organizer):
    client.force_login(organizer)

    response = _create(
        client,
        group,
        kind="weekly",
        starts_on=str(_viewer_today() + timedelta(days=1)),
        weekdays=[3],
        interval=1,
    )

    series = MeetingSeries.objects.get()
    assert response.url == group.get_absolute_url()
    assert series.rule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TH"
    assert series.time_zone == "Europe/Berlin"
    meetings = list(Meeting.objects.order_by("starts_at"))
    assert len(meetings) == 12
    local = [m.starts_at.astimezone(BERLIN) for m in meetings]
    assert {d.weekday() for d in local} == {3}
    assert {d.time() for d in local} == {time(19)}
    assert {m.series_id for m in meetings} == {series.pk}
    assert _messages(response) == [
        "The series is set up: 12 meetings scheduled for the next 12 weeks."
    ]


def test_create_monthly_nth_series_meets_on_first_and_third_thursdays(client, group, organizer):
    today = _viewer_today()
    client.force_login(organizer)

    _create(
        client,
        group,
        kind="monthly_nth",
        starts_on=str(today + timedelta(days=1)),
        ordinals=[1, 3],
        weekday=3,
    )

    series = MeetingSeries.objects.get()
    assert series.rule == "FREQ=MONTHLY;INTERVAL=1;BYDAY=+1TH,+3TH"
    expected = [
        day
        for day in (today + timedelta(days=n) for n in range(1, 85))
        if day.weekday() == 3 and (day.day <= 7 or 15 <= day.day <= 21)
    ]
    assert [m.starts_at.astimezone(BERLIN).date() for m in series.meetings.all()] == expected


def _assert_create_refused(response):
    assert response.status_code == 200
    assert Meeting.objects.count() == 0
    assert MeetingSeries.objects.count() == 0


def test_create_once_in_the_past_is_a_field_error(client, group, organizer):
    client.force_login(organizer)

    response = _create(client, group, starts_on=str(_viewer_today() - timedelta(days=1)))

    _assert_create_refused(response)
    assert response.context["form"].errors == {
        "starts_on": ["Choose a date and time in the future."]
    }


def test_create_weekly_without_weekday_is_a_field_error(client, group, organizer):
    client.force_login(organizer)

    response = _create(client, group, kind="weekly")

    _assert_create_refused(response)
    assert response.context["form"].errors == {"weekdays": ["Choose at least one weekday."]}


def test_create_monthly_day_that_never_comes_is_an_error(client, group, organizer):
    year = _viewer_today().year + 1
    client.force_login(organizer)

    response = _create(
        client,
        group,
        kind="monthly_day",
        month_day=31,
        starts_on=str(date(year, 2, 1)),
        ends_on=str(date(year, 2, 28)),
    )

    _assert_create_refused(response)
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert "no meeting at all" in errors[0]
    assert "no meeting at all" in _text(response)


def test_create_series_ending_before_it_starts_is_a_field_error(client, group, organizer):
    today = _viewer_today()
    client.force_login(organizer)

    response = _create(
        client,
        group,
        kind="weekly",
        weekdays=[3],
        starts_on=str(today + timedelta(days=10)),
        ends_on=str(today + timedelta(days=5)),
    )

    _assert_create_refused(response)
    assert response.context["form"].errors == {
        "ends_on": ["The last date cannot be before the first."]
    }


# --- editing ----------------------------------------------------------------------------------


def _edit_data(meeting, **overrides):
    local = meeting.starts_at.astimezone(ZoneInfo(meeting.group.time_zone))
    return {
        "title": meeting.title,
        "date": str(local.date()),
        "start_time": f"{local:%H:%M}",
        "duration_minutes": str(meeting.duration_minutes),
        "venue_kind": meeting.venue_kind,
        "venue_name": meeting.venue_name,
        "street_address": meeting.street_address,
        "online_link": meeting.online_link,
        "timekeeper": "",
        "message": "",
        **overrides,
    }


def _edit(client, meeting, **overrides):
    return client.post(
        reverse("meetings:edit", args=[meeting.pk]), _edit_data(meeting, **overrides)
    )


def test_edit_organizer_moves_a_meeting_and_members_get_an_ics(
    client, group, organizer, member, meeting, django_capture_on_commit_callbacks, mailoutbox
):
    new_day = meeting.starts_at.astimezone(BERLIN).date() + timedelta(days=1)
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = _edit(
            client, meeting, date=str(new_day), start_time="18:30", message="Room change"
        )

    assert response.url == reverse("meetings:detail", args=[meeting.pk])
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime.combine(new_day, time(18, 30), tzinfo=BERLIN)
    assert meeting.ends_at == meeting.starts_at + timedelta(minutes=90)
    assert (meeting.sequence, meeting.status_message) == (1, "Room change")
    assert [m.to[0] for m in mailoutbox] == [member.email]  # never the organizer who acted
    for mail in mailoutbox:
        assert "February consult has moved to" in mail.subject
        [attachment] = mail.attachments
        assert attachment.filename == "meeting.ics"
        assert attachment.mimetype == "text/calendar; method=PUBLISH"
        content = attachment.content
        content = content if isinstance(content, str) else content.decode()
        assert "BEGIN:VEVENT" in content
        assert "SEQUENCE:1" in content
    assert _messages(response) == ["The meeting is updated."]


def test_edit_without_changes_sends_nothing(
    client, organizer, member, meeting, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        _edit(client, meeting)

    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert mailoutbox == []


def _weekly_series(group, organizer) -> MeetingSeries:
    today = timezone.localdate()
    return services.create_series(
        actor=organizer,
        group=group,
        title="Weekly consult",
        rule="FREQ=WEEKLY;INTERVAL=1;BYDAY=TH",
        starts_on=today + timedelta(days=1),
        start_time=time(19),
        duration_minutes=90,
        today=today,
    )


def _local_times(meetings) -> list[time]:
    return [m.starts_at.astimezone(BERLIN).time() for m in meetings]


def test_edit_following_moves_this_and_later_meetings(client, group, organizer):
    series = _weekly_series(group, organizer)
    meetings = list(series.meetings.order_by("starts_at"))
    dates = [m.starts_at.astimezone(BERLIN).date() for m in meetings]
    third = meetings[2]
    client.force_login(organizer)

    response = _edit(client, third, scope="following", start_time="20:00")

    assert _messages(response) == ["10 meetings are updated."]
    after = list(Meeting.objects.order_by("starts_at"))
    assert _local_times(after) == [time(19)] * 2 + [time(20)] * 10
    assert [m.starts_at.astimezone(BERLIN).date() for m in after] == dates
    series.refresh_from_db()
    assert series.ends_on == third.occurrence_date - timedelta(days=1)
    assert {m.series_id for m in after[:2]} == {series.pk}
    new_series = MeetingSeries.objects.exclude(pk=series.pk).get()
    assert {m.series_id for m in after[2:]} == {new_series.pk}
    assert new_series.start_time == time(20)


def test_edit_this_moves_only_one_meeting_of_a_series(client, group, organizer):
    series = _weekly_series(group, organizer)
    third = list(series.meetings.order_by("starts_at"))[2]
    client.force_login(organizer)

    _edit(client, third, scope="this", start_time="20:00")

    after = list(Meeting.objects.order_by("starts_at"))
    assert _local_times(after) == [time(19)] * 2 + [time(20)] + [time(19)] * 9
    third.refresh_from_db()
    assert (third.detached, third.sequence, third.series_id) == (True, 1, series.pk)


def test_edit_to_a_past_date_is_a_field_error(client, organizer, meeting):
    before = meeting.starts_at
    client.force_login(organizer)

    response = _edit(client, meeting, date=str(_viewer_today() - timedelta(days=2)))

    assert response.status_code == 200
    assert response.context["form"].errors == {"date": ["Choose a date and time in the future."]}
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence) == (before, 0)


def test_edit_member_is_404(client, member, meeting):
    client.force_login(member)

    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 404
    assert _edit(client, meeting, start_time="21:00").status_code == 404
    meeting.refresh_from_db()
    assert meeting.sequence == 0


# --- cancelling -------------------------------------------------------------------------------


def test_cancel_get_asks_to_confirm(client, organizer, meeting):
    client.force_login(organizer)

    response = client.get(reverse("meetings:cancel", args=[meeting.pk]))

    assert response.status_code == 200
    assert "Cancel February consult?" in _text(response)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_cancel_post_cancels_and_tells_members(
    client, organizer, member, meeting, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:cancel", args=[meeting.pk]), {"message": "Half the group is ill."}
        )

    assert response.url == reverse("meetings:detail", args=[meeting.pk])
    meeting.refresh_from_db()
    assert (meeting.status, meeting.status_message, meeting.sequence) == (
        MeetingStatus.CANCELLED,
        "Half the group is ill.",
        1,
    )
    assert [m.to[0] for m in mailoutbox] == [member.email]  # never the organizer who acted
    assert all("is cancelled" in m.subject for m in mailoutbox)
    assert all("Half the group is ill." in m.body for m in mailoutbox)
    assert _messages(response) == ["The meeting is cancelled and members are told by e-mail."]

    client.force_login(member)
    refused = client.post(reverse("meetings:rsvp", args=[meeting.pk]), {"answer": "going"})
    assert _messages(refused)[-1] == "This meeting is cancelled, so there is nothing to answer."
    assert Rsvp.objects.count() == 0


def test_cancel_twice_is_refused(client, organizer, meeting):
    client.force_login(organizer)
    client.post(reverse("meetings:cancel", args=[meeting.pk]))

    response = client.post(reverse("meetings:cancel", args=[meeting.pk]))

    assert _messages(response)[-1] == "This meeting is already cancelled."
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_cancel_member_is_404(client, member, meeting):
    client.force_login(member)

    assert client.get(reverse("meetings:cancel", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("meetings:cancel", args=[meeting.pk])).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


# --- agendas ----------------------------------------------------------------------------------


def _formset(rows, extra=1):
    data = {
        "seg-TOTAL_FORMS": str(len(rows) + extra),
        "seg-INITIAL_FORMS": "0",
        "seg-MIN_NUM_FORMS": "0",
        "seg-MAX_NUM_FORMS": "20",
    }
    for i, row in enumerate([*rows, *([{}] * extra)]):
        data[f"seg-{i}-kind"] = row.get("kind", "")
        data[f"seg-{i}-title"] = row.get("title", "")
        data[f"seg-{i}-minutes"] = str(row.get("minutes", ""))
    return data


AGENDA = [
    {"kind": SegmentKind.CHECK_IN, "minutes": 10},
    {"kind": SegmentKind.CASE, "title": "First case", "minutes": 30},
    {"kind": SegmentKind.WRAP_UP, "minutes": 5},
]


def _segments(meeting):
    return list(
        AgendaSegment.objects.filter(meeting=meeting).values_list(
            "position", "kind", "title", "minutes"
        )
    )


def test_agenda_get_shows_current_segments(client, organizer, meeting):
    segment = AgendaSegmentFactory(meeting=meeting, kind=SegmentKind.CHECK_IN, minutes=15)
    client.force_login(organizer)

    response = client.get(reverse("meetings:agenda", args=[meeting.pk]))

    formset = response.context["formset"]
    assert formset.initial == [{"id": segment.pk, "kind": "check_in", "title": "", "minutes": 15}]
    assert len(formset.forms) == 3


def test_agenda_organizer_saves_segments_in_order(client, organizer, meeting):
    AgendaSegmentFactory(meeting=meeting, position=0, kind=SegmentKind.BREAK, minutes=15)
    client.force_login(organizer)

    response = client.post(reverse("meetings:agenda", args=[meeting.pk]), _formset(AGENDA))

    assert response.url == reverse("meetings:detail", args=[meeting.pk])
    assert _segments(meeting) == [
        (0, "check_in", "", 10),
        (1, "case", "First case", 30),
        (2, "wrap_up", "", 5),
    ]
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert _messages(response) == ["The agenda is saved."]


def test_agenda_longer_than_the_meeting_changes_nothing(client, organizer, meeting):
    AgendaSegmentFactory(meeting=meeting, position=0, kind=SegmentKind.BREAK, minutes=15)
    client.force_login(organizer)

    response = client.post(
        reverse("meetings:agenda", args=[meeting.pk]),
        _formset([*AGENDA, {"kind": SegmentKind.DISCUSSION, "minutes": 50}]),
    )

    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == [
        "The agenda adds up to 95 minutes, but the meeting lasts 90. "
        "Shorten a segment or lengthen the meeting."
    ]
    assert "adds up to 95 minutes" in _text(response)
    assert _segments(meeting) == [(0, "break", "", 15)]


def test_agenda_kind_without_minutes_is_a_field_error(client, organizer, meeting):
    client.force_login(organizer)

    response = client.post(
        reverse("meetings:agenda", args=[meeting.pk]), _formset([{"kind": SegmentKind.CASE}])
    )

    assert response.status_code == 200
    assert response.context["formset"].errors == [{"minutes": ["How many minutes?"]}, {}]
    assert _segments(meeting) == []


def test_agenda_member_is_404(client, member, meeting):
    client.force_login(member)

    url = reverse("meetings:agenda", args=[meeting.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _formset(AGENDA)).status_code == 404
    assert _segments(meeting) == []


def test_agenda_template_organizer_saves_standard_agenda(client, group, organizer):
    client.force_login(organizer)

    response = client.post(reverse("meetings:agenda_template", args=[group.slug]), _formset(AGENDA))

    assert response.url == group.get_absolute_url()
    assert list(
        AgendaTemplateSegment.objects.filter(group=group).values_list(
            "position", "kind", "title", "minutes"
        )
    ) == [(0, "check_in", "", 10), (1, "case", "First case", 30), (2, "wrap_up", "", 5)]


def test_agenda_template_longer_than_usual_meeting_is_refused(client, group, organizer):
    client.force_login(organizer)

    response = client.post(
        reverse("meetings:agenda_template", args=[group.slug]),
        _formset([{"kind": SegmentKind.DISCUSSION, "minutes": 120}]),
    )

    assert response.status_code == 200
    assert "adds up to 120 minutes" in response.context["formset"].non_form_errors()[0]
    assert AgendaTemplateSegment.objects.count() == 0


def test_agenda_template_claiming_a_thousand_rows_is_refused_without_building_them(
    client, group, organizer
):
    client.force_login(organizer)
    data = {**_formset(AGENDA), "seg-TOTAL_FORMS": "1000"}

    response = client.post(reverse("meetings:agenda_template", args=[group.slug]), data)

    formset = response.context["formset"]
    assert (response.status_code, len(formset.forms)) == (200, 25)
    assert "Please submit at most 20 forms." in formset.non_form_errors()
    assert AgendaTemplateSegment.objects.count() == 0


def test_agenda_template_member_is_404(client, group, member):
    client.force_login(member)

    url = reverse("meetings:agenda_template", args=[group.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, _formset(AGENDA)).status_code == 404
    assert AgendaTemplateSegment.objects.count() == 0


# --- attendance -------------------------------------------------------------------------------


def _marks(**by_user):
    return {f"member_{user.pk}": status for user, status in by_user.values()}


def _attendance_url(meeting) -> str:
    return reverse("meetings:attendance", args=[meeting.pk])


def test_attendance_before_the_meeting_can_be_seen_but_not_saved(
    client, organizer, member, meeting
):
    client.force_login(organizer)

    assert "hasn't started yet" in _text(client.get(_attendance_url(meeting)))
    response = client.post(
        _attendance_url(meeting),
        {f"member_{organizer.pk}": "present", f"member_{member.pk}": "present"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Attendance can be taken once the meeting has started."
    ]
    assert Attendance.objects.count() == 0


def test_attendance_form_is_prefilled_from_rsvps(client, group, organizer, member, meeting):
    cant = MembershipFactory(group=group).user
    silent = MembershipFactory(group=group).user
    RsvpFactory(meeting=meeting, user=member, answer=RsvpAnswer.GOING)
    RsvpFactory(meeting=meeting, user=cant, answer=RsvpAnswer.CANT)
    RsvpFactory(meeting=meeting, user=organizer, answer=RsvpAnswer.MAYBE)
    _to_past(meeting)
    client.force_login(organizer)

    response = client.get(_attendance_url(meeting))

    fields = response.context["form"].fields
    assert {name: field.initial for name, field in fields.items()} == {
        f"member_{organizer.pk}": "present",
        f"member_{member.pk}": "present",
        f"member_{cant.pk}": "excused",
        f"member_{silent.pk}": "absent",
    }
    assert response.context["recorded"] is False


def test_attendance_form_prefers_what_was_recorded(client, organizer, member, meeting):
    RsvpFactory(meeting=meeting, user=member, answer=RsvpAnswer.GOING)
    _to_past(meeting)
    AttendanceFactory(meeting=meeting, user=member, status=AttendanceStatus.ABSENT)
    client.force_login(organizer)

    response = client.get(_attendance_url(meeting))

    assert response.context["form"].fields[f"member_{member.pk}"].initial == "absent"
    assert response.context["recorded"] is True


def test_attendance_post_saves_records(client, organizer, member, meeting):
    _to_past(meeting)
    client.force_login(organizer)

    response = client.post(
        _attendance_url(meeting),
        {f"member_{organizer.pk}": "present", f"member_{member.pk}": "excused"},
    )

    assert response.url == reverse("meetings:detail", args=[meeting.pk])
    assert sorted(Attendance.objects.values_list("user", "status", "marked_by")) == sorted(
        [(organizer.pk, "present", organizer.pk), (member.pk, "excused", organizer.pk)]
    )
    assert _messages(response) == ["Attendance is saved."]


def test_attendance_post_missing_a_member_is_a_field_error(client, organizer, member, meeting):
    _to_past(meeting)
    client.force_login(organizer)

    response = client.post(_attendance_url(meeting), {f"member_{organizer.pk}": "present"})

    assert response.context["form"].errors == {
        f"member_{member.pk}": ["Mark this member present, absent or excused."]
    }
    assert Attendance.objects.count() == 0


def test_attendance_plain_member_is_404(client, organizer, member, meeting):
    _to_past(meeting)
    client.force_login(member)

    assert client.get(_attendance_url(meeting)).status_code == 404
    response = client.post(
        _attendance_url(meeting),
        {f"member_{organizer.pk}": "absent", f"member_{member.pk}": "present"},
    )
    assert response.status_code == 404
    assert Attendance.objects.count() == 0


def test_attendance_facilitator_may_take_it(client, organizer, member, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(facilitator=member)
    _to_past(meeting)
    client.force_login(member)

    assert client.get(_attendance_url(meeting)).status_code == 200
    client.post(
        _attendance_url(meeting),
        {f"member_{organizer.pk}": "present", f"member_{member.pk}": "present"},
    )

    assert sorted(Attendance.objects.values_list("user", "marked_by")) == sorted(
        [(organizer.pk, member.pk), (member.pk, member.pk)]
    )
    assert "Take attendance" in _text(client.get(reverse("meetings:detail", args=[meeting.pk])))


def test_attendance_outsider_is_404(client, meeting):
    _to_past(meeting)
    client.force_login(UserFactory())

    assert client.get(_attendance_url(meeting)).status_code == 404


def test_group_attendance_shows_rates_to_organizers(client, group, organizer, member):
    newcomer = MembershipFactory(group=group).user
    first, second = (_to_past(MeetingFactory(group=group)) for _ in range(2))
    for meeting, member_status in [(first, "present"), (second, "absent")]:
        AttendanceFactory(meeting=meeting, user=organizer, status="present")
        AttendanceFactory(meeting=meeting, user=member, status=member_status)
    client.force_login(organizer)

    response = client.get(reverse("meetings:group_attendance", args=[group.slug]))

    rows = {
        row["membership"].user_id: (row["present"], row["total"], row["rate"])
        for row in response.context["rows"]
    }
    assert rows == {organizer.pk: (2, 2, 100), member.pk: (1, 2, 50), newcomer.pk: (0, 0, None)}
    assert "50%" in _text(response)


def test_group_attendance_member_is_404(client, group, member):
    client.force_login(member)

    assert client.get(reverse("meetings:group_attendance", args=[group.slug])).status_code == 404


def test_my_attendance_lists_only_my_records_newest_first(client, group, member):
    other_group = GroupFactory()
    MembershipFactory(group=other_group, user=member)
    older = _to_past(MeetingFactory(group=group))
    Meeting.objects.filter(pk=older.pk).update(
        starts_at=older.starts_at - timedelta(days=7), ends_at=older.ends_at - timedelta(days=7)
    )
    newer = _to_past(MeetingFactory(group=other_group, title="Other group meeting"))
    mine_old = AttendanceFactory(meeting=older, user=member, status="present")
    mine_new = AttendanceFactory(meeting=newer, user=member, status="excused")
    AttendanceFactory(meeting=older, user=MembershipFactory(group=group).user)
    client.force_login(member)

    response = client.get(reverse("meetings:my_attendance"))

    assert response.context["records"] == [mine_new, mine_old]
    body = _text(response)
    assert "Other group meeting" in body
    assert "1.5" in body  # contact hours of the 90-minute meeting I was present at


def test_create_series_starting_today_makes_no_meeting_in_the_past(client, group, organizer):
    # APP BUG: the first occurrence, today at 00:00 in Berlin, is already over; the form does not
    # check a series' start and materialize_series() keeps any occurrence dated today or later.
    today = _viewer_today()
    client.force_login(organizer)

    _create(
        client,
        group,
        kind="weekly",
        starts_on=str(today),
        start_time="00:00",
        weekdays=[today.weekday()],
    )

    now = timezone.now()
    assert [m.starts_at for m in Meeting.objects.all() if m.starts_at <= now] == []


# --- the one door: sign-in, the rule, the ground-rules gate ------------------------------------


GROUP_PAGES = {"create", "agenda_template", "group_attendance"}


@pytest.mark.parametrize(
    "page", ["create", "agenda_template", "group_attendance", "edit", "cancel", "attendance", "ics"]
)
def test_an_organizer_who_has_not_accepted_new_ground_rules_is_sent_to_accept_them(
    client, group, organizer, meeting, page
):
    GroundRulesVersion.objects.create(group=group, number=2, text="New rules.")
    url = reverse(f"meetings:{page}", args=[group.slug if page in GROUP_PAGES else meeting.pk])
    client.force_login(organizer)

    response = client.get(url)

    accept = reverse("groups:accept_rules", args=[group.slug])
    assert (response.status_code, response.url) == (302, f"{accept}?{urlencode({'next': url})}")


def test_rsvp_of_a_member_who_has_not_accepted_new_ground_rules_waits_for_them(
    client, group, member, meeting
):
    GroundRulesVersion.objects.create(group=group, number=2, text="New rules.")
    client.force_login(member)

    response = client.post(reverse("meetings:rsvp", args=[meeting.pk]), {"answer": "going"})

    assert response.url.startswith(reverse("groups:accept_rules", args=[group.slug]))
    assert Rsvp.objects.count() == 0


@pytest.mark.parametrize("page", ["create", "agenda_template"])
def test_a_site_admin_may_not_schedule_or_change_the_standard_agenda(client, group, page):
    client.force_login(AdminFactory())

    url = reverse(f"meetings:{page}", args=[group.slug])

    assert client.get(url).status_code == 404
    assert (
        client.post(url, _formset(AGENDA) if page == "agenda_template" else {}).status_code == 404
    )
    assert (Meeting.objects.count(), AgendaTemplateSegment.objects.count()) == (0, 0)


def test_a_site_admin_may_read_the_group_attendance_record(client, group, organizer, member):
    AttendanceFactory(meeting=_to_past(MeetingFactory(group=group)), user=member, status="present")
    client.force_login(AdminFactory())

    response = client.get(reverse("meetings:group_attendance", args=[group.slug]))

    rows = {row["membership"].user_id: row["present"] for row in response.context["rows"]}
    assert rows == {organizer.pk: 0, member.pk: 1}


def test_a_site_admin_is_not_shown_a_groups_meeting(client, meeting):
    client.force_login(AdminFactory())

    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("meetings:ics", args=[meeting.pk])).status_code == 404
