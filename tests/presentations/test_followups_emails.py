"""What case follow-ups e-mail: the organizers when a request lands on a meeting's agenda, the
presenter when it is accepted or taken off. Titles, names and links only, never the case; one
e-mail per person per action, never to the person who acted; skipped when the reason has gone
by the time it would be sent."""

from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from groups.enums import Role
from groups.services.membership import change_role
from meetings.models import Meeting
from meetings.services import cancel_meeting, set_agenda
from members.enums import DeliveryStatus, NotificationKind
from members.models import Delivery, NotificationPreference
from members.notifications import send_delivery
from presentations import services
from presentations.models import FollowUpReason
from presentations.tasks import task_attach_waiting_follow_ups
from tests.presentations.test_followups import BACKGROUND, QUESTION, presented, upcoming

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")  # every recipient's zone (ProfileFactory)


def _send(template: str) -> list[str]:
    ids = Delivery.objects.filter(template=template).order_by("pk").values_list("pk", flat=True)
    return [send_delivery(pk) for pk in ids]


def _bodies(message) -> list[str]:
    return [message.body, *(alternative[0] for alternative in message.alternatives)]


def _assert_no_case_text() -> None:
    for message in mail.outbox:
        for text in [message.subject, *_bodies(message)]:
            assert QUESTION not in text
            assert BACKGROUND not in text


def _when(meeting) -> str:
    return meeting.starts_at.astimezone(NY).strftime("%A %-d %B %Y")


@pytest.fixture
def co_organizer(group, members):
    group.memberships.filter(user=members[3]).update(role=Role.CO_ORGANIZER)
    return members[3]


@pytest.fixture
def presenter(members):
    return members[0]


@pytest.fixture
def follow_up(group, organizer, co_organizer, presenter, meeting):
    case = presented(group, presenter)
    return services.ask_follow_up(user=presenter, presentation_id=case.pk)


def test_each_organizer_is_told_once_who_asked_at_which_meeting(
    organizer, co_organizer, presenter, meeting, follow_up
):
    assert _send("follow_up_requested") == [DeliveryStatus.SENT, DeliveryStatus.SENT]

    assert sorted(m.to[0] for m in mail.outbox) == sorted([organizer.email, co_organizer.email])
    message = mail.outbox[0]
    assert message.subject.endswith(
        f"{presenter} asks to report back at {meeting.group.name} on "
        f"{meeting.starts_at.astimezone(NY):%-d %B %Y}"
    )
    assert (
        f"{presenter} asked to report back on their case at {meeting.title} "
        f"({meeting.group.name}) on {_when(meeting)}"
    ) in message.body
    assert f"/meetings/{meeting.pk}/#follow-ups" in message.body
    assert "List-Unsubscribe" in message.extra_headers
    _assert_no_case_text()


def test_a_presenter_who_is_an_organizer_is_not_told_of_their_own_request(
    group, organizer, co_organizer, meeting
):
    case = presented(group, co_organizer)

    services.ask_follow_up(user=co_organizer, presentation_id=case.pk)

    requested = Delivery.objects.filter(template="follow_up_requested")
    assert list(requested.values_list("recipient_id", flat=True)) == [organizer.pk]


def test_organizers_who_turned_follow_ups_off_are_not_told(
    group, organizer, co_organizer, presenter, meeting
):
    NotificationPreference.objects.create(
        user=co_organizer, kind=NotificationKind.FOLLOW_UP, enabled=False
    )
    services.ask_follow_up(user=presenter, presentation_id=presented(group, presenter).pk)

    requested = Delivery.objects.filter(template="follow_up_requested")
    assert list(requested.values_list("recipient_id", flat=True)) == [organizer.pk]


def test_the_request_is_not_sent_once_an_organizer_decided(
    group, organizer, co_organizer, meeting, follow_up
):
    services.accept_follow_up(actor=organizer, meeting=meeting, follow_up_id=follow_up.pk)

    assert _send("follow_up_requested") == [DeliveryStatus.SKIPPED, DeliveryStatus.SKIPPED]


@pytest.mark.parametrize("change", ["cancelled", "demoted"])
def test_the_request_is_skipped_when_its_reason_has_gone(
    group, organizer, co_organizer, meeting, follow_up, change
):
    if change == "cancelled":
        Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")
        expected = [DeliveryStatus.SKIPPED, DeliveryStatus.SKIPPED]
    else:
        change_role(
            actor=organizer,
            group=group,
            membership_id=group.memberships.get(user=co_organizer).pk,
            role=Role.MEMBER,
        )
        expected = sorted([DeliveryStatus.SENT, DeliveryStatus.SKIPPED])

    assert sorted(_send("follow_up_requested")) == expected
    assert [m.to for m in mail.outbox] == ([] if change == "cancelled" else [[organizer.email]])


