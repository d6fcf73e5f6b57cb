import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from config.uploads import random_path
from groups.enums import VenueKind
from meetings.enums import (
    AttendanceStatus,
    HoursCategory,
    MeetingKind,
    MeetingStatus,
    RsvpAnswer,
    SegmentKind,
    VenueOverride,
)
from members.models import validate_timezone


class MeetingSeries(models.Model):
    """A recurrence rule in the group's time zone; its meetings are materialized ahead."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="series")
    title = models.CharField(max_length=150)
    rule = models.CharField(
        max_length=250, help_text="An RFC 5545 RRULE, without DTSTART (e.g. FREQ=WEEKLY;BYDAY=TH)."
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    start_time = models.TimeField(help_text="Local time in the series' time zone.")
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    time_zone = models.CharField(max_length=64, validators=[validate_timezone])
    materialized_until = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "starts_on"]
        verbose_name_plural = "meeting series"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="series_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.group})"


class Meeting(models.Model):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    occurrence_date = models.DateField(
        null=True, blank=True, help_text="The series date this meeting was made for."
    )
    detached = models.BooleanField(
        default=False, help_text="Edited on its own; series changes leave it alone."
    )
    title = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    status_message = models.TextField(blank=True, max_length=1000)
    venue_kind = models.CharField(
        max_length=20, choices=VenueOverride.choices, blank=True, default=VenueOverride.GROUP
    )
    venue_name = models.CharField(max_length=150, blank=True)
    street_address = models.CharField(max_length=250, blank=True)
    online_link = models.URLField(blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    backup_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    timekeeper = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sequence = models.PositiveIntegerField(default=0, help_text="Grows with every change (iCal).")
    low_rsvp_warned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "occurrence_date"],
                condition=Q(series__isnull=False),
                name="meeting_one_per_series_date",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(facilitator__isnull=True)
                | ~Q(facilitator=models.F("backup_facilitator")),
                name="meeting_backup_is_someone_else",
            ),
        ]
        indexes = [
            models.Index(fields=["group", "starts_at"], name="meeting_group_start"),
            models.Index(fields=["status", "starts_at"], name="meeting_status_start"),
        ]

    def __str__(self):
        return f"{self.title} · {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self):
        return reverse("meetings:detail", kwargs={"pk": self.pk})

    def announced_before(self, moment) -> bool:
        """Whether members were told of this meeting after ``moment``: a huddle's notice (with
        its calendar file) goes out when it is called, so a reminder or nudge whose moment came
        before that is not sent as well."""
        return self.kind == MeetingKind.HUDDLE and moment < self.created_at

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def effective_venue_kind(self) -> str:
        return self.venue_kind or self.group.venue_kind

    @property
    def effective_venue_name(self) -> str:
        return self.venue_name or ("" if self.venue_kind else self.group.venue_name)

    @property
    def effective_address(self) -> str:
        return self.street_address or ("" if self.venue_kind else self.group.street_address)

    @property
    def effective_online_link(self) -> str:
        return self.online_link or self.group.online_link

    @property
    def is_online_only(self) -> bool:
        return self.effective_venue_kind == VenueKind.ONLINE

    @property
    def is_hybrid(self) -> bool:
        return self.effective_venue_kind == VenueKind.HYBRID

    @property
    def meets_online(self) -> bool:
        """Online or hybrid: the video link is part of where the meeting is."""
        return self.effective_venue_kind != VenueKind.IN_PERSON

    @property
    def contact_hours(self) -> float:
        return round(self.duration_minutes / 60, 2)


class AgendaTemplateSegment(models.Model):
    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="agenda_template"
    )
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=SegmentKind.choices)
    title = models.CharField(max_length=120, blank=True)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(480)]
    )

    class Meta:
        ordering = ["group", "position", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.minutes} min)"


class AgendaSegment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=SegmentKind.choices)
    title = models.CharField(max_length=120, blank=True)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(480)]
    )

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self):
        return f"{self.label} ({self.minutes} min)"

    @property
    def label(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def is_case(self) -> bool:
        return self.kind == SegmentKind.CASE


class Rsvp(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    answer = models.CharField(max_length=10, choices=RsvpAnswer.choices)
    note = models.CharField("note to the organizers", max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "user"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="rsvp_one_per_member")
        ]
        indexes = [models.Index(fields=["user", "meeting"], name="rsvp_user_meeting")]

    def __str__(self):
        return f"{self.user} → {self.meeting}: {self.get_answer_display()}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "user"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_one_per_member")
        ]
        indexes = [models.Index(fields=["user", "status"], name="attendance_user_status")]

    def __str__(self):
        return f"{self.user} at {self.meeting}: {self.get_status_display()}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeedToken(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calendar feed of {self.user}"


MATERIALIZE_WEEKS = 12
MATERIALIZE_WINDOW = timedelta(weeks=MATERIALIZE_WEEKS)


def new_certificate_code() -> str:
    return secrets.token_hex(6).upper()


class Certificate(models.Model):
    """An attendance certificate: the facts as they stood when it was issued, and a code that
    anyone can check at /verify/<code>."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    group = models.ForeignKey(
        "groups.Group", null=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    code = models.CharField(max_length=16, unique=True, default=new_certificate_code)
    holder_name = models.CharField(max_length=120)
    credential = models.CharField(max_length=120, blank=True)
    licence = models.CharField(max_length=160, blank=True)
    group_name = models.CharField(max_length=120)
    period_start = models.DateField()
    period_end = models.DateField()
    meetings = models.JSONField(default=list, help_text="[{date, minutes, facilitator}]")
    total_minutes = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="certificate_period_order",
            )
        ]

    def __str__(self):
        return f"Certificate {self.code} for {self.holder_name}"

    @property
    def total_hours(self) -> float:
        return round(self.total_minutes / 60, 2)


