from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from config import pagecache
from config.errors import DomainError
from groups import signals
from groups.cache import invalidate_browse
from groups.enums import ACTIVE_WAITLIST_STATUSES, GroupStatus, WaitlistStatus
from groups.models import Group
from members.models import TherapistProfile, User


class GroupActionError(DomainError):
    """A request that a rule of groups refuses (a full group, a closed policy, the last
    organizer, ...); the message is shown to the person as it is. A refusal because of the
    person's role is ``config.errors.NotAllowed`` (``config.access.check``)."""


def lock_group(group_id: int) -> Group:
    """Take the group's row lock: every change to seats happens under it."""
    return Group.objects.select_for_update(of=("self",)).get(pk=group_id)


def seats_free(group: Group) -> int:
    """Seats a newcomer may take, with ``group`` locked and fresh: ``Group.seats_left``, the
    same definition the pages and the browse filter use (capacity minus members minus everyone
    on the waitlist)."""
    return group.seats_left


def seats_to_offer(group: Group) -> int:
    """With ``group`` locked: seats neither taken by a member nor held by an open offer, which
    the waitlist may be offered. Counted from the waitlist itself."""
    held = group.waitlist.filter(status=WaitlistStatus.OFFERED).count()
    return group.capacity - group.member_count - held


def announce_if_open(
    *, group: Group, actor: User | None, reason: str, about: tuple[int, ...] = ()
) -> None:
    """With ``group`` locked and its counts fresh, after a change that may have opened it to
    newcomers: if it is active with a seat nobody waiting is owed (``seats_free``), tell the
    apps above (``groups.signals.group_open``: the saved-search alerts)."""
    if group.status == GroupStatus.ACTIVE and seats_free(group) > 0:
        signals.group_open.send(
            sender=Group, group=group, actor=actor, reason=reason, about=tuple(about)
        )


def sync_member_count(group: Group) -> None:
    """With ``group`` locked: count its memberships into ``group.member_count``. The one place
    the number is written, by every path that adds or ends a membership; counted rather than
    incremented, so it can never drift. The database refuses a count above the capacity
    (``group_members_within_capacity``)."""
    group.member_count = group.memberships.count()
    # Only this group's pages show the count (config.pagecache): its version, not everyone's.
    with pagecache.announced(Group, [f"g:{group.pk}"]):
        changed = (
            Group.objects.filter(pk=group.pk)
            .exclude(member_count=group.member_count)
            .update(member_count=group.member_count)
        )
    if changed:
        invalidate_browse()


def sync_waitlist_count(group: Group) -> None:
    """With ``group`` locked: count the waitlist again (waiting and offered) into
    ``group.waitlist_count``. Recounted rather than incremented, so it can never drift."""
    group.waitlist_count = group.waitlist.aggregate(
        active=Count("pk", filter=Q(status__in=ACTIVE_WAITLIST_STATUSES))
    )["active"]
    changed = (
        Group.objects.filter(pk=group.pk)
        .exclude(waitlist_count=group.waitlist_count)
        .update(waitlist_count=group.waitlist_count)
    )
    if changed:
        invalidate_browse()


LICENCE_NEEDED = gettext_lazy(
    "This group asks for a licence PeerCircle has checked. Add your licence number and the "
    "state that issued it on your profile: a site admin checks it against the licensing "
    "board's record, usually within a few days, and you can join or apply then."
)
LICENCE_FIRST = gettext_lazy(
    "Your own licence needs to be checked first: add it on your profile and a site admin "
    "checks it against the licensing board's record."
)


def has_verified_licence(user: User, *, lock: bool = False) -> bool:
    """Whether ``user``'s licence is verified now; ``lock``: with their profile's row locked
    (so a licence changed at the same moment waits for the caller's decision)."""
    profiles = TherapistProfile.objects.filter(user=user)
    if lock:
        profiles = profiles.select_for_update(of=("self",))
    profile = profiles.only("licence_verified_at").first()
    return profile is not None and profile.licence_verified
