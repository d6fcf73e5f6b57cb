from django.core.paginator import Paginator
from django.shortcuts import render

from groups.filters import GroupFilter
from groups.selectors import browsable_groups

PAGE_SIZE = 20


def browse(request):
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
