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
