"""When members may sign themselves up for a meeting's slots, and when a case should be ready.

Pure functions of the meeting and its group's settings (no query): the meeting page, the
services and the e-mails all ask them.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from meetings.models import Meeting
from presentations.enums import SignupState


def signup_window(meeting: Meeting) -> tuple[datetime, datetime]:
    """When sign-up opens and when it closes (aware)."""
    group = meeting.group
    opens = meeting.starts_at - timedelta(days=group.signup_opens_days)
    closes = meeting.starts_at - timedelta(hours=group.signup_cutoff_hours)
    return opens, closes


def signup_state(meeting: Meeting, now: datetime | None = None) -> SignupState:
    """Whether members signing themselves up may do so now."""
    now = now or timezone.now()
    opens, closes = signup_window(meeting)
    if meeting.is_cancelled or now >= closes:
        return SignupState.CLOSED
    if now < opens:
        return SignupState.NOT_OPEN
    return SignupState.OPEN


def case_ready_by(meeting: Meeting) -> datetime:
    """When a presenter's case should be written: the sign-up cut-off before the meeting, so
    members can read it beforehand. Aware; pages show it in the viewer's time zone."""
    return signup_window(meeting)[1]
