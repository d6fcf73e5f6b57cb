"""Leaving a group, or being removed from it, ends what the person held in its future: slots
(their text kept as a private draft), meeting roles, a leadership term, nominations; the
organizers are told once each, never the person who acted."""

import zoneinfo
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groups.enums import Role
from groups.services.membership import leave_group, remove_member
from meetings.models import Meeting
from members.models import Delivery
from presentations.models import (
    CaseDraft,
    DraftReason,
    LeadershipTerm,
    Presentation,
    RecognitionFlag,
)
from presentations.services.cases import flag_recognition
from presentations.services.slots import claim_slot
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory
from tests.presentations.conftest import slots

pytestmark = pytest.mark.django_db

QUESTION = "How do I re-engage a client who avoids the grief work?"


def _write_case(presentation) -> None:
    Presentation.objects.filter(pk=presentation.pk).update(
        case_question=QUESTION, case_background="Client A, in her forties.", case_tried="ACT"
    )


@pytest.fixture
def leaver(group, members, meeting):
    """A member holding a case slot with a written case, facilitating the meeting."""
    user = members[0]
    presentation = claim_slot(user=user, segment_id=slots(meeting, "case")[0].pk)
    _write_case(presentation)
    flag_recognition(user=members[1], presentation_id=presentation.pk)
    Meeting.objects.filter(pk=meeting.pk).update(
        facilitator=user, backup_facilitator=members[1], timekeeper=user
    )
    return user


def _roles(meeting) -> tuple:
    meeting.refresh_from_db()
    return meeting.facilitator_id, meeting.backup_facilitator_id, meeting.timekeeper_id


def test_leaving_frees_the_slot_and_keeps_the_case_as_a_draft(
    group, organizer, members, meeting, leaver
):
    leave_group(user=leaver, group=group)

    assert not Presentation.objects.filter(presenter=leaver).exists()
    assert not RecognitionFlag.objects.exists()
    draft = CaseDraft.objects.get(author=leaver)
    assert (draft.case_question, draft.reason, draft.group_id) == (
        QUESTION,
        DraftReason.LEFT_GROUP,
        group.pk,
    )
    assert _roles(meeting) == (None, members[1].pk, None)


def test_leaving_tells_each_organizer_once_and_not_the_leaver(
    group, organizer, members, meeting, leaver, django_capture_on_commit_callbacks
):
    co_organizer = members[2]
    group.memberships.filter(user=co_organizer).update(role=Role.CO_ORGANIZER)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        leave_group(user=leaver, group=group)

    opened = Delivery.objects.filter(template="roles_opened")
    assert sorted(opened.values_list("recipient_id", flat=True)) == sorted(
        [organizer.pk, co_organizer.pk]
    )
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == sorted([organizer.email, co_organizer.email])
    body = mail.outbox[0].body
    assert "has left your group" in body
    assert "Case presentation slot" in body
    assert QUESTION not in body


def test_removal_by_an_organizer_ends_roles_without_mailing_the_organizer(
    group, organizer, members, meeting, leaver
):
    co_organizer = members[2]
    group.memberships.filter(user=co_organizer).update(role=Role.CO_ORGANIZER)
    membership = group.memberships.get(user=leaver)

    remove_member(actor=organizer, group=group, membership_id=membership.pk)

    assert CaseDraft.objects.get(author=leaver).reason == DraftReason.REMOVED_FROM_GROUP
    assert _roles(meeting) == (None, members[1].pk, None)
    opened = Delivery.objects.filter(template="roles_opened")
    assert list(opened.values_list("recipient_id", flat=True)) == [co_organizer.pk]


def test_leaving_one_group_keeps_roles_in_another(group, organizer, members, meeting, leaver):
    other = GroupFactory()
    MembershipFactory(group=other, user=leaver)
    other_meeting = MeetingFactory(
        group=other, starts_at=timezone.now() + timedelta(days=3), facilitator=leaver
    )

    leave_group(user=leaver, group=group)

    other_meeting.refresh_from_db()
    assert other_meeting.facilitator_id == leaver.pk


def test_leaving_ends_a_leadership_term_today(group, organizer, members, meeting, leaver):
    today = timezone.localdate()
    term = LeadershipTerm.objects.create(
        group=group,
        leader=leaver,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
    )

    leave_group(user=leaver, group=group)

    term.refresh_from_db()
    # Today where the group is (or the server's, if earlier): not UTC's after midnight UTC.
    in_group = timezone.localdate(timezone=zoneinfo.ZoneInfo(group.time_zone))
    assert term.ends_on == min(today, in_group)


def test_leaving_with_nothing_held_sends_no_email(group, organizer, members, meeting):
    leave_group(user=members[3], group=group)

    assert not Delivery.objects.filter(template="roles_opened").exists()


def test_a_removed_member_is_told_once_and_the_organizer_is_not(
    group, organizer, members, meeting, leaver, django_capture_on_commit_callbacks, mailoutbox
):
    membership = group.memberships.get(user=leaver)

    with django_capture_on_commit_callbacks(execute=True):
        remove_member(actor=organizer, group=group, membership_id=membership.pk)

    removed = [m for m in mailoutbox if leaver.email in m.to]
    assert [m.subject.split("] ")[-1] for m in removed] == [
        f"You are no longer a member of {group.name}"
    ]
    assert "private draft" in removed[0].body
    assert QUESTION not in removed[0].body
    assert not [m for m in mailoutbox if organizer.email in m.to]
