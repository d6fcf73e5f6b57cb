"""The referral finder's filters: what a therapist can narrow their colleagues down by."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from members.enums import CredentialType
from members.models import Modality, Population, Specialty, TherapistProfile


def _term_filter(field_name: str, model, label: str, empty_label: str, invalid: str):
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=model.objects.all(),
        to_field_name="slug",
        label=label,
        empty_label=empty_label,
        error_messages={"invalid_choice": invalid},
    )


class ColleagueFilter(django_filters.FilterSet):
    specialty = _term_filter(
        "specialties",
        Specialty,
        _("Specialty"),
        _("Any specialty"),
        _("That specialty is not in our list. Please choose one from the list."),
    )
    modality = _term_filter(
        "modalities",
        Modality,
        _("Modality"),
        _("Any modality"),
        _("That modality is not in our list. Please choose one from the list."),
    )
    population = _term_filter(
        "populations",
        Population,
        _("Population served"),
        _("Any population"),
        _("That population is not in our list. Please choose one from the list."),
    )
    credential_type = django_filters.ChoiceFilter(
        choices=CredentialType.choices,
        label=_("Credential"),
        empty_label=_("Any credential"),
        error_messages={
            "invalid_choice": _(
                "That credential is not in our list. Please choose one from the list."
            )
        },
    )
    city = django_filters.CharFilter(field_name="city", lookup_expr="iexact", label=_("City"))
    region = django_filters.CharFilter(
        field_name="region", lookup_expr="iexact", label=_("State or region")
    )
    accepting_referrals = django_filters.BooleanFilter(
        method="filter_accepting",
        label=_("Only colleagues accepting referrals"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = TherapistProfile
        fields: list[str] = []

    def filter_accepting(self, queryset, name, value):
        if value:
            return queryset.filter(accepting_referrals=True)
        return queryset
