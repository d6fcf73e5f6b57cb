"""Huddles: ``meetings.services.create_huddle`` (any member may call a short online meeting) and
``consultations.services.call_huddle`` (the asker or an organizer calls one about a request)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import NotAllowed
from consultations import services
from consultations.enums import RequestStatus
from consultations.models import ConsultationRequest
from consultations.services import HUDDLE_TITLE, ConsultationError
from groups.services.membership import leave_group
from meetings.enums import MeetingKind, MeetingStatus, SegmentKind
from meetings.models import Meeting
from meetings.notifications import plan_meeting_reminders, plan_rsvp_nudges_and_roles
from meetings.selectors import browsable_groups
from meetings.services import MeetingError, cancel_meeting, create_huddle, warn_low_rsvps
from members.models import AuditEntry, Delivery
from tests.consultations.factories import ConsultationRequestFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = "https://video.example.org/huddle-room"


def _soon(hours: int = 26):
    return (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)


def _create(actor, group, **fields):
    data = {
        "title": "Quick huddle",
        "starts_at": _soon(),
        "duration_minutes": 30,
        "online_link": LINK,
        **fields,
    }
    return create_huddle(actor=actor, group=group, **data)


# --- meetings.services.create_huddle ---------------------------------------------------------


def test_create_huddle_makes_a_short_online_meeting_of_the_group(group, mia):
    starts_at = _soon()

    meeting = _create(mia, group, starts_at=starts_at, title="  Quick huddle ", duration_minutes=45)

    meeting.refresh_from_db()
    assert (meeting.group, meeting.title, meeting.starts_at, meeting.ends_at) == (
        group,
        "Quick huddle",
        starts_at,
        starts_at + timedelta(minutes=45),
    )
    assert (meeting.venue_kind, meeting.online_link, meeting.status, meeting.series) == (
        "online",
        LINK,
        MeetingStatus.SCHEDULED,
        None,
    )
    assert meeting.is_online_only and meeting.effective_online_link == LINK
    assert list(meeting.segments.values_list("kind", "minutes")) == [(SegmentKind.DISCUSSION, 45)]
    entry = AuditEntry.objects.get(verb="meeting.huddle_created")
    assert (entry.actor, entry.group, entry.object_id, entry.data) == (
        mia,
        group,
        str(meeting.pk),
        {"minutes": 45},
    )


def test_create_huddle_without_a_link_uses_the_groups(group, mia):
    meeting = _create(mia, group, online_link="")

    assert meeting.online_link == ""
    assert meeting.effective_online_link == "https://video.example.org/mile-high"


@pytest.mark.parametrize("who", ["outsider", "former_member"])
def test_create_huddle_refuses_non_members(group, mia, who):
    actor = UserFactory()
    if who == "former_member":
        actor = mia
        leave_group(user=mia, group=group)

    with pytest.raises(NotAllowed):
        _create(actor, group)

    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"starts_at": timezone.now() - timedelta(minutes=1)}, "Choose a time in the future."),
        ({"duration_minutes": 14}, "A huddle lasts 15 to 90 minutes."),
        ({"duration_minutes": 91}, "A huddle lasts 15 to 90 minutes."),
    ],
)
def test_create_huddle_refuses_bad_times(group, mia, fields, message):
    with pytest.raises(MeetingError) as refused:
        _create(mia, group, **fields)

    assert str(refused.value) == message
    assert not Meeting.objects.exists()


# --- consultations.services.call_huddle --------------------------------------------------------


@pytest.fixture
def request_(group, asker):
    return ConsultationRequestFactory(group=group, asker=asker)


def _call(actor, request, **fields):
    data = {"starts_at": _soon(), "duration_minutes": 30, "online_link": LINK, **fields}
    return services.call_huddle(actor=actor, request_id=request.pk, **data)


def test_call_huddle_links_the_meeting_and_tells_every_other_member_once(
    group, request_, asker, organizer, mia, max_
):
    starts_at = _soon(30)

    meeting = _call(asker, request_, starts_at=starts_at, duration_minutes=20)

    request_.refresh_from_db()
    assert request_.huddle == meeting
    assert (meeting.title, meeting.starts_at, meeting.duration_minutes, meeting.online_link) == (
        HUDDLE_TITLE,
        starts_at,
        20,
        LINK,
    )
    deliveries = Delivery.objects.filter(template="consultation_huddle")
    assert sorted(deliveries.values_list("email", flat=True)) == sorted(
        [organizer.email, mia.email, max_.email]
    )
    assert {(d.object_type, d.object_id, d.kind) for d in deliveries} == {
        ("meetings.meeting", meeting.pk, "consultation")
    }
    entry = AuditEntry.objects.get(verb="consultation.huddle_called")
    assert (entry.actor, entry.object_id, entry.data) == (
        asker,
        str(request_.pk),
        {"meeting": meeting.pk, "minutes": 20},
    )


def test_call_huddle_by_an_organizer(request_, organizer, asker):
    meeting = _call(organizer, request_)

    request_.refresh_from_db()
    assert request_.huddle == meeting
    emails = set(
        Delivery.objects.filter(template="consultation_huddle").values_list("email", flat=True)
    )
    assert asker.email in emails
    assert organizer.email not in emails


@pytest.mark.parametrize("who", ["mia", "outsider"])
def test_call_huddle_refuses_others(request_, mia, who):
    actor = mia if who == "mia" else UserFactory()

    with pytest.raises(NotAllowed) as refused:
        _call(actor, request_)

    assert str(refused.value) == (
        "Only the colleague who asked, or an organizer, can call a huddle about this request."
    )
    request_.refresh_from_db()
    assert request_.huddle is None
    assert not Meeting.objects.exists()
    assert not Delivery.objects.exists()


def test_call_huddle_refuses_more_than_seven_days_ahead(request_, asker):
    with pytest.raises(ConsultationError) as refused:
        _call(asker, request_, starts_at=timezone.now() + timedelta(days=7, minutes=5))

    assert str(refused.value) == "Choose a time within the next seven days."
    assert not Meeting.objects.exists()


def test_call_huddle_refuses_a_time_in_the_past(request_, asker):
    with pytest.raises(MeetingError):
        _call(asker, request_, starts_at=timezone.now() - timedelta(hours=1))

    request_.refresh_from_db()
    assert request_.huddle is None
    assert not Delivery.objects.exists()


def test_call_huddle_refuses_a_closed_request(request_, asker):
    ConsultationRequest.objects.filter(pk=request_.pk).update(
        status=RequestStatus.ANSWERED, answered_at=timezone.now()
    )

    with pytest.raises(ConsultationError):
        _call(asker, request_)

    assert not Meeting.objects.exists()


def test_call_huddle_refuses_a_second_while_one_is_planned(request_, asker):
    first = _call(asker, request_)

    with pytest.raises(ConsultationError) as refused:
        _call(asker, request_)

    assert str(refused.value) == "A huddle is already planned for this request."
    assert list(Meeting.objects.all()) == [first]


def test_call_huddle_refuses_a_second_while_one_is_in_progress_and_allows_it_once_over(
    request_, asker
):
    first = _call(asker, request_)
    now = timezone.now()
    Meeting.objects.filter(pk=first.pk).update(
        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(minutes=20)
    )

    with pytest.raises(ConsultationError) as refused:
        _call(asker, request_)

    assert str(refused.value) == "A huddle is already planned for this request."
    Meeting.objects.filter(pk=first.pk).update(
        starts_at=now - timedelta(minutes=40), ends_at=now - timedelta(minutes=10)
    )
    second = _call(asker, request_)
    request_.refresh_from_db()
    assert request_.huddle == second != first


def test_call_huddle_again_once_the_first_was_cancelled(request_, asker, organizer):
    first = _call(asker, request_)
    cancel_meeting(actor=organizer, meeting=first)

    second = _call(asker, request_, starts_at=_soon(50))

    request_.refresh_from_db()
    assert request_.huddle == second != first


def test_a_huddle_is_a_meeting_like_any_other_for_reminders(request_, asker, mia):
    """The meeting reminders' planner sees it: members get their usual reminders."""
    meeting = _call(asker, request_, starts_at=_soon(2))
    mia.profile.reminder_lead_minutes = [60]
    mia.profile.remind_when_unanswered = True
    mia.profile.save(update_fields=["reminder_lead_minutes", "remind_when_unanswered"])

    plan_meeting_reminders(meeting.starts_at - timedelta(minutes=60))

    reminders = Delivery.objects.filter(template="meeting_reminder", object_id=meeting.pk)
    assert list(reminders.values_list("email", flat=True)) == [mia.email]


