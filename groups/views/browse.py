from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from groups.cache import TTL_SECONDS, page_key
from groups.filters import GroupFilter
from groups.selectors import browsable_groups

PAGE_SIZE = 20


def browse(request):
    cacheable = not request.user.is_authenticated and len(messages.get_messages(request)) == 0
    if cacheable:
        key = page_key(request.META.get("QUERY_STRING", ""))
        html = cache.get(key)
        if html is not None:
            return HttpResponse(html)
    response = _render_browse(request)
    if cacheable and response.status_code == 200:
        cache.set(key, response.content, TTL_SECONDS)
    return response


def _render_browse(request):
    group_filter = GroupFilter(request.GET or None, queryset=browsable_groups())
    paginator = Paginator(group_filter.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "groups/browse.html",
        {
            "filter": group_filter,
            "page": page,
            "result_count": paginator.count,
            "query_string": query.urlencode(),
            "has_filters": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        },
    )
