from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms

from members.models import (
    Modality,
    Population,
    Specialty,
    TherapistProfile,
    available_timezones,
)


def timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(
        zone
        for zone in available_timezones()
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )
    return [("UTC", "UTC"), *((zone, zone.replace("_", " ")) for zone in zones)]


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Time zone")
        kwargs.setdefault("help_text", "Every time on PeerCircle is shown to you in this zone.")
        super().__init__(choices=timezone_choices, **kwargs)
        self.error_messages["invalid_choice"] = (
            "“%(value)s” is not a time zone we know. Pick one from the list."
        )
        self.widget.attrs["data-detect-timezone"] = "true"


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form gains; the profile is made by the account adapter."""

    display_name = forms.CharField(
        max_length=120,
        label="Your name as colleagues will see it",
        help_text="For example “Dana Whitfield, LMFT”.",
        error_messages={"required": "Please enter the name colleagues will see."},
    )
    time_zone = TimeZoneField(initial="America/New_York")

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError("Please enter the name colleagues will see.")
        return name

    def signup(self, request, user):
        """allauth calls this after saving the user; the adapter already made the profile."""


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField()
    specialties = forms.ModelMultipleChoiceField(
        queryset=Specialty.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    modalities = forms.ModelMultipleChoiceField(
        queryset=Modality.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    populations = forms.ModelMultipleChoiceField(
        queryset=Population.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Populations served",
    )

    class Meta:
        model = TherapistProfile
        fields = [
            "display_name",
            "pronouns",
            "credential_type",
            "licence_number",
            "licence_region",
            "practice_setting",
            "city",
            "region",
            "time_zone",
            "accepting_referrals",
            "specialties",
            "modalities",
            "populations",
            "bio",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "licence_number": "Only you and site admins see the number. "
            "Changing it asks an admin to verify it again.",
            "accepting_referrals": "Colleagues in your groups can see that you take referrals.",
        }
        error_messages = {
            "display_name": {"required": "Please enter the name colleagues will see."},
            "credential_type": {
                "invalid_choice": "“%(value)s” is not one of the credential types listed."
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset("About you", "display_name", "pronouns", "bio"),
            Fieldset(
                "Licence",
                "credential_type",
                "licence_number",
                "licence_region",
            ),
            Fieldset(
                "Practice",
                "practice_setting",
                "city",
                "region",
                "time_zone",
                "accepting_referrals",
            ),
            Fieldset("Focus", "specialties", "modalities", "populations"),
            HTML("<hr>"),
            Submit("save", "Save profile"),
        )

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError("Please enter the name colleagues will see.")
        return name
