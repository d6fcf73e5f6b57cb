from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from members import dates
from polls.enums import Availability


class Poll(models.Model):
    """ "Find a time": an organizer proposes several times, the group's members answer each
    yes / if need be / no until ``closes_at``; the chosen time becomes a meeting or a series
    (``meeting`` / ``series``, set once, ``scheduled_at``)."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="polls")
    title = models.CharField(max_length=150)
    note = models.TextField(blank=True, max_length=1000)
    duration_minutes = models.PositiveSmallIntegerField(default=90)
    closes_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    chosen = models.ForeignKey(
        "PollOption", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    series = models.ForeignKey(
        "meetings.MeetingSeries",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scheduled_at__isnull=True) | Q(closed_at__isnull=False),
                name="poll_scheduled_only_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="poll_duration_range",
            ),
        ]
        indexes = [models.Index(fields=["closed_at", "closes_at"], name="poll_open_idx")]

    def __str__(self):
        return f"{self.title} ({self.group})"

    def get_absolute_url(self):
        return reverse("polls:detail", kwargs={"slug": self.group.slug, "pk": self.pk})

    def is_open(self, now=None) -> bool:
        return self.closed_at is None and (now or timezone.now()) < self.closes_at


class PollOption(models.Model):
    """One proposed time (stored in UTC, proposed in the group's zone)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "starts_at"], name="poll_option_once")
        ]

    def __str__(self):
        return dates.when_short(self.starts_at, zone="UTC")


class PollAnswer(models.Model):
    """A member's answer to one proposed time; one per member and time."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_answers"
    )
    answer = models.CharField(max_length=10, choices=Availability.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["option", "user"]
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="poll_answer_once"),
        ]
        indexes = [models.Index(fields=["poll", "user"], name="poll_answer_user_idx")]

    def __str__(self):
        return f"{self.user_id}: {self.answer}"
