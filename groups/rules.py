import rules

from groups.enums import MANAGING_ROLES, Role
from members.rules import is_site_admin


def _role(user, group):
    if not user.is_authenticated or group is None:
        return None
    cache = getattr(group, "_role_cache", None)
    if cache is None:
        cache = group._role_cache = {}
    if user.pk not in cache:
        membership = group.memberships.filter(user=user).only("role").first()
        cache[user.pk] = membership.role if membership else None
    return cache[user.pk]


@rules.predicate
def is_group_member(user, group):
    return _role(user, group) is not None


@rules.predicate
def is_group_manager(user, group):
    return _role(user, group) in MANAGING_ROLES


@rules.predicate
def is_group_organizer(user, group):
    return _role(user, group) == Role.ORGANIZER


rules.add_perm("groups.view_members_area", is_group_member)
rules.add_perm("groups.change_group", is_group_manager | is_site_admin)
rules.add_perm("groups.manage_members", is_group_manager)
rules.add_perm("groups.hand_over_group", is_group_organizer)
rules.add_perm("groups.vet_applications", is_group_manager | is_site_admin)
rules.add_perm("groups.view_audit", is_group_manager | is_site_admin)
rules.add_perm("groups.invite", is_group_manager)
