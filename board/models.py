"""The group board: topics (announcements and discussions), their replies, who has read what,
reports of posts to the organizers, and each person's digest frequency.

What people wrote is never erased by a cascade from its author: the author is ``SET_NULL``
(shown as "Former member"), and deleting one's own post blanks its text and keeps the thread
(``deleted_at``), so colleagues' replies stay in place. ``__str__`` never shows member text.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from board.enums import DEFAULT_FREQUENCY, DigestFrequency, TopicKind

TITLE_MAX = 150
BODY_MAX = 10_000
REASON_MAX = 1_000


class Post(models.Model):
    """What topics and replies share: an author, a body, and the marks of its life."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=BODY_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    # "topic" or "reply": the URL part naming the kind of post (board/urls.py)
    post_type = ""

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Topic(Post):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="board_topics")
    kind = models.CharField(max_length=20, choices=TopicKind.choices)
    title = models.CharField(max_length=TITLE_MAX, blank=True)
    pinned = models.BooleanField(default=False)
    locked = models.BooleanField(default=False)
    last_activity_at = models.DateTimeField(default=timezone.now)

    post_type = "topic"

    class Meta:
        ordering = ["-pinned", "-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["group", "-last_activity_at"], name="board_topic_activity"),
            models.Index(fields=["author"], name="board_topic_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TopicKind.values), name="board_topic_kind_known"
            ),
            # A live topic has a title and a body; a deleted one has neither.
            models.CheckConstraint(
                condition=(Q(deleted_at__isnull=True) & ~Q(title="") & ~Q(body=""))
                | (Q(deleted_at__isnull=False) & Q(title="") & Q(body="")),
                name="board_topic_text_unless_deleted",
            ),
            models.CheckConstraint(
                condition=Q(last_activity_at__gte=F("created_at")),
                name="board_topic_activity_after_creation",
            ),
        ]

    def __str__(self):
        return f"Board topic #{self.pk}"

    def get_absolute_url(self):
        return reverse("board:topic", kwargs={"slug": self.group.slug, "pk": self.pk})

    @property
    def topic(self) -> "Topic":
        """A topic is its own thread (so topics and replies answer the same questions)."""
        return self


class Reply(Post):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="replies")

    post_type = "reply"

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "replies"
        indexes = [
            models.Index(fields=["topic", "created_at"], name="board_reply_topic"),
            models.Index(fields=["author"], name="board_reply_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(deleted_at__isnull=True) & ~Q(body=""))
                | (Q(deleted_at__isnull=False) & Q(body="")),
                name="board_reply_text_unless_deleted",
            ),
        ]

    def __str__(self):
        return f"Board reply #{self.pk} to topic #{self.topic_id}"

    @property
    def group_id(self) -> int:
        """The group the reply was written in (the rules ask for ``group_id``)."""
        return self.topic.group_id


class ReadMark(models.Model):
    """Until when ``user`` has read ``topic``. No mark: read up to the day they joined."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_read_marks"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_marks")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="board_read_mark_once")
        ]

    def __str__(self):
        return f"User #{self.user_id} read topic #{self.topic_id}"


class BoardVisit(models.Model):
    """When ``user`` last looked at ``group``'s board, and when their visit before that began
    (what is newer is "new since your last visit"). Looks less than ``VISIT_GAP`` apart (paging,
    filtering, coming back from a thread) are one visit (``board.services.record_visit``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_visits"
    )
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    visited_at = models.DateTimeField(default=timezone.now)
    previous_visit_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="board_visit_once")]

    def __str__(self):
        return f"User #{self.user_id} on board of group #{self.group_id}"


class Report(models.Model):
    """A member asks the organizers to look at a post (a topic or a reply, exactly one)."""

    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(max_length=REASON_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["group", "resolved_at"], name="board_report_open")]
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=True) ^ Q(reply__isnull=True),
                name="board_report_one_post",
            ),
            models.UniqueConstraint(
                fields=["reporter", "topic"],
                condition=Q(resolved_at__isnull=True, reply__isnull=True),
                name="board_report_open_once_per_topic",
            ),
            models.UniqueConstraint(
                fields=["reporter", "reply"],
                condition=Q(resolved_at__isnull=True, topic__isnull=True),
                name="board_report_open_once_per_reply",
            ),
        ]

    def __str__(self):
        return f"Board report #{self.pk}"

    @property
    def thread(self) -> Topic:
        return self.topic if self.topic_id else self.reply.topic


class DigestPreference(models.Model):
    """How often ``user`` wants the board digest (when it is on at all)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_digest"
    )
    frequency = models.CharField(
        max_length=10, choices=DigestFrequency.choices, default=DEFAULT_FREQUENCY
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=DigestFrequency.values),
                name="board_digest_frequency_known",
            )
        ]

    def __str__(self):
        return f"Board digest of user #{self.user_id}: {self.frequency}"
