"""Who is in a group: joining, leaving, removal, roles, and every membership of a closing
account. Every path that adds or ends a membership counts the members again
(``sync_member_count``) under the group's lock."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import check
from groups import notifications, signals
from groups.cache import invalidate_browse
from groups.enums import (
    ACTIVE_WAITLIST_STATUSES,
    DepartureReason,
    GroupStatus,
    MembershipPolicy,
    OpeningReason,
    Role,
)
from groups.models import Group, Membership, WaitlistEntry
from groups.selectors import group_ids_of, latest_rules, waitlist_position
from groups.services.base import (
    LICENCE_NEEDED,
    GroupActionError,
    announce_if_open,
    has_verified_licence,
    lock_group,
    seats_free,
    sync_member_count,
    sync_waitlist_count,
)
from groups.services.newcomers import pair_again, pair_newcomer
from groups.services.waitlist import leave_all_waitlists, offer_free_seats
from members.models import User
from members.services import record_audit

__all__ = [
    "GroupActionError",
    "JoinResult",
    "admit",
    "change_role",
    "check_removal",
    "hand_over_organizer",
    "join_group",
    "leave_all_groups",
    "leave_group",
    "remove_member",
]

# The audit verb of a membership that ends because of ``reason`` (``groups.signals``).
ENDED_VERBS = {
    DepartureReason.LEFT: "member.left",
    DepartureReason.REMOVED: "member.removed",
    DepartureReason.ACCOUNT_DELETED: "member.account_deleted",
}


@dataclass(frozen=True)
class JoinResult:
    membership: Membership | None = None
    waitlist_entry: WaitlistEntry | None = None

    @property
    def joined(self) -> bool:
        return self.membership is not None

    @property
    def position(self) -> int | None:
        if self.waitlist_entry is None:
            return None
        return waitlist_position(self.waitlist_entry)


def admit(
    *, group: Group, user: User, actor: User, verb: str, data: dict | None = None
) -> JoinResult:
    """With ``group`` locked: a member if a seat is free (``seats_free``: nobody on the waitlist
    is owed it), else the waitlist. Those already waiting are offered free seats first."""
    if Membership.objects.filter(group=group, user=user).exists():
        raise GroupActionError(_("You are already a member of this group."))
    if group.requires_verified_licence and not has_verified_licence(user, lock=True):
        raise GroupActionError(LICENCE_NEEDED)
    version = latest_rules(group)
    if group.waitlist.filter(user=user, status__in=ACTIVE_WAITLIST_STATUSES).exists():
        raise GroupActionError(_("You are already on this group's waitlist."))
    if group.waitlist_count:
        offer_free_seats(group=group)
    if seats_free(group) > 0:
        membership = Membership.objects.create(
            group=group,
            user=user,
            role=Role.MEMBER,
            rules_version=version,
            rules_accepted_at=timezone.now(),
        )
        sync_member_count(group)
        record_audit(actor=actor, verb=verb, subject=user, group=group, obj=membership, data=data)
        pair_newcomer(group=group, membership=membership, actor=actor)
        return JoinResult(membership=membership)
    entry = WaitlistEntry.objects.create(group=group, user=user, rules_version=version)
    sync_waitlist_count(group)
    record_audit(
        actor=actor, verb="waitlist.joined", subject=user, group=group, obj=entry, data=data
    )
    return JoinResult(waitlist_entry=entry)


@transaction.atomic
def join_group(*, user: User, group: Group, accepted_rules: bool) -> JoinResult:
    """Join an open group at once if a seat is free, otherwise join its waitlist."""
    if not accepted_rules:
        raise GroupActionError(_("Please read and accept the ground rules to join."))
    locked = lock_group(group.pk)
    if locked.status != GroupStatus.ACTIVE:
        raise GroupActionError(_("This group is not taking new members right now."))
    if locked.membership_policy != MembershipPolicy.OPEN:
        raise GroupActionError(
            _("This is a closed group: apply, and an organizer will review your application.")
        )
    try:
        with transaction.atomic():
            return admit(group=locked, user=user, actor=user, verb="member.joined")
    except IntegrityError as exc:  # a double submit that slipped past the checks
        raise GroupActionError(_("You are already a member of this group.")) from exc


def _organizer_count(group: Group) -> int:
    return group.memberships.filter(role=Role.ORGANIZER).count()


def _check_last_organizer(*, group: Group, membership: Membership) -> None:
    if membership.role == Role.ORGANIZER and _organizer_count(group) <= 1:
        raise GroupActionError(
            _(
                "A group always keeps at least one organizer: hand the organizer role to another "
                "member first."
            )
        )


def _end_membership(
    *, group: Group, membership: Membership, actor: User | None, reason: str
) -> None:
    """With ``group`` locked: the membership ends. What the person held in the group's future
    (slots, meeting roles, a leadership term) ends through ``membership_ended``; their seat
    goes to the waitlist."""
    user = membership.user
    newcomers = list(membership.buddied.values_list("pk", flat=True))
    membership.delete()
    signals.membership_ended.send(
        sender=Membership, group=group, user=user, actor=actor, reason=reason
    )
    sync_member_count(group)
    if newcomers:
        pair_again(group=group, newcomer_ids=newcomers, actor=actor)
    offer_free_seats(group=group)
    announce_if_open(group=group, actor=actor, reason=OpeningReason.SEAT, about=(user.pk,))


def _drop_membership(
    *, group: Group, membership: Membership, actor: User | None, reason: str
) -> None:
    """End a membership with ``group`` locked, keeping the group's last organizer."""
    _check_last_organizer(group=group, membership=membership)
    _end_membership(group=group, membership=membership, actor=actor, reason=reason)


