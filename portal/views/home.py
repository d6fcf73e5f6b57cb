"""A therapist's own start page and a colleague's profile."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from groups import selectors as group_selectors
from groups.enums import MANAGING_ROLES
from meetings import selectors as meeting_selectors
from members import services
from portal import colleagues
from presentations import selectors as presentation_selectors


@login_required
def profile_detail(request, pk: int):
    profile = colleagues.get_profile_for_viewer(request.user, pk)
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
    profile = services.ensure_profile(user=request.user)
    user = request.user
    memberships = list(group_selectors.memberships_for_user(user))
    groups = {membership.group_id: membership.group for membership in memberships}
    manages = user.is_staff or any(m.role in MANAGING_ROLES for m in memberships)
    return render(
        request,
        "members/dashboard.html",
        {
            "profile": profile,
            "completeness": profile.completeness(),
            "memberships": memberships,
            "upcoming": presentation_selectors.upcoming_for_user(user, groups, limit=10),
            "awaiting_rsvp": meeting_selectors.rsvps_awaiting(user, groups),
            # Only organizers (and site admins) vet; nobody else needs the query.
            "vetting": list(group_selectors.vetting_queue_for(user)[:10]) if manages else [],
            "offers": group_selectors.open_offers_for(user),
        },
    )
