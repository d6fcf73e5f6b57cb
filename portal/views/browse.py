from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from groups.cache import TTL_SECONDS, body_key, browse_version, cached_html, filters_key, page_key
from groups.filters import GroupFilter
from meetings.selectors import browsable_groups
from members.timezones import shown_zones_key

PAGE_SIZE = 20


def browse(request):
    """The public group directory; see groups.cache for what is cached and for how long."""
    version = browse_version()  # read once: every key of this request uses it
    query_string = request.META.get("QUERY_STRING", "")
    cacheable_page = not request.user.is_authenticated and len(messages.get_messages(request)) == 0
    if cacheable_page:
        key = page_key(version, query_string, zones=shown_zones_key())
        html = cache.get(key)
        if html is not None:
            return HttpResponse(html)
    body = cached_html(
        body_key(
            version,
            query_string,
            signed_in=request.user.is_authenticated,
            zones=shown_zones_key(),
        ),
        lambda: render_to_string(
            "groups/includes/_browse_body.html", _context(request, version), request
        ),
    )
    response = render(request, "groups/browse.html", {"body": body})
    if cacheable_page:
        cache.set(key, response.content, TTL_SECONDS)
    return response


def _context(request, version: str) -> dict:
    group_filter = GroupFilter(request.GET or None, queryset=browsable_groups())
    paginator = Paginator(group_filter.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    fields = sorted(group_filter.form.fields)
    filter_values = [(name, value) for name in fields for value in request.GET.getlist(name)]
    # The time-of-day field names the zone it means (the viewer's, or each group's own).
    filter_values.append(("zones", shown_zones_key()))
    return {
        "filter": group_filter,
        # Shared by every results page of the same search.
        "filter_form": cached_html(
            filters_key(version, filter_values),
            lambda: render_to_string(
                "groups/includes/_browse_filters.html", {"form": group_filter.form}, request
            ),
        ),
        "page": page,
        "result_count": paginator.count,
        "query_string": query.urlencode(),
        "has_filters": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
    }
