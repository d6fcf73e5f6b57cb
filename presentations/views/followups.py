"""Case follow-ups ("report back"): the presenter's page, where they ask or withdraw, and the
organizers' Accept and Remove buttons on the meeting page (presentations/services/followups.py).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groups.access import permission_required
from meetings.selectors import meeting_for
from presentations import services
from presentations.models import FollowUpReason, FollowUpStatus
from presentations.selectors import presentation_for
from presentations.services import PresentationError
from presentations.views import run_action


def _page(presentation) -> str:
    return reverse("presentations:follow_up", kwargs={"pk": presentation.pk})


@permission_required("presentations.ask_follow_up", presentation_for)
@require_http_methods(["GET", "POST"])
def follow_up(request, presentation, *, pk: int):
    """The presenter's page about reporting back on their case: where the request stands,
    earlier ones, and the button to ask (a POST here)."""
    if request.method == "POST":
        try:
            asked = services.ask_follow_up(user=request.user, presentation_id=presentation.pk)
        except PresentationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Your follow-up is on the agenda of the next meeting, for the organizers to "
                    "confirm."
                )
                if asked.meeting_id
                else _(
                    "There is no next meeting yet: your follow-up waits, and goes on the "
                    "agenda of the next meeting as soon as one is scheduled."
                ),
            )
        return redirect(_page(presentation))
    history = services.follow_ups_of(presentation)
    current = history[0] if history else None
    context = {
        "presentation": presentation,
        "meeting": presentation.meeting,
        "group": presentation.meeting.group,
        "follow_up": current,
        "earlier": history[1:],
        "refusal": services.follow_up_refusal(presentation),
        "may_ask": current is None or current.shown_status == FollowUpStatus.REMOVED,
    }
    return render(request, "presentations/followup.html", context)


@permission_required("presentations.ask_follow_up", presentation_for)
@require_POST
def withdraw_follow_up(request, presentation, *, pk: int):
    return run_action(
        request,
        _page(presentation),
        lambda: services.withdraw_follow_up(user=request.user, presentation_id=presentation.pk),
        _("You withdrew your request to report back; it is off the agenda."),
    )


@permission_required("presentations.decide_follow_up", meeting_for)
@require_POST
def accept_follow_up(request, meeting, *, pk: int, follow_up_id: int):
    return run_action(
        request,
        meeting,
        lambda: services.accept_follow_up(
            actor=request.user, meeting=meeting, follow_up_id=follow_up_id
        ),
        _("The case follow-up is accepted. The presenter is told by e-mail."),
    )


@permission_required("presentations.decide_follow_up", meeting_for)
@require_POST
def remove_follow_up(request, meeting, *, pk: int, follow_up_id: int):
    return run_action(
        request,
        meeting,
        lambda: services.remove_follow_up(
            actor=request.user,
            meeting=meeting,
            follow_up_id=follow_up_id,
            reason=request.POST.get("reason", FollowUpReason.NONE),
        ),
        _("The case follow-up is off the agenda. The presenter is told by e-mail."),
    )
