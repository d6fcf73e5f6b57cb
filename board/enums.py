from django.db import models
from django.utils.translation import gettext_lazy as _


class TopicKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("Announcement")
    DISCUSSION = "discussion", _("Discussion")


class DigestFrequency(models.TextChoices):
    """How often a person gets the board digest. "Off" is no frequency: it is the person's
    ``NotificationPreference`` for ``board_digest`` turned off (so one-click unsubscribe works)."""

    DAILY = "daily", _("Once a day")
    WEEKLY = "weekly", _("Once a week, on Monday")


DEFAULT_FREQUENCY = DigestFrequency.WEEKLY
OFF = "off"


class ModerationAction(models.TextChoices):
    PIN = "pin", _("Pin to the top")
    UNPIN = "unpin", _("Unpin")
    LOCK = "lock", _("Close to replies")
    UNLOCK = "unlock", _("Open to replies again")
    HIDE = "hide", _("Hide")
    UNHIDE = "unhide", _("Show again")


TOPIC_ONLY_ACTIONS = (
    ModerationAction.PIN,
    ModerationAction.UNPIN,
    ModerationAction.LOCK,
    ModerationAction.UNLOCK,
)
