"""A therapist's own start page and a colleague's profile."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from groups import selectors as group_selectors
from groups.access import permission_required
from meetings import selectors as meeting_selectors
from members import services
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


@login_required
def dashboard(request):
    """My own start page (no group object: ``login_required``)."""
    profile = services.ensure_profile(user=request.user)
    user = request.user
    memberships = list(group_selectors.memberships_for_user(user))
    groups = {membership.group_id: membership.group for membership in memberships}
    return render(
        request,
        "members/dashboard.html",
        {
            "profile": profile,
            "completeness": profile.completeness(),
            "memberships": memberships,
            "upcoming": presentation_selectors.upcoming_for_user(user, groups, limit=10),
            "awaiting_rsvp": meeting_selectors.rsvps_awaiting(user, groups),
            "vetting": vetting_preview(user, memberships),
            "offers": group_selectors.open_offers_for(user),
        },
    )
