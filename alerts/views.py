"""Saved searches: the list, saving browse's search, changing one, removing one, and the
one-click unsubscribe of their e-mails. Each search is its owner's alone (``alerts/rules.py``):
anyone else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from alerts import selectors, services
from alerts.forms import SavedSearchForm
from alerts.models import SEARCHES_PER_PERSON
from alerts.notifications import read_unsubscribe_token
from alerts.searches import filter_data
from config.errors import DomainError
from groups.access import permission_required
from members.selectors import active_user


def _show_errors(form, exc: Exception) -> None:
    """A service's refusal, beside the field it is about (or above the form)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))


@login_required
@require_GET
def search_list(request):
    """My saved searches (my own: ``login_required``)."""
    searches = selectors.searches_of(request.user)
    return render(
        request,
        "alerts/list.html",
        {
            "searches": searches,
            "limit": SEARCHES_PER_PERSON,
            "full": len(searches) >= SEARCHES_PER_PERSON,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def search_save(request):
    """Save browse's search (the browse page posts its filters here). A refused save shows the
    whole form, the filters included, with the reason beside the field."""
    if request.method == "GET":
        form = SavedSearchForm(initial=filter_data(request.GET).dict())
        return render(request, "alerts/save.html", {"form": form})
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        try:
            search = services.save_search(actor=request.user, **form.service_data())
        except (ValidationError, DomainError) as exc:
            _show_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your search is saved. We will e-mail you when a group like this opens or has a seat."
                ),
            )
            return redirect(search.browse_url)
    return render(request, "alerts/save.html", {"form": form})


@permission_required("alerts.change_search", selectors.search_for)
@require_http_methods(["GET", "POST"])
def search_edit(request, search, *, pk):
    """Change a search's name, how often it e-mails, and its filters."""
    initial = {"name": search.name, "frequency": search.frequency, **search.query}
    form = SavedSearchForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_search(actor=request.user, search_id=search.pk, **form.service_data())
        except (ValidationError, DomainError) as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Your saved search is changed."))
            return redirect("alerts:list")
    return render(request, "alerts/edit.html", {"form": form, "search": search})


@permission_required("alerts.change_search", selectors.search_for)
@require_http_methods(["GET", "POST"])
def search_remove(request, search, *, pk):
    """Confirm (GET), then remove (POST) one of my saved searches."""
    if request.method == "POST":
        services.remove_search(actor=request.user, search_id=search.pk)
        messages.success(request, _("The saved search is removed. It sends no more e-mails."))
        return redirect("alerts:list")
    return render(request, "alerts/remove.html", {"search": search})


@csrf_exempt  # RFC 8058 one-click: mail clients POST here without a session or CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Public: the signed token in an alert e-mail names the person and its searches. A GET
    asks; a POST (the button, or the mail client's one click) stops their e-mails."""
    try:
        user_id, search_ids = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "alerts/unsubscribe_invalid.html", status=400)
    user = active_user(user_id)
    if user is None:
        return render(request, "alerts/unsubscribe_invalid.html", status=400)
    searches = selectors.searches_to_stop(user, search_ids)
    if request.method == "POST":
        services.stop_alerts(user=user, search_ids=[s.pk for s in searches])
        return render(request, "alerts/unsubscribe_done.html", {"searches": searches})
    return render(request, "alerts/unsubscribe.html", {"searches": searches, "token": token})
