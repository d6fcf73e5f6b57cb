from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("At once: one e-mail for each group that opens or has a seat")
    WEEKLY = "weekly", _("Once a week: one e-mail on Monday morning with the week's groups")
    OFF = "off", _("No e-mails: keep the search to run it myself")


class MatchReason(models.TextChoices):
    """Why a group was found for a saved search (``groups.enums.OpeningReason``)."""

    CREATED = "created", _("A new group")
    REOPENED = "reopened", _("The group is taking members again")
    SEAT = "seat", _("A seat opened")
