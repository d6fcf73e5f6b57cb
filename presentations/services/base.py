from datetime import timedelta

from django.utils import timezone

from groups.models import Membership
from meetings.enums import PRESENTATION_KINDS
from meetings.models import AgendaSegment, Meeting


class PresentationError(Exception):
    """A request the rules refuse; the message is shown to the person as it is."""


def require_member(meeting: Meeting, user, *, what: str = "take part") -> Membership:
    membership = Membership.objects.filter(group=meeting.group_id, user=user).first()
    if membership is None:
        raise PresentationError(f"Only members of the group can {what}.")
    return membership


def signup_window(meeting: Meeting) -> tuple:
    group = meeting.group
    opens = meeting.starts_at - timedelta(days=group.signup_opens_days)
    closes = meeting.starts_at - timedelta(hours=group.signup_cutoff_hours)
    return opens, closes


def signup_state(meeting: Meeting, now=None) -> str:
    """'not_open', 'open' or 'closed' for members signing themselves up."""
    now = now or timezone.now()
    opens, closes = signup_window(meeting)
    if meeting.is_cancelled or now >= closes:
        return "closed"
    if now < opens:
        return "not_open"
    return "open"


def lock_slot(segment_id: int) -> AgendaSegment:
    segment = (
        AgendaSegment.objects.select_for_update(of=("self",))
        .select_related("meeting__group")
        .filter(pk=segment_id)
        .first()
    )
    if segment is None or segment.kind not in PRESENTATION_KINDS:
        raise PresentationError("That is not a presentation slot.")
    return segment


def case_ready_by(meeting: Meeting):
    """When a presenter's case should be written: the sign-up cut-off before the meeting, so
    members can read it beforehand. Aware; pages show it in the viewer's time zone."""
    return signup_window(meeting)[1]
