from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from meetings.models import AgendaSegment, Meeting, Rsvp
from presentations import services
from presentations.models import Presentation, RotationDecline
from presentations.services import PresentationError
from tests.factories import MeetingFactory
from tests.presentations.conftest import slots

pytestmark = pytest.mark.django_db


def test_queue_puts_never_presented_first_and_skips_cant_go(meeting, organizer, members):
    # Everyone joined long before the meetings below (newcomers are not in the queue).
    meeting.group.memberships.update(joined_at=F("joined_at") - timedelta(days=365))
    Rsvp.objects.create(meeting=meeting, user=members[0], answer="cant")
    past = MeetingFactory(group=meeting.group, starts_at=timezone.now() - timedelta(days=14))
    seg = AgendaSegment.objects.create(meeting=past, kind="case", minutes=20)
    Presentation.objects.create(segment=seg, meeting=past, presenter=organizer)
    queue = [m.user for m in services.presenter_queue(meeting)]
    assert queue == [members[1], members[2], members[3], organizer]


def test_fill_invites_next_in_line_and_decline_passes_it_on(
    meeting, organizer, members, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        invited = services.fill_slots_from_queue(actor=organizer, meeting=meeting)
    assert [(p.presenter, p.status) for p in invited] == [
        (organizer, "invited"),
        (members[0], "invited"),
        (members[1], "invited"),
    ]
    # The organizer who filled the slots sees their own turn on the page: no e-mail to them.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([members[0].email, members[1].email])
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_rotation_invitation(user=members[0], presentation_id=invited[1].pk)
    holder = Presentation.objects.get(segment=invited[1].segment)
    assert (holder.presenter, holder.status) == (members[2], "invited")
    assert RotationDecline.objects.filter(user=members[0], meeting=meeting).exists()
    services.accept_rotation_invitation(user=members[2], presentation_id=holder.pk)
    holder.refresh_from_db()
    assert holder.status == "confirmed"


def test_expired_invitations_pass_to_the_next_member(meeting, organizer, members):
    invited = services.fill_slots_from_queue(actor=organizer, meeting=meeting)
    Presentation.objects.filter(pk=invited[0].pk).update(
        invited_until=timezone.now() - timedelta(minutes=1)
    )
    assert services.expire_rotation_invitations() == 1
    assert services.expire_rotation_invitations() == 0
    assert Presentation.objects.get(segment=invited[0].segment).presenter == members[2]
    with pytest.raises(PresentationError, match="no open invitation"):
        services.accept_rotation_invitation(user=organizer, presentation_id=invited[0].pk)


def test_presenting_counts_stay_within_one_over_many_meetings(group, organizer, members):
    everyone = [organizer, *members]
    start = timezone.now() + timedelta(days=2)
    for week in range(7):
        meeting = MeetingFactory(group=group, starts_at=start + timedelta(weeks=week))
        for position in range(2):
            AgendaSegment.objects.create(
                meeting=meeting, kind="case", minutes=20, position=position
            )
        for presentation in services.fill_slots_from_queue(actor=organizer, meeting=meeting):
            services.accept_rotation_invitation(
                user=presentation.presenter, presentation_id=presentation.pk
            )
    counts = [Presentation.objects.filter(presenter=u).count() for u in everyone]
    assert sum(counts) == 14
    assert max(counts) - min(counts) <= 1


def test_facilitators_rotate_round_robin_with_backup_and_skip_cant_go(group, organizer, members):
    start = timezone.now() + timedelta(days=1)
    meetings = [MeetingFactory(group=group, starts_at=start + timedelta(weeks=w)) for w in range(5)]
    Rsvp.objects.create(meeting=meetings[0], user=organizer, answer="cant")
    services.assign_facilitators(group=group)
    chosen = list(
        Meeting.objects.filter(group=group)
        .order_by("starts_at")
        .values_list("facilitator_id", "backup_facilitator_id")
    )
    everyone = [organizer, *members]
    assert chosen[0] == (members[0].pk, members[1].pk)
    assert [f for f, _ in chosen] == [
        members[0].pk,
        organizer.pk,
        members[1].pk,
        members[2].pk,
        members[3].pk,
    ]
    assert len({f for f, _ in chosen}) == len(everyone)


def test_facilitators_are_not_rotated_in_other_leadership_models(meeting, organizer):
    type(meeting.group).objects.filter(pk=meeting.group_id).update(leadership_model="appointed")
    meeting.group.refresh_from_db()
    assert services.assign_facilitators(group=meeting.group) == []


def test_slots_helper(meeting):
    assert [s.kind for s in slots(meeting)] == ["case", "case", "topic"]
