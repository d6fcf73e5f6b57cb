"""Who may do what in a group. Rules are declared with ``config.access.declare`` and asked by
pages (``groups.access.permission_required``, ``{% test_rule %}``) and services
(``config.access.check``) alike."""

import rules

from config.access import declare
from groups.enums import MANAGING_ROLES, Role
from groups.models import Group, Membership


def role_in(user, obj) -> str | None:
    """``user``'s role in the group of ``obj`` (a group, or anything with ``group_id``).

    Taken from what the selector recorded when it loaded ``obj`` for this user
    (``groups.selectors.for_viewer``); otherwise read once and remembered on ``obj``.
    """
    if obj is None or not user.is_authenticated:
        return None
    if getattr(obj, "viewer_id", None) != user.pk:
        group_id = obj.pk if isinstance(obj, Group) else obj.group_id
        membership = Membership.objects.filter(group_id=group_id, user=user).first()
        obj.viewer_id, obj.viewer_membership = user.pk, membership
    membership = obj.viewer_membership
    return membership.role if membership is not None else None


@rules.predicate
def is_site_admin(user):
    return bool(user.is_authenticated and user.is_active and user.is_staff)


@rules.predicate
def is_group_member(user, obj):
    return role_in(user, obj) is not None


@rules.predicate
def is_group_manager(user, obj):
    return role_in(user, obj) in MANAGING_ROLES


@rules.predicate
def is_group_organizer(user, obj):
    return role_in(user, obj) == Role.ORGANIZER


@rules.predicate
def may_manage_member(user, membership):
    """May ``user`` remove this member or change their role? Organizers: anyone but themselves.
    Co-organizers: anyone but themselves and the organizers. Nobody else."""
    if membership is None or not user.is_authenticated or membership.user_id == user.pk:
        return False
    role = role_in(user, membership.group)
    if role == Role.ORGANIZER:
        return True
    return role == Role.CO_ORGANIZER and membership.role != Role.ORGANIZER


declare(
    "groups.view_members_area",
    is_group_member,
    refusal="Only the group's members can see this.",
)
declare(
    "groups.change_group",
    is_group_manager,
    refusal="Only the group's organizers can change the group.",
)
declare(
    "groups.view_management",  # site admins may look at a group's members and log, not act
    is_group_manager | is_site_admin,
    refusal="Only the group's organizers can see this.",
)
declare(
    "groups.manage_members",
    is_group_manager,
    refusal="Only the group's organizers can change its members.",
)
declare(
    "groups.manage_member",  # remove, change role: the object is the membership
    may_manage_member,
    refusal="Only an organizer can remove or change the role of an organizer.",
)
declare(
    "groups.give_organizer_role",
    is_group_organizer,
    refusal="Only an organizer can make someone an organizer or hand the group over.",
)
declare(
    "groups.vet_applications",
    is_group_manager,
    refusal="Only the group's organizers can decide on applications.",
)

# TRANSITIONAL (removed once every caller asks config.access): the old names.
ORGANIZER_ONLY_MESSAGE = "Only an organizer can remove or change the role of an organizer."
may_give_organizer_role = is_group_organizer
