"""The referral finder's filters: what a therapist can narrow their colleagues down by."""

import django_filters
from django import forms

from members.enums import CredentialType
from members.models import Modality, Population, Specialty, TherapistProfile


def _term_filter(field_name: str, model, label: str, empty_label: str, what: str):
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=model.objects.all(),
        to_field_name="slug",
        label=label,
        empty_label=empty_label,
        error_messages={
            "invalid_choice": f"That {what} is not in our list. Please choose one from the list."
        },
    )


class ColleagueFilter(django_filters.FilterSet):
    specialty = _term_filter("specialties", Specialty, "Specialty", "Any specialty", "specialty")
    modality = _term_filter("modalities", Modality, "Modality", "Any modality", "modality")
    population = _term_filter(
        "populations", Population, "Population served", "Any population", "population"
    )
    credential_type = django_filters.ChoiceFilter(
        choices=CredentialType.choices,
        label="Credential",
        empty_label="Any credential",
        error_messages={
            "invalid_choice": "That credential is not in our list. Please choose one from the list."
        },
    )
    city = django_filters.CharFilter(field_name="city", lookup_expr="iexact", label="City")
    region = django_filters.CharFilter(
        field_name="region", lookup_expr="iexact", label="State or region"
    )
    accepting_referrals = django_filters.BooleanFilter(
        method="filter_accepting",
        label="Only colleagues accepting referrals",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = TherapistProfile
        fields: list[str] = []

    def filter_accepting(self, queryset, name, value):
        if value:
            return queryset.filter(accepting_referrals=True)
        return queryset
