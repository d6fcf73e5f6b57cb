"""Vetting applications to closed groups: the queue, and one application with its decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from groups import selectors, services
from groups.access import permission_required
from groups.forms import DecisionForm
from members import selectors as member_selectors
from members.services import record_confirmations


@login_required
def queue(request):
    """The applications waiting for the signed-in person: those of the groups they organize
    (every one, for a site admin). About the person, not one group: ``login_required``, and
    the selector scopes the list."""
    return render(
        request,
        "groups/vetting_queue.html",
        {"applications": list(selectors.vetting_queue_for(request.user))},
    )


@permission_required("groups.vet_applications", selectors.application_for)
@require_http_methods(["GET", "POST"])
def detail(request, application, *, pk):
    """One application (GET) and the decision on it (POST). A refusal of the service (decided
    meanwhile, one's own application) is the middleware's: a message on this page."""
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _application, result = services.decide_application(
            actor=request.user,
            application=application,
            approve=form.approves(),
            message=form.cleaned_data["message"],
        )
        record_confirmations(
            actor=request.user,
            summary=form.guard_summary(),
            what="decision message",
            group=application.group,
            obj=application,
        )
        messages.success(request, _decided(application, form.approves(), result))
        return redirect("groups:vetting_queue")
    return render(
        request,
        "groups/vetting_detail.html",
        {
            "application": application,
            "profile": getattr(application.applicant, "profile", None),
            "earlier": list(selectors.earlier_applications(application)),
            "licence_check": member_selectors.latest_licence_check(
                getattr(application.applicant, "profile", None)
            ),
            "form": form,
        },
    )


def _decided(application, approved: bool, result) -> str:
    name = application.applicant
    if not approved:
        return _("You declined %(name)s's application.") % {"name": name}
    if result.joined:
        return _("%(name)s is now a member.") % {"name": name}
    return _(
        "Approved. The group is full, so %(name)s is on the waitlist at position %(position)s."
    ) % {"name": name, "position": result.position}
