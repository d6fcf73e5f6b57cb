from django.db import models


class PresentationStatus(models.TextChoices):
    INVITED = "invited", "Invited from the rotation"
    CONFIRMED = "confirmed", "Confirmed"


class HelpWanted(models.TextChoices):
    IDEAS = "ideas", "Ideas for what to try"
    VALIDATION = "validation", "Validation and support"
    ETHICS = "ethics", "An ethics check"
    REFERRAL = "referral", "Referral suggestions"


class SwapStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SwapRole(models.TextChoices):
    PRESENTER = "presenter", "Presentation slot"
    FACILITATOR = "facilitator", "Facilitation"


class ElectionPhase(models.TextChoices):
    NOMINATING = "nominating", "Nominations open"
    VOTING = "voting", "Voting open"
    CLOSED = "closed", "Closed"


class SignupState(models.TextChoices):
    """Whether members may sign themselves up for a meeting's slots now."""

    NOT_OPEN = "not_open", "Sign-up has not opened yet"
    OPEN = "open", "Sign-up is open"
    CLOSED = "closed", "Sign-up has closed"


class Opening(models.TextChoices):
    """What a member who left a group left open there (the organizers' e-mail lists them)."""

    FACILITATOR = "facilitator", "Facilitator"
    BACKUP = "backup", "Backup facilitator"
    TIMEKEEPER = "timekeeper", "Timekeeper"
    SLOT = "slot", "Presentation slot"
    LEADER = "leader", "Group leader"
    NOMINEE = "nominee", "Nominee"
