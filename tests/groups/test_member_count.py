"""``member_count`` is written in one place (``sync_member_count``) by every path that adds or
ends a membership, and ``leave_all_groups`` ends every membership of a closing account."""

import pytest
from django.db import IntegrityError, transaction

from groups import services, signals
from groups.enums import DepartureReason, GroupStatus, MembershipPolicy, Role, WaitlistStatus
from groups.models import Group, Membership
from groups.services.base import sync_member_count
from members.models import AuditEntry
from tests.factories import (
    ApplicationFactory,
    GroupFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db


def _counts(group) -> tuple[int, int]:
    """(member_count as stored, memberships as they are)."""
    return Group.objects.get(pk=group.pk).member_count, Membership.objects.filter(
        group=group
    ).count()


# --- the one counting function -----------------------------------------------------------------


def test_sync_member_count_recounts_a_drifted_count():
    group = GroupFactory()
    MembershipFactory(group=group, role=Role.ORGANIZER)
    MembershipFactory(group=group)
    Group.objects.filter(pk=group.pk).update(member_count=5)  # as if written by hand
    stale = Group.objects.get(pk=group.pk)

    sync_member_count(stale)

    assert (stale.member_count, _counts(group)) == (2, (2, 2))


def test_sync_member_count_corrects_the_database_even_from_a_stale_copy():
    group = GroupFactory()
    MembershipFactory(group=group)
    MembershipFactory(group=group)
    Group.objects.filter(pk=group.pk).update(member_count=1)
    copy = Group.objects.get(pk=group.pk)
    copy.member_count = 2  # the copy happens to hold the right number; the row does not

    sync_member_count(copy)

    assert _counts(group) == (2, 2)


def test_the_database_refuses_more_members_than_seats():
    group = GroupFactory(capacity=2)
    MembershipFactory(group=group)
    MembershipFactory(group=group)

    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(group=group)


def test_the_factory_counts_through_the_services_function_with_any_copy_of_the_group():
    group = GroupFactory()
    other_copy = Group.objects.get(pk=group.pk)
    MembershipFactory(group=group)
    MembershipFactory(group=other_copy)  # holds member_count 0 from before

    assert (_counts(group), other_copy.member_count) == ((2, 2), 2)


# --- every path that adds or ends a membership -------------------------------------------------


def _closed_group_with_organizer():
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED, capacity=3)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    return group, organizer


def test_every_join_path_counts_the_members():
    group, organizer = _closed_group_with_organizer()
    open_group = GroupFactory(capacity=3)

    services.join_group(user=UserFactory(), group=open_group, accepted_rules=True)
    services.decide_application(
        actor=organizer, application=ApplicationFactory(group=group), approve=True
    )
    invitation = InvitationFactory(group=group)
    services.accept_invitation(user=UserFactory(), token=invitation.token, accepted_rules=True)
    created = services.create_group(
        actor=UserFactory(), data={"name": "Counted", "purposes": ["support"], "city": "Denver"}
    )

    assert [_counts(g) for g in (open_group, group, created)] == [(1, 1), (3, 3), (1, 1)]


def test_accepting_a_seat_offer_counts_the_members():
    group = GroupFactory(capacity=2)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    entry = WaitlistEntryFactory(group=group, offered=True)

    services.accept_offer(user=entry.user, entry_id=entry.pk)

    assert _counts(group) == (2, 2)


def test_every_leave_path_counts_the_members():
    group, organizer = _closed_group_with_organizer()
    leaving = MembershipFactory(group=group).user
    removed = MembershipFactory(group=group)

    services.leave_group(user=leaving, group=group)
    services.remove_member(actor=organizer, group=group, membership_id=removed.pk)

    assert _counts(group) == (1, 1)


# --- leave_all_groups ----------------------------------------------------------------------------


@pytest.fixture
def ended():
    """The membership_ended signals sent, as (group, user, actor, reason)."""
    sent = []

    def receiver(sender, *, group, user, actor, reason, **kwargs):
        sent.append((group.pk, user.pk, actor, reason))

    signals.membership_ended.connect(receiver, dispatch_uid="test-member-count")
    yield sent
    signals.membership_ended.disconnect(dispatch_uid="test-member-count")


def test_leave_all_groups_ends_every_membership_and_waitlist_place(ended):
    user = UserFactory()
    full = GroupFactory(capacity=2)
    organizer = MembershipFactory(group=full, role=Role.ORGANIZER)
    MembershipFactory(group=full, user=user)
    next_in_line = WaitlistEntryFactory(group=full)
    co_run = GroupFactory()
    MembershipFactory(group=co_run, user=user, role=Role.ORGANIZER)
    MembershipFactory(group=co_run, role=Role.ORGANIZER)
    elsewhere = WaitlistEntryFactory(user=user)

    left = services.leave_all_groups(user=user, reason=DepartureReason.ACCOUNT_DELETED)

    next_in_line.refresh_from_db()
    elsewhere.refresh_from_db()
    assert left == 2
    assert not Membership.objects.filter(user=user).exists()
    assert [_counts(full), _counts(co_run)] == [(1, 1), (1, 1)]
    assert (next_in_line.status, elsewhere.status) == (WaitlistStatus.OFFERED, WaitlistStatus.LEFT)
    assert Group.objects.get(pk=elsewhere.group_id).waitlist_count == 0
    assert sorted(ended) == sorted(
        [
            (full.pk, user.pk, None, DepartureReason.ACCOUNT_DELETED),
            (co_run.pk, user.pk, None, DepartureReason.ACCOUNT_DELETED),
        ]
    )
    entries = AuditEntry.objects.filter(verb="member.account_deleted").order_by("group_id")
    assert [(e.actor, e.subject, e.group_id) for e in entries] == [
        (None, user, full.pk),
        (None, user, co_run.pk),
    ]
    organizer.refresh_from_db()
    assert organizer.role == Role.ORGANIZER


def test_leave_all_groups_archives_a_group_its_last_member_leaves():
    user = UserFactory()
    group = GroupFactory()
    MembershipFactory(group=group, user=user, role=Role.ORGANIZER)
    waiting = WaitlistEntryFactory(group=group)

    services.leave_all_groups(user=user, reason=DepartureReason.ACCOUNT_DELETED)

    group.refresh_from_db()
    waiting.refresh_from_db()
    assert (group.status, group.member_count) == (GroupStatus.ARCHIVED, 0)
    assert waiting.status == WaitlistStatus.WAITING  # an archived group offers no seats
    assert AuditEntry.objects.filter(verb="member.account_deleted", group=group).count() == 1


def test_leave_all_groups_keeps_the_last_organizer_of_a_group_others_remain_in():
    user = UserFactory()
    fine = GroupFactory()
    MembershipFactory(group=fine, user=user)
    run_alone = GroupFactory()
    MembershipFactory(group=run_alone, user=user, role=Role.ORGANIZER)
    MembershipFactory(group=run_alone)

    with pytest.raises(services.GroupActionError) as refused:
        services.leave_all_groups(user=user, reason=DepartureReason.ACCOUNT_DELETED)

    assert "at least one organizer" in str(refused.value)
    assert Membership.objects.filter(user=user).count() == 2  # nothing half-done
    assert [_counts(fine), _counts(run_alone)] == [(1, 1), (2, 2)]
    assert not AuditEntry.objects.filter(verb="member.account_deleted").exists()


def test_leave_all_groups_of_someone_in_no_group_does_nothing():
    user = UserFactory()

    assert services.leave_all_groups(user=user, reason=DepartureReason.ACCOUNT_DELETED) == 0
    assert not AuditEntry.objects.exists()
