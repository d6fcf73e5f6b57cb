"""Who may open whose profile and write to whom. Colleagues are people who share a group, so
these rules need both ``members`` and ``groups`` and live here, above them.

Declared with ``config.access.declare``; django-rules finds this module because ``portal`` is an
installed app (``rules.apps.AutodiscoverRulesConfig``)."""

import rules
from django.utils.translation import gettext_lazy as _

from config.access import declare
from groups.models import Membership
from groups.rules import is_group_manager
from members.rules import is_profile_owner, is_site_admin


def record_colleague(profile, user, *, shares_a_group: bool):
    """Record on ``profile`` that ``user`` loaded it and whether they share a group with its
    owner, so the rules below need not ask the database again (``portal.colleagues``' loaders
    know it from the query that found the profile)."""
    profile.viewer_id = user.pk
    profile.viewer_shares_group = shares_a_group
    return profile


@rules.predicate
def shares_a_group(user, profile):
    """``user`` and the profile's owner (someone else) belong to at least one group together."""
    if profile is None or not user.is_authenticated or profile.user_id == user.pk:
        return False
    if getattr(profile, "viewer_id", None) != user.pk:
        shares = Membership.objects.filter(
            user_id=profile.user_id, group__memberships__user=user
        ).exists()
        record_colleague(profile, user, shares_a_group=shares)
    return profile.viewer_shares_group


@rules.predicate
def has_active_account(user, profile):
    """The profile's owner can still be written to (a deactivated account cannot)."""
    return profile is not None and profile.user.is_active


declare(
    "portal.view_profile",
    is_profile_owner | is_site_admin | shares_a_group,
    refusal=_("Profiles are shown to the therapist's colleagues in their groups."),
)
declare(
    # Not site admins: the referral finder is no directory.
    "portal.message_colleague",
    shares_a_group & has_active_account,
    refusal=_("You can only write to colleagues who share a group with you."),
)


declare(
    "portal.send_we_miss_you",  # the object is the group
    is_group_manager,
    refusal=_("Only the group's organizers can send a note from the group."),
)
