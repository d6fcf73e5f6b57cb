import django_filters
from django import forms
from django.db.models import F, Q

from groups.enums import Cadence, Language, MembershipPolicy, Purpose, VenueKind, Weekday
from groups.models import SEATS_LEFT, Group, city_key
from members.models import Specialty

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
    VenueKind.IN_PERSON: ("In person (hybrid included)", [VenueKind.IN_PERSON, VenueKind.HYBRID]),
    VenueKind.ONLINE: ("Online (hybrid included)", [VenueKind.ONLINE, VenueKind.HYBRID]),
    VenueKind.HYBRID: ("Hybrid only", [VenueKind.HYBRID]),
}


class GroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    purpose = django_filters.ChoiceFilter(
        choices=Purpose.choices, method="filter_purpose", label="Purpose", empty_label="Any purpose"
    )
    membership_policy = django_filters.ChoiceFilter(
        choices=[
            (MembershipPolicy.OPEN, "Open"),
            (MembershipPolicy.CLOSED, "Closed (by application)"),
        ],
        label="Membership",
        empty_label="Open or closed",
    )
    venue_kind = django_filters.ChoiceFilter(
        choices=[(kind, label) for kind, (label, _) in VENUES.items()],
        method="filter_venue",
        label="Where",
        empty_label="In person or online",
    )
    city = django_filters.CharFilter(method="filter_city", label="City")
    specialty = django_filters.ModelChoiceFilter(
        field_name="focus_specialties",
        queryset=Specialty.objects.all(),
        to_field_name="slug",
        label="Focus",
        empty_label="Any focus",
    )
    cadence = django_filters.ChoiceFilter(
        choices=Cadence.choices, label="How often", empty_label="Any cadence"
    )
    weekday = django_filters.ChoiceFilter(
        choices=[(str(value), label) for value, label in Weekday.choices],
        method="filter_weekday",
        label="Day",
        empty_label="Any day",
    )
    language = django_filters.ChoiceFilter(
        choices=Language.choices, label="Language", empty_label="Any language"
    )
    has_seats = django_filters.BooleanFilter(
        method="filter_has_seats",
        label="Only groups with open seats",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        choices=[("newest", "Newest"), ("seats", "Most seats left"), ("name", "Name")],
        method="sort_by",
        label="Sort by",
        empty_label=None,
    )

    class Meta:
        model = Group
        fields: list[str] = []

    def search(self, queryset, name, value):
        words = value.split()[:8]
        for word in words:
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(tagline__icontains=word)
                | Q(description__icontains=word)
            )
        return queryset

    def filter_purpose(self, queryset, name, value):
        return queryset.filter(**{PURPOSE_FIELDS[value]: True})

    def filter_venue(self, queryset, name, value):
        return queryset.filter(venue_kind__in=VENUES[value][1])

    def filter_city(self, queryset, name, value):
        """ "Denver, CO", "denver" and "DENVER" find Denver; "Sao Paulo" finds São Paulo."""
        key = city_key(value)
        return queryset.filter(city_key=key) if key else queryset

    def filter_weekday(self, queryset, name, value):
        return queryset.alias(day_bit=F("weekdays").bitand(1 << int(value))).filter(day_bit__gt=0)

    def filter_has_seats(self, queryset, name, value):
        """Groups a newcomer could join now: the one definition, ``SEATS_LEFT``."""
        if value:
            return queryset.alias(free_seats=SEATS_LEFT).filter(free_seats__gt=0)
        return queryset

    def sort_by(self, queryset, name, value):
        return queryset

    @property
    def qs(self):
        queryset = super().qs.annotate(seats_left_n=SEATS_LEFT)
        sort = self.form.cleaned_data.get("sort") if self.form.is_valid() else None
        order = SORTS.get(sort or "newest")
        order = tuple("-seats_left_n" if part == "-seats_left" else part for part in order)
        return queryset.order_by(*order)
