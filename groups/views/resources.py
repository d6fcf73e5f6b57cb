"""The group's resource library: members share links; organizers pin and tidy them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from groups import selectors, services
from groups.forms import ResourceFilterForm, ResourceForm
from groups.services import GroupActionError
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


@login_required
@require_http_methods(["GET", "POST"])
def library(request, slug: str):
    group, membership = selectors.get_group_for_member(request.user, slug, check_rules=True)
    form = ResourceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.add_resource(actor=request.user, group=group, **form.cleaned_data)
        except GroupActionError as exc:
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
            messages.success(request, f"Thank you for sharing “{resource.title}”.")
            return redirect(_library_url(group))
    filters = ResourceFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    resources = selectors.resources_for(
        group, q=chosen.get("q", ""), category=chosen.get("category", "")
    )
    page = Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/resources.html",
        {
            "group": group,
            "membership": membership,
            "form": form,
            "filters": filters,
            "page": page,
            "filtered": bool(chosen.get("q") or chosen.get("category")),
            "state": _state(request.GET),
            "filter_query": _state(request.GET, keys=FILTER_KEYS),
        },
    )


@login_required
@require_POST
def pin(request, slug: str, pk: int):
    group, membership = selectors.get_group_for_member(request.user, slug, check_rules=True)
    if not membership.manages:
        raise Http404("No such page.")
    resource = selectors.get_resource_in_group(group, pk)
    pinned = request.POST.get("pinned") == "1"
    try:
        services.set_pinned(actor=request.user, group=group, resource_id=resource.pk, pinned=pinned)
    except GroupActionError as exc:
        messages.error(request, str(exc))
    else:
        done = "pinned to the top" if pinned else "no longer pinned"
        messages.success(request, f"“{resource.title}” is {done}.")
    return redirect(_library_url(group, _state(request.POST.get("state", ""))))


@login_required
@require_POST
def remove(request, slug: str, pk: int):
    group, _membership = selectors.get_group_for_member(request.user, slug, check_rules=True)
    resource = selectors.get_resource_in_group(group, pk)
    try:
        services.remove_resource(actor=request.user, group=group, resource_id=resource.pk)
    except GroupActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"“{resource.title}” is no longer in the library.")
    return redirect(_library_url(group, _state(request.POST.get("state", ""))))