@transaction.atomic
def leave_group(*, user: User, group: Group) -> None:
    locked = lock_group(group.pk)
    membership = Membership.objects.filter(group=locked, user=user).first()
    if membership is None:
        raise GroupActionError(_("You are not a member of this group."))
    _drop_membership(group=locked, membership=membership, actor=user, reason=DepartureReason.LEFT)
    record_audit(actor=user, verb=ENDED_VERBS[DepartureReason.LEFT], subject=user, group=locked)


@transaction.atomic
def leave_all_groups(*, user: User, reason: str) -> int:
    """End every membership of ``user`` and take them off every waitlist (their account is
    closing: ``reason`` is ``DepartureReason.ACCOUNT_DELETED``). Returns how many groups they left.

    Each group under its own lock. A group whose last member this is is archived rather than
    left without anyone; otherwise the membership ends through the normal path, which keeps
    the group's last organizer (an organizer leaves only while another remains: the caller
    asks them to hand the role over first) and offers their seat to the waitlist. Each group's
    log records it (``member.account_deleted``), by nobody: it is the system's doing.
    """
    verb = ENDED_VERBS[reason]
    group_ids = group_ids_of(user)
    for group_id in group_ids:
        group = lock_group(group_id)
        membership = Membership.objects.select_related("user").get(group=group, user=user)
        if not group.memberships.exclude(pk=membership.pk).exists():
            group.status = GroupStatus.ARCHIVED  # nobody is left to run it
            group.save(update_fields=["status", "updated_at"])
            invalidate_browse()
            _end_membership(group=group, membership=membership, actor=None, reason=reason)
        else:
            _drop_membership(group=group, membership=membership, actor=None, reason=reason)
        record_audit(actor=None, verb=verb, subject=user, group=group)
    leave_all_waitlists(user=user)
    return len(group_ids)


def check_removal(*, actor: User, group: Group, membership: Membership | None) -> None:
    """Raise the reason ``actor`` may not remove ``membership`` from ``group`` now, if any: the
    rules of roles (``groups.manage_members``, ``groups.manage_member``), oneself, and the
    group's last organizer. The removal page asks before it offers the form; ``remove_member``
    asks again under the group's lock."""
    check(actor, "groups.manage_members", group)
    if membership is None:
        raise GroupActionError(_("That person is no longer a member of this group."))
    if membership.user_id == actor.pk:
        raise GroupActionError(_("To leave the group yourself, use “Leave group”."))
    _check_last_organizer(group=group, membership=membership)
    check(actor, "groups.manage_member", membership)


@transaction.atomic
def remove_member(*, actor: User, group: Group, membership_id: int, reason: str = "") -> None:
    locked = lock_group(group.pk)
    membership = (
        Membership.objects.filter(group=locked, pk=membership_id).select_related("user").first()
    )
    if membership is not None:
        membership.group = locked  # the rules read the actor's role in this locked group
    check_removal(actor=actor, group=locked, membership=membership)
    _end_membership(
        group=locked, membership=membership, actor=actor, reason=DepartureReason.REMOVED
    )
    notifications.member_removed(group=locked, user=membership.user, actor=actor)
    record_audit(
        actor=actor,
        verb=ENDED_VERBS[DepartureReason.REMOVED],
        subject=membership.user,
        group=locked,
        data={"reason": reason.strip()[:500]} if reason.strip() else {},
    )


@transaction.atomic
def change_role(*, actor: User, group: Group, membership_id: int, role: str) -> Membership:
    """Promote or demote a member between member, co-organizer and organizer."""
    if role not in Role.values:
        raise GroupActionError(_("Choose member, co-organizer or organizer."))
    locked = lock_group(group.pk)
    check(actor, "groups.manage_members", locked)
    membership = (
        Membership.objects.filter(group=locked, pk=membership_id)
        .select_for_update(of=("self",))
        .first()
    )
    if membership is None:
        raise GroupActionError(_("That person is no longer a member of this group."))
    if membership.role == role:
        return membership
    if membership.role == Role.ORGANIZER and _organizer_count(locked) <= 1:
        raise GroupActionError(
            _("This is the group's only organizer. Make someone else organizer first.")
        )
    if membership.user_id == actor.pk:
        raise GroupActionError(
            _(
                "You cannot change your own role: another organizer can, or hand the organizer "
                "role over."
            )
        )
    membership.group = locked  # the rules read the actor's role in this locked group
    check(actor, "groups.manage_member", membership)
    if role == Role.ORGANIZER:
        check(actor, "groups.give_organizer_role", locked)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record_audit(
        actor=actor,
        verb="member.role_changed",
        subject=membership.user,
        group=locked,
        obj=membership,
        data={"from": old, "to": role},
    )
    return membership


@transaction.atomic
def hand_over_organizer(*, actor: User, group: Group, membership_id: int) -> Membership:
    """Make another member the organizer; the actor stays on as co-organizer."""
    locked = lock_group(group.pk)
    check(actor, "groups.manage_members", locked)
    check(actor, "groups.give_organizer_role", locked)
    mine = Membership.objects.get(group=locked, user=actor)  # an organizer, by the rule
    target = Membership.objects.filter(group=locked, pk=membership_id).first()
    if target is None or target.pk == mine.pk:
        raise GroupActionError(_("Choose another member of the group."))
    target.role = Role.ORGANIZER
    target.save(update_fields=["role"])
    mine.role = Role.CO_ORGANIZER
    mine.save(update_fields=["role"])
    record_audit(
        actor=actor,
        verb="organizer.handed_over",
        subject=target.user,
        group=locked,
        obj=target,
        data={"previous_organizer": actor.pk},
    )
    return target
