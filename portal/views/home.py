"""A therapist's own start page and a colleague's profile."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from board import selectors as board_selectors
from config import access
from config.pagecache import cached_member_page
from consultations import selectors as consultation_selectors
from groups import selectors as group_selectors
from groups.access import permission_required
from meetings import selectors as meeting_selectors
from meetings.notes import open_action_items_for
from members import selectors as member_selectors
from members import services
from polls import selectors as poll_selectors
from portal import colleagues
from portal.selectors import vetting_preview
from presentations import selectors as presentation_selectors


@permission_required("portal.view_profile", colleagues.get_profile_for_viewer)
def profile_detail(request, profile, *, pk: int):
    """A therapist's profile: their own, a colleague's from a shared group, or any for a site
    admin; 404 to anyone else."""
    return render(
        request,
        "members/profile_detail.html",
        {
            "profile": profile,
            "is_self": profile.user_id == request.user.pk,
            "shared_groups": colleagues.shared_groups(request.user, profile.user),
        },
    )


DASHBOARD_ITEMS = 5


def licences_waiting(user) -> int:
    """For site admins: how many licences wait for a check (nobody else asks)."""
    if not access.allowed(user, "members.verify_licence"):
        return 0
    return member_selectors.licence_queue().count()


def _shown_groups(groups, waitlists, applications) -> list[int]:
    """The groups whose rows the dashboard shows (config.pagecache keeps it under their
    versions): mine, those I wait for, those I applied to."""
    return [
        *groups,
        *(entry.group_id for entry in waitlists),
        *(application.group_id for application in applications),
    ]


@cached_member_page
@login_required
def dashboard(request):
    """My own start page (no group object: ``login_required``)."""
    profile = services.ensure_profile(user=request.user)
    user = request.user
    memberships = list(group_selectors.memberships_for_user(user))
    groups = {membership.group_id: membership.group for membership in memberships}
    waitlists = group_selectors.waitlists_for(user)
    unread = board_selectors.unread_counts(user)
    looking_after = group_selectors.buddies_for(user)
    applications = list(group_selectors.applications_for(user))
    request.page_groups = _shown_groups(groups, waitlists, applications)
    for membership in memberships:
        membership.board_unread = unread.get(membership.group_id, 0)
        membership.newcomers = looking_after.get(membership.group_id, [])
        # One sentence to translate ("You are the buddy of …"): the names, already listed.
        membership.newcomer_names = ", ".join(str(m.user) for m in membership.newcomers)
    return render(
        request,
        "members/dashboard.html",
        {
            "profile": profile,
            "completeness": profile.completeness(),
            "memberships": memberships,
            "upcoming": presentation_selectors.upcoming_for_user(user, groups, limit=10),
            "awaiting_rsvp": meeting_selectors.rsvps_awaiting(user, groups),
            "polls": poll_selectors.polls_waiting_for(user, groups),
            "licences_waiting": licences_waiting(user),
            "vetting": vetting_preview(user, memberships),
            "offers": group_selectors.open_offers_for(user, waitlists),
            "waitlists": waitlists,
            "applications": applications,
            # Between meetings: action items, colleagues' consultation requests, the boards.
            "action_items": list(open_action_items_for(user)[:DASHBOARD_ITEMS]),
            "consultations": list(consultation_selectors.open_requests_for(user)[:DASHBOARD_ITEMS]),
            "board_topics": board_selectors.latest_for_dashboard(user),
        },
    )
