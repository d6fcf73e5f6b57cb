from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Meeting, Rsvp
from presentations import services
from presentations.models import Presentation, SwapOffer
from presentations.services import PresentationError
from tests.factories import UserFactory
from tests.presentations.conftest import slots

pytestmark = pytest.mark.django_db


def test_member_claims_an_open_slot(meeting, members):
    case = slots(meeting, "case")[0]
    presentation = services.claim_slot(user=members[0], segment_id=case.pk)
    assert (presentation.segment, presentation.presenter, presentation.status) == (
        case,
        members[0],
        "confirmed",
    )


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("taken", "just taken"),
        ("second_slot", "already have a presentation slot"),
        ("not_member", "Only members"),
        ("too_early", "Sign-up opens 14 days"),
        ("too_late", "has closed"),
        ("cant_go", "can't go"),
        ("not_a_slot", "not a presentation slot"),
    ],
)
def test_claim_refusals(meeting, members, situation, message):
    case1, case2 = slots(meeting, "case")
    user, segment = members[0], case1
    if situation == "taken":
        services.claim_slot(user=members[1], segment_id=case1.pk)
    if situation == "second_slot":
        services.claim_slot(user=user, segment_id=case2.pk)
    if situation == "not_member":
        user = UserFactory()
    if situation == "too_early":
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now() + timedelta(days=30),
            ends_at=timezone.now() + timedelta(days=30, hours=1),
        )
    if situation == "too_late":
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now() + timedelta(hours=3),
            ends_at=timezone.now() + timedelta(hours=4),
        )
    if situation == "cant_go":
        Rsvp.objects.create(meeting=meeting, user=user, answer="cant")
    if situation == "not_a_slot":
        segment = meeting.segments.get(kind="check_in")
    before = list(Presentation.objects.values_list("segment_id", "presenter_id"))
    with pytest.raises(PresentationError, match=message):
        services.claim_slot(user=user, segment_id=segment.pk)
    assert list(Presentation.objects.values_list("segment_id", "presenter_id")) == before


def test_withdraw_before_the_cutoff_frees_the_slot(meeting, members):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting)[0].pk)
    services.withdraw_from_slot(user=members[0], presentation_id=presentation.pk)
    assert not Presentation.objects.exists()


def test_swap_offer_accepted_moves_the_slot(
    meeting, members, mailoutbox, django_capture_on_commit_callbacks
):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting)[0].pk)
    with django_capture_on_commit_callbacks(execute=True):
        offer = services.offer_swap(
            user=members[0],
            meeting=meeting,
            role="presenter",
            to_user_id=members[1].pk,
            presentation=presentation,
        )
    assert mailoutbox[0].to == [members[1].email]
    services.answer_swap(user=members[1], offer_id=offer.pk, accept=True)
    presentation.refresh_from_db()
    assert presentation.presenter == members[1]
    assert SwapOffer.objects.get().status == "accepted"


def test_swap_with_a_non_member_is_refused(meeting, members):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting)[0].pk)
    with pytest.raises(PresentationError, match="member of this group"):
        services.offer_swap(
            user=members[0],
            meeting=meeting,
            role="presenter",
            to_user_id=UserFactory().pk,
            presentation=presentation,
        )
    assert not SwapOffer.objects.exists()


def test_declined_swap_keeps_the_slot(meeting, members):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting)[0].pk)
    offer = services.offer_swap(
        user=members[0],
        meeting=meeting,
        role="presenter",
        to_user_id=members[1].pk,
        presentation=presentation,
    )
    services.answer_swap(user=members[1], offer_id=offer.pk, accept=False)
    presentation.refresh_from_db()
    assert presentation.presenter == members[0]
    with pytest.raises(PresentationError, match="no longer open"):
        services.answer_swap(user=members[1], offer_id=offer.pk, accept=True)


def test_facilitator_swap(meeting, members, organizer):
    services.set_facilitator(
        actor=organizer, meeting=meeting, user_id=members[0].pk, backup_id=members[1].pk
    )
    meeting.refresh_from_db()
    offer = services.offer_swap(
        user=members[0], meeting=meeting, role="facilitator", to_user_id=members[2].pk
    )
    services.answer_swap(user=members[2], offer_id=offer.pk, accept=True)
    meeting.refresh_from_db()
    assert (meeting.facilitator, meeting.backup_facilitator) == (members[2], members[1])


def test_organizer_assigns_unassigns_and_reorders(meeting, members, organizer):
    case1 = slots(meeting, "case")[0]
    services.assign_slot(actor=organizer, segment_id=case1.pk, user_id=members[3].pk)
    assert Presentation.objects.get().presenter == members[3]
    services.unassign_slot(actor=organizer, segment_id=case1.pk)
    assert not Presentation.objects.exists()
    order = list(meeting.segments.order_by("position").values_list("pk", flat=True))
    services.reorder_agenda(actor=organizer, meeting=meeting, segment_ids=order[::-1])
    assert list(meeting.segments.order_by("position").values_list("pk", flat=True)) == order[::-1]


def test_only_organizers_assign(meeting, members):
    with pytest.raises(PresentationError, match="Only the group's organizers"):
        services.assign_slot(
            actor=members[0], segment_id=slots(meeting)[0].pk, user_id=members[1].pk
        )
