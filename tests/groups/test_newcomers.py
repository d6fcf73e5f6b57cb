"""Welcoming newcomers (groups/services/newcomers.py): volunteers offer to be buddies, each
newcomer is paired with the least busy one when they join (however they join), someone who
offers takes newcomers still waiting, and a buddy who leaves hands their newcomers on. The
buddy is told once per action; the newcomer, who acted, is not e-mailed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import NotAllowed
from groups.enums import MembershipPolicy, Role
from groups.models import Group, Membership
from groups.services import (
    accept_invitation,
    accept_offer,
    apply_to_group,
    decide_application,
    invite_by_email,
    join_group,
    leave_group,
    set_buddy_volunteer,
)
from groups.services.membership import GroupActionError
from groups.services.newcomers import MAX_NEWCOMERS_EACH
from members.enums import DeliveryStatus
from members.models import AuditEntry, Delivery
from members.notifications import send_delivery
from tests.factories import GroupFactory, MembershipFactory, UserFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    """An open group founded a month ago, with an organizer and two members."""
    founded = timezone.now() - timedelta(days=30)
    group = GroupFactory(membership_policy=MembershipPolicy.OPEN, capacity=12)
    Group.objects.filter(pk=group.pk).update(created_at=founded)
    group.refresh_from_db()
    for role in (Role.ORGANIZER, Role.MEMBER, Role.MEMBER):
        MembershipFactory(group=group, role=role, joined_at=founded)
    return group


def _members(group):
    return list(group.memberships.select_related("user").order_by("joined_at", "pk"))


def _volunteer(membership):
    return set_buddy_volunteer(user=membership.user, group=membership.group, willing=True)


def _join(group) -> Membership:
    user = UserFactory()
    join_group(user=user, group=group, accepted_rules=True)
    return Membership.objects.get(group=group, user=user)


def _told(template="buddy_paired"):
    return list(Delivery.objects.filter(template=template).values_list("recipient_id", "context"))


def test_a_newcomer_is_paired_with_a_volunteer_who_is_told_once(group):
    _organizer, first, _second = _members(group)
    _volunteer(first)
    newcomer = _join(group)
    assert newcomer.buddy == first
    assert _told() == [(first.user_id, {"newcomers": [newcomer.pk]})]
    assert not Delivery.objects.filter(recipient=newcomer.user).exists()
    entry = AuditEntry.objects.get(verb="member.buddy_paired")
    assert (entry.subject, entry.data) == (newcomer.user, {"buddy": first.user_id})


def test_newcomers_go_to_the_least_busy_volunteer_then_the_longest_standing(group):
    _organizer, first, second = _members(group)
    _volunteer(second)
    _volunteer(first)
    a, b, c = _join(group), _join(group), _join(group)
    assert [m.buddy_id for m in (a, b, c)] == [first.pk, second.pk, first.pk]
    assert _join(group).buddy_id == second.pk
    assert _join(group).buddy is None  # both have MAX_NEWCOMERS_EACH
    assert MAX_NEWCOMERS_EACH == 2


def test_no_volunteer_no_buddy_and_founders_are_not_paired():
    founder = UserFactory()
    group = GroupFactory(membership_policy=MembershipPolicy.OPEN)
    MembershipFactory(group=group, user=founder, role=Role.ORGANIZER)
    set_buddy_volunteer(user=founder, group=group, willing=True)
    joiner = UserFactory()
    join_group(user=joiner, group=group, accepted_rules=True)
    # The group is new: whoever joins in its first week founds it with the organizer.
    assert Membership.objects.get(user=joiner).buddy is None
    assert not Membership.objects.get(user=joiner).is_new


def test_offering_takes_newcomers_still_waiting_without_e_mailing_the_volunteer(group):
    _organizer, first, _second = _members(group)
    waiting = [_join(group) for _ in range(3)]
    assert all(m.buddy is None for m in waiting)
    _volunteer(first)
    paired = Membership.objects.filter(buddy=first).order_by("joined_at")
    assert list(paired) == waiting[:MAX_NEWCOMERS_EACH]
    assert _told() == []  # they acted: the page tells them


def test_stepping_back_keeps_current_newcomers_but_takes_no_more(group):
    _organizer, first, _second = _members(group)
    _volunteer(first)
    newcomer = _join(group)
    set_buddy_volunteer(user=first.user, group=group, willing=False)
    assert Membership.objects.get(pk=newcomer.pk).buddy == first
    assert _join(group).buddy is None
    assert AuditEntry.objects.filter(verb="member.buddy_stepped_back").count() == 1


def test_a_buddy_who_leaves_hands_their_newcomers_to_another_volunteer(group):
    _organizer, first, second = _members(group)
    _volunteer(first)
    newcomer = _join(group)
    _volunteer(second)
    Delivery.objects.all().delete()
    leave_group(user=first.user, group=group)
    assert Membership.objects.get(pk=newcomer.pk).buddy_id == second.pk
    # Shown on the new buddy's dashboard, not e-mailed: a departure (an account deleted) already
    # e-mails the organizers, who may be the volunteers.
    assert _told() == []


def test_a_buddy_who_leaves_with_no_one_to_take_over_leaves_the_newcomer_without(group):
    _organizer, first, _second = _members(group)
    _volunteer(first)
    newcomer = _join(group)
    leave_group(user=first.user, group=group)
    assert Membership.objects.get(pk=newcomer.pk).buddy is None


@pytest.mark.parametrize("way", ["invitation", "application", "waitlist"])
def test_every_way_in_pairs_the_newcomer(group, way):
    organizer, first, _second = _members(group)
    _volunteer(first)
    user = UserFactory()
    if way == "invitation":
        invitation = invite_by_email(actor=organizer.user, group=group, email=user.email)
        accept_invitation(user=user, token=invitation.token, accepted_rules=True)
    elif way == "application":
        Group.objects.filter(pk=group.pk).update(membership_policy=MembershipPolicy.CLOSED)
        group.refresh_from_db()
        application = apply_to_group(
            user=user, group=group, answers=[], note="", consent=True, accepted_rules=True
        )
        decide_application(actor=organizer.user, application=application, approve=True)
    else:
        entry = WaitlistEntryFactory(group=group, user=user, offered=True)
        accept_offer(user=user, entry_id=entry.pk)
    assert Membership.objects.get(group=group, user=user).buddy == first
    assert [r for r, _ in _told()] == [first.user_id]


def test_only_members_offer(group):
    with pytest.raises((GroupActionError, NotAllowed)):
        set_buddy_volunteer(user=UserFactory(), group=group, willing=True)
    assert not Membership.objects.filter(buddy_volunteer=True).exists()


def test_is_new_for_six_weeks_after_joining(group):
    newcomer = _join(group)
    assert newcomer.is_new
    Membership.objects.filter(pk=newcomer.pk).update(
        joined_at=timezone.now() - timedelta(weeks=6, days=1)
    )
    assert not Membership.objects.select_related("group").get(pk=newcomer.pk).is_new


def test_the_buddy_email_names_the_newcomers_and_is_skipped_once_they_left(group, mailoutbox):
    _organizer, first, _second = _members(group)
    _volunteer(first)
    newcomer = _join(group)
    delivery = Delivery.objects.get(template="buddy_paired")
    assert send_delivery(delivery.pk) == DeliveryStatus.SENT
    message = mailoutbox[-1]
    assert message.to == [first.user.email]
    assert message.subject == f"[PeerCircle] You are {newcomer.user}'s buddy · {group.name}"
    assert f"- {newcomer.user}" in message.body.splitlines()
    second_newcomer = _join(group)
    leave_group(user=second_newcomer.user, group=group)
    later = Delivery.objects.filter(template="buddy_paired").latest("pk")
    assert send_delivery(later.pk) == DeliveryStatus.SKIPPED
