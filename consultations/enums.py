from django.db import models


class Urgency(models.TextChoices):
    """How soon the asker hopes to hear from colleagues (the list shows urgent ones first)."""

    ROUTINE = "routine", "Routine: whenever colleagues have a moment"
    SOON = "soon", "Soon: within a few days"
    URGENT = "urgent", "Urgent: today or tomorrow if possible"


# Short words for badges and e-mails ("Dana asked for a consultation (urgent)").
URGENCY_WORDS = {Urgency.ROUTINE: "routine", Urgency.SOON: "soon", Urgency.URGENT: "urgent"}


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
