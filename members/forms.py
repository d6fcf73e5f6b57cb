from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.fields import SafeModelMultipleChoiceField
from config.guard import DeidentifiedFormMixin, GuardedCharField
from members.enums import DIGEST_KINDS, LEAD_TIME_CHOICES, OPTIONAL_KINDS, NotificationKind
from members.models import (
    Modality,
    Population,
    Specialty,
    TherapistProfile,
)
from members.timezones import canonical_zone, known_zones, likely_zone, zone_choices


class TimeZoneField(forms.ChoiceField):
    """A time zone, picked from a native ``<select>``.

    Why a select and not ``<input list>`` with a ``<datalist>``: a select works the same in every
    browser, with or without JavaScript, and screen readers announce it and its options reliably;
    a datalist's suggestions are announced unevenly and barely usable on some phones. A select's
    type-ahead matches the first letters of an option's label, so every label begins with the
    place as people say it ("Denver time (UTC-07:00) — United States, Mountain (most areas)"):
    typing "den" finds Denver. The person's likely zone comes first (their own when signed in,
    else their browser's, else a guess from their languages, else New York), the rest grouped
    by area and sorted by place.

    Only current zones are offered (members.timezones.picker_zones). A stored alias
    ("Asia/Calcutta") is shown as the zone it names ("Asia/Kolkata"), and a submitted alias is
    accepted and cleaned to that zone. Label, help and errors are rendered by crispy, linked to
    the select with ``aria-describedby``.
    """

    def __init__(self, *, first: str | None = None, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault(
            "help_text",
            _(
                "Every time on PeerCircle is shown to you in this zone. Type the first letters "
                "of your city, or of the nearest large city in your time zone."
            ),
        )
        super().__init__(choices=self._choices, **kwargs)
        self.first = first
        self.error_messages["invalid_choice"] = _(
            "“%(value)s” is not a time zone we know. Pick one from the list."
        )

    def _choices(self) -> list:
        return zone_choices(first=self.first or likely_zone())

    def lead_with(self, zone: str | None) -> None:
        """Put ``zone`` (the value the form shows) first in the list."""
        self.first = canonical_zone(zone) or zone
        self.choices = self._choices

    def prepare_value(self, value):
        return canonical_zone(value) or value

    def to_python(self, value):
        value = super().to_python(value)
        return canonical_zone(value) or value

    def valid_value(self, value) -> bool:
        return value in known_zones()


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form gains; the profile is made by the account adapter."""

    display_name = forms.CharField(
        max_length=120,
        label=_("Your name as colleagues will see it"),
        help_text=_("For example “Dana Whitfield, LMFT”."),
        error_messages={"required": _("Please enter the name colleagues will see.")},
    )
    # The browser's zone (cookie) or a guess; static/js/timezone.js picks the browser's zone
    # on a first visit, before the cookie has come back.
    time_zone = TimeZoneField(initial=likely_zone)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget.attrs["data-detect-timezone"] = "true"

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(gettext("Please enter the name colleagues will see."))
        return name

    def signup(self, request, user):
        """allauth calls this after saving the user; the adapter already made the profile."""


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField()
    specialties = SafeModelMultipleChoiceField(
        queryset=Specialty.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Specialties"),
    )
    modalities = SafeModelMultipleChoiceField(
        queryset=Modality.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Modalities"),
    )
    populations = SafeModelMultipleChoiceField(
        queryset=Population.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Populations served"),
    )

    language = forms.ChoiceField(
        label=_("Language of your pages and e-mails"),
        choices=[("", _("The browser's language")), *settings.LANGUAGES],
        required=False,
        help_text=_("With the browser's language, e-mails come in English."),
    )
    licence_evidence = forms.CharField(
        label=_("How can we check your licence? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For example the address of your entry on the licensing board's website. "
            "Only the site admins who check licences read it."
        ),
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
            "show_email_to_colleagues",
            "specialties",
            "modalities",
            "populations",
            "bio",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        # The fields whose model field has no verbose name of its own (those that do are marked
        # in members/models.py).
        labels = {
            "display_name": _("Display name"),
            "pronouns": _("Pronouns"),
            "credential_type": _("Credential type"),
            "practice_setting": _("Practice setting"),
            "city": _("City"),
            "accepting_referrals": _("Accepting referrals"),
        }
        help_texts = {
            "licence_number": _(
                "You, the site admins who verify it, and the organizers of a closed group you "
                "apply to (you agree to that when you apply) see the number; colleagues in your "
                "groups do not. Changing it asks an admin to verify it again."
            ),
            "accepting_referrals": _("Colleagues in your groups can see that you take referrals."),
        }
        error_messages = {
            "display_name": {"required": _("Please enter the name colleagues will see.")},
            "credential_type": {
                "invalid_choice": _("“%(value)s” is not one of the credential types listed.")
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].lead_with(self.instance.time_zone)
        if self.instance.user_id:
            self.fields["language"].initial = self.instance.user.language
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("About you"), "display_name", "pronouns", "bio"),
            Fieldset(
                _("Licence"),
                "credential_type",
                "licence_number",
                "licence_region",
                "licence_evidence",
            ),
            Fieldset(
                _("Practice"),
                "practice_setting",
                "city",
                "region",
                "time_zone",
                "language",
                "accepting_referrals",
                "show_email_to_colleagues",
            ),
            Fieldset(_("Focus"), "specialties", "modalities", "populations"),
            HTML("<hr>"),
            Submit("save", _("Save profile")),
        )

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(gettext("Please enter the name colleagues will see."))
        return name


class NotificationPreferencesForm(forms.Form):
    """On/off per kind, daily digest where it applies, and the meeting-reminder lead times."""

    lead_minutes = forms.TypedMultipleChoiceField(
        label=_("Remind me before each meeting"),
        choices=LEAD_TIME_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick all of them for no meeting reminders."),
        error_messages={"invalid_choice": _("Choose lead times from the list.")},
    )
    remind_when_unanswered = forms.BooleanField(
        label=_("Also remind me of meetings I have not answered"), required=False
    )

    def __init__(self, *args, prefs, profile, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_fields = []
        for kind in OPTIONAL_KINDS:
            pref = prefs.get(kind)
            name = f"on_{kind}"
            self.fields[name] = forms.BooleanField(
                label=NotificationKind(kind).label,
                required=False,
                initial=pref.enabled if pref else True,
            )
            digest_name = None
            if kind in DIGEST_KINDS:
                digest_name = f"digest_{kind}"
                self.fields[digest_name] = forms.TypedChoiceField(
                    label=_("How"),
                    choices=[
                        ("1", _("One summary a day, at 8 am")),
                        ("0", _("Each one at once")),
                    ],
                    coerce=lambda v: v == "1",
                    initial="1" if (pref is None or pref.digest) else "0",
                    widget=forms.RadioSelect,
                )
            self.kind_fields.append((kind, name, digest_name))
        self.fields["lead_minutes"].initial = list(profile.reminder_lead_minutes or [])
        self.fields["remind_when_unanswered"].initial = profile.remind_when_unanswered

    def service_data(self) -> dict:
        return {
            "enabled": {kind: self.cleaned_data[name] for kind, name, _digest in self.kind_fields},
            "digest": {
                kind: self.cleaned_data[digest]
                for kind, _name, digest in self.kind_fields
                if digest is not None
            },
            "lead_minutes": self.cleaned_data["lead_minutes"],
            "remind_when_unanswered": self.cleaned_data["remind_when_unanswered"],
        }


class LicenceDecisionForm(DeidentifiedFormMixin, forms.Form):
    """What the licensing board's public record showed."""

    decision = forms.ChoiceField(
        label=_("The board's record"),
        choices=[
            ("verified", _("Matches: verify the licence")),
            ("not_verified", _("Does not match, or cannot be found")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the record matches.")},
    )
    note = GuardedCharField(
        label=_("What did not match (told to the therapist)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when it does not match: say what to correct."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "not_verified" and not cleaned.get("note", "").strip():
            self.add_error(
                "note", gettext("Say what did not match, so the therapist can put it right.")
            )
        return cleaned


class ColleagueMessageForm(DeidentifiedFormMixin, forms.Form):
    """A message to a colleague from the referral finder, delivered by e-mail."""

    message = GuardedCharField(
        label=_("Your message"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Up to 3,000 characters. Please leave out anything that could identify a client "
            "(names, dates of birth, contact details): this message travels by e-mail."
        ),
        error_messages={
            "required": _("Please write a message before sending."),
            "max_length": _(
                "Please keep your message to 3,000 characters or fewer (it has %(show_value)d)."
            ),
        },
    )


class LanguageForm(forms.Form):
    """The language switcher at the foot of every page (templates/includes/_language_switcher.html)."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
