"""Blocks that pages of lower apps (the group page, the dashboard) show about elections.

The lower apps' views never import presentations: their templates load these tags instead.
"""

import zoneinfo

from django import template
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from config import access
from groups.enums import LeadershipModel
from groups.selectors import for_viewer
from presentations import selectors

register = template.Library()

ELECTIONS_SHOWN = 5


@register.inclusion_tag("presentations/includes/_group_leadership.html", takes_context=True)
def group_leadership(context, group, membership):
    """An elected group's leader and term, and its open and past elections (members only).

    ``membership``: the viewer's, as the group page read it (None for anyone else); recorded
    on the group for the rules, so asking them costs no query."""
    if group.leadership_model != LeadershipModel.ELECTED:
        return {"show": False}  # and no query: most groups do not elect
    user = context.get("user") or AnonymousUser()
    if getattr(group, "viewer_id", None) != user.pk:
        for_viewer(group, user, membership)
    elections = list(selectors.elections_of(group)[:ELECTIONS_SHOWN])
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(group.time_zone))
    current, upcoming = selectors.current_and_next_terms(group, today)
    return {
        "show": True,
        "group": group,
        "current": current,
        "upcoming": upcoming,
        "elections": elections,
        "can_hold": access.allowed(user, "presentations.hold_election", group)
        and not any(e.closed_at is None for e in elections),
    }


@register.simple_tag
def elections_waiting_for(user, memberships=None):
    """[(election, "nominate" | "vote")] for the dashboard's "Waiting for you". Given the
    member's memberships (with their groups), members of no electing group cost no query."""
    if memberships is not None and not any(
        m.group.leadership_model == LeadershipModel.ELECTED for m in memberships
    ):
        return []
    return selectors.elections_waiting_for(user)
