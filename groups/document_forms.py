"""Forms for the documents in a group's library (groups/services/documents.py).

The file's name and words pass the same de-identification guard as typed text: its findings
are shown beside the file field (in excerpts, since a document is long), each with a box to
confirm it is not identifying. A browser cannot keep a chosen file across a refused form, so
the person ticks the boxes and chooses the file again.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.guard import (
    DeidentifiedFormMixin,
    FieldFinding,
    GuardedBoundField,
    GuardedCharField,
    scan_fields,
)
from config.uploads import DOCUMENT_KINDS, CheckedFileField
from groups.forms import normalize_text

EXCERPT_CONTEXT = 60  # characters shown either side of a finding in the file's words

AVAILABLE_UNTIL_HELP = _(
    "Optional: the last day the document is in the library (the group's calendar). After "
    "that day it is deleted. Leave empty to keep it."
)


class GuardedFileInput(forms.widgets.Input):
    """A file input rendered through its bound field, so the guard's findings appear beside it.

    Not a ``FileInput`` subclass on purpose: crispy-bootstrap5 draws those by hand
    (``field_file.html``) and never asks the bound field, which is where the findings are added.
    It reads the file the same way."""

    input_type = "file"
    needs_multipart_form = True
    template_name = "django/forms/widgets/file.html"

    def format_value(self, value):
        return None  # a browser cannot be given a file back

    def value_from_datadict(self, data, files, name):
        return files.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in files


class GuardedFileField(CheckedFileField):
    """A checked file whose name and words the form scans (``DocumentFileMixin``)."""

    widget = GuardedFileInput

    guard_hint = _(
        "Remove these from the document and upload the new copy, or tick each one you are sure "
        "is not identifying. Then choose the file again (a browser cannot keep it) and save."
    )

    def get_bound_field(self, form, field_name):
        return GuardedBoundField(form, self, field_name)


def file_words(checked) -> str:
    """What the guard reads of a file: its name (without the extension), then its words."""
    return f"{checked.name.rpartition('.')[0]}\n{checked.text}"


def excerpts(text: str, findings: list[FieldFinding]) -> tuple[str, list[FieldFinding]]:
    """The parts of a long text around its findings, joined by " … ", and the findings with
    their places in that shorter text (their keys are unchanged)."""
    windows: list[list[int]] = []
    for finding in sorted(findings, key=lambda f: f.start):
        start = max(0, finding.start - EXCERPT_CONTEXT)
        end = min(len(text), finding.end + EXCERPT_CONTEXT)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    pieces, shifted, offset = [], [], 0
    for index, (start, end) in enumerate(windows):
        if index:
            pieces.append(" … ")
            offset += 3
        piece = " ".join(text[start:end].split("\n"))
        for finding in findings:
            if start <= finding.start and finding.end <= end:
                shifted.append(
                    FieldFinding(
                        finding.field,
                        finding.kind,
                        offset + finding.start - start,
                        offset + finding.end - start,
                        finding.text,
                    )
                )
        pieces.append(piece)
        offset += len(piece)
    return "".join(pieces), shifted


class DocumentFileMixin(DeidentifiedFormMixin):
    """Scans the checked file in ``file`` after the typed fields, the same way."""

    def _post_clean(self):
        super()._post_clean()
        upload = self.cleaned_data.get("file")
        checked = getattr(upload, "checked", None)
        if checked is None:
            return
        words = file_words(checked)
        findings = scan_fields({"file": words}, ["file"])
        if not findings:
            return
        text, shown = excerpts(words, findings)
        self.guard_findings["file"] = shown
        self.guard_texts["file"] = text
        confirmed = self.guard_confirmed_keys("file")
        unconfirmed = [f for f in findings if f.key not in confirmed]
        if unconfirmed:
            listed = format_html_join(
                ", ", "“{}” ({})", ((f.text, f.label) for f in unconfirmed[:6])
            )
            if len(unconfirmed) > 6:
                message = format_html(
                    gettext("This file may identify a client: {listed} and {more} more."),
                    listed=listed,
                    more=len(unconfirmed) - 6,
                )
            else:
                message = format_html(
                    gettext("This file may identify a client: {listed}."), listed=listed
                )
            self.add_error("file", ValidationError(message, code="identifiers"))
        else:
            self.guard_confirmed.extend(findings)

    def confirmations(self) -> set[str]:
        """Every finding the person confirmed, in the typed fields and the file, for the
        service's own check of the same text."""
        keys = set()
        for name in [*self.guarded_field_names(), "file"]:
            keys |= self.guard_confirmed_keys(name)
        return keys


class DocumentForm(DocumentFileMixin, forms.Form):
    title = GuardedCharField(label=_("Title"), max_length=200)
    file = GuardedFileField(kinds=DOCUMENT_KINDS, label=_("File"))
    description = GuardedCharField(
        label=_("What it is (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A line or two for colleagues: what it is for, when to use it."),
    )
    available_until = forms.DateField(
        label=_("In the library until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=AVAILABLE_UNTIL_HELP,
        error_messages={"invalid": _("Enter a date, for example 2027-03-31.")},
    )

    def clean_description(self):
        return normalize_text(self.cleaned_data["description"])


class DocumentDetailsForm(DocumentFileMixin, forms.Form):
    title = GuardedCharField(label=_("Title"), max_length=200)
    description = GuardedCharField(
        label=_("What it is (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    available_until = forms.DateField(
        label=_("In the library until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=AVAILABLE_UNTIL_HELP,
        error_messages={"invalid": _("Enter a date, for example 2027-03-31.")},
    )

    def clean_description(self):
        return normalize_text(self.cleaned_data["description"])


class DocumentVersionForm(DocumentFileMixin, forms.Form):
    file = GuardedFileField(kinds=DOCUMENT_KINDS, label=_("The new version"))
    note = GuardedCharField(
        label=_("What changed (optional)"),
        required=False,
        max_length=300,
        help_text=_("One line, shown beside the version: “Updated the consent paragraph”."),
    )


class AcceptAgreementForm(forms.Form):
    accept_agreement = forms.BooleanField(
        label=_("I have read the group's confidentiality agreement and agree to keep it."),
        error_messages={"required": _("Please read and accept the agreement to continue.")},
    )
