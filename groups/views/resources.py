"""The group's resource library: members share links; organizers pin and tidy them.

Pinning and removing end on the library as it was (its search, filter and page), with the
outcome; so they keep their own message rather than the middleware's."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import DomainError
from groups import selectors, services
from groups.access import permission_required
from groups.forms import ResourceFilterForm, ResourceForm
from members.services import record_confirmations

PAGE_SIZE = 20
FILTER_KEYS = ("q", "category")


def _state(query: str | QueryDict, keys=(*FILTER_KEYS, "page")) -> str:
    """The library's search, filter and page as a query string, keeping nothing else."""
    if isinstance(query, str):
        query = QueryDict(query)
    kept = QueryDict(mutable=True)
    for key in keys:
        value = query.get(key, "").strip()
        if value:
            kept[key] = value[:100]
    return kept.urlencode()


def _library_url(group, state: str = "") -> str:
    url = reverse("groups:resources", args=[group.slug])
    return f"{url}?{state}" if state else url


def _back_to_library(request, group):
    return redirect(_library_url(group, _state(request.POST.get("state", ""))))


@permission_required("groups.view_members_area", selectors.group_for)
@require_http_methods(["GET", "POST"])
def library(request, group, *, slug):
    form = ResourceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.add_resource(actor=request.user, group=group, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            record_confirmations(
                actor=request.user,
                summary=form.guard_summary(),
                what="resource",
                group=group,
                obj=resource,
            )
            messages.success(
                request, _("Thank you for sharing “%(title)s”.") % {"title": resource.title}
            )
            return redirect(_library_url(group))
    return render(request, "groups/resources.html", _library_context(request, group, form))


def _library_context(request, group, form) -> dict:
    # Its own ids (filter_q, filter_category): the "Add a link" form beside it has a category too.
    filters = ResourceFilterForm(request.GET, auto_id="filter_%s")
    chosen = filters.cleaned_data if filters.is_valid() else {}
    resources = selectors.resources_for(
        group, q=chosen.get("q", ""), category=chosen.get("category", "")
    )
    return {
        "group": group,
        "form": form,
        "filters": filters,
        "page": Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page")),
        "filtered": bool(chosen.get("q") or chosen.get("category")),
        "state": _state(request.GET),
        "filter_query": _state(request.GET, keys=FILTER_KEYS),
    }


@permission_required("groups.pin_resource", selectors.resource_for)
@require_POST
def pin(request, resource, *, slug, pk):
    pinned = request.POST.get("pinned") == "1"
    try:
        services.set_pinned(
            actor=request.user, group=resource.group, resource_id=resource.pk, pinned=pinned
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        done = (
            _("“%(title)s” is pinned to the top.")
            if pinned
            else _("“%(title)s” is no longer pinned.")
        )
        messages.success(request, done % {"title": resource.title})
    return _back_to_library(request, resource.group)


@permission_required("groups.view_members_area", selectors.resource_for)
@require_POST
def remove(request, resource, *, slug, pk):
    """Any member may ask; the service says whether they may (the colleague who shared the
    link, or an organizer: ``groups.remove_resource``)."""
    try:
        services.remove_resource(actor=request.user, group=resource.group, resource_id=pk)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("“%(title)s” is no longer in the library.") % {"title": resource.title}
        )
    return _back_to_library(request, resource.group)
