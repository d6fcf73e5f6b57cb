from django.db import models
from django.utils.translation import gettext_lazy as _


class Availability(models.TextChoices):
    YES = "yes", _("Yes")
    IF_NEED_BE = "if_need_be", _("If need be")
    NO = "no", _("No")


class Repeat(models.TextChoices):
    """What the chosen time becomes."""

    ONCE = "once", _("One meeting")
    WEEKLY = "weekly", _("A series: every week at this time")
    BIWEEKLY = "biweekly", _("A series: every other week at this time")
    MONTHLY = "monthly", _("A series: once a month, on this weekday of the month")
