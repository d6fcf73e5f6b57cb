import rules

from groups.enums import MANAGING_ROLES


def _role(user, meeting):
    if not user.is_authenticated or meeting is None:
        return None
    cache = getattr(meeting, "_role_cache", None)
    if cache is None:
        cache = meeting._role_cache = {}
    if user.pk not in cache:
        cache[user.pk] = (
            meeting.group.memberships.filter(user=user).values_list("role", flat=True).first()
        )
    return cache[user.pk]


@rules.predicate
def is_meeting_manager(user, meeting):
    return _role(user, meeting) in MANAGING_ROLES


@rules.predicate
def is_meeting_facilitator(user, meeting):
    return meeting is not None and meeting.facilitator_id == user.pk and _role(user, meeting)


rules.add_perm("meetings.change_meeting", is_meeting_manager)
rules.add_perm("meetings.take_attendance", is_meeting_manager | is_meeting_facilitator)
