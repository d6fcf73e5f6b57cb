from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Urgency(models.TextChoices):
    """How soon the asker hopes to hear from colleagues (the list shows urgent ones first)."""

    ROUTINE = "routine", _("Routine: whenever colleagues have a moment")
    SOON = "soon", _("Soon: within a few days")
    URGENT = "urgent", _("Urgent: today or tomorrow if possible")


# Short words for badges and e-mails ("Dana asked for a consultation (urgent)").
URGENCY_WORDS = {
    Urgency.ROUTINE: pgettext_lazy("urgency", "routine"),
    Urgency.SOON: pgettext_lazy("urgency", "soon"),
    Urgency.URGENT: pgettext_lazy("urgency", "urgent"),
}


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