def test_the_presenter_is_told_it_was_accepted_and_the_organizer_is_not(
    organizer, presenter, meeting, follow_up
):
    services.accept_follow_up(actor=organizer, meeting=meeting, follow_up_id=follow_up.pk)

    assert _send("follow_up_accepted") == [DeliveryStatus.SENT]

    (message,) = mail.outbox
    assert message.to == [presenter.email]
    assert message.subject.endswith(
        f"Your case follow-up at {meeting.group.name} on "
        f"{meeting.starts_at.astimezone(NY):%-d %B %Y} is on the agenda"
    )
    assert "you have 10 minutes at" in message.body
    assert f"/presentations/{follow_up.source_id}/follow-up/" in message.body
    _assert_no_case_text()


def test_an_acceptance_is_not_sent_once_the_follow_up_is_gone(
    organizer, presenter, meeting, follow_up
):
    services.accept_follow_up(actor=organizer, meeting=meeting, follow_up_id=follow_up.pk)
    services.withdraw_follow_up(user=presenter, presentation_id=follow_up.source_id)

    assert _send("follow_up_accepted") == [DeliveryStatus.SKIPPED]


def test_an_acceptance_is_not_sent_for_a_cancelled_meeting(organizer, meeting, follow_up):
    services.accept_follow_up(actor=organizer, meeting=meeting, follow_up_id=follow_up.pk)
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")

    assert _send("follow_up_accepted") == [DeliveryStatus.SKIPPED]


def test_the_presenter_is_told_it_was_removed_with_the_reason(
    organizer, presenter, meeting, follow_up
):
    services.remove_follow_up(
        actor=organizer, meeting=meeting, follow_up_id=follow_up.pk, reason=FollowUpReason.OUTSIDE
    )

    assert _send("follow_up_removed") == [DeliveryStatus.SENT]

    (message,) = mail.outbox
    assert message.to == [presenter.email]
    assert message.subject.endswith("is off the agenda")
    assert (
        f"{organizer} took your case follow-up off the agenda of {meeting.title} "
        f"({meeting.group.name}) on {_when(meeting)}"
    ) in message.body
    assert "The reason given: Let's talk it over outside the meeting." in message.body
    _assert_no_case_text()


def test_a_removal_in_the_agenda_editor_is_told_at_once_naming_the_organizer(
    organizer, presenter, meeting, follow_up
):
    rows = [
        {"id": s.pk, "kind": s.kind, "title": s.title, "minutes": s.minutes}
        for s in meeting.segments.exclude(pk=follow_up.segment_id).order_by("position")
    ]
    services.edit_agenda(
        actor=organizer, meeting=meeting, segments=rows, confirmed_follow_ups={follow_up.pk}
    )

    assert _send("follow_up_removed") == [DeliveryStatus.SENT]
    assert task_attach_waiting_follow_ups() == 0
    assert Delivery.objects.filter(template="follow_up_removed").count() == 1

    (message,) = mail.outbox
    assert message.to == [presenter.email]
    assert (
        f"{organizer} took your case follow-up off the agenda of {meeting.title} "
        f"({meeting.group.name}) on {_when(meeting)}"
    ) in message.body
    assert "The reason given" not in message.body
    _assert_no_case_text()


def test_a_segment_gone_outside_the_editor_is_told_as_an_organizers(
    organizer, presenter, meeting, follow_up
):
    rows = [
        {"id": s.pk, "kind": s.kind, "title": s.title, "minutes": s.minutes}
        for s in meeting.segments.exclude(pk=follow_up.segment_id).order_by("position")
    ]
    set_agenda(actor=organizer, meeting=meeting, segments=rows)

    assert task_attach_waiting_follow_ups() == 0
    assert _send("follow_up_removed") == [DeliveryStatus.SENT]

    (message,) = mail.outbox
    assert message.to == [presenter.email]
    assert "An organizer took your case follow-up off the agenda" in message.body
    assert "The reason given" not in message.body


def test_a_removal_is_not_sent_if_the_follow_up_came_back(
    group, organizer, presenter, meeting, follow_up
):
    services.remove_follow_up(actor=organizer, meeting=meeting, follow_up_id=follow_up.pk)
    type(follow_up).objects.filter(pk=follow_up.pk).update(
        status="waiting", ended_at=None, meeting=None
    )

    assert _send("follow_up_removed") == [DeliveryStatus.SKIPPED]


def test_the_task_places_waiting_follow_ups(
    group, organizer, presenter, django_capture_on_commit_callbacks
):
    services.ask_follow_up(user=presenter, presentation_id=presented(group, presenter).pk)
    upcoming(group, days=4)

    with django_capture_on_commit_callbacks(execute=True):
        assert task_attach_waiting_follow_ups() == 1

    assert [m.to for m in mail.outbox] == [[organizer.email]]


def test_a_cancelled_meeting_tells_the_organizers_of_the_next_one(
    group, organizer, co_organizer, meeting, follow_up
):
    later = upcoming(group, days=14)
    cancel_meeting(actor=organizer, meeting=meeting)
    task_attach_waiting_follow_ups()
    mail.outbox.clear()

    _send("follow_up_requested")

    sent = sorted((m.to[0], later.title in m.body) for m in mail.outbox)
    assert sent == sorted([(organizer.email, True), (co_organizer.email, True)])
