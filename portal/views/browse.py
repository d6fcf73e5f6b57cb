import time

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from groups.cache import (
    body_key,
    browse_version,
    cached_html,
    filters_key,
    keep_results,
    kept_results,
    page_key,
    results_seconds,
)
from groups.enums import VenueKind
from groups.filters import DEFAULT_WITHIN_MILES, CountedPaginator, GroupFilter, NearThenOnline
from meetings.selectors import browsable_groups
from members.timezones import shown_zones_key

PAGE_SIZE = 20
NEAR_ME_MARKER = "<!--near-me-->"


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
    body, expires = _results(request, version, query_string)
    response = render(request, "groups/browse.html", {"body": _with_near_me(request, body)})
    seconds = int(expires - time.time())
    if cacheable_page and seconds > 0:
        cache.set(key, response.content, seconds)
    return response


def _results(request, version: str, query_string: str) -> tuple[SafeString, float]:
    """The part below the navigation (filters, results, pages) and when its kept copy expires:
    shared by every signed-in member (and by every visitor), kept until a card's next meeting
    begins (``results_seconds``) or a write bumps the version."""
    key = body_key(
        version, query_string, signed_in=request.user.is_authenticated, zones=shown_zones_key()
    )
    kept = kept_results(key)
    if kept is not None:
        return kept
    context = _context(request, version)
    html = render_to_string("groups/includes/_browse_body.html", context, request)
    expires = keep_results(key, html, results_seconds(context["page"].object_list))
    return mark_safe(html), expires  # noqa: S308 - our templates' output


def own_place(user) -> str:
    """A signed-in therapist's own place as "near" takes it ("Springfield, IL"), when the
    gazetteer found it for their profile (it has coordinates); "" otherwise. The profile comes
    with the user (members.backends): no query."""
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    if profile is None or profile.latitude is None:
        return ""
    return ", ".join(part for part in (profile.city.strip(), profile.region.strip()) if part)


def _with_near_me(request, body: str) -> SafeString:
    """The shared results part with this person's "Near me" link in its place (the copy is the
    same for every signed-in member; only the link names their own place)."""
    my_place = own_place(request.user)
    query = _near_me_link(request, my_place)
    link = (
        render_to_string(
            "groups/includes/_near_me.html", {"near_me": my_place, "near_me_query": query}
        )
        if query
        else ""
    )
    return mark_safe(body.replace(NEAR_ME_MARKER, link, 1))  # noqa: S308 - our templates' output


def _near_me_link(request, my_place: str) -> str:
    """The query of "Near me": this search, near the viewer's own place; "" when there is no
    place, or the search is already near it."""
    if not my_place or request.GET.get("near", "").strip().casefold() == my_place.casefold():
        return ""
    query = request.GET.copy()
    query.pop("page", None)
    query["near"] = my_place
    return query.urlencode()


def _summary(group_filter: GroupFilter, paginator: Paginator) -> str:
    """What the results heading says (and a screen reader hears once the page has loaded):
    how many groups, and near a place how far from where ("12 groups within 25 miles of
    Boston, Massachusetts, United States"), the online ones counted apart when they are
    included (``NearThenOnline`` counts them as the paginator counts the list; on SQLite one
    query counts both, and the paginator's count is taken from it)."""
    place = group_filter.place
    if place is None:
        count = paginator.count
        return ngettext("%(count)s group found", "%(count)s groups found", count) % {"count": count}
    cleaned = group_filter.form.cleaned_data
    miles = int(cleaned.get("within") or DEFAULT_WITHIN_MILES)
    results = paginator.object_list
    if isinstance(results, NearThenOnline):
        paginator.count  # noqa: B018 - counts both kinds, once
        counts = {"near": results.near_count, "online": results.online_count}
    elif cleaned.get("online"):
        online = Q(venue_kind=VenueKind.ONLINE)
        counts = results.order_by().aggregate(
            near=Count("pk", filter=~online), online=Count("pk", filter=online)
        )
        paginator.count = counts["near"] + counts["online"]  # no second COUNT query
    else:
        counts = {"near": paginator.count, "online": None}
    near = ngettext(
        "%(count)s group within %(miles)s miles of %(place)s",
        "%(count)s groups within %(miles)s miles of %(place)s",
        counts["near"],
    ) % {"count": counts["near"], "miles": miles, "place": place.label}
    if counts["online"] is None:
        return near
    online_groups = ngettext(
        "%(count)s online group", "%(count)s online groups", counts["online"]
    ) % {"count": counts["online"]}
    # Translators: "12 groups within 25 miles of Boston, …" and "3 online groups".
    return gettext("%(near)s, and %(online)s") % {"near": near, "online": online_groups}


def _paginator(group_filter: GroupFilter) -> Paginator:
    results = group_filter.results()
    if group_filter.place is not None and not isinstance(results, NearThenOnline):
        return CountedPaginator(results, PAGE_SIZE)
    return Paginator(results, PAGE_SIZE)


def _context(request, version: str) -> dict:
    group_filter = GroupFilter(request.GET or None, queryset=browsable_groups())
    paginator = _paginator(group_filter)
    page = paginator.get_page(request.GET.get("page"))
    summary = _summary(group_filter, paginator)
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
        "summary": summary,
        "query_string": query.urlencode(),
        "has_filters": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
    }
