"""Closing a request as answered (with thanks) and calling a huddle about it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods

from config.errors import DomainError
from consultations import selectors, services
from consultations.forms import CloseForm, HuddleForm
from groups.access import permission_required


def _closed_message(thanked: int) -> str:
    if not thanked:
        return gettext("Your request is closed as answered.")
    return ngettext(
        "Your request is closed as answered. We have passed on your thanks to %(count)s colleague.",
        "Your request is closed as answered. We have passed on your thanks to %(count)s "
        "colleagues.",
        thanked,
    ) % {"count": thanked}


@permission_required("consultations.close_request", selectors.request_for)
@require_http_methods(["GET", "POST"])
def close(request, consultation, *, slug, pk):
    """The asker closes their request and may thank any of the colleagues who replied."""
    repliers = selectors.repliers_of(consultation, selectors.replies_of(consultation))
    data = request.POST if request.method == "POST" else None
    form = CloseForm(data, repliers=repliers)
    if request.method == "POST" and form.is_valid():
        thanked = form.cleaned_data["thanked"]
        try:
            services.close_request(
                actor=request.user, request_id=consultation.pk, thanked_ids=thanked
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _closed_message(len(thanked)))
            return redirect(consultation)
    context = {"consultation": consultation, "group": consultation.group, "form": form}
    return render(request, "consultations/close.html", {**context, "repliers": repliers})


@permission_required("consultations.call_huddle", selectors.request_for)
@require_http_methods(["GET", "POST"])
def huddle(request, consultation, *, slug, pk):
    """The asker or an organizer plans a short online meeting about the request."""
    group = consultation.group
    form = HuddleForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_huddle(
                actor=request.user,
                request_id=consultation.pk,
                starts_at=form.cleaned_data["starts_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                online_link=form.cleaned_data["online_link"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                gettext(
                    "The huddle is planned. Colleagues are told when, and it is in their "
                    "calendars like any meeting of the group."
                ),
            )
            return redirect(consultation)
    context = {"consultation": consultation, "group": group, "form": form}
    return render(request, "consultations/huddle.html", context)
