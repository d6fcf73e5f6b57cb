"""The presentations services' refusals and edge branches that the main service tests leave
out: each refusal leaves everything as it was; each edge gives the result the product promises."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from groups.enums import Role
from groups.models import Membership
from meetings import services as meeting_services
from meetings.models import AgendaSegment, Meeting
from members.models import AuditEntry, Delivery
from presentations import services
from presentations.enums import SwapStatus
from presentations.models import (
    Ballot,
    CaseDraft,
    DraftReason,
    Election,
    LeadershipTerm,
    Presentation,
    RecognitionFlag,
    RotationDecline,
    SwapOffer,
)
from presentations.services import PresentationError
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory
from tests.presentations.conftest import slots
from tests.race import behind_another_transaction

pytestmark = pytest.mark.django_db

CASE = {
    "case_question": "How do I re-engage a client who avoids the grief work?",
    "case_background": "Avoids the topic; came after a loss last year.",
    "case_tried": "Psychoeducation, a slower pace.",
}


def _state(group) -> dict:
    """Everything a refused call could have changed."""
    return {
        "presentations": sorted(
            Presentation.objects.filter(meeting__group=group).values_list(
                "pk", "segment", "presenter", "status", "invited_until", "case_question"
            )
        ),
        "swaps": sorted(SwapOffer.objects.values_list("pk", "role", "status", "to_user")),
        "meetings": sorted(
            Meeting.objects.filter(group=group).values_list(
                "pk", "status", "facilitator", "backup_facilitator", "sequence"
            )
        ),
        "segments": sorted(
            AgendaSegment.objects.filter(meeting__group=group).values_list("pk", "position")
        ),
        "flags": RecognitionFlag.objects.count(),
        "drafts": sorted(CaseDraft.objects.values_list("pk", "author", "case_question")),
        "declines": RotationDecline.objects.count(),
        "elections": sorted(
            Election.objects.filter(group=group).values_list(
                "pk", "closed_at", "winner", "result_note"
            )
        ),
        "ballots": Ballot.objects.count(),
        "terms": LeadershipTerm.objects.count(),
        "audit": list(AuditEntry.objects.order_by("pk").values_list("pk", flat=True)),
    }


def _move(meeting, *, starts_in: timedelta) -> None:
    start = timezone.now() + starts_in
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=1)
    )
    meeting.refresh_from_db()


# --- withdrawing and swapping -------------------------------------------------------------------


def test_withdraw_from_a_slot_someone_else_holds_is_refused(meeting, members):
    held = services.claim_slot(user=members[0], segment_id=slots(meeting)[0].pk)
    before = _state(meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.withdraw_from_slot(user=members[1], presentation_id=held.pk)

    assert str(refused.value) == "You do not hold that slot."
    assert _state(meeting.group) == before


def test_withdraw_after_sign_up_closed_is_refused(meeting, members):
    held = services.claim_slot(user=members[0], segment_id=slots(meeting)[0].pk)
    _move(meeting, starts_in=timedelta(hours=3))  # sign-up closes 24 hours before
    before = _state(meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.withdraw_from_slot(user=members[0], presentation_id=held.pk)

    assert str(refused.value) == (
        "Sign-up has closed, so the slot can no longer be given up here. Offer a swap or tell "
        "the organizers."
    )
    assert _state(meeting.group) == before


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("unknown_role", "Choose what to swap."),
        ("someone_elses_slot", "You do not hold that slot."),
        ("no_slot", "You do not hold that slot."),
        ("not_facilitating", "You are not the facilitator of this meeting."),
        ("cancelled", "This meeting has started or is cancelled."),
        ("started", "This meeting has started or is cancelled."),
    ],
)
def test_offer_swap_refusals(meeting, organizer, members, situation, message):
    held = services.claim_slot(user=members[0], segment_id=slots(meeting)[0].pk)
    services.set_facilitator(actor=organizer, meeting=meeting, user_id=members[3].pk)
    meeting.refresh_from_db()
    user, role, presentation = members[0], "presenter", held
    if situation == "unknown_role":
        role = "timekeeper"
    if situation == "someone_elses_slot":
        user = members[1]
    if situation == "no_slot":
        presentation = None
    if situation == "not_facilitating":
        role, presentation = "facilitator", None
    if situation == "cancelled":
        meeting_services.cancel_meeting(actor=organizer, meeting=meeting)
        meeting.refresh_from_db()
    if situation == "started":
        _move(meeting, starts_in=-timedelta(minutes=10))
    before = _state(meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.offer_swap(
            user=user,
            meeting=meeting,
            role=role,
            to_user_id=members[2].pk,
            presentation=presentation,
        )

    assert str(refused.value) == message
    assert _state(meeting.group) == before


def test_second_swap_offer_while_one_waits_is_refused(meeting, members):
    held = services.claim_slot(user=members[0], segment_id=slots(meeting)[0].pk)
    first = services.offer_swap(
        user=members[0],
        meeting=meeting,
        role="presenter",
        to_user_id=members[1].pk,
        presentation=held,
    )
    before = _state(meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.offer_swap(
            user=members[0],
            meeting=meeting,
            role="presenter",
            to_user_id=members[2].pk,
            presentation=held,
        )

    assert str(refused.value) == "You already have an offer waiting for an answer."
    assert _state(meeting.group) == before
    assert list(SwapOffer.objects.values_list("pk", "to_user", "status")) == [
        (first.pk, members[1].pk, "pending")
    ]


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("changed_hands", "The slot has changed hands meanwhile."),
        ("already_presenting", "You already have a presentation slot in this meeting."),
    ],
)
def test_accepting_a_presenter_swap_refusals(meeting, organizer, members, situation, message):
    case1, case2 = slots(meeting, "case")
    held = services.claim_slot(user=members[0], segment_id=case1.pk)
    as_read = Presentation.objects.get(pk=held.pk)  # the page read the slot here
    if situation == "changed_hands":
        # The offer is made from what the page read: members[0] no longer holds the slot.
        services.assign_slot(actor=organizer, segment_id=case1.pk, user_id=members[2].pk)
    if situation == "already_presenting":
        services.claim_slot(user=members[1], segment_id=case2.pk)
    offer = services.offer_swap(
        user=members[0],
        meeting=meeting,
        role="presenter",
        to_user_id=members[1].pk,
        presentation=as_read,
    )
    before = _state(meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.answer_swap(user=members[1], offer_id=offer.pk, accept=True)

    assert str(refused.value) == message
    assert _state(meeting.group) == before
    holder = members[2] if situation == "changed_hands" else members[0]
    assert Presentation.objects.get(pk=held.pk).presenter == holder


def test_accepting_a_facilitation_the_organizer_gave_to_someone_else_is_refused(
    meeting, organizer, members
):
    services.set_facilitator(actor=organizer, meeting=meeting, user_id=members[0].pk)
    meeting.refresh_from_db()
    offer = services.offer_swap(
        user=members[0], meeting=meeting, role="facilitator", to_user_id=members[2].pk
    )
    services.set_facilitator(actor=organizer, meeting=meeting, user_id=members[1].pk)
    offer.refresh_from_db()
    assert offer.status == SwapStatus.WITHDRAWN  # the new facilitator's hands, not the offerer's
    before = _state(meeting.group)

    with pytest.raises(PresentationError):
        services.answer_swap(user=members[2], offer_id=offer.pk, accept=True)

    assert _state(meeting.group) == before
    meeting.refresh_from_db()
    assert meeting.facilitator == members[1]


# --- organizers' slot tools ---------------------------------------------------------------------


def test_assigning_an_invited_member_their_own_slot_confirms_it(meeting, organizer, members):
    invited = services.fill_slots_from_queue(actor=organizer, meeting=meeting)
    invitation = invited[1]
    assert (invitation.presenter, invitation.status) == (members[0], "invited")

    assigned = services.assign_slot(
        actor=organizer, segment_id=invitation.segment_id, user_id=members[0].pk
    )

    invitation.refresh_from_db()
    assert assigned.pk == invitation.pk
    assert (invitation.presenter, invitation.status, invitation.invited_until) == (
        members[0],
        "confirmed",
        None,
    )
    assert list(
        AuditEntry.objects.filter(verb__startswith="slot.").values_list("verb", "subject")
    ) == [("slot.assigned", members[0].pk)]
    assert CaseDraft.objects.count() == 0


@pytest.mark.parametrize("change", ["missing", "twice", "foreign"])
def test_reorder_agenda_that_does_not_list_each_segment_once_is_refused(meeting, organizer, change):
    order = list(meeting.segments.order_by("position").values_list("pk", flat=True))
    other = AgendaSegment.objects.create(meeting=MeetingFactory(), kind="case", minutes=10)
    new_order = {
        "missing": order[1:][::-1],
        "twice": [*order[::-1], order[0]],
        "foreign": [*order[1:][::-1], other.pk],
    }[change]
    before = _state(meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.reorder_agenda(actor=organizer, meeting=meeting, segment_ids=new_order)

    assert str(refused.value) == "The new order must list each segment of the agenda once."
    assert _state(meeting.group) == before


@pytest.mark.parametrize("who", ["facilitator", "backup"])
def test_set_facilitator_to_someone_outside_the_group_is_refused(meeting, organizer, members, who):
    stranger = UserFactory()
    ids = {"facilitator": (stranger.pk, None), "backup": (members[1].pk, stranger.pk)}[who]
    before = _state(meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.set_facilitator(actor=organizer, meeting=meeting, user_id=ids[0], backup_id=ids[1])

    assert str(refused.value) == "Choose a member of the group."
    assert _state(meeting.group) == before


# --- cases, topics, flags and drafts ------------------------------------------------------------


@pytest.fixture
def case(meeting, members):
    return services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)


@pytest.fixture
def topic(meeting, members):
    return services.claim_slot(user=members[1], segment_id=slots(meeting, "topic")[0].pk)


def test_save_case_for_a_presentation_that_no_longer_exists_is_refused(case, members):
    gone = case.pk
    services.withdraw_from_slot(user=members[0], presentation_id=gone)
    before = _state(case.meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.save_case(user=members[0], presentation_id=gone, data=CASE)

    assert str(refused.value) == "That presentation no longer exists."
    assert _state(case.meeting.group) == before


def test_save_case_on_a_topic_slot_is_refused(topic, members):
    before = _state(topic.meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.save_case(user=members[1], presentation_id=topic.pk, data=CASE)

    assert str(refused.value) == "This slot is a topic presentation, not a case."
    assert _state(topic.meeting.group) == before


@pytest.mark.parametrize(
    ("slot", "title", "message"),
    [
        ("case", "Grief work", "This slot is a case presentation, not a topic."),
        ("topic", "   ", "Give the talk a title."),
    ],
)
def test_save_topic_refusals(case, topic, members, slot, title, message):
    presentation = {"case": case, "topic": topic}[slot]
    before = _state(presentation.meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.save_topic(
            user=presentation.presenter,
            presentation_id=presentation.pk,
            title=title,
            summary="What the research says.",
            links=["https://example.org/paper"],
        )

    assert str(refused.value) == message
    assert _state(presentation.meeting.group) == before
    presentation.refresh_from_db()
    assert (presentation.topic_title, presentation.topic_links) == ("", [])


def test_flag_on_a_presentation_that_no_longer_exists_is_refused(case, members):
    gone = case.pk
    services.withdraw_from_slot(user=members[0], presentation_id=gone)
    before = _state(case.meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.flag_recognition(user=members[1], presentation_id=gone)

    assert str(refused.value) == "That presentation no longer exists."
    assert _state(case.meeting.group) == before


def test_release_content_for_an_unknown_reason_is_a_programming_error(case, members):
    services.save_case(user=members[0], presentation_id=case.pk, data=CASE)
    case.refresh_from_db()
    before = _state(case.meeting.group)

    with pytest.raises(ValueError) as refused:
        services.release_presentation_content(presentation=case, reason="bored")

    assert str(refused.value) == "Unknown reason 'bored'"

    assert _state(case.meeting.group) == before
    assert case.case_question == CASE["case_question"]


def test_discard_a_draft_of_someone_else_or_one_already_gone_is_refused(case, members):
    services.save_case(user=members[0], presentation_id=case.pk, data=CASE)
    services.withdraw_from_slot(user=members[0], presentation_id=case.pk)
    draft = CaseDraft.objects.get()
    assert (draft.author, draft.reason) == (members[0], DraftReason.WITHDRAWN)
    before = _state(case.meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.discard_draft(user=members[1], draft_id=draft.pk)

    assert str(refused.value) == "That draft is already gone."
    assert _state(case.meeting.group) == before  # the author's draft is still there

    services.discard_draft(user=members[0], draft_id=draft.pk)
    after_discard = _state(case.meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.discard_draft(user=members[0], draft_id=draft.pk)

    assert str(refused.value) == "That draft is already gone."
    assert _state(case.meeting.group) == after_discard


# --- elections ----------------------------------------------------------------------------------


@pytest.fixture
def elected_group(group):
    type(group).objects.filter(pk=group.pk).update(leadership_model="elected")
    group.refresh_from_db()
    return group


def _open(group, organizer, **kwargs):
    now = timezone.now()
    values = {
        "term_starts_on": timezone.localdate(),
        "term_ends_on": timezone.localdate() + timedelta(days=180),
        "nominations_close_at": now + timedelta(days=2),
        "voting_closes_at": now + timedelta(days=4),
        **kwargs,
    }
    return services.open_election(actor=organizer, group=group, **values)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("nominations_closed", "Nominations must close in the future."),
        ("voting_first", "Voting must close after nominations close."),
        ("term_backwards", "The term must end after it starts."),
        ("term_empty", "The term must end after it starts."),
    ],
)
def test_open_election_with_dates_out_of_order_is_refused(
    elected_group, organizer, change, message
):
    now, today = timezone.now(), timezone.localdate()
    kwargs = {
        "nominations_closed": {"nominations_close_at": now - timedelta(minutes=1)},
        "voting_first": {"voting_closes_at": now + timedelta(days=1)},
        "term_backwards": {"term_ends_on": today - timedelta(days=1)},
        "term_empty": {"term_ends_on": today},
    }[change]
    before = _state(elected_group)

    with pytest.raises(PresentationError) as refused:
        _open(elected_group, organizer, **kwargs)

    assert str(refused.value) == message
    assert _state(elected_group) == before


def _to_voting(election):
    Election.objects.filter(pk=election.pk).update(
        nominations_close_at=timezone.now() - timedelta(minutes=1)
    )
    election.refresh_from_db()


def _to_closed(election):
    Election.objects.filter(pk=election.pk).update(
        voting_closes_at=timezone.now() - timedelta(seconds=1)
    )
    election.refresh_from_db()


def test_vote_for_a_nomination_of_another_election_is_refused(elected_group, organizer, members):
    election = _open(elected_group, organizer)
    services.nominate(user=organizer, election=election, nominee_id=members[0].pk)
    other_group = GroupFactory(leadership_model="elected")
    other_organizer = MembershipFactory(group=other_group, role=Role.ORGANIZER).user
    elsewhere = services.nominate(
        user=other_organizer,
        election=_open(other_group, other_organizer),
        nominee_id=other_organizer.pk,
    )
    _to_voting(election)
    before = _state(elected_group)

    with pytest.raises(PresentationError) as refused:
        services.cast_vote(user=members[1], election=election, nomination_id=elsewhere.pk)

    assert str(refused.value) == "Choose one of the nominees."
    assert _state(elected_group) == before


def _vote_in(group, organizer, members, *, winner):
    election = _open(group, organizer)
    nomination = services.nominate(user=organizer, election=election, nominee_id=winner.pk)
    _to_voting(election)
    for voter in members[1:3]:
        services.cast_vote(user=voter, election=election, nomination_id=nomination.pk)
    _to_closed(election)
    return election


def test_closing_an_election_twice_changes_nothing_the_second_time(
    elected_group, organizer, members
):
    election = _vote_in(elected_group, organizer, members, winner=members[0])
    first = services.close_election(election=election, actor=organizer)
    before = _state(elected_group)

    again = services.close_election(election=election, actor=organizer)

    assert (again.pk, again.closed_at, again.winner) == (first.pk, first.closed_at, members[0])
    assert _state(elected_group) == before
    assert LeadershipTerm.objects.filter(election=election).count() == 1


def test_election_whose_only_voted_nominee_left_elects_nobody(elected_group, organizer, members):
    election = _vote_in(elected_group, organizer, members, winner=members[0])
    Membership.objects.filter(group=elected_group, user=members[0]).delete()
    meeting = MeetingFactory(group=elected_group, starts_at=timezone.now() + timedelta(days=7))

    election = services.close_election(election=election)

    assert (election.winner, election.result_note) == (
        None,
        "Nobody who received votes is still a member, so nobody was elected.",
    )
    assert election.results == [
        {"nominee": str(members[0]), "votes": 2, "nominee_id": members[0].pk}
    ]
    assert LeadershipTerm.objects.count() == 0
    meeting.refresh_from_db()
    assert meeting.facilitator is None


# --- the rotation -------------------------------------------------------------------------------


def test_queue_ranks_a_member_who_presented_twice_by_their_latest_turn(meeting, organizer, members):
    def presented(user, weeks_ago):
        past = MeetingFactory(
            group=meeting.group, starts_at=timezone.now() - timedelta(weeks=weeks_ago)
        )
        segment = AgendaSegment.objects.create(meeting=past, kind="case", minutes=20)
        Presentation.objects.create(segment=segment, meeting=past, presenter=user)

    # Everyone joined long before the meetings below (newcomers are not in the queue).
    meeting.group.memberships.update(joined_at=F("joined_at") - timedelta(days=365))
    presented(members[0], weeks_ago=1)
    presented(members[0], weeks_ago=10)
    presented(members[1], weeks_ago=5)

    queue = [m.user for m in services.presenter_queue(meeting)]

    # Never presented first (by join date), then the least recent: members[1] before members[0].
    assert queue == [organizer, members[2], members[3], members[1], members[0]]


@pytest.mark.parametrize("situation", ["cancelled", "started"])
def test_fill_slots_of_a_cancelled_or_started_meeting_is_refused(
    meeting, organizer, members, situation
):
    if situation == "cancelled":
        meeting_services.cancel_meeting(actor=organizer, meeting=meeting)
    else:
        _move(meeting, starts_in=-timedelta(minutes=5))
    before = _state(meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.fill_slots_from_queue(actor=organizer, meeting=meeting)

    assert str(refused.value) == "This meeting has started or is cancelled."
    assert _state(meeting.group) == before


def test_accepting_an_expired_rotation_invitation_is_refused(meeting, organizer, members):
    invited = services.fill_slots_from_queue(actor=organizer, meeting=meeting)[1]
    Presentation.objects.filter(pk=invited.pk).update(
        invited_until=timezone.now() - timedelta(minutes=1)
    )
    before = _state(meeting.group)

    with pytest.raises(PresentationError) as refused:
        services.accept_rotation_invitation(user=invited.presenter, presentation_id=invited.pk)

    assert str(refused.value) == "This invitation has expired and passed to the next member."
    assert _state(meeting.group) == before


def test_rotation_with_nobody_willing_to_facilitate_assigns_nobody(group, organizer, members):
    MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=3))
    MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=10))
    Membership.objects.filter(group=group).update(facilitates=False)
    before = _state(group)

    assert services.assign_facilitators(group=group) == []

    assert _state(group) == before


# --- two requests at once (real PostgreSQL) -----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_double_submitted_recognition_flag_is_counted_once(case, members, mailoutbox):
    """Both requests pass the "already flagged" check before either is saved: the database's
    unique key refuses the second, which says so."""

    services.save_case(user=members[0], presentation_id=case.pk, data=CASE)

    def flag():
        return services.flag_recognition(user=members[1], presentation_id=case.pk)

    with pytest.raises(PresentationError) as refused:
        behind_another_transaction(flag, flag)

    assert str(refused.value) == "You have already flagged this case."
    assert RecognitionFlag.objects.filter(presentation=case).count() == 1
    assert AuditEntry.objects.filter(verb="case.recognition_flagged").count() == 1
    # One delivery recorded for the presenter (the e-mail itself is sent from the other thread's
    # commit, so the outbox is not the thing to count here).
    assert list(
        Delivery.objects.filter(template="recognition_flag").values_list("recipient", flat=True)
    ) == [members[0].pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_invitation_accepted_while_the_expiry_run_waits_is_not_passed_on(
    meeting, organizer, members
):
    invited = services.fill_slots_from_queue(actor=organizer, meeting=meeting)
    assert [p.presenter for p in invited] == [organizer, members[0], members[1]]
    invitation = invited[1]
    later = max(p.invited_until for p in invited) + timedelta(minutes=1)

    expired = behind_another_transaction(
        lambda: services.accept_rotation_invitation(
            user=invitation.presenter, presentation_id=invitation.pk
        ),
        lambda: services.expire_rotation_invitations(now=later),
    )

    # The two unanswered invitations pass on; the one accepted meanwhile stays accepted.
    assert expired == 2
    invitation.refresh_from_db()
    assert (invitation.presenter, invitation.status, invitation.invited_until) == (
        members[0],
        "confirmed",
        None,
    )
    assert set(RotationDecline.objects.values_list("user", flat=True)) == {
        organizer.pk,
        members[1].pk,
    }
    assert sorted(
        AuditEntry.objects.filter(verb="rotation.expired").values_list("subject", flat=True)
    ) == sorted([organizer.pk, members[1].pk])
