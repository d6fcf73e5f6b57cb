"""This app's rows of the authorization matrix (tests/test_authorization_matrix.py)."""

from datetime import timedelta

from django.utils import timezone

from meetings.models import ActionItem
from meetings.outside_hours import log_outside_hours
from tests.uploads import pdf, upload


def _expected() -> dict:
    # Imported here: the matrix imports this module while it is itself being imported.
    from tests.test_authorization_matrix import (
        GET,
        LOGIN,
        POST,
        _everyone,
        members_only,
        organizers_only,
        signed_in,
    )

    return {
        # meeting notes and action items: members read, the facilitator and organizers write
        "meetings:notes": (GET, members_only()),
        "meetings:notes_edit": (GET, organizers_only()),
        # the item is the member's own: they and the organizer mark it (then back to the notes)
        "meetings:action_item_done": (POST, members_only(302)),
        "meetings:action_item_edit": (GET, organizers_only()),
        "meetings:action_item_delete": (GET, organizers_only()),
        "meetings:my_action_items": (GET, signed_in()),
        # the certificate of a logged entry is its owner's alone (the member's here), as the
        # entry is (meetings:hours_remove): 404 to everyone else, site admins included
        "meetings:hours_certificate": (GET, _everyone(404, anonymous=LOGIN, member=200)),
    }


EXPECTED: dict = _expected()


def build(world) -> dict:
    """URL name -> the kwargs to open it with, from objects made in the matrix's world."""
    meeting = world["objects"]["meeting"]
    item = ActionItem.objects.create(
        meeting=meeting,
        text="Send the group the reading list",
        owner=world["users"]["member"],
        due_on=(timezone.now() + timedelta(days=10)).date(),
        created_by=world["users"]["organizer"],
    )
    with_certificate = log_outside_hours(
        user=world["users"]["member"],
        data={
            "day": timezone.localdate() - timedelta(days=3),
            "category": "ce",
            "provider": "CE Co",
            "hours": 2,
            "certificate": upload("certificate.pdf", pdf("Certificate of completion")),
        },
    )
    return {
        "meetings:notes": {"pk": meeting.pk},
        "meetings:notes_edit": {"pk": meeting.pk},
        "meetings:action_item_done": {"pk": item.pk},
        "meetings:action_item_edit": {"pk": item.pk},
        "meetings:action_item_delete": {"pk": item.pk},
        "meetings:hours_certificate": {"pk": with_certificate.pk},
    }
