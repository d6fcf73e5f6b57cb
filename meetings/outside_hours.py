"""Hours a member logs themselves (consultation elsewhere, supervision, continuing education)
and their licence renewal plan: the writes (each audited, without the provider or title) and
the reads (their own entries, and progress toward the renewal by category).

Hours PeerCircle records itself (present at a group's meeting) count as consultation; the
renewal counts both, always told apart as "recorded" and "self-reported".

An entry may carry the certificate the member was given (a PDF or a picture). The file is
checked from its content (``config.uploads``) and written to storage only once everything else
is in order; it is deleted again if the row is refused, and once the removal of its entry (or
of the account) is committed. Only its owner ever reads it (``own_certificate``)."""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.uploads import (
    CERTIFICATE_KINDS,
    CheckedUpload,
    UploadRejected,
    delete_on_commit,
    discard,
    inspect_upload,
)
from meetings.enums import HoursCategory
from meetings.ledger import hours as to_hours
from meetings.ledger import minutes_between, present_attendance
from meetings.models import OutsideHours, RenewalPlan
from members.models import User
from members.services import record_audit

log = logging.getLogger(__name__)

ENTRY_FIELDS = ("day", "category", "provider", "title", "hours")
PLAN_FIELDS = (
    "starts_on",
    "ends_on",
    "required_total",
    "required_consultation",
    "required_ce",
    "required_ethics",
)


# --- writes ------------------------------------------------------------------------------------


def checked_certificate(upload) -> CheckedUpload:
    """What the uploaded certificate is (``config.uploads``; the form asked already, and the
    answer is kept on the upload). Raises ``ValidationError`` on the ``certificate`` field."""
    try:
        # Only its owner ever opens it: checked to be whole, its words not read.
        return inspect_upload(upload, kinds=CERTIFICATE_KINDS, words=False)
    except UploadRejected as exc:
        raise ValidationError({"certificate": exc.messages}) from exc


@transaction.atomic
def log_outside_hours(*, user: User, data: dict[str, Any]) -> OutsideHours:
    """Log hours from elsewhere, with the certificate if one is given (``data["certificate"]``,
    an upload). A refused entry or file stores nothing: no row, no file."""
    entry = OutsideHours(user=user, **{name: data[name] for name in ENTRY_FIELDS if name in data})
    entry.provider = entry.provider.strip()
    entry.title = (entry.title or "").strip()
    upload = data.get("certificate")
    checked = checked_certificate(upload) if upload else None
    if checked is not None:
        entry.certificate_name = checked.name
        entry.certificate_type = checked.content_type
        entry.certificate_size = checked.size
    entry.full_clean(exclude=["certificate"])  # the file is stored only once all else is right
    if checked is not None:
        entry.certificate.save(checked.name, upload, save=False)
    try:
        entry.save()
        record_audit(
            actor=user,
            verb="hours.logged",
            subject=user,
            obj=entry,
            data={**_audit_data(entry), "certificate": checked is not None},
        )
    except Exception:
        if checked is not None:
            discard(entry.certificate.name)
        raise
    return entry


def _audit_data(entry: OutsideHours) -> dict[str, str]:
    """What the log keeps of an entry: never the provider, the title or the file."""
    return {"category": entry.category, "hours": f"{Decimal(entry.hours):.2f}"}


def own_entry(user: User, entry_id: int) -> OutsideHours:
    """One of the user's own entries; 404 for anyone else's (the same as none)."""
    entry = OutsideHours.objects.filter(pk=entry_id, user=user).first() if user.pk else None
    if entry is None:
        raise Http404("No such entry.")
    return entry


@transaction.atomic
def remove_outside_hours(*, user: User, entry_id: int) -> None:
    """Remove one of one's own entries (they are nobody else's), and its certificate once the
    removal is committed."""
    entry = own_entry(user, entry_id)
    record_audit(
        actor=user,
        verb="hours.removed",
        subject=user,
        data={**_audit_data(entry), "certificate": entry.has_certificate},
    )
    stored = entry.certificate.name
    entry.delete()
    delete_on_commit([stored])


