"""This app's rows of the authorization matrix (tests/test_authorization_matrix.py).

Case follow-ups: the world's member presented the case, so only they see its "report back" page
and withdraw the request; only the closed group's organizers accept or remove a follow-up on
the meeting's agenda. Everything is the members' own: 404 to everyone else, site admins
included."""

from meetings.enums import SegmentKind
from meetings.models import AgendaSegment
from presentations.models import FollowUp, FollowUpStatus


def _expected() -> dict:
    # Imported here: the matrix imports this module while it is itself being imported.
    from tests.test_authorization_matrix import GET, POST, members_only, organizers_only

    return {
        "presentations:follow_up": (GET, members_only(organizer=404)),  # the presenter's alone
        "presentations:withdraw_follow_up": (POST, members_only(302, organizer=404)),
        "presentations:accept_follow_up": (POST, organizers_only(302)),
        "presentations:remove_follow_up": (POST, organizers_only(302)),
    }


EXPECTED: dict = _expected()


def build(world) -> dict:
    """URL name -> the kwargs to open it with, from objects made in the matrix's world."""
    presentation, meeting = world["objects"]["presentation"], world["objects"]["meeting"]
    segment = AgendaSegment.objects.create(
        meeting=meeting, position=9, kind=SegmentKind.FOLLOW_UP, title="Case follow-up", minutes=10
    )
    follow_up = FollowUp.objects.create(
        source=presentation,
        presenter=presentation.presenter,
        group=meeting.group,
        meeting=meeting,
        segment=segment,
        status=FollowUpStatus.PROPOSED,
    )
    on_meeting = {"pk": meeting.pk, "follow_up_id": follow_up.pk}
    return {
        "presentations:follow_up": {"pk": presentation.pk},
        "presentations:withdraw_follow_up": {"pk": presentation.pk},
        "presentations:accept_follow_up": on_meeting,
        "presentations:remove_follow_up": on_meeting,
    }
