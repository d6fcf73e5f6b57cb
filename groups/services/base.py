from django.db.models import Count, Q

from groups.cache import invalidate_browse
from groups.enums import ACTIVE_WAITLIST_STATUSES, WaitlistStatus
from groups.models import Group


class GroupActionError(Exception):
    """A request that the rules refuse; the message is shown to the person as it is."""


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


def sync_waitlist_count(group: Group) -> None:
    """With ``group`` locked: count the waitlist again (waiting and offered) into
    ``group.waitlist_count``. Recounted rather than incremented, so it can never drift."""
    counts = group.waitlist.aggregate(
        active=Count("pk", filter=Q(status__in=ACTIVE_WAITLIST_STATUSES))
    )
    if counts["active"] != group.waitlist_count:
        group.waitlist_count = counts["active"]
        Group.objects.filter(pk=group.pk).update(waitlist_count=counts["active"])
        invalidate_browse()