class MeetingNotes(models.Model):
    """What a meeting discussed and decided, and notes on the cases presented: written by its
    facilitator or an organizer, read by every member (``meetings/notes.py``). The case notes
    are case material: blanked with the meeting's cases, ``group.case_retention_days`` after
    the meeting ends (``purge_expired_case_notes``); the rest is kept."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="notes")
    # A TextField's max_length only sizes the form's textarea: the validators hold it.
    discussed = models.TextField(
        "what was discussed", blank=True, validators=[MaxLengthValidator(10000)]
    )
    decisions = models.TextField(
        blank=True, validators=[MaxLengthValidator(4000)], help_text="One decision per line."
    )
    case_notes = models.TextField(
        "notes on the cases", blank=True, validators=[MaxLengthValidator(6000)]
    )
    case_notes_purged_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    PARTS = ("discussed", "decisions", "case_notes")

    class Meta:
        verbose_name_plural = "meeting notes"

    def __str__(self):
        return f"Notes of meeting {self.meeting_id}"

    @property
    def decision_list(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, part).strip() for part in self.PARTS)

    @property
    def version(self) -> str:
        """What the editor's form carries, so a save over someone else's newer one is refused:
        when they were last saved ("" before the first save)."""
        return "" if self._state.adding else self.updated_at.isoformat()


class ActionItem(models.Model):
    """Something a member took on at a meeting, by a date. Unowned (``owner`` empty) when the
    person it was given to left the group: it needs an organizer to give it to someone else."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items")
    text = models.CharField("what is to be done", max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    due_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="action_item_done_at_and_by_together",
            )
        ]
        indexes = [
            models.Index(fields=["owner", "due_on"], name="action_item_owner_due"),
            models.Index(
                fields=["due_on"], condition=Q(done_at__isnull=True), name="action_item_open_due"
            ),
        ]

    def __str__(self):
        return f"Action item {self.pk} of meeting {self.meeting_id}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        """Open past its due date, as the date is in the active (the viewer's) time zone."""
        return not self.is_done and self.due_on < timezone.localdate()


def certificate_file_path(instance: "OutsideHours", filename: str) -> str:
    """A random path under the member's folder. What the file was called is kept (cleaned) in
    ``certificate_name``, never in the path, so nothing a person typed reaches the file system."""
    return random_path(f"certificates/{instance.user_id}", filename)


class OutsideHours(models.Model):
    """Hours a member logs themselves: consultation elsewhere, supervision, continuing education.
    Shown beside the hours PeerCircle records, always marked "self-reported".

    The member may attach the certificate they were given (a PDF or a picture, checked by
    ``config.uploads``): stored in the default storage under a random name, served only to
    them (``meetings.views.ledger.hours_certificate``), deleted with the entry."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outside_hours"
    )
    day = models.DateField("date")
    category = models.CharField(max_length=15, choices=HoursCategory.choices)
    provider = models.CharField(
        "provider", max_length=200, help_text="Who gave it: the CE provider, consultant or group."
    )
    title = models.CharField("course or topic", max_length=200, blank=True)
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("200"))],
    )
    certificate = models.FileField(upload_to=certificate_file_path, max_length=255, blank=True)
    certificate_name = models.CharField("certificate's file name", max_length=200, blank=True)
    certificate_type = models.CharField(max_length=100, blank=True)
    certificate_size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name_plural = "outside hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=200), name="outside_hours_range"
            ),
            # A certificate comes with its name, kind and size, or none of them is there.
            models.CheckConstraint(
                condition=Q(
                    certificate="",
                    certificate_name="",
                    certificate_type="",
                    certificate_size__isnull=True,
                )
                | (
                    ~Q(certificate="")
                    & ~Q(certificate_name="")
                    & ~Q(certificate_type="")
                    & Q(certificate_size__isnull=False)
                ),
                name="outside_hours_certificate_whole",
            ),
        ]
        indexes = [models.Index(fields=["user", "day"], name="outside_hours_user_day")]

    def __str__(self):
        return f"{self.hours} h {self.get_category_display()}"

    @property
    def minutes(self) -> int:
        return int(self.hours * 60)

    @property
    def has_certificate(self) -> bool:
        return bool(self.certificate)


class RenewalPlan(models.Model):
    """A member's licence renewal period and the hours it asks for, by category (0: none)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="renewal_plan"
    )
    starts_on = models.DateField("period starts")
    ends_on = models.DateField("period ends")
    required_total = models.PositiveSmallIntegerField("hours in all", default=0)
    required_consultation = models.PositiveSmallIntegerField("of them consultation", default=0)
    required_ce = models.PositiveSmallIntegerField("of them continuing education", default=0)
    required_ethics = models.PositiveSmallIntegerField("of them ethics", default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="renewal_plan_ends_after"
            )
        ]

    def __str__(self):
        return f"Renewal {self.starts_on} to {self.ends_on}"
