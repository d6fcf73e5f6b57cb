from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from groups.cache import TTL_SECONDS, body_key, filters_key, page_key
from groups.filters import GroupFilter
from groups.selectors import browsable_groups

PAGE_SIZE = 20


def browse(request):
    """The public group directory; see groups.cache for what is cached and for how long."""
    query_string = request.META.get("QUERY_STRING", "")
    cacheable_page = not request.user.is_authenticated and len(messages.get_messages(request)) == 0
    if cacheable_page:
        key = page_key(query_string)
        html = cache.get(key)
        if html is not None:
            return HttpResponse(html)
    response = render(request, "groups/browse.html", {"body": _browse_body(request, query_string)})
    if cacheable_page:
        cache.set(key, response.content, TTL_SECONDS)
    return response


def _browse_body(request, query_string: str) -> str:
    key = body_key(
        query_string,
        signed_in=request.user.is_authenticated,
        time_zone=timezone.get_current_timezone_name(),
    )
    body = cache.get(key)
    if body is None:
        body = render_to_string("groups/includes/_browse_body.html", _context(request), request)
        cache.set(key, str(body), TTL_SECONDS)
    return mark_safe(body)  # noqa: S308 - our own template's output, autoescaped when rendered


def _filter_form(request, group_filter: GroupFilter) -> str:
    fields = sorted(group_filter.form.fields)
    key = filters_key([(name, value) for name in fields for value in request.GET.getlist(name)])
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "groups/includes/_browse_filters.html", {"form": group_filter.form}, request
        )
        cache.set(key, str(html), TTL_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template's output, autoescaped when rendered


def _context(request) -> dict:
    group_filter = GroupFilter(request.GET or None, queryset=browsable_groups())
    paginator = Paginator(group_filter.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter": group_filter,
        "filter_form": _filter_form(request, group_filter),
        "page": page,
        "result_count": paginator.count,
        "query_string": query.urlencode(),
        "has_filters": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
    }
