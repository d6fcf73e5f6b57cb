from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.core.validators import URLValidator
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from config.fields import SafeModelMultipleChoiceField
from config.guard import DeidentifiedFormMixin, GuardedCharField
from groups.enums import Purpose, ResourceCategory, Role, VenueKind, Weekday
from groups.models import (
    CAPACITY_DEFAULT,
    CAPACITY_MAX,
    CAPACITY_MIN,
    Group,
    weekday_mask,
    weekdays_from_mask,
)
from groups.services.base import LICENCE_FIRST, has_verified_licence
from groups.services.groups import place_time_zone
from members.forms import TimeZoneField
from members.models import Specialty
from members.places import coordinates, suggest_time_zone
from members.timezones import canonical_zone


def normalize_text(value: str) -> str:
    """One newline convention and no surrounding blank space, whatever the browser sent."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


KEEP_LOCAL = "keep_local"
KEEP_MOMENT = "keep_moment"
ZONE_CHANGE_CHOICES = [
    (
        KEEP_LOCAL,
        _(
            "keep their local clock time in the new zone (an 18:00 meeting stays at 18:00, "
            "so it moves)"
        ),
    ),
    (KEEP_MOMENT, _("stay at the same moment (their clock time in the new zone changes)")),
]

# What groups.templatetags.groups_tags.markdown_safe does with a description, in plain words:
# Python-Markdown (no autolinking of bare addresses; a list needs an empty line before it),
# cleaned to paragraphs, emphasis, lists, links, quotes and small headings.
DESCRIPTION_HELP = _(
    "You can format it: *stars* around words make italics, **double stars** bold. "
    "Lines that start with “- ” (or “1. ”) make a list; leave an empty line before it. "
    "[words](https://example.org) makes a link; a bare web address stays plain text. "
    "Leave an empty line between paragraphs."
)

# Kept in English (tests look for it on the page); translated where it is the label.
RULES_LABEL = gettext_noop(
    "I have read the ground rules and agree to keep them, confidentiality above all."
)


class GroupForm(forms.ModelForm):
    purposes = forms.MultipleChoiceField(
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Purpose"),
        help_text=_("Choose one or more; many groups mix them."),
        error_messages={"required": _("Choose at least one purpose for the group.")},
    )
    weekday_choices = forms.TypedMultipleChoiceField(
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Usual weekday(s)"),
    )
    focus_specialties = SafeModelMultipleChoiceField(
        queryset=Specialty.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Focus specialties"),
    )
    time_zone = TimeZoneField(
        label=_("The group's time zone"), help_text=_("Meetings are scheduled in it.")
    )
    capacity = forms.IntegerField(
        min_value=CAPACITY_MIN,
        max_value=CAPACITY_MAX,
        initial=CAPACITY_DEFAULT,
        label=_("Capacity"),
        help_text=_(
            "Most peer groups work best with 3 to 6 members: three gives each member more "
            "room, five or six gives breadth."
        ),
        error_messages={
            "min_value": _("A group needs room for at least %(limit_value)s members."),
            "max_value": _("Peer groups stay small: at most %(limit_value)s members."),
        },
    )

    class Meta:
        model = Group
        fields = [
            "name",
            "tagline",
            "description",
            "purposes",
            "focus_specialties",
            "orientation",
            "orientation_note",
            "format",
            "leadership_model",
            "membership_policy",
            "eligibility_criteria",
            "requires_verified_licence",
            "capacity",
            "venue_kind",
            "venue_name",
            "street_address",
            "city",
            "region",
            "address_public",
            "online_link",
            "cadence",
            "weekday_choices",
            "usual_time",
            "meeting_minutes",
            "time_zone",
            "language",
            "ground_rules",
            "warn_low_rsvp",
            "welcome_message",
            "newcomer_meetings",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "eligibility_criteria": forms.Textarea(attrs={"rows": 2}),
            "ground_rules": forms.Textarea(attrs={"rows": 10}),
            "welcome_message": forms.Textarea(attrs={"rows": 5}),
            "usual_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        # Every label the page shows, so each is translated (the model's field names are not).
        labels = {
            "name": _("Name"),
            "tagline": _("Tagline"),
            "description": _("Description"),
            "format": _("Format"),
            "leadership_model": _("Leadership model"),
            "membership_policy": _("Who may join"),
            "eligibility_criteria": _("Eligibility criteria"),
            "venue_kind": _("Venue kind"),
            "venue_name": _("Venue name"),
            "street_address": _("Street address"),
            "city": _("City"),
            "cadence": _("Cadence"),
            "usual_time": _("Usual time"),
            "language": _("Language"),
            "ground_rules": _("Ground rules"),
            "status": _("Status"),
        }
        help_texts = {"description": DESCRIPTION_HELP}

    def __init__(self, *args, schedule_from=None, upcoming_meetings: int = 0, actor=None, **kwargs):
        """``schedule_from``: what the group's running meeting series say (their plain-language
        rules); the shown schedule then follows them and is not typed here.
        ``upcoming_meetings``: how many would be affected by a change of time zone."""
        super().__init__(*args, **kwargs)
        self.upcoming_meetings = upcoming_meetings
        self.actor = actor
        self.fields["newcomer_meetings"].required = False
        self.fields["time_zone"].lead_with(self.initial.get("time_zone") or self.instance.time_zone)
        # Starting a group: the zone of the place typed, and whether the organizer left the one
        # offered (then the group takes the place's: _suggest_the_places_zone).
        self.place_zone: str | None = None
        self.zone_from_place = False
        if self.instance.pk:
            self._note_the_places_zone()
            self.initial.setdefault("purposes", [p.value for p in self.instance.purposes])
            self.initial.setdefault("weekday_choices", weekdays_from_mask(self.instance.weekdays))
        else:
            if self.is_bound:
                self._suggest_the_places_zone()
            self.fields.pop("status")
            self.fields["find_time"] = forms.BooleanField(
                required=False,
                label=gettext(
                    "Find the first meeting's time with a poll among the founding members"
                ),
                help_text=gettext(
                    "Next you propose a few times; the colleagues you invite answer once "
                    "they join, and the best time becomes the first meeting."
                ),
            )
        if self.instance.pk and upcoming_meetings:
            self.fields["zone_change"] = forms.ChoiceField(
                label=gettext("If you change the time zone, the upcoming meetings…"),
                choices=ZONE_CHANGE_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                help_text=ngettext(
                    "The group has %(count)s upcoming meeting. Members are told either way.",
                    "The group has %(count)s upcoming meetings. Members are told either way.",
                    upcoming_meetings,
                )
                % {"count": upcoming_meetings},
            )
        if schedule_from:
            for name in ("cadence", "weekday_choices", "usual_time"):
                self.fields[name].disabled = True
                self.fields[name].required = False
            self.fields["cadence"].help_text = gettext(
                "Set by the group's meeting series (%(series)s). Change the series to change this."
            ) % {"series": "; ".join(schedule_from)}
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                gettext("About the group"),
                "name",
                "tagline",
                "description",
                "purposes",
                "focus_specialties",
                "orientation",
                "orientation_note",
            ),
            Fieldset(gettext("How it runs"), "format", "leadership_model", "language"),
            Fieldset(
                gettext("Who may join"),
                "membership_policy",
                "eligibility_criteria",
                "requires_verified_licence",
                "capacity",
            ),
            Fieldset(
                gettext("Where"),
                "venue_kind",
                "venue_name",
                "street_address",
                Div(
                    Div("city", css_class="col-md-6"),
                    Div("region", css_class="col-md-6"),
                    css_class="row",
                ),
                "address_public",
                "online_link",
            ),
            Fieldset(
                gettext("When"),
                "cadence",
                "weekday_choices",
                Div(
                    Div("usual_time", css_class="col-md-4"),
                    Div("meeting_minutes", css_class="col-md-4"),
                    Div("time_zone", css_class="col-md-4"),
                    css_class="row",
                ),
                *(["zone_change"] if "zone_change" in self.fields else []),
                *(["find_time"] if "find_time" in self.fields else []),
            ),
            Fieldset(
                gettext("Ground rules"),
                HTML(
                    format_html(
                        '<p class="form-text">{}</p>',
                        gettext(
                            "Start from our confidentiality agreement and make it your group's "
                            "own. Members accept it when they join."
                        ),
                    )
                ),
                "ground_rules",
            ),
            Fieldset(gettext("Welcoming newcomers"), "welcome_message", "newcomer_meetings"),
            Fieldset(gettext("Reminders"), "warn_low_rsvp"),
            *([Fieldset(gettext("Status"), "status")] if "status" in self.fields else []),
            Submit("save", gettext("Save group") if self.instance.pk else gettext("Create group")),
        )

    def clean_requires_verified_licence(self):
        """Said beside the box: turning it on needs the organizer's own licence checked."""
        wanted = self.cleaned_data.get("requires_verified_licence", False)
        turning_on = wanted and not self.instance.requires_verified_licence
        actor = self.actor
        exempt = actor is None or actor.is_staff
        if turning_on and not exempt and not has_verified_licence(actor):
            raise forms.ValidationError(LICENCE_FIRST)
        return wanted

    def clean_newcomer_meetings(self):
        """Left out (an older form, a script): the group keeps what it had (2 when new)."""
        value = self.cleaned_data.get("newcomer_meetings")
        if value is None:
            return self.instance.newcomer_meetings
        return value

    def clean_ground_rules(self):
        return normalize_text(self.cleaned_data["ground_rules"])

    def _note_the_places_zone(self) -> None:
        """A group whose city lies in another zone than the group's: say which, under the
        field ("Denver is in America/Denver time"), in case the organizer meant that one."""
        group = self.instance
        if group.latitude is None or group.longitude is None:
            return
        suggested = suggest_time_zone(group.latitude, group.longitude)
        if suggested and suggested != canonical_zone(group.time_zone):
            field = self.fields["time_zone"]
            in_zone = gettext("%(city)s is in %(zone)s time.") % {
                "city": group.city,
                "zone": suggested,
            }
            field.help_text = f"{field.help_text} {in_zone}"

    def _suggest_the_places_zone(self) -> None:
        """A new group's city, looked up in the offline gazetteer: left at the zone offered
        (its creator's), the group takes its place's zone, which the field then shows and
        names; a zone chosen that is not the place's gets a note beside the field, and is
        kept (the group is created in it all the same)."""
        city = (self.data.get("city") or "").strip()
        if not city:
            return
        latitude, longitude = coordinates(city=city, region=self.data.get("region") or "")
        self.place_zone = place_time_zone(latitude, longitude)
        posted = canonical_zone(self.data.get("time_zone") or "")
        if not self.place_zone or posted == self.place_zone:
            return
        field = self.fields["time_zone"]
        if posted and posted == canonical_zone(self.initial.get("time_zone") or ""):
            self.zone_from_place = True
            self.data = self.data.copy()
            self.data["time_zone"] = self.place_zone
            field.help_text = gettext(
                "Set to %(zone)s, the time zone of %(city)s. Choose another if the group "
                "meets on another clock."
            ) % {"zone": self.place_zone, "city": city}
        else:
            field.help_text = gettext(
                "%(city)s is in %(zone)s time. The group meets in the zone you choose here."
            ) % {"zone": self.place_zone, "city": city}

    def clean_time_zone(self):
        """The stored zone under an old name (an alias, shown as the zone it names) is not a
        change: keep it, so saving the form moves no meeting."""
        zone = self.cleaned_data["time_zone"]
        stored = self.instance.time_zone if self.instance.pk else None
        return stored if stored and canonical_zone(stored) == zone else zone

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk and capacity < self.instance.member_count:
            raise forms.ValidationError(
                gettext(
                    "The group has %(count)s members, so capacity cannot be lower than that. "
                    "Remove members first."
                )
                % {"count": self.instance.member_count}
            )
        return capacity

    def zone_changes(self) -> bool:
        new = self.cleaned_data.get("time_zone")
        return bool(self.instance.pk and new and new != self.initial.get("time_zone"))

    def keep_local_times(self) -> bool | None:
        """The organizer's answer to "what happens to the meetings" (None: not asked)."""
        choice = self.cleaned_data.get("zone_change")
        return {KEEP_LOCAL: True, KEEP_MOMENT: False}.get(choice)

    def clean(self):
        cleaned = super().clean()
        if "zone_change" in self.fields and self.zone_changes() and not cleaned.get("zone_change"):
            self.add_error(
                "zone_change",
                gettext(
                    "You are changing the time zone: choose whether the upcoming meetings keep "
                    "their local time or their moment."
                ),
            )
        venue = cleaned.get("venue_kind")
        if venue in (VenueKind.IN_PERSON, VenueKind.HYBRID) and not cleaned.get("city"):
            self.add_error("city", gettext("Say which city the group meets in."))
        online = venue in (VenueKind.ONLINE, VenueKind.HYBRID)
        if online and not cleaned.get("online_link") and self.instance.pk:
            self.add_error(
                "online_link",
                gettext("Add the link to your video meeting, or choose “In person”."),
            )
        return cleaned

    def _post_clean(self):
        # Store weekdays as a bit mask and purposes as booleans before model validation.
        if "weekday_choices" in self.cleaned_data:
            self.instance.weekdays = weekday_mask(self.cleaned_data["weekday_choices"])
        purposes = self.cleaned_data.get("purposes") or []
        self.instance.purpose_support = Purpose.SUPPORT in purposes
        self.instance.purpose_consultation = Purpose.CONSULTATION in purposes
        self.instance.purpose_collaboration = Purpose.COLLABORATION in purposes
        super()._post_clean()

    def service_data(self) -> dict:
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("weekday_choices", "zone_change", "find_time")
        }
        data["weekdays"] = weekday_mask(self.cleaned_data.get("weekday_choices") or [])
        if self.zone_from_place:
            data.pop("time_zone")  # not chosen: the service gives the place's zone
        return data


