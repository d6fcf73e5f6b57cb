"""Shared by the alerts tests: a group as its organizer starts it, through the service, and
saved searches through theirs."""

from datetime import time

from django.db import transaction

from alerts import services
from alerts.enums import Frequency
from alerts.models import SavedSearch
from groups.services import create_group


def organizer_data(**overrides) -> dict:
    """An online, informal, small support group meeting Thursday evenings in Denver time."""
    data = {
        "name": "Evening Support Circle",
        "purposes": ["support"],
        "format": "informal",
        "capacity": 4,
        "venue_kind": "online",
        "cadence": "weekly",
        "weekdays": 1 << 3,
        "usual_time": time(19, 0),
        "time_zone": "America/Denver",
        "language": "en",
    }
    return data | overrides


def start_group(organizer, **overrides):
    """Start a group as its organizer would, and run what is queued once it commits."""
    with transaction.atomic():
        return create_group(actor=organizer, data=organizer_data(**overrides))


def save(user, frequency=Frequency.IMMEDIATE, name="", **query) -> SavedSearch:
    return services.save_search(actor=user, data=query, name=name, frequency=frequency)
