"""The board's forms. Every text other members read passes the de-identification guard
(``config.guard``): a possible client identifier is shown beside its field and nothing is
saved until the person revises the text or confirms it is not identifying."""

from django import forms
from django.utils.translation import gettext_lazy as _

from board.enums import OFF, DigestFrequency
from board.models import BODY_MAX, REASON_MAX, TITLE_MAX
from config.guard import DeidentifiedFormMixin, GuardedCharField
from groups.forms import normalize_text

BODY_HELP = _(
    "Markdown works: **bold**, *italic*, lists and links. Never client details: no names, "
    "dates, places or numbers that could identify anyone."
)


class GuardedForm(DeidentifiedFormMixin, forms.Form):
    def confirmed_keys(self) -> list[str]:
        """The findings the person confirmed, for the service's own check of the text."""
        return [finding.key for finding in self.guard_confirmed]


def _body_field(label) -> GuardedCharField:
    return GuardedCharField(
        label=label,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=BODY_HELP,
        error_messages={
            "required": _("Write something first."),
            "max_length": _("That is too long: at most %(limit_value)d characters."),
        },
    )


class TopicForm(GuardedForm):
    title = GuardedCharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        error_messages={
            "required": _("Give the topic a title."),
            "max_length": _("Keep the title to %(limit_value)d characters."),
        },
    )
    body = _body_field(_("Message"))

    def clean_body(self):
        return normalize_text(self.cleaned_data["body"])


class ReplyForm(GuardedForm):
    body = _body_field(_("Your reply"))

    def clean_body(self):
        return normalize_text(self.cleaned_data["body"])


class ReportForm(GuardedForm):
    reason = GuardedCharField(
        label=_("What should the organizers know? (optional)"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the group's organizers see this."),
    )

    def clean_reason(self):
        return normalize_text(self.cleaned_data["reason"])


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often would you like a summary of new discussions and replies?"),
        choices=[*DigestFrequency.choices, (OFF, _("Never: no summary e-mails"))],
        widget=forms.RadioSelect,
        help_text=_(
            "Sent at 7 in the morning, your time. Announcements from your organizers "
            "come at once, whatever you choose here."
        ),
    )
