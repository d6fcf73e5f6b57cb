from django.db import models
from django.utils.translation import gettext_lazy as _


class CredentialType(models.TextChoices):
    LCSW = "lcsw", _("LCSW (Licensed Clinical Social Worker)")
    LMFT = "lmft", _("LMFT (Licensed Marriage and Family Therapist)")
    LPC = "lpc", _("LPC / LPCC (Licensed Professional Counselor)")
    LMHC = "lmhc", _("LMHC (Licensed Mental Health Counselor)")
    PSYCHOLOGIST = "psychologist", _("Psychologist (PhD / PsyD)")
    PSYCHIATRIST = "psychiatrist", _("Psychiatrist (MD / DO)")
    PMHNP = "pmhnp", _("Psychiatric nurse practitioner")
    PRELICENSED = "prelicensed", _("Pre-licensed / associate")
    OTHER = "other", _("Other")


class LicenceCheckStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a check")
    VERIFIED = "verified", _("Verified")
    NOT_VERIFIED = "not_verified", _("Could not be verified")
    WITHDRAWN = "withdrawn", _("Replaced by a newer licence")


class PracticeSetting(models.TextChoices):
    PRIVATE = "private", _("Private practice")
    GROUP = "group", _("Group practice")
    AGENCY = "agency", _("Community agency")
    HOSPITAL = "hospital", _("Hospital or clinic")
    SCHOOL = "school", _("School or university")
    TELEHEALTH = "telehealth", _("Telehealth only")
    OTHER = "other", _("Other")


class NotificationKind(models.TextChoices):
    MEETING_REMINDER = "meeting_reminder", _("Meeting reminders")
    RSVP_NUDGE = "rsvp_nudge", _("A nudge to RSVP, two days before")
    PRESENTER_REMINDER = "presenter_reminder", _("Reminder that you present, three days before")
    ROLE_REMINDER = "role_reminder", _("Reminder that you facilitate or keep time")
    SIGNUP_OPENED = "signup_opened", _("Presentation sign-up has opened")
    MEETING_CHANGED = "meeting_changed", _("A meeting was cancelled, moved or changed")
    APPLICATION_RECEIVED = "application_received", _("Applications to groups I organize")
    APPLICATION_DECIDED = "application_decided", _("Decisions on my applications")
    WAITLIST = "waitlist", _("Waitlist seat offers and their expiry")
    INVITATION = "invitation", _("Invitations to groups")
    ELECTION = "election", _("Elections: opened, closing soon, results")
    LOW_RSVP = "low_rsvp", _("Few members going (organizers)")
    SWAP = "swap", _("Swap offers and rotation turns")
    RECOGNITION = "recognition", _("A member may recognize a client in my case")
    COLLEAGUE_MESSAGE = "colleague_message", _("Messages from colleagues")
    ANNOUNCEMENT = "announcement", _("Announcements from my groups' organizers")
    BOARD_DIGEST = "board_digest", _("A digest of new discussions and replies in my groups")
    CONSULTATION = "consultation", _("A member of my group asks for a consultation")
    ACTION_ITEM = "action_item", _("Action items given to me, and reminders before they are due")
    BOARD_MODERATION = (
        "board_moderation",
        _("Posts reported to me, and my posts hidden or restored"),
    )
    FOLLOW_UP = "follow_up", _("Report-back requests and the organizers' answers")
    POLL = "poll", _("Polls to find a time: new polls, a reminder to answer, the time chosen")
    BUDDY = "buddy", _("Newcomers I am paired with as their buddy")
    LICENCE = "licence", _("The outcome of a check of my licence")
    DOCUMENT = (
        "document",
        _("My documents in a group's library, replaced or removed by an organizer"),
    )
    # Not among OPTIONAL_KINDS: each saved search is its own opt-in, stopped on the saved-searches
    # page or by its e-mails' one-click unsubscribe (alerts/notifications.py).
    ALERT = "alert", _("New groups and open seats matching my saved searches")


# Kinds a person can turn off. Decisions on one's own applications, invitations, recognition
# flags and board moderation are part of how the site works and are always sent.
OPTIONAL_KINDS = [
    NotificationKind.MEETING_REMINDER,
    NotificationKind.RSVP_NUDGE,
    NotificationKind.PRESENTER_REMINDER,
    NotificationKind.ROLE_REMINDER,
    NotificationKind.SIGNUP_OPENED,
    NotificationKind.MEETING_CHANGED,
    NotificationKind.APPLICATION_RECEIVED,
    NotificationKind.WAITLIST,
    NotificationKind.ELECTION,
    NotificationKind.LOW_RSVP,
    NotificationKind.SWAP,
    NotificationKind.ANNOUNCEMENT,
    NotificationKind.BOARD_DIGEST,
    NotificationKind.CONSULTATION,
    NotificationKind.ACTION_ITEM,
    NotificationKind.FOLLOW_UP,
    NotificationKind.POLL,
    NotificationKind.BUDDY,
]
DIGEST_KINDS = [NotificationKind.APPLICATION_RECEIVED]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed, will retry"
    DEAD = "dead", "Failed for good"
    SKIPPED = "skipped", "Skipped"


LEAD_TIME_CHOICES = [
    (10080, _("1 week before")),
    (2880, _("2 days before")),
    (1440, _("1 day before")),
    (180, _("3 hours before")),
    (60, _("1 hour before")),
    (15, _("15 minutes before")),
]
