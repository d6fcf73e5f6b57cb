"""The licence queue: site admins check therapists' licences against the licensing boards'
public records (``members.verify_licence``; anyone else gets 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from config import access
from config.errors import DomainError
from members import selectors, services
from members.forms import LicenceDecisionForm
from members.licence_boards import lookup_for

PAGE_SIZE = 25


@login_required
@require_GET
def licence_queue(request):
    if not access.allowed(request.user, "members.verify_licence"):
        raise Http404("No such page.")
    page = Paginator(selectors.licence_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page.object_list:
        item.lookup_url, item.lookup_label = lookup_for(item.licence_region, item.credential_type)
    return render(request, "members/licence_queue.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def licence_check(request, pk: int):
    """One request: the licence as given, the board's lookup, the earlier decisions, and the
    decision (verified, or not with what did not match)."""
    item = selectors.licence_check_for(request.user, pk)
    form = LicenceDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_licence_check(
                actor=request.user,
                check_id=item.pk,
                verified=form.cleaned_data["decision"] == "verified",
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Recorded, and %(name)s is told.") % {"name": item.profile})
            return redirect("members:licence_queue")
    url, label = lookup_for(item.licence_region, item.credential_type)
    context = {
        "item": item,
        "form": form,
        "lookup_url": url,
        "lookup_label": label,
        "history": selectors.licence_history(item),
    }
    return render(request, "members/licence_check.html", context)
