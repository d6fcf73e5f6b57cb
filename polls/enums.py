from django.db import models


class Availability(models.TextChoices):
    YES = "yes", "Yes"
    IF_NEED_BE = "if_need_be", "If need be"
    NO = "no", "No"


class Repeat(models.TextChoices):
    """What the chosen time becomes."""

    ONCE = "once", "One meeting"
    WEEKLY = "weekly", "A series: every week at this time"
    BIWEEKLY = "biweekly", "A series: every other week at this time"
    MONTHLY = "monthly", "A series: once a month, on this weekday of the month"
