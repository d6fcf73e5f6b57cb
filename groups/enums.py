from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Purpose(models.TextChoices):
    SUPPORT = "support", _("Support and well-being")
    CONSULTATION = "consultation", _("Peer case consultation")
    COLLABORATION = "collaboration", _("Professional collaboration")


class GroupFormat(models.TextChoices):
    INFORMAL = "informal", _("Informal")
    STRUCTURED = "structured", _("Structured (fixed agenda)")


class Orientation(models.TextChoices):
    """What a group says of belief in its work; the browse filter reads it. Blank: not stated."""

    NOT_STATED = "", _("Not stated")
    SECULAR = "secular", _("Secular")
    FAITH_INTEGRATED = "faith_integrated", _("Faith-integrated")


class LeadershipModel(models.TextChoices):
    APPOINTED = "appointed", _("Appointed leader")
    ELECTED = "elected", _("Elected leader")
    ROTATING = "rotating", _("Rotating facilitator")
    GROUP_LED = "group_led", _("Led by the group")


class MembershipPolicy(models.TextChoices):
    OPEN = "open", _("Open: any therapist who meets the criteria may join")
    CLOSED = "closed", _("Closed: organizers vet each application")


class VenueKind(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (in person and online)")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every other week")
    TWICE_MONTHLY = "twice_monthly", _("Twice a month")
    MONTHLY = "monthly", _("Monthly")
    SEVERAL_WEEKLY = "several_weekly", _("Several times a week")
    AS_NEEDED = "as_needed", _("As needed")


class GroupStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("group status", "Active")
    PAUSED = "paused", pgettext_lazy("group status", "Paused")
    ARCHIVED = "archived", pgettext_lazy("group status", "Archived")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Language(models.TextChoices):
    EN = "en", _("English")
    ES = "es", _("Spanish")
    FR = "fr", _("French")
    DE = "de", _("German")
    PT = "pt", _("Portuguese")
    ZH = "zh", _("Chinese")
    OTHER = "other", pgettext_lazy("language", "Other")


class Role(models.TextChoices):
    ORGANIZER = "organizer", _("Organizer")
    CO_ORGANIZER = "co_organizer", _("Co-organizer")
    MEMBER = "member", _("Member")


MANAGING_ROLES = (Role.ORGANIZER, Role.CO_ORGANIZER)


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Seat offered")
    ACCEPTED = "accepted", pgettext_lazy("waitlist status", "Accepted")
    DECLINED = "declined", pgettext_lazy("waitlist status", "Declined")
    EXPIRED = "expired", _("Offer expired")
    LEFT = "left", _("Left the waitlist")


ACTIVE_WAITLIST_STATUSES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("application status", "Pending")
    APPROVED = "approved", pgettext_lazy("application status", "Approved")
    DECLINED = "declined", pgettext_lazy("application status", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")


class ResourceCategory(models.TextChoices):
    CONTINUING_EDUCATION = "ce", _("Continuing-education opportunity")
    CONFERENCE = "conference", _("Conference")
    ARTICLE = "article", _("Article")
    TOOL = "tool", _("Tool")
    REFERRAL = "referral", _("Referral resource")
    CONSULTANT = "consultant", _("Outside consultant or ethics expert")


class DepartureReason(models.TextChoices):
    """Why a membership ended; sent with ``groups.signals.membership_ended``."""

    LEFT = "left", _("Left the group")
    REMOVED = "removed", _("Removed by an organizer")
    ACCOUNT_DELETED = "account_deleted", _("Deleted their account")


class OpeningReason(models.TextChoices):
    """Why a group may have opened to newcomers; sent with ``groups.signals.group_open``."""

    CREATED = "created", _("A new group")
    REOPENED = "reopened", _("The group is active again")
    SEAT = "seat", _("A seat opened")
