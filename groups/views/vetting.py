from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from groups import selectors, services
from groups.forms import DecisionForm
from groups.services import GroupActionError
from members.services import record_confirmations


@login_required
def queue(request):
    return render(
        request,
        "groups/vetting_queue.html",
        {"applications": list(selectors.vetting_queue_for(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    application = selectors.get_application_for_vetting(request.user, pk)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            _application, result = services.decide_application(
                actor=request.user,
                application=application,
                approve=approve,
                message=form.cleaned_data["message"],
            )
        except GroupActionError as exc:
            messages.error(request, str(exc))
            return redirect("groups:vetting_detail", pk=pk)
        record_confirmations(
            actor=request.user,
            summary=form.guard_summary(),
            what="decision message",
            group=application.group,
            obj=application,
        )
        if not approve:
            messages.success(request, f"You declined {application.applicant}'s application.")
        elif result.joined:
            messages.success(request, f"{application.applicant} is now a member.")
        else:
            messages.success(
                request,
                f"Approved. The group is full, so {application.applicant} is on the waitlist "
                f"at position {result.position}.",
            )
        return redirect("groups:vetting_queue")
    return render(
        request,
        "groups/vetting_detail.html",
        {
            "application": application,
            "profile": getattr(application.applicant, "profile", None),
            "earlier": list(selectors.earlier_applications(application)),
            "form": form,
        },
    )
