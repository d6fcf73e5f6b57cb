"""This app's rows of the authorization matrix (tests/test_authorization_matrix.py).

Polls are the members' own: members see and answer them, the organizers start, close and
schedule them; 404 to everyone else, site admins included."""

from datetime import timedelta

from django.utils import timezone

from polls.models import Poll, PollOption


def _expected() -> dict:
    # Imported here: the matrix imports this module while it is itself being imported.
    from tests.test_authorization_matrix import GET, POST, members_only, organizers_only

    return {
        "polls:list": (GET, members_only()),
        "polls:new": (GET, organizers_only()),
        "polls:detail": (GET, members_only()),
        "polls:answer": (POST, members_only()),  # an empty form: the page again with errors
        "polls:close": (POST, organizers_only(302)),
        "polls:schedule": (GET, organizers_only()),
    }


EXPECTED: dict = _expected()


def build(world) -> dict:
    """URL name -> the kwargs to open it with, from objects made in the matrix's world (each
    visit rolls back, so every role finds the poll open)."""
    group = world["objects"]["group"]
    now = timezone.now()
    poll = Poll.objects.create(
        group=group, title="Next meeting", closes_at=now + timedelta(days=3), created_by=None
    )
    for days in (5, 6):
        PollOption.objects.create(poll=poll, starts_at=now + timedelta(days=days))
    on_poll = {"slug": group.slug, "pk": poll.pk}
    return {
        "polls:list": {"slug": group.slug},
        "polls:new": {"slug": group.slug},
        "polls:detail": on_poll,
        "polls:answer": on_poll,
        "polls:close": on_poll,
        "polls:schedule": on_poll,
    }