class BuddyForm(forms.Form):
    willing = forms.BooleanField(required=False, label=_("Willing to be a newcomer's buddy"))


class AcceptRulesForm(forms.Form):
    accept_rules = forms.BooleanField(
        label=_(RULES_LABEL),
        error_messages={"required": _("Please read and accept the ground rules to continue.")},
    )


class ApplicationForm(DeidentifiedFormMixin, forms.Form):
    note = GuardedCharField(
        label=_("A note to the organizers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: why this group, what you hope to bring."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree to share my profile with the organizers: my credentials, licence number "
            "and state, and whether my licence is verified."
        ),
        error_messages={
            "required": _(
                "The organizers need your profile to review the application. Tick the box "
                "to share it."
            )
        },
    )
    accept_rules = AcceptRulesForm.base_fields["accept_rules"]

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = GuardedCharField(
                label=question.text,
                required=question.required,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": gettext("This question needs an answer.")},
            )
        self.order_fields([f"question_{q.pk}" for q in self.questions])

    def answers(self) -> list[dict[str, str]]:
        return [
            {"question": q.text, "answer": self.cleaned_data.get(f"question_{q.pk}", "").strip()}
            for q in self.questions
        ]


class DecisionForm(DeidentifiedFormMixin, forms.Form):
    APPROVE, DECLINE = "approve", "decline"

    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (DECLINE, _("Decline"))],
        widget=forms.RadioSelect,
        label=_("Your decision"),
        error_messages={"required": _("Choose approve or decline.")},
    )
    message = GuardedCharField(
        label=_("Message to the applicant (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def approves(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class RemoveMemberForm(DeidentifiedFormMixin, forms.Form):
    reason = GuardedCharField(
        label=_("Reason (optional, kept in the audit log)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Colleague's e-mail address"),
        error_messages={"invalid": _("Enter an e-mail address like name@example.com.")},
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300, required=False)
    required = forms.BooleanField(label=_("Answer required"), required=False, initial=True)


class BaseQuestionFormSet(forms.BaseFormSet):
    def questions(self) -> list[dict]:
        """The rows with a question, in order (empty rows are spare ones)."""
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("text")]


# absolute_max: see meetings.forms.AgendaFormSet.
QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=2,
    max_num=12,
    validate_max=True,
    absolute_max=15,
)


RESOURCE_URL_MESSAGE = _(
    "Enter a full web address that starts with https:// or http://, "
    "for example https://www.example.org/article."
)


class ResourceForm(DeidentifiedFormMixin, forms.Form):
    """A link to share with the group's library. Only http(s) addresses, scheme written out."""

    title = GuardedCharField(label=_("Title"), max_length=200)
    url = forms.CharField(
        label=_("Link"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        validators=[URLValidator(schemes=["http", "https"], message=RESOURCE_URL_MESSAGE)],
        error_messages={
            "max_length": _("That link is too long: at most %(limit_value)d characters.")
        },
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Choose a category")), *ResourceCategory.choices],
        error_messages={"required": _("Choose the category that fits best.")},
    )
    note = GuardedCharField(
        label=_("Why it's useful (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A line or two for colleagues: what it is, who it helps, any cost or dates."),
    )

    def clean_note(self):
        return normalize_text(self.cleaned_data["note"])


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *ResourceCategory.choices],
    )
