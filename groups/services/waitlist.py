"""The waitlist of a full group: seats offered in turn for 48 hours, accepted, declined,
left or lapsed, each under the group's lock."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import notifications
from groups.enums import (
    ACTIVE_WAITLIST_STATUSES,
    GroupStatus,
    OpeningReason,
    Role,
    WaitlistStatus,
)
from groups.models import Group, Membership, WaitlistEntry
from groups.services.base import (
    LICENCE_NEEDED,
    GroupActionError,
    announce_if_open,
    has_verified_licence,
    lock_group,
    seats_to_offer,
    sync_member_count,
    sync_waitlist_count,
)
from groups.services.newcomers import pair_newcomer
from members.models import User
from members.services import record_audit

OFFER_HOURS = 48


def offer_free_seats(*, group: Group) -> list[WaitlistEntry]:
    """With ``group`` locked: offer each free seat to the next person waiting, for 48 hours."""
    if group.status != GroupStatus.ACTIVE:
        return []
    offered = []
    free = seats_to_offer(group)
    if free <= 0:
        return offered
    now = timezone.now()
    queue = group.waitlist.filter(status=WaitlistStatus.WAITING).order_by("created_at", "id")
    for entry in queue[:free]:
        entry.status = WaitlistStatus.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = now + timedelta(hours=OFFER_HOURS)
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
        record_audit(
            actor=None, verb="waitlist.offered", subject=entry.user, group=group, obj=entry
        )
        notifications.seat_offered(entry)
        offered.append(entry)
    return offered


def _lock_entry(*, user: User, entry_id: int) -> tuple[Group, WaitlistEntry]:
    entry = WaitlistEntry.objects.filter(pk=entry_id, user=user).first()
    if entry is None:
        raise GroupActionError(_("That waitlist place is no longer yours."))
    group = lock_group(entry.group_id)
    entry = WaitlistEntry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
    return group, entry


def accept_offer(*, user: User, entry_id: int) -> Membership:
    """Take the offered seat. An expired offer passes to the next person, and says so."""
    with transaction.atomic():
        membership = _accept_offer(user=user, entry_id=entry_id)
    if membership is None:  # the expiry above is committed; now tell the person
        raise GroupActionError(
            _("Sorry, this offer expired, so the seat went to the next person waiting.")
        )
    return membership


def _accept_offer(*, user: User, entry_id: int) -> Membership | None:
    group, entry = _lock_entry(user=user, entry_id=entry_id)
    now = timezone.now()
    if entry.status != WaitlistStatus.OFFERED:
        raise GroupActionError(_("There is no open seat offer for you in this group."))
    if entry.offer_expires_at <= now:
        _expire(group=group, entry=entry, now=now, tell=False)  # the page tells them
        return None
    if group.member_count >= group.capacity:
        raise GroupActionError(
            _(
                "The organizers made the group smaller meanwhile, so it is full. "
                "Please ask them about a seat."
            )
        )
    if group.requires_verified_licence and not has_verified_licence(user, lock=True):
        raise GroupActionError(LICENCE_NEEDED)
    entry.status = WaitlistStatus.ACCEPTED
    entry.resolved_at = now
    entry.save(update_fields=["status", "resolved_at"])
    membership = Membership.objects.create(
        group=group,
        user=user,
        role=Role.MEMBER,
        rules_version=entry.rules_version,
        rules_accepted_at=now,
    )
    sync_member_count(group)
    sync_waitlist_count(group)
    record_audit(actor=user, verb="waitlist.accepted", subject=user, group=group, obj=membership)
    pair_newcomer(group=group, membership=membership, actor=user)
    return membership


@transaction.atomic
def decline_offer(*, user: User, entry_id: int) -> WaitlistEntry:
    group, entry = _lock_entry(user=user, entry_id=entry_id)
    if entry.status != WaitlistStatus.OFFERED:
        raise GroupActionError(_("There is no open seat offer for you in this group."))
    entry.status = WaitlistStatus.DECLINED
    entry.resolved_at = timezone.now()
    entry.save(update_fields=["status", "resolved_at"])
    sync_waitlist_count(group)
    record_audit(actor=user, verb="waitlist.declined", subject=user, group=group, obj=entry)
    offer_free_seats(group=group)
    announce_if_open(group=group, actor=user, reason=OpeningReason.SEAT)
    return entry


@transaction.atomic
def leave_waitlist(*, user: User, entry_id: int) -> WaitlistEntry:
    group, entry = _lock_entry(user=user, entry_id=entry_id)
    if entry.status not in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED):
        raise GroupActionError(_("You are not on this group's waitlist."))
    was_offered = entry.status == WaitlistStatus.OFFERED
    entry.status = WaitlistStatus.LEFT
    entry.resolved_at = timezone.now()
    entry.save(update_fields=["status", "resolved_at"])
    sync_waitlist_count(group)
    record_audit(actor=user, verb="waitlist.left", subject=user, group=group, obj=entry)
    if was_offered:
        offer_free_seats(group=group)
    announce_if_open(group=group, actor=user, reason=OpeningReason.SEAT)
    return entry


def leave_all_waitlists(*, user: User) -> int:
    """Take someone off every waitlist (their account is closing); a seat they were offered
    passes to the next person. Each group under its own lock. Returns how many they left."""
    left = 0
    for entry_id in list(
        WaitlistEntry.objects.filter(user=user, status__in=ACTIVE_WAITLIST_STATUSES).values_list(
            "pk", flat=True
        )
    ):
        try:
            leave_waitlist(user=user, entry_id=entry_id)
        except GroupActionError:  # resolved meanwhile
            continue
        left += 1
    return left


def _expire(*, group: Group, entry: WaitlistEntry, now, tell: bool) -> None:
    """The offer lapsed: the seat goes to the next in line. ``tell``: e-mail the person (not
    when they are being told on the page they are looking at)."""
    entry.status = WaitlistStatus.EXPIRED
    entry.resolved_at = now
    entry.save(update_fields=["status", "resolved_at"])
    sync_waitlist_count(group)
    record_audit(
        actor=None, verb="waitlist.offer_expired", subject=entry.user, group=group, obj=entry
    )
    if tell:
        notifications.offer_expired(entry)
    offer_free_seats(group=group)
    announce_if_open(group=group, actor=None, reason=OpeningReason.SEAT, about=(entry.user_id,))


def expire_offers(*, now=None) -> int:
    """Pass every expired offer to the next person waiting and tell its holder by e-mail; then,
    in groups with free seats and a waitlist, recount the waitlist and offer any seat that is
    free while people wait (a group that was paused when a seat came free). Safe to run twice:
    each step is guarded by the row's status under the group's lock."""
    now = now or timezone.now()
    expired = 0
    due = WaitlistEntry.objects.filter(
        status=WaitlistStatus.OFFERED, offer_expires_at__lte=now
    ).values_list("pk", "group_id")
    for entry_id, group_id in list(due):
        with transaction.atomic():
            group = lock_group(group_id)
            entry = WaitlistEntry.objects.select_for_update(of=("self",)).get(pk=entry_id)
            if entry.status == WaitlistStatus.OFFERED and entry.offer_expires_at <= now:
                _expire(group=group, entry=entry, now=now, tell=True)
                expired += 1
    overlooked = Group.objects.filter(
        status=GroupStatus.ACTIVE, waitlist_count__gt=0, capacity__gt=F("member_count")
    ).values_list("pk", flat=True)
    for group_id in list(overlooked):
        with transaction.atomic():
            group = lock_group(group_id)
            sync_waitlist_count(group)  # heals a count that a bulk update elsewhere left behind
            offer_free_seats(group=group)
    return expired
