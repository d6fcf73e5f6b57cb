"""Every write about groups. Views and tasks call these; nothing else writes group rows."""

from groups.services.applications import (
    apply_to_group,
    decide_application,
    withdraw_application,
)
from groups.services.groups import (
    accept_ground_rules,
    create_group,
    replace_questions,
    update_group,
)
from groups.services.invitations import (
    accept_invitation,
    check_revocation,
    invite_by_email,
    revoke_invitation,
)
from groups.services.membership import (
    GroupActionError,
    change_role,
    check_removal,
    hand_over_organizer,
    join_group,
    leave_all_groups,
    leave_group,
    remove_member,
)
from groups.services.newcomers import set_buddy_volunteer
from groups.services.resources import add_resource, remove_resource, set_pinned
from groups.services.waitlist import (
    accept_offer,
    decline_offer,
    expire_offers,
    leave_all_waitlists,
    leave_waitlist,
    offer_free_seats,
)

__all__ = [
    "GroupActionError",
    "accept_ground_rules",
    "accept_invitation",
    "accept_offer",
    "add_resource",
    "apply_to_group",
    "change_role",
    "check_removal",
    "check_revocation",
    "create_group",
    "decide_application",
    "decline_offer",
    "expire_offers",
    "hand_over_organizer",
    "invite_by_email",
    "join_group",
    "leave_all_groups",
    "leave_all_waitlists",
    "leave_group",
    "leave_waitlist",
    "offer_free_seats",
    "remove_member",
    "remove_resource",
    "replace_questions",
    "revoke_invitation",
    "set_buddy_volunteer",
    "set_pinned",
    "update_group",
    "withdraw_application",
]
