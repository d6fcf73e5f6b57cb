"""The browse page's filters: every one a GET parameter, so a search is a link.

A value that is not one of a filter's choices is ignored, with a message beside the field (the
form's error); the other filters still apply.
"""

import datetime
import math

import django_filters
from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Round, Sin, Sqrt
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from groups.cache import group_zones
from groups.enums import (
    Cadence,
    GroupFormat,
    Language,
    MembershipPolicy,
    Orientation,
    Purpose,
    VenueKind,
    Weekday,
)
from groups.models import SEATS_LEFT, Group, city_key
from members.models import Specialty
from members.places import EARTH_RADIUS_KM, KM_PER_MILE, MAX_TEXT, Place, bounding_box, locate
from members.timezones import as_zone, viewer_zone_known, zone_label

PURPOSE_FIELDS = {
    Purpose.SUPPORT: "purpose_support",
    Purpose.CONSULTATION: "purpose_consultation",
    Purpose.COLLABORATION: "purpose_collaboration",
}

SORTS = {
    "newest": ("-created_at", "-id"),
    "seats": ("-seats_left", "name", "id"),
    "name": ("name", "id"),
}


# "In person" finds the groups one can attend in person: hybrid ones too; likewise online.
VENUES = {
    VenueKind.IN_PERSON: (
        _("In person (hybrid included)"),
        [VenueKind.IN_PERSON, VenueKind.HYBRID],
    ),
    VenueKind.ONLINE: (_("Online (hybrid included)"), [VenueKind.ONLINE, VenueKind.HYBRID]),
    VenueKind.HYBRID: (_("Hybrid only"), [VenueKind.HYBRID]),
}


# Sizes by capacity (the seats a group has), as the product speaks of them: three gives each
# member more room, five or six gives breadth.
SIZES = {
    "small": (_("Small (up to 4)"), Q(capacity__lte=4)),
    "medium": (_("Medium (5 or 6)"), Q(capacity__gte=5, capacity__lte=6)),
    "large": (_("Large (7 or more)"), Q(capacity__gte=7)),
}

# The orientations one can ask for; "any" (or nothing) asks for none.
ORIENTATIONS = [
    (Orientation.SECULAR, gettext_noop("Secular")),
    (Orientation.FAITH_INTEGRATED, gettext_noop("Faith-integrated")),
]
ANY = "any"

MINUTES_PER_DAY = 24 * 60
# When a group's regular meeting starts on the viewer's clock: [start, end) in minutes after
# midnight. The three parts cover the day, so every group has exactly one.
TIMES_OF_DAY = {
    "morning": (_("Morning (before 12:00)"), 0, 12 * 60),
    "afternoon": (_("Afternoon (12:00 to 17:00)"), 12 * 60, 17 * 60),
    "evening": (_("Evening (from 17:00)"), 17 * 60, MINUTES_PER_DAY),
}


def _clock(minutes: int) -> datetime.time:
    return datetime.time(*divmod(minutes, 60))


def starts_between(start: int, end: int) -> Q:
    """Groups whose usual time, on their own clock, is in [start, end) minutes after midnight
    (``start < end <= start + a day``); the window may run past midnight."""
    length = end - start
    start %= MINUTES_PER_DAY
    end = start + length
    if end > MINUTES_PER_DAY:
        return Q(usual_time__gte=_clock(start)) | Q(usual_time__lt=_clock(end - MINUTES_PER_DAY))
    condition = Q()
    if start > 0:
        condition &= Q(usual_time__gte=_clock(start))
    if end < MINUTES_PER_DAY:
        condition &= Q(usual_time__lt=_clock(end))
    return condition


