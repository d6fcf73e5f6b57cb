"""A saved search's browse query: cleaned by browse's own filters, put in words, and matched
against a group by running browse's own FilterSet over it, so that an alert never disagrees
with what browse shows its owner.

Nothing here writes; the services (alerts/services.py) and selectors call it.
"""

import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts.models import QUERY_MAX, SavedSearch, query_key
from groups.filters import VENUES, GroupFilter
from groups.models import Group
from members.models import Specialty
from members.timezones import as_zone, viewer_zone

# Browse parameters that order the list but do not choose which groups are in it.
ORDER_ONLY = ("sort",)
# Parameters that mean something only beside "near".
NEAR_ONLY = ("within", "online")
# Filters that compare one column of the group with the value as it is (ChoiceFilters on a
# field): the cheap first cut of matching (``prefilter``) reads them from the saved query.
EQUALS = ("format", "membership_policy", "language", "orientation", "cadence")


def filter_keys() -> tuple[str, ...]:
    """The parameters browse filters by: the FilterSet's own, read when asked, so a filter
    added to browse is known here at once."""
    return tuple(GroupFilter.base_filters)


def filter_data(data: Mapping) -> QueryDict:
    """The browse filters in ``data`` (a QueryDict or a dict): known keys only, each value
    stripped, empty ones left out; the last value of a repeated key, as browse reads it; not
    the order of the list (``sort``)."""
    clean = QueryDict(mutable=True)
    for key in filter_keys():
        if key in ORDER_ONLY:
            continue  # the order of browse's list is not part of a search
        value = data.get(key)
        if value is not None and str(value).strip():
            clean[key] = str(value).strip()
    return clean


@dataclass
class CleanQuery:
    query: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)


def clean_query(data: Mapping) -> CleanQuery:
    """Validate a browse query with browse's FilterSet: the filters that hold a value (as it
    was given), and the FilterSet form's messages for those that do not hold."""
    raw = filter_data(data)
    form = GroupFilter(raw, queryset=Group.objects.none()).form
    form.is_valid()
    query = {
        key: raw[key]
        for key in raw
        if key in form.cleaned_data and form.cleaned_data[key] not in (None, "", False)
    }
    if "near" not in query:
        for key in NEAR_ONLY:
            query.pop(key, None)
    errors = {
        name: [str(message) for message in messages] for name, messages in form.errors.items()
    }
    if len(query_key(query)) > QUERY_MAX:
        errors.setdefault("__all__", []).append(
            _("This search is too long to save: use fewer words or filters.")
        )
    return CleanQuery(query=query, errors=errors)


# --- in words ----------------------------------------------------------------------------------

VENUE_WORDS = {
    "online": gettext_lazy("Online"),
    "in_person": gettext_lazy("In person"),
    "hybrid": gettext_lazy("Hybrid"),
}
SIZE_WORDS = {
    "small": gettext_lazy("small groups"),
    "medium": gettext_lazy("medium-sized groups"),
    "large": gettext_lazy("large groups"),
}
TIME_WORDS = {
    "morning": gettext_lazy("mornings"),
    "afternoon": gettext_lazy("afternoons"),
    "evening": gettext_lazy("evenings"),
}
# The order filters are named in; any other (a filter browse gains later) comes after them.
WORD_ORDER = (
    "venue_kind",
    "size",
    "purpose",
    "format",
    "membership_policy",
    "specialty",
    "orientation",
    "cadence",
    "weekday",
    "time_of_day",
    "language",
    "near",
    "city",
    "q",
    "has_seats",
)


def choice_labels() -> dict[str, dict[str, str]]:
    """Each of browse's choice filters: value to label, as its form offers them (in the active
    language)."""
    form = GroupFilter(queryset=Group.objects.none()).form
    labels = {}
    for name, form_field in form.fields.items():
        if name != "specialty" and hasattr(form_field, "choices"):
            labels[name] = {str(value): str(label) for value, label in form_field.choices}
    return labels


def _words(key: str, query: dict[str, str], labels, specialties: dict[str, str]) -> str | None:
    value = query[key]
    words = {"venue_kind": VENUE_WORDS, "size": SIZE_WORDS, "time_of_day": TIME_WORDS}
    if key in words and value in words[key]:
        return str(words[key][value])
    if key == "specialty":
        return specialties.get(value, value)
    if key == "weekday":
        return _("on %(day)s") % {"day": labels[key].get(value, value)}
    if key == "near":
        place = {"miles": query.get("within", "25"), "place": value}
        within = _("within %(miles)s miles of %(place)s") % place
        return _("%(near)s, or online") % {"near": within} if query.get("online") else within
    if key == "city":
        return _("in %(city)s") % {"city": value}
    if key == "q":
        return _("“%(words)s”") % {"words": value}
    if key == "has_seats":
        return _("with open seats")
    if key in ORDER_ONLY or key in NEAR_ONLY:
        return None
    if key in labels:
        return labels[key].get(value, value)
    return f"{key}: {value}"


