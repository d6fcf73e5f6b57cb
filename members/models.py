import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.enums import (
    CredentialType,
    DeliveryStatus,
    LicenceCheckStatus,
    NotificationKind,
    PracticeSetting,
)


class PeerCircleUserManager(UserManager):
    """Users sign in by e-mail; there is no username."""

    use_in_migrations = True

    def _create_user_object(self, username, email, password, **extra_fields):
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.password = ""
        if password is not None:
            user.set_password(password)
        else:
            user.set_unusable_password()
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        user = self._create_user_object(None, email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    # The language of the pages and of their e-mails (docs/translations.md); blank: the
    # browser's language on the pages, English in e-mails.
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=[("", _("The browser's language")), *settings.LANGUAGES],
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = PeerCircleUserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        if self.email.endswith("@deleted.invalid"):
            return gettext("Former member")
        try:
            profile = self.profile
        except TherapistProfile.DoesNotExist:
            profile = None
        if profile is not None and profile.display_name:
            return profile.display_name
        return self.email.split("@")[0]


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(
            gettext(
                "“%(value)s” is not a time zone we know. Choose one from the list, "
                "such as America/New_York or Europe/London."
            ),
            params={"value": value},
            code="invalid_timezone",
        )


_TIMEZONES: frozenset[str] | None = None


def available_timezones() -> frozenset[str]:
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = frozenset(zoneinfo.available_timezones())
    return _TIMEZONES


class VocabularyTerm(models.Model):
    """A curated term (specialty, modality, population) that site admins edit."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Specialty(VocabularyTerm):
    class Meta(VocabularyTerm.Meta):
        verbose_name_plural = "specialties"


class Modality(VocabularyTerm):
    class Meta(VocabularyTerm.Meta):
        verbose_name_plural = "modalities"


class Population(VocabularyTerm):
    class Meta(VocabularyTerm.Meta):
        verbose_name = "population served"
        verbose_name_plural = "populations served"


def default_reminder_leads() -> list[int]:
    return [1440, 60]


class TherapistProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=120)
    pronouns = models.CharField(max_length=40, blank=True)
    credential_type = models.CharField(
        max_length=20, choices=CredentialType.choices, blank=True, default=""
    )
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True)
    licence_region = models.CharField(
        _("licence issued by (state or region)"), max_length=80, blank=True
    )
    licence_verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    licence_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="profiles")
    modalities = models.ManyToManyField(Modality, blank=True, related_name="profiles")
    populations = models.ManyToManyField(Population, blank=True, related_name="profiles")
    practice_setting = models.CharField(
        max_length=20, choices=PracticeSetting.choices, blank=True, default=""
    )
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(_("state or region"), max_length=100, blank=True)
    # Where the city is (members.places.coordinates), kept by members.services.update_profile,
    # for "near me" on browse; None where the place is not known. Private: shown to nobody but
    # the profile's owner ("My data"), never on a page or in the admin.
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_timezone]
    )
    accepting_referrals = models.BooleanField(default=False)
    show_email_to_colleagues = models.BooleanField(
        _("show my e-mail address to colleagues who message me"),
        default=False,
        help_text=_("Off: colleagues write to you through PeerCircle without seeing your address."),
    )
    remind_when_unanswered = models.BooleanField(
        _("remind me of meetings I have not answered"),
        default=False,
    )
    reminder_lead_minutes = models.JSONField(
        _("meeting reminders (minutes before)"),
        default=default_reminder_leads,
        blank=True,
        help_text=_("When to remind you before each meeting; 1440 is a day, 60 an hour."),
    )
    bio = models.TextField(_("short bio"), max_length=1500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]
        indexes = [models.Index(fields=["city"]), models.Index(fields=["credential_type"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(licence_verified_at__isnull=True) | ~models.Q(licence_number=""),
                name="profile_verified_needs_licence_number",
            )
        ]

    def __str__(self):
        return self.display_name or self.user.email

    @property
    def licence_verified(self) -> bool:
        return self.licence_verified_at is not None

    COMPLETENESS_FIELDS = (
        "display_name",
        "credential_type",
        "licence_number",
        "licence_region",
        "practice_setting",
        "city",
        "region",
        "bio",
    )

    def completeness(self, *, specialties_count: int | None = None) -> int:
        """Percentage of the profile filled in (the M2M count may be passed to save a query)."""
        filled = sum(1 for name in self.COMPLETENESS_FIELDS if getattr(self, name))
        if specialties_count is None:
            specialties_count = self.specialties.count() if self.pk else 0
        total = len(self.COMPLETENESS_FIELDS) + 1
        filled += 1 if specialties_count else 0
        return round(100 * filled / total)


class AuditEntry(models.Model):
    """Who did what to whom, and when. Written by services, never edited."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_actions",
    )
    verb = models.CharField(max_length=60, db_index=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_subjects",
        help_text="The person the action was about, if any.",
    )
    group = models.ForeignKey(
        "groups.Group",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audit_entries",
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["group", "-created_at"])]

    def __str__(self):
        return f"{self.verb} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"


class NotificationPreference(models.Model):
    """A person's choice for one kind of notification; no row means the default (on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    enabled = models.BooleanField(default=True)
    digest = models.BooleanField(
        default=True, help_text="For kinds that can come as one daily summary."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} {'on' if self.enabled else 'off'}"


class Delivery(models.Model):
    """One e-mail to one recipient about one thing, at most once.

    The unique constraint on (kind, object, recipient e-mail, dedupe key) is what makes a second
    dispatcher, a retried task or a redelivered message harmless: the row can only exist once,
    and it is sent only by whoever holds its row lock while it is not yet sent.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    email = models.EmailField()
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    template = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    dedupe_key = models.CharField(max_length=120, default="", blank=True)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    context = models.JSONField(
        default=dict, blank=True, help_text="Small extras; never case content."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-due_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "template", "object_type", "object_id", "email", "dedupe_key"],
                name="delivery_once",
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="delivery_due"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_retry"),
        ]

    def __str__(self):
        return f"{self.template} to {self.email} ({self.get_status_display()})"

    @property
    def message_id(self) -> str:
        """Stable per delivery, so a re-transmission is recognizable as the same message."""
        return f"<delivery-{self.pk}@peercircle.local>"


class LicenceCheck(models.Model):
    """A therapist's licence waiting for (or given) a check by a site admin against the licensing
    board's public record. The licence is copied as it was when the check was asked for: a
    decision is about that licence, and a changed number asks for a new check."""

    profile = models.ForeignKey(
        TherapistProfile, on_delete=models.CASCADE, related_name="licence_checks"
    )
    credential_type = models.CharField(max_length=20, choices=CredentialType.choices, blank=True)
    licence_number = models.CharField(max_length=60)
    licence_region = models.CharField(max_length=80, blank=True)
    evidence = models.TextField(
        blank=True,
        max_length=1000,
        help_text="What the therapist gave to help the check (a link to the board's record).",
    )
    status = models.CharField(
        max_length=15, choices=LicenceCheckStatus.choices, default=LicenceCheckStatus.PENDING
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=1000, help_text="Told to the therapist.")

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile"],
                condition=models.Q(status=LicenceCheckStatus.PENDING),
                name="licence_check_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(status=LicenceCheckStatus.PENDING)
                | models.Q(decided_at__isnull=False),
                name="licence_check_decided_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="licence_check_queue")]

    def __str__(self):
        return f"Licence check {self.pk} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("members:licence_check", kwargs={"pk": self.pk})
