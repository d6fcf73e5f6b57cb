from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.enums import URGENCY_WORDS, RequestStatus, Urgency
from presentations.enums import HelpWanted


class ConsultationRequest(models.Model):
    """A member asks their group for help with a case between meetings.

    The standard case format (question, de-identified background, what was tried, help
    wanted), shown to the group's members only, never e-mailed, and blanked once
    ``expires_at`` passes (the group's ``case_retention_days`` after it was asked; 0 keeps it).
    What the asker wrote is theirs: ``on_delete=PROTECT``, and their account's deletion blanks
    it through ``consultations.services.erase_author`` (``erased_at``).
    """

    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="consultation_requests"
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultation_requests"
    )
    question = models.TextField(_("consultation question"), max_length=1000)
    background = models.TextField(_("de-identified background"), blank=True, max_length=4000)
    tried = models.TextField(_("what has been tried"), blank=True, max_length=3000)
    help_wanted = models.JSONField(_("help wanted"), default=list, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When the text is blanked; empty: the group keeps it."
    )
    purged_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="The asker deleted their account: the text is gone."
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    huddle = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_requests",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.ANSWERED) | Q(answered_at__isnull=False),
                name="consultation_answered_has_time",
            )
        ]
        indexes = [
            models.Index(fields=["group", "status", "-created_at"], name="consultation_group"),
            models.Index(fields=["purged_at", "expires_at"], name="consultation_expiry"),
        ]

    def __str__(self):
        # Never the question: this string shows up in admin lists and logs.
        return f"Consultation request #{self.pk} ({self.get_status_display().lower()})"

    def get_absolute_url(self):
        return reverse("consultations:detail", kwargs={"slug": self.group.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN

    @property
    def is_expired(self) -> bool:
        """Past its retention: purged, or due to be on the purge's next run."""
        return self.purged_at is not None or (
            self.expires_at is not None and self.expires_at <= timezone.now()
        )

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def has_text(self) -> bool:
        """Its text can be shown: neither expired nor erased."""
        return not (self.is_expired or self.is_erased)

    @property
    def accepts_replies(self) -> bool:
        return self.is_open and self.has_text

    @property
    def has_planned_huddle(self) -> bool:
        """A huddle is called and not over (nor cancelled): another cannot be called yet."""
        huddle = self.huddle
        return huddle is not None and not huddle.is_cancelled and huddle.ends_at > timezone.now()

    @property
    def help_wanted_labels(self) -> list[str]:
        labels = dict(HelpWanted.choices)
        return [labels[code] for code in self.help_wanted if code in labels]

    @property
    def urgency_word(self) -> str:
        return URGENCY_WORDS.get(self.urgency, self.urgency)


class ConsultationReply(models.Model):
    """A colleague's answer to a consultation request (guarded like the request itself)."""

    request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultation_replies"
    )
    body = models.TextField(_("reply"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="consultation_reply_thread")]

    def __str__(self):
        # Never the body: this string shows up in admin lists and logs.
        return f"Reply #{self.pk} to consultation request #{self.request_id}"


class ConsultationThanks(models.Model):
    """The asker thanked this member for their help when closing the request."""

    request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="thanks"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_thanks"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["request", "id"]
        verbose_name_plural = "consultation thanks"
        constraints = [
            models.UniqueConstraint(fields=["request", "member"], name="consultation_thanks_once")
        ]

    def __str__(self):
        return f"Thanks on consultation request #{self.request_id} to {self.member}"
