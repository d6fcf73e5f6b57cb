"""Who may do what in a group. Rules are declared with ``config.access.declare`` and asked by
pages (``groups.access.permission_required``, ``{% test_rule %}``) and services
(``config.access.check``) alike.

Site admins may look at a group's management pages (``groups.view_management``) and vet its
applicants (``groups.vet_applications``) and fix its details (``groups.change_group``); every
other act on a group is its own organizers' alone.
"""

import rules
from django.utils.translation import gettext_lazy as _

from config.access import declare
from groups.enums import MANAGING_ROLES, Role
from groups.models import Group, Membership
from members.rules import is_site_admin

__all__ = [
    "is_group_manager",
    "is_group_member",
    "is_group_organizer",
    "is_site_admin",
    "is_the_agreement",
    "may_manage_member",
    "role_in",
    "shared_the_resource",
    "uploaded_the_document",
]


def role_in(user, obj) -> str | None:
    """``user``'s role in the group of ``obj`` (a group, or anything with ``group_id``).

    Taken from what the selector recorded when it loaded ``obj`` for this user
    (``groups.selectors.for_viewer``), or from ``obj``'s group when that is loaded and carries
    the record; otherwise read once and remembered on ``obj``.
    """
    if obj is None or user is None or not user.is_authenticated:
        return None
    if getattr(obj, "viewer_id", None) != user.pk:
        if _group_is_loaded(obj):
            return role_in(user, obj.group)
        group_id = obj.pk if isinstance(obj, Group) else obj.group_id
        membership = Membership.objects.filter(group_id=group_id, user=user).first()
        obj.viewer_id, obj.viewer_membership = user.pk, membership
    membership = obj.viewer_membership
    return membership.role if membership is not None else None


def _group_is_loaded(obj) -> bool:
    """``obj`` is not a group, and its group is already loaded (a row read through the group's
    related manager, e.g. ``group.memberships``, points at that very group object)."""
    descriptor = getattr(type(obj), "group", None)
    return not isinstance(obj, Group) and descriptor is not None and descriptor.is_cached(obj)


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
    if membership is None or user is None or not user.is_authenticated:
        return False
    if membership.user_id == user.pk:
        return False
    role = role_in(user, membership.group)
    if role == Role.ORGANIZER:
        return True
    return role == Role.CO_ORGANIZER and membership.role != Role.ORGANIZER


@rules.predicate
def shared_the_resource(user, resource):
    """``user`` is the colleague who added this link to the library."""
    if resource is None or user is None or not user.is_authenticated:
        return False
    return resource.added_by_id == user.pk


@rules.predicate
def uploaded_the_document(user, document):
    """``user`` is the colleague who added this document to the library."""
    if document is None or user is None or not user.is_authenticated:
        return False
    return document.added_by_id == user.pk


@rules.predicate
def is_the_agreement(user, document):
    """The group's confidentiality agreement: once chosen, the organizers' to change."""
    return document is not None and document.is_agreement


# --- the group's own pages -------------------------------------------------------------------

declare(
    "groups.view_members_area",  # the library, the ground rules, leaving
    is_group_member,
    refusal=_("Only the group's members can see this."),
)
declare(
    "groups.change_group",  # its details and settings; site admins may fix them too
    is_group_manager | is_site_admin,
    refusal=_("Only the group's organizers can change the group."),
)
declare(
    "groups.change_questions",  # what applicants to a closed group are asked
    is_group_manager,
    refusal=_("Only the group's organizers can change its application questions."),
)

declare(
    "groups.volunteer_as_buddy",  # offer (or stop offering) to be a newcomer's buddy
    is_group_member,
    refusal=_("Only members of the group can be a newcomer's buddy."),
)

# --- members, roles and invitations ----------------------------------------------------------

declare(
    "groups.view_management",  # site admins may look at a group's members and log, not act
    is_group_manager | is_site_admin,
    refusal=_("Only the group's organizers can see this."),
)
declare(
    "groups.manage_members",  # acting on the members at all: the object is the group
    is_group_manager,
    refusal=_("Only the group's organizers can change its members."),
)
declare(
    "groups.manage_member",  # remove, change role: the object is the membership
    may_manage_member,
    refusal=_("Only an organizer can remove or change the role of an organizer."),
)
declare(
    "groups.give_organizer_role",
    is_group_organizer,
    refusal=_("Only an organizer can make someone an organizer or hand the organizer role over."),
)
declare(
    "groups.invite",
    is_group_manager,
    refusal=_("Only the group's own organizers can send invitations."),
)
declare(
    "groups.revoke_invitation",
    is_group_manager,
    refusal=_("Only the group's own organizers can revoke invitations."),
)
declare(
    "groups.vet_applications",  # the object is the group or the application
    is_group_manager | is_site_admin,
    refusal=_("Only the group's organizers can decide on applications."),
)

# --- the resource library --------------------------------------------------------------------

declare(
    "groups.add_resource",
    is_group_member,
    refusal=_("Only members of the group can add to its library."),
)
declare(
    "groups.pin_resource",
    is_group_manager,
    refusal=_("Only the group's organizers can pin links."),
)
declare(
    "groups.remove_resource",  # the object is the resource
    is_group_manager | (is_group_member & shared_the_resource),
    refusal=_("Only the colleague who shared this link, or an organizer, can remove it."),
)

# --- documents in the library (groups/services/documents.py) ---------------------------------

declare(
    "groups.add_document",
    is_group_member,
    refusal=_("Only members of the group can add documents to its library."),
)
declare(
    "groups.change_document",  # its title, description, date and new versions: the document
    is_group_manager | (is_group_member & uploaded_the_document & ~is_the_agreement),
    refusal=_(
        "Only the colleague who added this document, or an organizer, can change it; "
        "the confidentiality agreement only an organizer."
    ),
)
declare(
    "groups.remove_document",  # the object is the document
    is_group_manager | (is_group_member & uploaded_the_document & ~is_the_agreement),
    refusal=_(
        "Only the colleague who added this document, or an organizer, can remove it; "
        "the confidentiality agreement only an organizer."
    ),
)
declare(
    "groups.choose_agreement",  # which document is the confidentiality agreement: the group
    is_group_manager,
    refusal=_("Only the group's organizers can choose its confidentiality agreement."),
)
