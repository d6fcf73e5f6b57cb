"""The group page and the group's settings: a group with its meetings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from groups import selectors
from groups.enums import MANAGING_ROLES, WaitlistStatus
from groups.forms import GroupForm
from groups.services import GroupActionError
from meetings import selectors as meeting_selectors
from meetings import services as meeting_services
from meetings.layout import month_grid
from meetings.services import MeetingError


def group_detail(request, slug: str):
    group, membership = selectors.get_group_and_membership(request.user, slug)
    group._role_cache = {request.user.pk: membership.role if membership else None}
    waitlist_entry = None if membership else selectors.active_waitlist_entry(request.user, group)
    context = {
        "group": group,
        "membership": membership,
        "waitlist_entry": waitlist_entry,
        "waitlist_position": (
            selectors.waitlist_position(waitlist_entry) if waitlist_entry else None
        ),
        "offer_open": waitlist_entry is not None
        and waitlist_entry.status == WaitlistStatus.OFFERED,
        "application": (None if membership else selectors.pending_application(request.user, group)),
        "share_url": request.build_absolute_uri(group.get_absolute_url()),
    }
    context["rules_pending"] = selectors.needs_rules_acceptance(membership)
    if membership is not None and not context["rules_pending"]:
        context["members"] = list(selectors.members_of(group))
        # Members see everyone, organizers first: the organizers are the head of that list.
        context["organizers"] = [m for m in context["members"] if m.role in MANAGING_ROLES]
        context["upcoming"] = meeting_selectors.group_upcoming(group)
        context["past"] = meeting_selectors.group_past(group)
        context["month"] = month_grid(
            group, request.GET.get("month"), timezone.get_current_timezone()
        )
    else:
        context["organizers"] = list(selectors.organizers_of(group))
    return render(request, "groups/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request, slug: str):
    group, _membership = selectors.get_group_for_manager(request.user, slug)
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        instance=group,
        schedule_from=meeting_selectors.running_schedule(group),
        upcoming_meetings=meeting_selectors.upcoming_count(group),
    )
    if request.method == "POST" and form.is_valid():
        try:
            # The meetings service composes the group's update with what a new time zone and
            # the running series mean for the meetings (groups never import meetings).
            group = meeting_services.edit_group(
                actor=request.user,
                group=group,
                data=form.service_data(),
                keep_local_times=form.keep_local_times(),
            )
        except (GroupActionError, MeetingError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The group's details are saved.")
            return redirect(group)
    if request.method == "POST":
        group.refresh_from_db()
    return render(request, "groups/form.html", {"form": form, "group": group, "creating": False})
