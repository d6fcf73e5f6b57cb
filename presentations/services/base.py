"""What every service of this app shares: its refusals, the role check and the slot lock."""

from django.utils.translation import gettext as _

from config import access
from config.errors import DomainError, NotAllowed
from meetings.enums import PRESENTATION_KINDS
from meetings.models import AgendaSegment

# Public names the meeting page (portal) reads from here.
from presentations.signup import case_ready_by, signup_state, signup_window

__all__ = [
    "PresentationError",
    "PresentationNotAllowed",
    "case_ready_by",
    "check",
    "lock_slot",
    "signup_state",
    "signup_window",
]


class PresentationError(DomainError):
    """A request the rules refuse; the message is shown to the person as it is."""


class PresentationNotAllowed(NotAllowed, PresentationError):
    """A rule of ``presentations/rules.py`` refused the person's role: ``NotAllowed`` for the
    one place that turns refusals into responses, and a ``PresentationError`` for every caller
    that catches this app's refusals."""


def check(actor, rule: str, obj) -> None:
    """``config.access.check`` for this app's services: the same rule the page declares,
    refused with ``PresentationNotAllowed`` and the rule's own sentence."""
    try:
        access.check(actor, rule, obj)
    except NotAllowed as exc:
        raise PresentationNotAllowed(str(exc)) from None


def lock_slot(segment_id: int) -> AgendaSegment:
    segment = (
        AgendaSegment.objects.select_for_update(of=("self",))
        .select_related("meeting__group")
        .filter(pk=segment_id)
        .first()
    )
    if segment is None or segment.kind not in PRESENTATION_KINDS:
        raise PresentationError(_("That is not a presentation slot."))
    return segment