@transaction.atomic
def erase_outside_hours(*, user: User) -> None:
    """Every entry of the user and their certificates (the account is being deleted: the
    account's deletion is what the log records)."""
    entries = OutsideHours.objects.filter(user=user)
    stored = list(entries.exclude(certificate="").values_list("certificate", flat=True))
    entries.delete()
    delete_on_commit(stored)


@transaction.atomic
def set_renewal_plan(*, user: User, data: dict[str, Any]) -> RenewalPlan:
    plan = RenewalPlan.objects.select_for_update().filter(user=user).first()
    plan = plan or RenewalPlan(user=user)
    for name in PLAN_FIELDS:
        if name in data:
            setattr(plan, name, data[name])
    plan.full_clean()
    plan.save()
    record_audit(actor=user, verb="renewal.planned", subject=user, obj=plan)
    return plan


# --- reads -------------------------------------------------------------------------------------


def entries_of(user: User):
    return (
        OutsideHours.objects.filter(user=user)
        if user.is_authenticated
        else OutsideHours.objects.none()
    )


def own_certificate(user: User, entry_id: int) -> OutsideHours:
    """One of the user's own entries that has a certificate; 404 for anyone else's entry (site
    admins included) and for an entry without one."""
    entry = entries_of(user).filter(pk=entry_id).exclude(certificate="").first()
    if entry is None:
        raise Http404("No such certificate.")
    return entry


@dataclass
class Progress:
    """One line of the renewal: hours required, recorded by PeerCircle, self-reported."""

    label: str
    required: int
    recorded_minutes: int = 0
    reported_minutes: int = 0

    @property
    def recorded(self) -> float:
        return to_hours(self.recorded_minutes)

    @property
    def reported(self) -> float:
        return to_hours(self.reported_minutes)

    @property
    def done(self) -> float:
        return to_hours(self.recorded_minutes + self.reported_minutes)

    @property
    def percent(self) -> int:
        if not self.required:
            return 100
        return min(100, round(100 * self.done / self.required))

    @property
    def left(self) -> float:
        return max(0.0, round(self.required - self.done, 2))


CATEGORY_LINES = (
    ("consultation", _("Consultation"), (HoursCategory.CONSULTATION,)),
    ("ce", _("Continuing education"), (HoursCategory.CE, HoursCategory.ETHICS)),
    ("ethics", _("Of which ethics"), (HoursCategory.ETHICS,)),
)


def renewal_progress(
    user: User, *, tz: tzinfo | None = None, plan: RenewalPlan | None = None
) -> list[Progress]:
    """Progress toward the renewal plan, the period's days taken in ``tz`` (the member's):
    a line per category the plan asks for, then the total. Two queries."""
    plan = plan or RenewalPlan.objects.filter(user=user).first()
    if plan is None:
        return []
    tz = tz or timezone.get_current_timezone()
    start = datetime.combine(plan.starts_on, time.min, tzinfo=tz)
    end = datetime.combine(plan.ends_on + timedelta(days=1), time.min, tzinfo=tz)
    recorded = sum(
        minutes_between(s, e)
        for s, e in present_attendance(user)
        .filter(meeting__starts_at__gte=start, meeting__starts_at__lt=end)
        .values_list("meeting__starts_at", "meeting__ends_at")
    )
    reported: dict[str, Decimal] = {}
    rows = OutsideHours.objects.filter(
        user=user, day__gte=plan.starts_on, day__lte=plan.ends_on
    ).values_list("category", "hours")
    for category, amount in rows:
        reported[category] = reported.get(category, Decimal(0)) + amount

    def minutes(categories) -> int:
        return int(sum(reported.get(c, Decimal(0)) for c in categories) * 60)

    lines = []
    required = {
        "consultation": plan.required_consultation,
        "ce": plan.required_ce,
        "ethics": plan.required_ethics,
    }
    for key, label, categories in CATEGORY_LINES:
        if required[key]:
            lines.append(
                Progress(
                    label=str(label),
                    required=required[key],
                    recorded_minutes=recorded if key == "consultation" else 0,
                    reported_minutes=minutes(categories),
                )
            )
    lines.append(
        Progress(
            label=gettext("In all"),
            required=plan.required_total,
            recorded_minutes=recorded,
            reported_minutes=minutes(HoursCategory.values),
        )
    )
    return lines