def _offset_minutes(zone, moment: datetime.datetime) -> int:
    return int(moment.astimezone(zone).utcoffset().total_seconds() // 60)


def starting_in_window(zones, viewer, start: int, end: int, *, at: datetime.datetime) -> Q:
    """Groups in ``zones`` whose usual time falls in [start, end) on the ``viewer`` zone's clock,
    with the offsets of ``at`` (now): a 19:00 New York group starts at 16:00 in Los Angeles.
    One condition per difference of offsets, not per zone."""
    viewer_offset = _offset_minutes(viewer, at)
    by_shift: dict[int, list[str]] = {}
    for name in zones:
        zone = as_zone(name)
        if zone is not None:
            by_shift.setdefault(_offset_minutes(zone, at) - viewer_offset, []).append(name)
    condition = Q(pk__in=[])  # no zone: no group
    for shift, names in sorted(by_shift.items()):
        condition |= Q(time_zone__in=sorted(names)) & starts_between(start + shift, end + shift)
    return condition


# "Near me": how far from the place, in miles; 25 when not said.
WITHIN_MILES = (10, 25, 50, 100)
DEFAULT_WITHIN_MILES = 25
# Groups one can attend in person; online ones are "near" nowhere.
IN_PERSON_KINDS = [VenueKind.IN_PERSON, VenueKind.HYBRID]


def distance_from(latitude: float, longitude: float) -> Func:
    """The great-circle distance in kilometres from (``latitude``, ``longitude``) to each
    group's coordinates, worked out by the database: ``members.places.distance_km`` (haversine
    on the same sphere) written with Django's math functions, which PostgreSQL and SQLite both
    have. NULL for a group without coordinates."""
    phi = math.radians(latitude)
    group_phi = Radians("latitude")
    half_dphi = (group_phi - phi) / 2.0
    half_dlambda = (Radians("longitude") - math.radians(longitude)) / 2.0
    h = Power(Sin(half_dphi), 2) + math.cos(phi) * Cos(group_phi) * Power(Sin(half_dlambda), 2)
    # LEAST: rounding may put the root a hair above 1, where ASIN fails on PostgreSQL.
    return 2.0 * EARTH_RADIUS_KM * ASin(Least(Sqrt(h), Value(1.0)))


def in_box(latitude: float, longitude: float, radius_km: float) -> Q:
    """The groups in the bounding box around the circle: two ranges the coordinates index
    (``group_coordinates``) can read. Across the antimeridian the box wraps (``min_lon >
    max_lon``, ``members.places.BoundingBox``): a longitude from ``min_lon`` up *or* to
    ``max_lon``. Around a pole it takes every longitude."""
    box = bounding_box(latitude, longitude, radius_km)
    condition = Q(latitude__gte=box.min_lat, latitude__lte=box.max_lat)
    if box.crosses_antimeridian:
        return condition & (Q(longitude__gte=box.min_lon) | Q(longitude__lte=box.max_lon))
    return condition & Q(longitude__gte=box.min_lon, longitude__lte=box.max_lon)


def near(queryset: QuerySet, place: Place, *, radius_km: float, online: bool) -> QuerySet:
    """The in-person and hybrid groups within ``radius_km`` of ``place``, annotated
    ``distance_km`` and ``distance_miles`` (whole miles); with ``online``, the online groups
    too, without a distance (they sort after the near ones, ``GroupFilter.qs``; browse reads
    the two kinds apart, ``NearThenOnline``).

    The bounding box comes first, for the index; the distance, computed by the database, then
    cuts its corners off."""
    distance = distance_from(place.latitude, place.longitude)
    nearby = (
        in_box(place.latitude, place.longitude, radius_km)
        & Q(venue_kind__in=IN_PERSON_KINDS)
        & Q(LessThanOrEqual(distance, radius_km))
    )
    if online:
        queryset = queryset.filter(nearby | Q(venue_kind=VenueKind.ONLINE)).annotate(
            distance_km=Case(
                When(venue_kind=VenueKind.ONLINE, then=Value(None)),
                default=distance,
                output_field=FloatField(),
            )
        )
    else:
        queryset = queryset.filter(nearby).annotate(distance_km=distance)
    miles = Cast(Round(F("distance_km") / KM_PER_MILE), IntegerField())
    return queryset.annotate(distance_miles=miles)


class PlaceField(forms.CharField):
    """A city ("Denver", "Denver, CO", "London, Ontario") or a US ZIP code, cleaned into the
    ``members.places.Place`` the offline gazetteer finds; a message when it finds none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT)
        super().__init__(**kwargs)

    def clean(self, value) -> Place | None:
        text = super().clean(value)
        if not text:
            return None
        place = locate(text)
        if place is None:
            shown = Truncator(text).chars(60)
            raise ValidationError(
                gettext("We could not find “%(place)s”. Try a city and state, or a US ZIP code.")
                % {"place": shown},
                code="unknown_place",
            )
        return place


class PlaceFilter(django_filters.CharFilter):
    field_class = PlaceField


class EqualsAny(Func):
    """``<expression> = ANY(<array>)``: true when the array holds the value."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def among(ids: QuerySet) -> Q:
    """The groups whose key ``ids`` (a one-column subquery) lists. On PostgreSQL written as
    ``id = ANY(ARRAY(…))``, which the planner can use as one arm of a bitmap OR over indexes
    (``id IN (…)`` would make it read the whole table)."""
    if connection.vendor == "postgresql":
        return Q(EqualsAny(F("pk"), ArraySubquery(ids)))
    return Q(pk__in=ids)


def search_word(word: str) -> Q:
    """One word of the free-text search, anywhere in the group's words (name, tagline,
    description, orientation note, city), its orientation or its focus specialties' names."""
    folded = word.casefold()
    # The orientation's name in English and in the page's language ("secular", "laico").
    named = [
        value
        for value, label in ORIENTATIONS
        if folded in label.casefold() or folded in gettext(label).casefold()
    ]
    focus = Group.focus_specialties.through.objects.filter(specialty__name__icontains=word)
    condition = (
        Q(name__icontains=word)
        | Q(tagline__icontains=word)
        | Q(description__icontains=word)
        | Q(orientation_note__icontains=word)
        | Q(city__icontains=word)
        | among(focus.values("group_id"))
    )
    return (condition | Q(orientation__in=named)) if named else condition


class GroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    purpose = django_filters.ChoiceFilter(
        choices=Purpose.choices,
        method="filter_purpose",
        label=_("Purpose"),
        empty_label=_("Any purpose"),
    )
    format = django_filters.ChoiceFilter(
        choices=[(GroupFormat.INFORMAL, _("Informal")), (GroupFormat.STRUCTURED, _("Structured"))],
        label=_("Format"),
        empty_label=_("Informal or structured"),
    )
    size = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _query) in SIZES.items()],
        method="filter_size",
        label=_("Size"),
        empty_label=_("Any size"),
    )
    membership_policy = django_filters.ChoiceFilter(
        choices=[
            (MembershipPolicy.OPEN, pgettext_lazy("group membership", "Open")),
            (MembershipPolicy.CLOSED, _("Closed (by application)")),
        ],
        label=_("Membership"),
        empty_label=_("Open or closed"),
    )
    venue_kind = django_filters.ChoiceFilter(
        choices=[(kind, label) for kind, (label, _kinds) in VENUES.items()],
        method="filter_venue",
        label=_("Where"),
        empty_label=_("In person or online"),
    )
    city = django_filters.CharFilter(method="filter_city", label=_("City"))
    near = PlaceFilter(
        method="filter_near",
        label=_("Near"),
        help_text=_("A city, “City, ST” or a US ZIP code. Places: GeoNames (CC BY 4.0)."),
    )
    within = django_filters.ChoiceFilter(
        choices=[
            (str(miles), format_lazy(_("{miles} miles"), miles=miles)) for miles in WITHIN_MILES
        ],
        method="read_by_near",
        label=_("Within"),
        empty_label=None,
    )
    online = django_filters.BooleanFilter(
        method="read_by_near",
        label=_("Include online groups"),
        widget=forms.CheckboxInput,
    )
    specialty = django_filters.ModelChoiceFilter(
        field_name="focus_specialties",
        queryset=Specialty.objects.all(),
        to_field_name="slug",
        label=_("Focus"),
        empty_label=_("Any focus"),
    )
    orientation = django_filters.ChoiceFilter(
        choices=[(value, _(label)) for value, label in ORIENTATIONS],  # marked by gettext_noop
        label=_("Orientation"),
        empty_label=_("Any orientation"),
    )
    cadence = django_filters.ChoiceFilter(
        choices=Cadence.choices, label=_("How often"), empty_label=_("Any cadence")
    )
    weekday = django_filters.ChoiceFilter(
        choices=[(str(value), label) for value, label in Weekday.choices],
        method="filter_weekday",
        label=_("Day"),
        empty_label=_("Any day"),
    )
    time_of_day = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _start, _end) in TIMES_OF_DAY.items()],
        method="filter_time_of_day",
        label=_("Time of day"),
        empty_label=_("Any time"),
    )
    language = django_filters.ChoiceFilter(
        choices=Language.choices, label=_("Language"), empty_label=_("Any language")
    )
    has_seats = django_filters.BooleanFilter(
        method="filter_has_seats",
        label=_("Only groups with open seats"),
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        choices=[("newest", _("Newest")), ("seats", _("Most seats left")), ("name", _("Name"))],
        method="sort_by",
        label=_("Sort by"),
        # The default, as the first option, so that a search near a place sorts by distance
        # unless another order is chosen.
        empty_label=_("Nearest, or newest"),
        help_text=_("Nearest first when you search near a place; otherwise newest first."),
    )

    class Meta:
        model = Group
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("orientation") == ANY:
            data = data.copy()
            data["orientation"] = ""
        if data is not None and not data.get("within"):
            data = data.copy()
            data["within"] = str(DEFAULT_WITHIN_MILES)
        super().__init__(data, *args, **kwargs)
        self.form.fields["within"].initial = str(DEFAULT_WITHIN_MILES)
        self.place: Place | None = None  # the place "near" found, once the list is filtered
        self.form.fields["time_of_day"].help_text = (
            gettext("When the group usually starts, in %(zone)s.")
            % {"zone": zone_label(timezone.get_current_timezone())}
            if viewer_zone_known.get()
            else gettext("When the group usually starts, in its own time zone.")
        )

    def search(self, queryset, name, value):
        """Every word must match somewhere; a group is listed once however many match."""
        for word in value.split()[:8]:
            queryset = queryset.filter(search_word(word))
        return queryset

    def filter_size(self, queryset, name, value):
        return queryset.filter(SIZES[value][1])

    def filter_time_of_day(self, queryset, name, value):
        """By the group's usual start (its ``usual_time`` in its ``time_zone``, which follows its
        running meeting series) on the viewer's clock; for a visitor whose zone is not known,
        on the group's own clock, as browse shows its times. The viewer's case needs the zones
        groups are in (``group_zones``: every group's, a superset of the found ones', which
        finds the same groups), kept in the cache under browse's version."""
        _label, start, end = TIMES_OF_DAY[value]
        if not viewer_zone_known.get():
            return queryset.filter(starts_between(start, end))
        return queryset.filter(
            starting_in_window(
                group_zones(),
                timezone.get_current_timezone(),
                start,
                end,
                at=timezone.now(),
            )
        )

    def filter_purpose(self, queryset, name, value):
        return queryset.filter(**{PURPOSE_FIELDS[value]: True})

    def filter_venue(self, queryset, name, value):
        return queryset.filter(venue_kind__in=VENUES[value][1])

    def filter_city(self, queryset, name, value):
        """ "Denver, CO", "denver" and "DENVER" find Denver; "Sao Paulo" finds São Paulo."""
        key = city_key(value)
        return queryset.filter(city_key=key) if key else queryset

    def filter_near(self, queryset, name, value):
        """Within the chosen miles of the place, nearest first: remembered here, and applied
        (``near``) in ``qs`` and ``results`` once every other filter has been."""
        self.place = value
        return queryset

    def _near_options(self) -> tuple[float, bool]:
        """The radius in kilometres and whether online groups are included."""
        miles = int(self.form.cleaned_data.get("within") or DEFAULT_WITHIN_MILES)
        return miles * KM_PER_MILE, bool(self.form.cleaned_data.get("online"))

    def read_by_near(self, queryset, name, value):
        """``within`` and ``online`` filter nothing themselves: ``filter_near`` reads them."""
        return queryset

    def filter_weekday(self, queryset, name, value):
        return queryset.alias(day_bit=F("weekdays").bitand(1 << int(value))).filter(day_bit__gt=0)

    def filter_has_seats(self, queryset, name, value):
        """Groups a newcomer could join now: the one definition, ``SEATS_LEFT``."""
        if value:
            return queryset.alias(free_seats=SEATS_LEFT).filter(free_seats__gt=0)
        return queryset

    def sort_by(self, queryset, name, value):
        return queryset

    def _sort(self) -> str | None:
        # The fields that are valid still count when another is not (a place not found).
        return self.form.cleaned_data.get("sort") if self.is_bound else None

    @staticmethod
    def _order(parts) -> tuple:
        return tuple("-seats_left_n" if part == "-seats_left" else part for part in parts)

    @property
    def qs(self):
        """Every group found, in order, as one query (what saved searches read too). Near a
        place with the online groups this reads every online group to sort it after the near
        ones: browse lists ``results()`` instead."""
        queryset = super().qs.annotate(seats_left_n=SEATS_LEFT)
        sort = self._sort()
        if self.place is not None:
            radius_km, online = self._near_options()
            queryset = near(queryset, self.place, radius_km=radius_km, online=online)
            # Near a place: the near groups first, then any online ones (no distance).
            nearest = F("distance_km").asc(nulls_last=True)
            order = (nearest, "-created_at", "-id") if not sort else SORTS[sort]
            if sort and online:
                order = (Case(When(distance_km=None, then=1), default=0), *order)
        else:
            order = SORTS.get(sort or "newest")
        return queryset.order_by(*self._order(order))

    def results(self):
        """What browse lists and pages through: ``qs``, except near a place with the online
        groups on PostgreSQL, where the two kinds are read apart (``NearThenOnline``): the near
        ones from the coordinates index, the online ones in the chosen order from their own,
        each cut at the end of the page. SQLite cannot order the arms of a UNION: ``qs``."""
        base = super().qs.annotate(seats_left_n=SEATS_LEFT)  # filtering finds the place
        if self.place is None:
            return self.qs
        radius_km, online = self._near_options()
        if not online or not connection.features.supports_slicing_ordering_in_compound:
            return self.qs
        sort = self._sort()
        order = ("distance_km", "-created_at", "-id") if not sort else SORTS[sort]
        return NearThenOnline(
            near(base, self.place, radius_km=radius_km, online=False),
            online_arm(base),
            order=self._order(order),
        )


