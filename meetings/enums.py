from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Meeting")
    # A short one-off meeting a member calls about a consultation request; its members are
    # e-mailed when it is called, and it is never "the group's next meeting" for browse or for
    # a case follow-up.
    HUDDLE = "huddle", _("Huddle")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class VenueOverride(models.TextChoices):
    GROUP = "", _("Same as the group")
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (in person and online)")


class SegmentKind(models.TextChoices):
    CHECK_IN = "check_in", _("Check-in")
    CASE = "case", _("Case presentation")
    TOPIC = "topic", _("Topic presentation")
    DISCUSSION = "discussion", _("Discussion")
    BUSINESS = "business", _("Business")
    BREAK = "break", _("Break")
    WRAP_UP = "wrap_up", _("Wrap-up")
    FOLLOW_UP = "follow_up", _("Case follow-up")


PRESENTATION_KINDS = (SegmentKind.CASE, SegmentKind.TOPIC)


class RsvpAnswer(models.TextChoices):
    GOING = "going", _("Going")
    MAYBE = "maybe", _("Maybe")
    CANT = "cant", _("Can't go")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class RecurrenceKind(models.TextChoices):
    ONCE = "once", _("Just once")
    WEEKLY = "weekly", _("Every week or every few weeks, on chosen weekdays")
    MONTHLY_NTH = "monthly_nth", _("Monthly on the nth weekday (e.g. 1st and 3rd Thursday)")
    MONTHLY_DAY = "monthly_day", _("Monthly on a day of the month")


class EditScope(models.TextChoices):
    THIS = "this", _("Only this meeting")
    FOLLOWING = "following", _("This and all following meetings in the series")


class MeetingRole(models.TextChoices):
    """The roles a member holds for one meeting, each reminded of it before the meeting."""

    FACILITATOR = "facilitator", _("Facilitator")
    TIMEKEEPER = "timekeeper", _("Timekeeper")


class HoursCategory(models.TextChoices):
    """What hours logged by a member themselves were for (licence renewal counts them apart)."""

    CONSULTATION = "consultation", _("Consultation (outside PeerCircle)")
    SUPERVISION = "supervision", _("Supervision")
    CE = "ce", _("Continuing education")
    ETHICS = "ethics", _("Continuing education: ethics")
    OTHER = "other", _("Other professional development")
