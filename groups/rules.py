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


ORGANIZER_ONLY_MESSAGE = "Only an organizer can remove or change the role of an organizer."


@rules.predicate
def may_manage_member(user, membership):
    """May ``user`` remove this member or change their role? Organizers: anyone but themselves.
    Co-organizers: anyone but themselves and the organizers. Nobody else."""
    if membership is None or not user.is_authenticated or membership.user_id == user.pk:
        return False
    role = _role(user, membership.group)
    if role == Role.ORGANIZER:
        return True
    return role == Role.CO_ORGANIZER and membership.role != Role.ORGANIZER


# Making someone organizer, like handing the role over, is for organizers only.
may_give_organizer_role = is_group_organizer

rules.add_perm("groups.view_members_area", is_group_member)
rules.add_perm("groups.change_group", is_group_manager | is_site_admin)
rules.add_perm("groups.manage_members", is_group_manager)
rules.add_perm("groups.hand_over_group", is_group_organizer)
rules.add_perm("groups.manage_member", may_manage_member)  # remove, change role (a membership)
rules.add_perm("groups.give_organizer_role", may_give_organizer_role)
# The same two as plain rules, for pages: ``user.has_perm`` lets a superuser pass any check, and
# these buttons must match what the services allow, superuser or not.
rules.add_rule("groups.manage_member", may_manage_member)
rules.add_rule("groups.give_organizer_role", may_give_organizer_role)
rules.add_perm("groups.vet_applications", is_group_manager | is_site_admin)
rules.add_perm("groups.view_audit", is_group_manager | is_site_admin)
rules.add_perm("groups.invite", is_group_manager)
