"""A group's health (``portal/health.py``): for its organizers, and site admins who may look."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from groups import selectors as group_selectors
from groups.access import permission_required
from portal.forms import DriftForm
from portal.health import DRIFT_DEFAULT, group_health


@permission_required("meetings.view_group_attendance", group_selectors.group_for)
@require_GET
def group_health_page(request, group, *, slug: str):
    form = DriftForm(request.GET if "missed" in request.GET else None)
    missed = form.cleaned_data["missed"] if form.is_bound and form.is_valid() else DRIFT_DEFAULT
    return render(
        request,
        "groups/health.html",
        {
            "group": group,
            "health": group_health(group, drift_meetings=missed),
            "form": form,
            # The series of each chart, for its table (templates/groups/includes/_bars.html).
            "attendance_names": ["Attendance rate"],
            "rsvp_names": ["Answered going", "Marked present"],
            "turn_names": ["Presented", "Facilitated"],
            "quarter_names": ["Joined", "Left"],
        },
    )
