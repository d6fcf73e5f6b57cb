"""A group's health (``portal/health.py``): for its organizers, and site admins who may look;
and the "we miss you" note an organizer writes to a member from it (``portal/nudges.py``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from config.errors import DomainError
from groups import selectors as group_selectors
from groups.access import permission_required
from portal import health, nudges
from portal.forms import DriftForm, WeMissYouForm, we_miss_you_text


@permission_required("meetings.view_group_attendance", group_selectors.group_for)
@require_GET
def group_health_page(request, group, *, slug: str):
    form = DriftForm(request.GET if "missed" in request.GET else None)
    missed = (
        form.cleaned_data["missed"] if form.is_bound and form.is_valid() else health.DRIFT_DEFAULT
    )
    return render(
        request,
        "groups/health.html",
        {
            "group": group,
            "health": health.group_health(group, drift_meetings=missed),
            "form": form,
            # The series of each chart, for its table (templates/groups/includes/_bars.html).
            "attendance_names": [_("Attendance rate")],
            "rsvp_names": [_("Answered going"), _("Marked present")],
            "turn_names": [_("Presented"), _("Facilitated")],
            "quarter_names": [pgettext("members who", "Joined"), pgettext("members who", "Left")],
        },
    )


@permission_required("portal.send_we_miss_you", group_selectors.group_for)
@require_http_methods(["GET", "POST"])
def we_miss_you(request, group, *, slug: str, membership_id: int):
    """Write to a member who has stopped coming: a note the form starts, sent by e-mail."""
    membership = health.member_of(group, membership_id)
    form = _note_form(request, group, membership)
    if request.method == "POST" and form.is_valid():
        try:
            nudges.send_we_miss_you(
                actor=request.user,
                group=group,
                membership_id=membership.pk,
                message=form.cleaned_data["message"],
                guard_summary=form.guard_summary(),
            )
        except ValidationError as exc:
            form.add_error("message", exc)
        except DomainError as exc:
            form.add_error(None, _("%(error)s Your note is still here.") % {"error": exc})
        else:
            messages.success(
                request, _("Your note is on its way to %(name)s.") % {"name": membership.user}
            )
            return redirect("groups:health", slug=group.slug)
    return render(
        request,
        "groups/we_miss_you.html",
        {
            "group": group,
            "membership": membership,
            "form": form,
            "last_note_at": nudges.last_note_at(membership),
        },
    )


def _note_form(request, group, membership) -> WeMissYouForm:
    """The note's form, started from a warm text naming the next meeting; the names of the two
    people and of the group are theirs to write, not a client's (the guard knows them)."""
    return WeMissYouForm(
        request.POST if request.method == "POST" else None,
        initial={
            "message": we_miss_you_text(
                member=membership.user,
                group=group,
                sender=request.user,
                next_meeting_at=health.next_meeting_at(group),
            )
        },
        known_names=[str(membership.user), str(request.user), group.name],
    )
