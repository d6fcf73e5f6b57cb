from django.db import models


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "Meeting"
    # A short one-off meeting a member calls about a consultation request; its members are
    # e-mailed when it is called, and it is never "the group's next meeting" for browse or for
    # a case follow-up.
    HUDDLE = "huddle", "Huddle"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class VenueOverride(models.TextChoices):
    GROUP = "", "Same as the group"
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid (in person and online)"


class SegmentKind(models.TextChoices):
    CHECK_IN = "check_in", "Check-in"
    CASE = "case", "Case presentation"
    TOPIC = "topic", "Topic presentation"
    DISCUSSION = "discussion", "Discussion"
    BUSINESS = "business", "Business"
    BREAK = "break", "Break"
    WRAP_UP = "wrap_up", "Wrap-up"
    FOLLOW_UP = "follow_up", "Case follow-up"


PRESENTATION_KINDS = (SegmentKind.CASE, SegmentKind.TOPIC)


class RsvpAnswer(models.TextChoices):
    GOING = "going", "Going"
    MAYBE = "maybe", "Maybe"
    CANT = "cant", "Can't go"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    ABSENT = "absent", "Absent"
    EXCUSED = "excused", "Excused"


class RecurrenceKind(models.TextChoices):
    ONCE = "once", "Just once"
    WEEKLY = "weekly", "Every week or every few weeks, on chosen weekdays"
    MONTHLY_NTH = "monthly_nth", "Monthly on the nth weekday (e.g. 1st and 3rd Thursday)"
    MONTHLY_DAY = "monthly_day", "Monthly on a day of the month"


class EditScope(models.TextChoices):
    THIS = "this", "Only this meeting"
    FOLLOWING = "following", "This and all following meetings in the series"


class MeetingRole(models.TextChoices):
    """The roles a member holds for one meeting, each reminded of it before the meeting."""

    FACILITATOR = "facilitator", "Facilitator"
    TIMEKEEPER = "timekeeper", "Timekeeper"


class HoursCategory(models.TextChoices):
    """What hours logged by a member themselves were for (licence renewal counts them apart)."""

    CONSULTATION = "consultation", "Consultation (outside PeerCircle)"
    SUPERVISION = "supervision", "Supervision"
    CE = "ce", "Continuing education"
    ETHICS = "ethics", "Continuing education: ethics"
    OTHER = "other", "Other professional development"
