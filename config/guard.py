"""One guard for every free text a member types that could carry clinical detail.

Forms mark such fields with ``GuardedCharField`` and inherit ``DeidentifiedFormMixin``: the
mixin scans each guarded value for client identifiers and, until the person revises the text or
confirms each finding as not identifying, refuses the form with the findings shown beside the
field (highlighted, each with a checkbox to confirm it). Nothing is saved while a finding is
unconfirmed, because the form is not valid.

Services that take such text from anywhere else call ``check_free_text`` (it raises
``IdentifiersFound``), and record ``confirmation_summary`` in their audit entry: counts and
kinds only, never the text.

The detector lives in ``presentations.deidentify`` (pure Python, no models). It is reached by
name through the ``FREE_TEXT_DETECTOR`` setting, so the foundation apps that use this guard
(members, groups, meetings) import nothing from presentations.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

DEFAULT_DETECTOR = "presentations.deidentify.find_identifiers"
CONFIRM_SUFFIX = "__confirm"

KIND_LABELS = {
    "name": gettext_lazy("name"),
    "email": gettext_lazy("e-mail address"),
    "phone": gettext_lazy("phone or fax number"),
    "address": gettext_lazy("street address"),
    "zip": gettext_lazy("ZIP code"),
    "date": gettext_lazy("date"),
    "age": gettext_lazy("age over 89"),
    "ssn": gettext_lazy("social security number"),
    "record_number": gettext_lazy("record, account or ID number"),
    "url": gettext_lazy("web address"),
    "ip": gettext_lazy("IP address"),
    "institution": gettext_lazy("hospital, school, employer or church"),
    "place": gettext_lazy("county or town"),
    "social_handle": gettext_lazy("social media handle"),
}


@dataclass(frozen=True)
class FieldFinding:
    field: str
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.replace("_", " "))

    @property
    def key(self) -> str:
        """What the person confirms: this exact text, of this kind, in this field."""
        return f"{self.field}|{self.kind}|{self.text}"


class IdentifiersFound(ValueError):
    """Free text contains what looks like client identifiers; nothing was saved."""

    def __init__(self, findings: list[FieldFinding]):
        self.findings = findings
        super().__init__(
            ngettext(
                "We found %(count)s possible client identifier. Revise the text, or confirm "
                "each one is not identifying.",
                "We found %(count)s possible client identifiers. Revise the text, or confirm "
                "each one is not identifying.",
                len(findings),
            )
            % {"count": len(findings)}
        )


@functools.cache
def _detector(path: str):
    return import_string(path)


def find_identifiers(text: str):
    return _detector(getattr(settings, "FREE_TEXT_DETECTOR", DEFAULT_DETECTOR))(text or "")


def scan_fields(data: Mapping[str, object], fields: Iterable[str]) -> list[FieldFinding]:
    """Every possible identifier in the named text fields of ``data``."""
    findings = []
    for field in fields:
        value = data.get(field) or ""
        if not isinstance(value, str):
            continue
        for finding in find_identifiers(value):
            findings.append(
                FieldFinding(field, finding.kind, finding.start, finding.end, finding.text)
            )
    return findings


def check_free_text(
    data: Mapping[str, object], fields: Iterable[str], confirmed: Iterable[str] = ()
) -> list[FieldFinding]:
    """For services: raise ``IdentifiersFound`` unless every finding is confirmed (by its
    ``key``); return the findings, all confirmed, for the audit entry."""
    findings = scan_fields(data, fields)
    confirmed = set(confirmed)
    if any(f.key not in confirmed for f in findings):
        raise IdentifiersFound(findings)
    return findings


def confirmation_summary(findings: Iterable[FieldFinding]) -> dict:
    """What an audit entry keeps of confirmed findings: counts and kinds, never the text."""
    kinds: dict[str, int] = {}
    for finding in findings:
        kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
    return {
        "confirmed_findings": sum(kinds.values()),
        "confirmed_kinds": dict(sorted(kinds.items())),
    }


def highlight(text: str, findings: Iterable[FieldFinding]) -> list[dict]:
    """Split text into plain and flagged parts, for highlighting without unsafe HTML."""
    parts, cursor = [], 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < cursor:
            continue
        if finding.start > cursor:
            parts.append({"text": text[cursor : finding.start], "finding": None})
        parts.append({"text": text[finding.start : finding.end], "finding": finding})
        cursor = finding.end
    if cursor < len(text):
        parts.append({"text": text[cursor:], "finding": None})
    return parts


# --- forms -------------------------------------------------------------------------------------


class GuardedBoundField(forms.BoundField):
    """Renders the input, then (when the guard found something) the findings beside it."""

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        html = super().as_widget(widget, attrs, only_initial)
        findings = getattr(self.form, "guard_findings", {}).get(self.name)
        if not findings:
            return html
        confirmed = self.form.guard_confirmed_keys(self.name)
        text = self.form.guard_texts.get(self.name, "")
        context = {
            "field_id": self.auto_id or self.html_name,
            "confirm_name": self.html_name + CONFIRM_SUFFIX,
            "findings": [{"finding": f, "checked": f.key in confirmed} for f in findings],
            "parts": highlight(text or "", findings),
            "hint": getattr(self.field, "guard_hint", ""),
        }
        return html + mark_safe(render_to_string("includes/_findings.html", context))  # noqa: S308


class GuardedCharField(forms.CharField):
    """Free text that could carry clinical detail: checked by ``DeidentifiedFormMixin``."""

    guarded = True

    def get_bound_field(self, form, field_name):
        return GuardedBoundField(form, self, field_name)


def is_guarded(field: forms.Field) -> bool:
    return getattr(field, "guarded", False)


class DeidentifiedFormMixin:
    """Refuse the form while a guarded field holds an unconfirmed possible identifier.

    Put it before ``forms.Form`` / ``forms.ModelForm``. After a valid submission,
    ``guard_confirmed`` holds the findings the person confirmed (for the audit entry, through
    ``guard_summary``). ``known_names``: the names of the colleagues the text is between (the
    sender and the recipient of a message); a name finding made only of their words is a
    colleague greeted by name, not a client, and is not raised.
    """

    def __init__(self, *args, known_names: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.guard_known_words = _words(" ".join(n for n in known_names if n))

    # True where a service runs the same check and the page shows its own review panel (the case
    # page); the form then only marks its fields as guarded.
    guard_reviewed_by_service = False

    def guarded_field_names(self) -> list[str]:
        return [name for name, field in self.fields.items() if is_guarded(field)]

    def guard_confirmed_keys(self, name: str) -> set[str]:
        data = self.data
        key = self.add_prefix(name) + CONFIRM_SUFFIX
        values = data.getlist(key) if hasattr(data, "getlist") else data.get(key, [])
        if isinstance(values, str):
            values = [values]
        return {v for v in values if isinstance(v, str)}

    def _post_clean(self):
        super()._post_clean()
        self.guard_findings: dict[str, list[FieldFinding]] = {}
        self.guard_confirmed: list[FieldFinding] = []
        self.guard_texts: dict[str, str] = {}
        if self.guard_reviewed_by_service:
            return
        for name in self.guarded_field_names():
            value = self.cleaned_data.get(name)
            if not isinstance(value, str) or not value.strip():
                continue
            findings = [
                f
                for f in scan_fields({name: value}, [name])
                if not (f.kind == "name" and _words(f.text) <= self.guard_known_words)
            ]
            if not findings:
                continue
            self.guard_findings[name] = findings
            self.guard_texts[name] = value
            confirmed = self.guard_confirmed_keys(name)
            unconfirmed = [f for f in findings if f.key not in confirmed]
            if unconfirmed:
                self.add_error(name, _findings_error(unconfirmed))
            else:
                self.guard_confirmed.extend(findings)

    def guard_summary(self) -> dict:
        return confirmation_summary(getattr(self, "guard_confirmed", []))


def _words(text: str) -> set[str]:
    """The words of a name, case-folded, without a possessive "'s"."""
    words = set()
    for word in re.split(r"[^\w'\u2019-]+", text.casefold()):
        word = re.sub(r"['\u2019]s$", "", word).strip("'\u2019-")
        if word:
            words.add(word)
    return words


def _findings_error(unconfirmed: list[FieldFinding]) -> forms.ValidationError:
    listed = format_html_join(", ", "“{}” ({})", ((f.text, f.label) for f in unconfirmed[:6]))
    if len(unconfirmed) > 6:
        listed = _("%(listed)s and %(count)s more") % {
            "listed": listed,
            "count": len(unconfirmed) - 6,
        }
    count = len(unconfirmed)
    message = ngettext(
        "This may identify a client: %(listed)s. Revise the text, or tick it below to confirm "
        "it is not identifying.",
        "This may identify a client: %(listed)s. Revise the text, or tick each one below to "
        "confirm it is not identifying.",
        count,
    ) % {"listed": listed}
    return forms.ValidationError(
        mark_safe(message),  # noqa: S308 - the parts are escaped by format_html_join
        code="identifiers",
    )