def online_arm(queryset: QuerySet) -> QuerySet:
    """The online groups, with the columns ``near`` gives the near ones (no distance)."""
    queryset = queryset.filter(venue_kind=VenueKind.ONLINE).annotate(
        distance_km=Cast(Value(None), FloatField())  # typed, as a UNION needs
    )
    miles = Cast(Round(F("distance_km") / KM_PER_MILE), IntegerField())
    return queryset.annotate(distance_miles=miles)


class NearThenOnline:
    """Groups near a place, then the online ones, for a ``Paginator``: ``count()`` and slices.

    Both kinds in one ordered query would read every online group (a third of them) to sort
    them after the near ones. Here a page is one query, a UNION ALL of two arms, each in the
    page's order and cut at the page's end: the near groups (the coordinates index, then the
    distance) and the online ones (an index in that order, read until the page is full). The
    counts are two queries, kept for the results heading (``near_count``, ``online_count``)."""

    def __init__(self, near_arm: QuerySet, online: QuerySet, *, order: tuple):
        self.near_arm = near_arm.annotate(arm=Value(0))
        self.online = online.annotate(arm=Value(1))
        self.order = order
        self.near_count: int | None = None
        self.online_count: int | None = None

    def count(self) -> int:
        self.near_count = self.near_arm.count()
        self.online_count = self.online.count()
        return self.near_count + self.online_count

    def __getitem__(self, index: slice) -> QuerySet:
        if not isinstance(index, slice) or index.stop is None:
            raise TypeError("NearThenOnline is read a page at a time: [start:stop].")
        if index.stop <= (index.start or 0):
            return self.near_arm.none()  # an empty page (no groups at all)
        arms = [arm.order_by(*self.order)[: index.stop] for arm in (self.near_arm, self.online)]
        combined = arms[0].union(arms[1], all=True).order_by("arm", *self.order)
        return combined[index.start : index.stop]


