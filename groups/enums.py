from django.db import models


class Purpose(models.TextChoices):
    SUPPORT = "support", "Support and well-being"
    CONSULTATION = "consultation", "Peer case consultation"
    COLLABORATION = "collaboration", "Professional collaboration"


class GroupFormat(models.TextChoices):
    INFORMAL = "informal", "Informal"
    STRUCTURED = "structured", "Structured (fixed agenda)"


class Orientation(models.TextChoices):
    """What a group says of belief in its work; the browse filter reads it. Blank: not stated."""

    NOT_STATED = "", "Not stated"
    SECULAR = "secular", "Secular"
    FAITH_INTEGRATED = "faith_integrated", "Faith-integrated"


class LeadershipModel(models.TextChoices):
    APPOINTED = "appointed", "Appointed leader"
    ELECTED = "elected", "Elected leader"
    ROTATING = "rotating", "Rotating facilitator"
    GROUP_LED = "group_led", "Led by the group"


class MembershipPolicy(models.TextChoices):
    OPEN = "open", "Open: any therapist who meets the criteria may join"
    CLOSED = "closed", "Closed: organizers vet each application"


class VenueKind(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid (in person and online)"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every other week"
    TWICE_MONTHLY = "twice_monthly", "Twice a month"
    MONTHLY = "monthly", "Monthly"
    SEVERAL_WEEKLY = "several_weekly", "Several times a week"
    AS_NEEDED = "as_needed", "As needed"


class GroupStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ARCHIVED = "archived", "Archived"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Language(models.TextChoices):
    EN = "en", "English"
    ES = "es", "Spanish"
    FR = "fr", "French"
    DE = "de", "German"
    PT = "pt", "Portuguese"
    ZH = "zh", "Chinese"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    ORGANIZER = "organizer", "Organizer"
    CO_ORGANIZER = "co_organizer", "Co-organizer"
    MEMBER = "member", "Member"


MANAGING_ROLES = (Role.ORGANIZER, Role.CO_ORGANIZER)


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Seat offered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Offer expired"
    LEFT = "left", "Left the waitlist"


ACTIVE_WAITLIST_STATUSES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ResourceCategory(models.TextChoices):
    CONTINUING_EDUCATION = "ce", "Continuing-education opportunity"
    CONFERENCE = "conference", "Conference"
    ARTICLE = "article", "Article"
    TOOL = "tool", "Tool"
    REFERRAL = "referral", "Referral resource"
    CONSULTANT = "consultant", "Outside consultant or ethics expert"


class DepartureReason(models.TextChoices):
    """Why a membership ended; sent with ``groups.signals.membership_ended``."""

    LEFT = "left", "Left the group"
    REMOVED = "removed", "Removed by an organizer"
    ACCOUNT_DELETED = "account_deleted", "Deleted their account"
