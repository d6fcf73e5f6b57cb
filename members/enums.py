from django.db import models


class CredentialType(models.TextChoices):
    LCSW = "lcsw", "LCSW (Licensed Clinical Social Worker)"
    LMFT = "lmft", "LMFT (Licensed Marriage and Family Therapist)"
    LPC = "lpc", "LPC / LPCC (Licensed Professional Counselor)"
    LMHC = "lmhc", "LMHC (Licensed Mental Health Counselor)"
    PSYCHOLOGIST = "psychologist", "Psychologist (PhD / PsyD)"
    PSYCHIATRIST = "psychiatrist", "Psychiatrist (MD / DO)"
    PMHNP = "pmhnp", "Psychiatric nurse practitioner"
    PRELICENSED = "prelicensed", "Pre-licensed / associate"
    OTHER = "other", "Other"


class LicenceCheckStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a check"
    VERIFIED = "verified", "Verified"
    NOT_VERIFIED = "not_verified", "Could not be verified"
    WITHDRAWN = "withdrawn", "Replaced by a newer licence"


class PracticeSetting(models.TextChoices):
    PRIVATE = "private", "Private practice"
    GROUP = "group", "Group practice"
    AGENCY = "agency", "Community agency"
    HOSPITAL = "hospital", "Hospital or clinic"
    SCHOOL = "school", "School or university"
    TELEHEALTH = "telehealth", "Telehealth only"
    OTHER = "other", "Other"


class NotificationKind(models.TextChoices):
    MEETING_REMINDER = "meeting_reminder", "Meeting reminders"
    RSVP_NUDGE = "rsvp_nudge", "A nudge to RSVP, two days before"
    PRESENTER_REMINDER = "presenter_reminder", "Reminder that you present, three days before"
    ROLE_REMINDER = "role_reminder", "Reminder that you facilitate or keep time"
    SIGNUP_OPENED = "signup_opened", "Presentation sign-up has opened"
    MEETING_CHANGED = "meeting_changed", "A meeting was cancelled, moved or changed"
    APPLICATION_RECEIVED = "application_received", "Applications to groups I organize"
    APPLICATION_DECIDED = "application_decided", "Decisions on my applications"
    WAITLIST = "waitlist", "Waitlist seat offers and their expiry"
    INVITATION = "invitation", "Invitations to groups"
    ELECTION = "election", "Elections: opened, closing soon, results"
    LOW_RSVP = "low_rsvp", "Few members going (organizers)"
    SWAP = "swap", "Swap offers and rotation turns"
    RECOGNITION = "recognition", "A member may recognize a client in my case"
    COLLEAGUE_MESSAGE = "colleague_message", "Messages from colleagues"
    ANNOUNCEMENT = "announcement", "Announcements from my groups' organizers"
    BOARD_DIGEST = "board_digest", "A digest of new discussions and replies in my groups"
    CONSULTATION = "consultation", "A member of my group asks for a consultation"
    ACTION_ITEM = "action_item", "Action items given to me, and reminders before they are due"
    BOARD_MODERATION = "board_moderation", "Posts reported to me, and my posts hidden or restored"
    FOLLOW_UP = "follow_up", "Report-back requests and the organizers' answers"
    POLL = "poll", "Polls to find a time: new polls, a reminder to answer, the time chosen"
    BUDDY = "buddy", "Newcomers I am paired with as their buddy"
    LICENCE = "licence", "The outcome of a check of my licence"
    DOCUMENT = "document", "My documents in a group's library, replaced or removed by an organizer"


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
    (10080, "1 week before"),
    (2880, "2 days before"),
    (1440, "1 day before"),
    (180, "3 hours before"),
    (60, "1 hour before"),
    (15, "15 minutes before"),
]