# Near a place, pages up to this one are read with their count (CountedPaginator): 200,000
# groups, more than any circle holds.
MAX_COUNTED_PAGE = 10_000


class CountedPaginator(Paginator):
    """Near a place: the page and how many groups were found in two small queries. Ordering
    by distance reads every group in the circle anyway, so the first query counts them as it
    orders them, reading only the coordinates index (which carries what the usual filters
    and orders need: ``group_coordinates``), and returns the page's ids; the second reads those
    groups whole. A page that is not a number, below one, past the end or beyond any page a
    search could have (``MAX_COUNTED_PAGE``: an offset the database would refuse) is left to
    Django's paginator, which counts apart and answers the first or the last page."""

    def get_page(self, number):
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            return super().get_page(number)
        if not 1 <= wanted <= MAX_COUNTED_PAGE:
            return super().get_page(number)
        start = (wanted - 1) * self.per_page
        found = self.object_list.annotate(found_count=Window(Count("pk")))
        page = list(found.values_list("pk", "found_count")[start : start + self.per_page])
        if not page:
            return super().get_page(number)
        self.count = page[0][1]
        groups = {group.pk: group for group in self.object_list.filter(pk__in=[p for p, _ in page])}
        return self._get_page([groups[pk] for pk, _count in page if pk in groups], wanted, self)
