from django.db import models
from django.utils.translation import gettext_lazy as _


class PresentationStatus(models.TextChoices):
    INVITED = "invited", _("Invited from the rotation")
    CONFIRMED = "confirmed", _("Confirmed")


class HelpWanted(models.TextChoices):
    IDEAS = "ideas", _("Ideas for what to try")
    VALIDATION = "validation", _("Validation and support")
    ETHICS = "ethics", _("An ethics check")
    REFERRAL = "referral", _("Referral suggestions")


class SwapStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SwapRole(models.TextChoices):
    PRESENTER = "presenter", _("Presentation slot")
    FACILITATOR = "facilitator", _("Facilitation")


class ElectionPhase(models.TextChoices):
    NOMINATING = "nominating", _("Nominations open")
    VOTING = "voting", _("Voting open")
    CLOSED = "closed", _("Closed")


class SignupState(models.TextChoices):
    """Whether members may sign themselves up for a meeting's slots now."""

    NOT_OPEN = "not_open", _("Sign-up has not opened yet")
    OPEN = "open", _("Sign-up is open")
    CLOSED = "closed", _("Sign-up has closed")


class Opening(models.TextChoices):
    """What a member who left a group left open there (the organizers' e-mail lists them)."""

    FACILITATOR = "facilitator", _("Facilitator")
    BACKUP = "backup", _("Backup facilitator")
    TIMEKEEPER = "timekeeper", _("Timekeeper")
    SLOT = "slot", _("Presentation slot")
    LEADER = "leader", _("Group leader")
    NOMINEE = "nominee", _("Nominee")