def describe(
    query: dict[str, str],
    *,
    specialties: dict[str, str] | None = None,
    labels: dict[str, dict[str, str]] | None = None,
) -> str:
    """The filters in plain words, in the active language ("Online, small groups, evenings"):
    the name of a search its owner did not name. ``specialties``: slug to name; ``labels``:
    ``choice_labels()``, when describing several."""
    labels = labels if labels is not None else choice_labels()
    keys = [key for key in WORD_ORDER if key in query]
    keys += sorted(key for key in query if key not in WORD_ORDER)
    parts = [_words(key, query, labels, specialties or {}) for key in keys]
    text = ", ".join(part for part in parts if part)
    return (text[:1].upper() + text[1:]) if text else _("All groups")


def specialty_names(queries: Iterable[dict[str, str]]) -> dict[str, str]:
    """Slug to name of the focus terms the queries name: one query, or none."""
    slugs = {query["specialty"] for query in queries if query.get("specialty")}
    if not slugs:
        return {}
    return dict(Specialty.objects.filter(slug__in=slugs).values_list("slug", "name"))


def name_all(searches: list[SavedSearch]) -> list[SavedSearch]:
    """Give each search its ``description`` (in words) and ``title`` (its name, or the words);
    one query at most, however many searches."""
    names = specialty_names(search.query for search in searches)
    labels = choice_labels() if searches else {}
    for search in searches:
        search.description = describe(search.query, specialties=names, labels=labels)
        search.title = search.name or search.description
    return searches


# --- matching -----------------------------------------------------------------------------------


def prefilter(group: Group, *, slugs: Iterable[str]) -> Q:
    """The saved searches that may find ``group``: for each filter that compares a column as it
    is (``EQUALS``, the venue through browse's ``VENUES``, the purpose, the focus), the search
    either does not use it or asks for what the group has. A cheap cut in the database, read
    from the saved query (JSON); whether a search finds the group is then for browse's
    FilterSet to say (``finds``), so this must never leave out a search the FilterSet would
    keep (tests/alerts/test_matching.py checks it over random groups and searches)."""
    condition = Q()
    for key in EQUALS:
        condition &= Q(**{f"query__{key}__isnull": True}) | Q(
            **{f"query__{key}": getattr(group, key)}
        )
    venues = [key for key, (_label, kinds) in VENUES.items() if group.venue_kind in kinds]
    condition &= Q(query__venue_kind__isnull=True) | Q(query__venue_kind__in=venues)
    condition &= Q(query__purpose__isnull=True) | Q(query__purpose__in=list(group.purposes))
    condition &= Q(query__specialty__isnull=True) | Q(query__specialty__in=sorted(slugs))
    return condition


def owner_zone(search: SavedSearch) -> str:
    """The zone browse shows its owner's times in (their profile's); "" when not known, and
    browse then reads times on each group's own clock."""
    profile = getattr(search.owner, "profile", None)
    zone = getattr(profile, "time_zone", "") or ""
    return zone if as_zone(zone) is not None else ""


def finds(query: dict[str, str], groups: QuerySet[Group], *, zone: str) -> list[int]:
    """The ids of the groups of ``groups`` that browse shows for ``query`` to a viewer in
    ``zone`` ("": unknown): browse's own FilterSet over them, run in that zone. An invalid
    value is ignored, as browse does."""
    data = QueryDict(mutable=True)
    data.update(query)
    if zone:
        with timezone.override(zoneinfo.ZoneInfo(zone)), viewer_zone(known=True):
            return list(GroupFilter(data, queryset=groups).qs.values_list("pk", flat=True))
    with viewer_zone(known=False):
        return list(GroupFilter(data, queryset=groups).qs.values_list("pk", flat=True))


def matching(searches: Iterable[SavedSearch], groups: QuerySet[Group]) -> dict[int, set[int]]:
    """For each search, the groups of ``groups`` its owner would see on browse with it:
    search id to group ids. Browse's FilterSet runs once per distinct query (and owner's
    zone, for a query by time of day), however many people saved it."""
    alike: dict[tuple[str, str], list[SavedSearch]] = {}
    for search in searches:
        zone = owner_zone(search) if "time_of_day" in search.query else ""
        alike.setdefault((search.query_key, zone), []).append(search)
    found = {}
    for (_key, zone), same in alike.items():
        ids = set(finds(same[0].query, groups, zone=zone))
        for search in same:
            found[search.pk] = ids
    return found
