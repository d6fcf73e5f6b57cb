"""A newcomer's welcome to their group: the organizers' welcome, what to expect, the next
meeting, their buddy, and the ground rules they accepted. Every member may open it again."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from groups import selectors as group_selectors
from groups.access import permission_required
from meetings import selectors as meeting_selectors
from members.timezones import use_page_zone


@permission_required("groups.view_members_area", group_selectors.group_for)
@require_GET
def welcome(request, group, *, slug):
    use_page_zone(group.time_zone)
    membership = group_selectors.membership_with_buddy(group.viewer_membership)
    upcoming = [m for m in meeting_selectors.group_upcoming(group) if not m.is_cancelled]
    context = {
        "group": group,
        "membership": membership,
        "next_meeting": upcoming[0] if upcoming else None,
        "organizers": list(group_selectors.organizers_of(group)),
        "agenda": list(group.agenda_template.all()),
        "rules": group_selectors.latest_rules(group),
        "newcomers": group_selectors.newcomers_of(membership),
    }
    return render(request, "groups/welcome.html", context)
