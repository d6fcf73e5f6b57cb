from django.db import models


class TopicKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", "Announcement"
    DISCUSSION = "discussion", "Discussion"


class DigestFrequency(models.TextChoices):
    """How often a person gets the board digest. "Off" is no frequency: it is the person's
    ``NotificationPreference`` for ``board_digest`` turned off (so one-click unsubscribe works)."""

    DAILY = "daily", "Once a day"
    WEEKLY = "weekly", "Once a week, on Monday"


DEFAULT_FREQUENCY = DigestFrequency.WEEKLY
OFF = "off"


class ModerationAction(models.TextChoices):
    PIN = "pin", "Pin to the top"
    UNPIN = "unpin", "Unpin"
    LOCK = "lock", "Close to replies"
    UNLOCK = "unlock", "Open to replies again"
    HIDE = "hide", "Hide"
    UNHIDE = "unhide", "Show again"


TOPIC_ONLY_ACTIONS = (
    ModerationAction.PIN,
    ModerationAction.UNPIN,
    ModerationAction.LOCK,
    ModerationAction.UNLOCK,
)
