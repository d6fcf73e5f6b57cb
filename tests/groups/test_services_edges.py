"""The groups services' refusals and edge branches that the main service tests leave out, and
the selectors' answers to a visitor who is not signed in: each refusal leaves everything as it
was; each edge gives the result the product promises."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from groups import selectors, services
from groups.enums import ApplicationStatus, GroupStatus, MembershipPolicy, Role, WaitlistStatus
from groups.models import Application, Group, Invitation, Membership, WaitlistEntry
from groups.services import GroupActionError
from groups.services.invitations import REPEAT_AFTER
from members import dates
from members.models import AuditEntry
from tests.factories import (
    ApplicationFactory,
    GroupFactory,
    MembershipFactory,
    UserFactory,
    WaitlistEntryFactory,
)
from tests.race import behind_another_transaction

pytestmark = pytest.mark.django_db


def _state(group) -> dict:
    """Everything a refused call could have changed."""
    group = Group.objects.get(pk=group.pk)
    return {
        "group": (group.status, group.capacity, group.member_count, group.waitlist_count),
        "members": sorted(Membership.objects.filter(group=group).values_list("pk", "user", "role")),
        "waitlist": sorted(
            WaitlistEntry.objects.filter(group=group).values_list("pk", "user", "status")
        ),
        "applications": sorted(
            Application.objects.filter(group=group).values_list("pk", "applicant", "status")
        ),
        "invitations": sorted(
            Invitation.objects.filter(group=group).values_list(
                "pk", "email", "used_at", "revoked_at"
            )
        ),
        "audit": list(AuditEntry.objects.order_by("pk").values_list("pk", flat=True)),
    }


def _group(*, capacity=3, policy=MembershipPolicy.OPEN, members=1):
    group = GroupFactory(capacity=capacity, membership_policy=policy)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    for _ in range(members):
        MembershipFactory(group=group)
    return Group.objects.get(pk=group.pk), organizer


def _pause(group) -> Group:
    Group.objects.filter(pk=group.pk).update(status=GroupStatus.PAUSED)
    return Group.objects.get(pk=group.pk)


def _offer_a_seat(group, organizer, user) -> WaitlistEntry:
    """``user`` waits for the full ``group``; a member leaves, so ``user`` is offered the seat."""
    services.join_group(user=user, group=group, accepted_rules=True)
    leaving = Membership.objects.filter(group=group, role=Role.MEMBER).first().user
    services.leave_group(user=leaving, group=group)
    entry = WaitlistEntry.objects.get(group=group, user=user)
    assert entry.status == WaitlistStatus.OFFERED
    return entry


# --- joining ------------------------------------------------------------------------------------


def test_join_with_a_free_seat_has_no_waitlist_position():
    group, _ = _group()

    result = services.join_group(user=UserFactory(), group=group, accepted_rules=True)

    assert (result.joined, result.position, result.waitlist_entry) == (True, None, None)


def test_join_again_while_on_the_waitlist_is_refused():
    group, _ = _group(capacity=2)
    user = UserFactory()
    services.join_group(user=user, group=group, accepted_rules=True)
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        services.join_group(user=user, group=group, accepted_rules=True)

    assert str(refused.value) == "You are already on this group's waitlist."
    assert _state(group) == before


def test_join_a_paused_group_is_refused():
    group, _ = _group()
    group = _pause(group)
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        services.join_group(user=UserFactory(), group=group, accepted_rules=True)

    assert str(refused.value) == "This group is not taking new members right now."
    assert _state(group) == before


# --- removal and roles --------------------------------------------------------------------------


def test_remove_a_membership_of_another_group_is_refused():
    group, organizer = _group()
    elsewhere = MembershipFactory()  # a member of another group
    before, before_elsewhere = _state(group), _state(elsewhere.group)

    with pytest.raises(GroupActionError) as refused:
        services.remove_member(actor=organizer, group=group, membership_id=elsewhere.pk)

    assert str(refused.value) == "That person is no longer a member of this group."
    assert (_state(group), _state(elsewhere.group)) == (before, before_elsewhere)


def test_change_role_to_a_role_that_does_not_exist_is_refused():
    group, organizer = _group()
    member = Membership.objects.get(group=group, role=Role.MEMBER)
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        services.change_role(actor=organizer, group=group, membership_id=member.pk, role="owner")

    assert str(refused.value) == "Choose member, co-organizer or organizer."
    assert _state(group) == before


def test_change_role_to_the_role_held_already_changes_nothing():
    group, organizer = _group()
    member = Membership.objects.get(group=group, role=Role.MEMBER)
    before = _state(group)

    kept = services.change_role(
        actor=organizer, group=group, membership_id=member.pk, role=Role.MEMBER
    )

    assert (kept.pk, kept.role) == (member.pk, Role.MEMBER)
    assert _state(group) == before  # no audit entry for a change that did not happen


def test_an_organizer_changing_their_own_role_is_refused():
    group, organizer = _group()
    MembershipFactory(group=group, role=Role.ORGANIZER)  # not the only organizer
    mine = Membership.objects.get(group=group, user=organizer)
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        services.change_role(
            actor=organizer, group=group, membership_id=mine.pk, role=Role.CO_ORGANIZER
        )

    assert str(refused.value) == (
        "You cannot change your own role: another organizer can, or hand the organizer role over."
    )
    assert _state(group) == before


@pytest.mark.parametrize("target", ["self", "another_group"])
def test_hand_over_organizer_to_oneself_or_a_stranger_is_refused(target):
    group, organizer = _group()
    membership_id = {
        "self": Membership.objects.get(group=group, user=organizer).pk,
        "another_group": MembershipFactory().pk,
    }[target]
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        services.hand_over_organizer(actor=organizer, group=group, membership_id=membership_id)

    assert str(refused.value) == "Choose another member of the group."
    assert _state(group) == before


# --- the waitlist -------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["accept_offer", "decline_offer", "leave_waitlist"])
def test_answering_someone_elses_waitlist_place_is_refused(answer):
    group, organizer = _group(capacity=2)
    entry = _offer_a_seat(group, organizer, UserFactory())
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        getattr(services, answer)(user=UserFactory(), entry_id=entry.pk)

    assert str(refused.value) == "That waitlist place is no longer yours."
    assert _state(group) == before


@pytest.mark.parametrize("answer", ["accept_offer", "decline_offer"])
def test_answering_an_offer_while_still_only_waiting_is_refused(answer):
    group, _ = _group(capacity=2)
    user = UserFactory()
    entry = services.join_group(user=user, group=group, accepted_rules=True).waitlist_entry
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        getattr(services, answer)(user=user, entry_id=entry.pk)

    assert str(refused.value) == "There is no open seat offer for you in this group."
    assert _state(group) == before


def test_accepting_an_offer_after_the_group_was_made_smaller_is_refused():
    group, organizer = _group(capacity=3, members=2)
    user = UserFactory()
    entry = _offer_a_seat(group, organizer, user)
    # One member left a seat free; the organizers now make the group that much smaller.
    services.update_group(actor=organizer, group=group, data={"capacity": 2})
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        services.accept_offer(user=user, entry_id=entry.pk)

    assert str(refused.value) == (
        "The organizers made the group smaller meanwhile, so it is full. Please ask them about a "
        "seat."
    )
    assert _state(group) == before


def test_leaving_a_waitlist_one_has_already_left_is_refused():
    group, _ = _group(capacity=2)
    user = UserFactory()
    entry = services.join_group(user=user, group=group, accepted_rules=True).waitlist_entry
    services.leave_waitlist(user=user, entry_id=entry.pk)
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        services.leave_waitlist(user=user, entry_id=entry.pk)

    assert str(refused.value) == "You are not on this group's waitlist."
    assert _state(group) == before


# --- applications -------------------------------------------------------------------------------


def _apply(user, group, **kwargs):
    values = {"answers": [], "note": "", "consent": True, "accepted_rules": True, **kwargs}
    return services.apply_to_group(user=user, group=group, **values)


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("paused", "This group is not taking applications right now."),
        (
            "no_consent",
            "Please agree to share your profile with the organizers: they need it to review "
            "your application.",
        ),
        ("no_rules", "Please read and accept the ground rules to apply."),
    ],
)
def test_apply_refusals(situation, message):
    group, _ = _group(policy=MembershipPolicy.CLOSED)
    if situation == "paused":
        group = _pause(group)
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        _apply(
            UserFactory(),
            group,
            consent=situation != "no_consent",
            accepted_rules=situation != "no_rules",
        )

    assert str(refused.value) == message
    assert _state(group) == before


def test_withdrawing_an_application_twice_is_refused():
    group, _ = _group(policy=MembershipPolicy.CLOSED)
    user = UserFactory()
    application = _apply(user, group)
    services.withdraw_application(user=user, application_id=application.pk)
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        services.withdraw_application(user=user, application_id=application.pk)

    assert str(refused.value) == "There is no pending application to withdraw."
    assert _state(group) == before


def test_approving_an_applicant_who_joined_meanwhile_is_refused():
    group, organizer = _group(policy=MembershipPolicy.CLOSED)
    applicant = UserFactory()
    application = _apply(applicant, group)
    # Meanwhile an organizer invited them, and they came in through the link.
    invitation = services.invite_by_email(actor=organizer, group=group, email=applicant.email)
    services.accept_invitation(user=applicant, token=invitation.token, accepted_rules=True)
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        services.decide_application(actor=organizer, application=application, approve=True)

    assert str(refused.value) == "The applicant is already a member."
    assert _state(group) == before
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


# --- invitations --------------------------------------------------------------------------------


def test_inviting_an_address_again_after_its_link_was_used_is_refused_for_a_week():
    group, organizer = _group(policy=MembershipPolicy.CLOSED)
    first = services.invite_by_email(actor=organizer, group=group, email="Sam@Example.com")
    # Someone signed in under another address used the link.
    services.accept_invitation(user=UserFactory(), token=first.token, accepted_rules=True)
    first.refresh_from_db()
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        services.invite_by_email(actor=organizer, group=group, email="sam@example.com")

    def when(moment):
        return dates.when(moment)  # no viewer: the active zone, UTC, labelled

    assert str(refused.value) == (
        f"An invitation went to sam@example.com on {when(first.created_at)} and was used. We "
        "send an address at most one invitation a week, so you can invite them again from "
        f"{when(first.created_at + REPEAT_AFTER)}."
    )
    assert _state(group) == before


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("no_rules", "Please read and accept the ground rules to join."),
        ("paused", "This group is not taking new members right now."),
    ],
)
def test_accept_invitation_refusals_leave_the_link_usable(situation, message):
    group, organizer = _group(policy=MembershipPolicy.CLOSED)
    invitee = UserFactory()
    invitation = services.invite_by_email(actor=organizer, group=group, email=invitee.email)
    if situation == "paused":
        group = _pause(group)
    before = _state(group)

    with pytest.raises(GroupActionError) as refused:
        services.accept_invitation(
            user=invitee, token=invitation.token, accepted_rules=situation != "no_rules"
        )

    assert str(refused.value) == message
    assert _state(group) == before
    invitation.refresh_from_db()
    assert invitation.is_usable


# --- what a visitor who is not signed in gets from the selectors ---------------------------------


def test_selectors_give_a_visitor_who_is_not_signed_in_nothing():
    group, organizer = _group(policy=MembershipPolicy.CLOSED)
    application = ApplicationFactory(group=group)
    offer = WaitlistEntryFactory(group=group, offered=True)
    visitor = AnonymousUser()

    assert list(selectors.memberships_for_user(visitor)) == []
    assert selectors.get_membership(visitor, group) is None
    assert list(selectors.vetting_queue_for(visitor)) == []
    assert selectors.open_offers_for(visitor) == []
    with pytest.raises(Http404):
        selectors.group_for(visitor, group.slug)
    with pytest.raises(Http404):
        selectors.application_for(visitor, application.pk)
    # What a member sees of the same things, so the empty answers above are not empty anyway.
    assert [m.group for m in selectors.memberships_for_user(organizer)] == [group]
    assert list(selectors.vetting_queue_for(organizer)) == [application]
    assert selectors.open_offers_for(offer.user) == [offer]


# --- two requests at once (real PostgreSQL) -----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_double_submitted_application_is_saved_once():
    """Both requests pass the "already waiting" check before either is saved: the database's
    unique key refuses the second, which says so."""
    group, _ = _group(policy=MembershipPolicy.CLOSED)
    applicant = UserFactory()

    def apply():
        return _apply(applicant, group, note="Eating-disorder clinician, 6 years.")

    with pytest.raises(GroupActionError) as refused:
        behind_another_transaction(apply, apply)

    assert str(refused.value) == "You already have an application waiting with this group."
    assert list(Application.objects.values_list("applicant", "status")) == [
        (applicant.pk, ApplicationStatus.PENDING)
    ]
    assert AuditEntry.objects.filter(verb="application.submitted").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_closing_account_skips_a_waitlist_place_that_lapsed_meanwhile():
    """The account's waitlist places are listed, then the offer lapses (the expiry run holds the
    group) before the place is left: it stays lapsed, and closing the account goes on."""
    group, organizer = _group(capacity=2)
    user = UserFactory()
    entry = _offer_a_seat(group, organizer, user)
    later = entry.offer_expires_at + timedelta(minutes=1)

    left = behind_another_transaction(
        lambda: services.expire_offers(now=later),
        lambda: services.leave_all_waitlists(user=user),
    )

    assert left == 0
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.EXPIRED
    verbs = set(AuditEntry.objects.filter(subject=user).values_list("verb", flat=True))
    assert {"waitlist.offer_expired", "waitlist.left"} & verbs == {"waitlist.offer_expired"}