# --- a huddle is told once, and is never "the group's next meeting" ---------------------------


def _wants_every_reminder(user, leads):
    user.profile.reminder_lead_minutes = leads
    user.profile.remind_when_unanswered = True
    user.profile.save(update_fields=["reminder_lead_minutes", "remind_when_unanswered"])


def test_a_huddle_called_inside_a_reminder_lead_gets_no_catch_up_reminder(
    group, request_, asker, mia
):
    """Called 20 hours ahead: the huddle notice (with its calendar file) told Mia; the 24-hour
    reminder, due before the huddle existed, is not sent on top. An ordinary meeting scheduled
    as late still gets the catch-up: nothing else told its members."""
    _wants_every_reminder(mia, [1440])
    huddle = _call(asker, request_, starts_at=_soon(20))
    ordinary = Meeting.objects.create(
        group=group, title="Extra meeting", starts_at=_soon(20), ends_at=_soon(21)
    )

    plan_meeting_reminders(timezone.now())

    reminded = Delivery.objects.filter(template="meeting_reminder", email=mia.email)
    assert (huddle.kind, ordinary.kind) == (MeetingKind.HUDDLE, MeetingKind.REGULAR)
    assert list(reminded.values_list("object_id", flat=True)) == [ordinary.pk]


def test_a_huddle_called_inside_the_nudge_window_sends_no_rsvp_nudge(request_, asker, mia):
    huddle = _call(asker, request_, starts_at=_soon(45))

    plan_rsvp_nudges_and_roles(timezone.now())

    assert not Delivery.objects.filter(template="rsvp_nudge", object_id=huddle.pk).exists()


def test_a_huddle_brings_no_low_rsvp_warning(group, request_, organizer):
    group.warn_low_rsvp = True
    group.save(update_fields=["warn_low_rsvp"])
    huddle = _call(organizer, request_, starts_at=_soon(3))

    assert warn_low_rsvps() == 0
    assert not Delivery.objects.filter(template="low_rsvp_warning", object_id=huddle.pk).exists()


def test_browse_shows_the_next_regular_meeting_not_a_huddle(group, request_, asker):
    _call(asker, request_, starts_at=_soon(5))
    regular = Meeting.objects.create(
        group=group, title="Monthly", starts_at=_soon(100), ends_at=_soon(101)
    )

    listed = browsable_groups().get(pk=group.pk)

    assert listed.next_meeting_at == regular.starts_at
