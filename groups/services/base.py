from groups.enums import WaitlistStatus
from groups.models import Group


class GroupActionError(Exception):
    """A request that the rules refuse; the message is shown to the person as it is."""


def lock_group(group_id: int) -> Group:
    """Take the group's row lock: every change to seats happens under it."""
    return Group.objects.select_for_update(of=("self",)).get(pk=group_id)


def seats_free(group: Group) -> int:
    """Seats neither taken by a member nor held by an outstanding waitlist offer."""
    held = group.waitlist.filter(status=WaitlistStatus.OFFERED).count()
    return group.capacity - group.member_count - held
