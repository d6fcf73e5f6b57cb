from django import forms
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.guard import DeidentifiedFormMixin, GuardedCharField
from presentations.enums import HelpWanted
from presentations.services.cases import CASE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def case_format_form(prefix: str = "") -> type[forms.Form]:
    """A guarded form with the standard case format's fields, each named ``<prefix><field>``:
    the consultation question first, a de-identified background, what has been tried and the
    help wanted. A case presented at a meeting (``case_``) and a consultation request between
    meetings (no prefix) both ask for a case this way."""
    fields = {
        "question": GuardedCharField(
            label=_("Consultation question: what would you like from the group?"),
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
            error_messages={"required": _("Say what you want from the group: it comes first.")},
        ),
        "background": GuardedCharField(
            label=_("De-identified background"),
            help_text=_(
                "Use a pseudonym such as “Client A”. No names, dates, places or numbers "
                "that could identify the client."
            ),
            max_length=4000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 6}),
        ),
        "tried": GuardedCharField(
            label=_("What has been tried"),
            max_length=3000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
        ),
        "help_wanted": forms.MultipleChoiceField(
            label=_("What help you want"),
            choices=HelpWanted.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        ),
    }
    return type(
        "CaseFormatForm",
        (DeidentifiedFormMixin, forms.Form),
        {prefix + name: field for name, field in fields.items()},
    )


class CaseForm(case_format_form("case_")):
    # The same guard, reviewed on the case page's own richer panel: ``save_case`` runs the check
    # (config.guard.check_free_text) and the page lists every finding with its confirmation.
    guard_reviewed_by_service = True


class DiscardDraftForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, discard this draft. I understand it cannot be brought back."),
        error_messages={"required": _("Tick the box to confirm you want to discard this draft.")},
    )


class TopicForm(DeidentifiedFormMixin, forms.Form):
    topic_title = GuardedCharField(label=_("Title"), max_length=200)
    topic_summary = GuardedCharField(
        label=_("Summary"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    topic_links = forms.CharField(
        label=_("Resource links (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Full addresses starting with https://"),
    )

    def clean_topic_links(self):
        links, bad = [], []
        validate = URLValidator(schemes=["http", "https"])
        for line in self.cleaned_data["topic_links"].splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                validate(line)
            except forms.ValidationError:
                bad.append(line)
            else:
                links.append(line)
        if bad:
            raise forms.ValidationError(
                gettext(
                    "These are not web addresses: %(links)s. Each link must start with https:// "
                    "(or http://)."
                )
                % {"links": ", ".join(bad[:5])}
            )
        if len(links) > 10:
            raise forms.ValidationError(gettext("Ten links at most."))
        return links


def content_form(presentation, *, source, data=None) -> forms.Form:
    """The presenter's form for this slot: the case or the topic, filled from ``source`` (the
    presentation itself, or the draft of theirs they start from)."""
    if presentation.is_case:
        initial = {field: getattr(source, field) for field in CASE_FIELDS}
        initial["case_help_wanted"] = source.case_help_wanted
        return CaseForm(data, initial=initial)
    return TopicForm(
        data,
        initial={
            "topic_title": source.topic_title,
            "topic_summary": source.topic_summary,
            "topic_links": "\n".join(source.topic_links),
        },
    )


class MemberChoiceForm(forms.Form):
    """Choose one member of the group (swap, assign)."""

    user = forms.TypedChoiceField(coerce=int, label=_("Member"))

    def __init__(self, *args, members, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [
            (m.user_id, str(m.user)) for m in members if m.user_id not in exclude
        ]


class FacilitatorForm(forms.Form):
    facilitator = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Facilitator")
    )
    backup = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Backup facilitator")
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", gettext("Nobody"))] + [(m.user_id, str(m.user)) for m in members]
        self.fields["facilitator"].choices = choices
        self.fields["backup"].choices = choices
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class ElectionForm(forms.Form):
    title = forms.CharField(max_length=150, initial=_("Group leader"), label=_("Role"))
    term_starts_on = forms.DateField(label=_("Term starts"), widget=DATE)
    term_ends_on = forms.DateField(label=_("Term ends"), widget=DATE)
    nominations_close_at = forms.DateTimeField(label=_("Nominations close"), widget=DATETIME)
    voting_closes_at = forms.DateTimeField(label=_("Voting closes"), widget=DATETIME)

    def clean(self):
        cleaned = super().clean()
        now = timezone.now()
        nominations, voting = cleaned.get("nominations_close_at"), cleaned.get("voting_closes_at")
        if nominations and nominations <= now:
            self.add_error("nominations_close_at", gettext("Choose a time in the future."))
        if nominations and voting and voting <= nominations:
            self.add_error(
                "voting_closes_at", gettext("Voting must close after nominations close.")
            )
        starts, ends = cleaned.get("term_starts_on"), cleaned.get("term_ends_on")
        if starts and ends and ends <= starts:
            self.add_error("term_ends_on", gettext("The term must end after it starts."))
        return cleaned


class VoteForm(forms.Form):
    nomination = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        label=_("Your vote"),
        error_messages={"required": _("Choose one of the nominees.")},
    )

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].choices = [(n.pk, str(n.nominee)) for n in nominations]
