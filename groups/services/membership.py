from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from groups import signals
from groups.cache import invalidate_browse
from groups.enums import (
    ACTIVE_WAITLIST_STATUSES,
    MANAGING_ROLES,
    GroupStatus,
    MembershipPolicy,
    Role,
)
from groups.models import Group, Membership, WaitlistEntry
from groups.rules import (
    ORGANIZER_ONLY_MESSAGE,
    is_group_manager,
    may_give_organizer_role,
    may_manage_member,
)
from groups.services.base import GroupActionError, lock_group, seats_free, sync_waitlist_count
from members.models import User
from members.services import record_audit

__all__ = [
    "GroupActionError",
    "JoinResult",
    "admit",
    "change_role",
    "hand_over_organizer",
    "join_group",
    "leave_group",
    "remove_member",
]


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
        from groups.selectors import waitlist_position

        return waitlist_position(self.waitlist_entry)


def current_rules_version(group: Group):
    return group.rules_versions.order_by("-number").first()


def admit(
    *, group: Group, user: User, actor: User, verb: str, data: dict | None = None
) -> JoinResult:
    """With ``group`` locked: a member if a seat is free (``seats_free``: nobody on the waitlist
    is owed it), else the waitlist. Those already waiting are offered free seats first."""
    from groups.services.waitlist import offer_free_seats

    if Membership.objects.filter(group=group, user=user).exists():
        raise GroupActionError("You are already a member of this group.")
    version = current_rules_version(group)
    if group.waitlist.filter(user=user, status__in=ACTIVE_WAITLIST_STATUSES).exists():
        raise GroupActionError("You are already on this group's waitlist.")
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
        Group.objects.filter(pk=group.pk).update(member_count=F("member_count") + 1)
        group.refresh_from_db(fields=["member_count"])
        invalidate_browse()
        record_audit(actor=actor, verb=verb, subject=user, group=group, obj=membership, data=data)
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
        raise GroupActionError("Please read and accept the ground rules to join.")
    locked = lock_group(group.pk)
    if locked.status != GroupStatus.ACTIVE:
        raise GroupActionError("This group is not taking new members right now.")
    if locked.membership_policy != MembershipPolicy.OPEN:
        raise GroupActionError(
            "This is a closed group: apply, and an organizer will review your application."
        )
    try:
        with transaction.atomic():
            return admit(group=locked, user=user, actor=user, verb="member.joined")
    except IntegrityError as exc:  # a double submit that slipped past the checks
        raise GroupActionError("You are already a member of this group.") from exc


def _check_may_manage(*, actor: User, group: Group, membership: Membership) -> None:
    """The one rule (groups.rules.may_manage_member), with ``group`` locked: organizers remove
    or change anyone else; co-organizers anyone but organizers."""
    membership.group = group  # the rule reads the actor's role in this locked group
    if may_manage_member(actor, membership):
        return
    if is_group_manager(actor, group):
        raise GroupActionError(ORGANIZER_ONLY_MESSAGE)
    raise GroupActionError("Only the group's organizers can change its members.")


def _organizer_count(group: Group) -> int:
    return group.memberships.filter(role=Role.ORGANIZER).count()


def _check_last_organizer(*, group: Group, membership: Membership) -> None:
    if membership.role == Role.ORGANIZER and _organizer_count(group) <= 1:
        raise GroupActionError(
            "A group always keeps at least one organizer: hand the organizer role to another "
            "member first."
        )


def _drop_membership(
    *, group: Group, membership: Membership, actor: User | None, reason: str
) -> None:
    """End a membership with ``group`` locked. What the person held in the group's future
    (slots, meeting roles, a leadership term) ends through ``membership_ended``."""
    from groups.services.waitlist import offer_free_seats

    _check_last_organizer(group=group, membership=membership)
    user = membership.user
    membership.delete()
    signals.membership_ended.send(
        sender=Membership, group=group, user=user, actor=actor, reason=reason
    )
    Group.objects.filter(pk=group.pk).update(member_count=F("member_count") - 1)
    group.refresh_from_db(fields=["member_count"])
    invalidate_browse()
    offer_free_seats(group=group)


@transaction.atomic
def leave_group(*, user: User, group: Group) -> None:
    locked = lock_group(group.pk)
    membership = Membership.objects.filter(group=locked, user=user).first()
    if membership is None:
        raise GroupActionError("You are not a member of this group.")
    _drop_membership(group=locked, membership=membership, actor=user, reason=signals.LEFT)
    record_audit(actor=user, verb="member.left", subject=user, group=locked)


@transaction.atomic
def remove_member(*, actor: User, group: Group, membership_id: int, reason: str = "") -> None:
    locked = lock_group(group.pk)
    membership = Membership.objects.filter(group=locked, pk=membership_id).first()
    if membership is None:
        raise GroupActionError("That person is no longer a member of this group.")
    if membership.user_id == actor.pk:
        raise GroupActionError("To leave the group yourself, use “Leave group”.")
    _check_last_organizer(group=locked, membership=membership)
    _check_may_manage(actor=actor, group=locked, membership=membership)
    _drop_membership(group=locked, membership=membership, actor=actor, reason=signals.REMOVED)
    from groups import notifications

    notifications.member_removed(group=locked, user=membership.user, actor=actor)
    record_audit(
        actor=actor,
        verb="member.removed",
        subject=membership.user,
        group=locked,
        data={"reason": reason.strip()[:500]} if reason.strip() else {},
    )


@transaction.atomic
def change_role(*, actor: User, group: Group, membership_id: int, role: str) -> Membership:
    """Promote or demote a member between member, co-organizer and organizer."""
    if role not in Role.values:
        raise GroupActionError("Choose member, co-organizer or organizer.")
    locked = lock_group(group.pk)
    membership = (
        Membership.objects.filter(group=locked, pk=membership_id)
        .select_for_update(of=("self",))
        .first()
    )
    if membership is None:
        raise GroupActionError("That person is no longer a member of this group.")
    if membership.role == role:
        return membership
    if membership.role == Role.ORGANIZER and _organizer_count(locked) <= 1:
        raise GroupActionError(
            "This is the group's only organizer. Make someone else organizer first."
        )
    if membership.user_id == actor.pk:
        raise GroupActionError(
            "You cannot change your own role: another organizer can, or hand the organizer "
            "role over."
        )
    _check_may_manage(actor=actor, group=locked, membership=membership)
    if role == Role.ORGANIZER and not may_give_organizer_role(actor, locked):
        raise GroupActionError("Only an organizer can give or take away the organizer role.")
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
    mine = Membership.objects.filter(group=locked, user=actor, role=Role.ORGANIZER).first()
    if mine is None:
        raise GroupActionError("Only an organizer can hand over the organizer role.")
    target = Membership.objects.filter(group=locked, pk=membership_id).first()
    if target is None or target.pk == mine.pk:
        raise GroupActionError("Choose another member of the group.")
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


def is_manager(user: User, group: Group) -> bool:
    return Membership.objects.filter(group=group, user=user, role__in=MANAGING_ROLES).exists()
