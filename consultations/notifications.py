"""What consultations send: who asked, replied, thanked or called a huddle, with a link.

Never what anyone wrote: no question, background, what was tried or reply travels in an
e-mail (subject, text or HTML). The page behind the link is for the group's members only.
"""

from django.utils.translation import gettext_lazy as _

from consultations.models import ConsultationReply, ConsultationRequest
from groups.models import Membership
from meetings.calendar import alarm_minutes_for, build_calendar
from meetings.models import Meeting
from members.enums import NotificationKind as Kind
from members.models import User
from members.notifications import builder, notify

REPLY_BUCKET = "%Y-%m-%dT%H"  # one e-mail to the asker per request and clock hour (UTC)


def _members(group_id: int) -> list[User]:
    """The group's members. ``notify(actor=...)`` leaves out the one who acted."""
    return [m.user for m in Membership.objects.filter(group=group_id).select_related("user")]


def request_made(request: ConsultationRequest) -> None:
    """Every other member: "Dana asked the group for a consultation (urgent)"."""
    notify(
        kind=Kind.CONSULTATION,
        template="consultation_requested",
        obj=request,
        actor=request.asker,
        recipients=_members(request.group_id),
    )


def reply_posted(reply: ConsultationReply) -> None:
    """The asker, at most once per clock hour and request: the first reply of the hour sends
    the e-mail at once; later ones in the same hour are on the page (the e-mail counts the
    replies so far when it goes out)."""
    notify(
        kind=Kind.CONSULTATION,
        template="consultation_reply",
        obj=reply.request,
        actor=reply.author,
        recipients=[reply.request.asker],
        dedupe_key=f"reply@{reply.created_at:{REPLY_BUCKET}}",
        context={"replier": reply.author_id, "since": reply.created_at.isoformat()},
    )


def members_thanked(request: ConsultationRequest, members: list[User]) -> None:
    """One e-mail to each member the asker thanked."""
    notify(
        kind=Kind.CONSULTATION,
        template="consultation_thanks",
        obj=request,
        actor=request.asker,
        recipients=members,
    )


def huddle_called(request: ConsultationRequest, meeting: Meeting, *, actor: User) -> None:
    """Every other member, once per huddle: who called it and when (in their own zone)."""
    notify(
        kind=Kind.CONSULTATION,
        template="consultation_huddle",
        obj=meeting,
        actor=actor,
        recipients=_members(request.group_id),
        context={"caller": actor.pk, "request": request.pk},
    )


# --- building -----------------------------------------------------------------------------------


def _is_member(group_id: int, user) -> bool:
    return user is not None and Membership.objects.filter(group=group_id, user=user).exists()


def _request(delivery) -> ConsultationRequest | None:
    """The request, if there is still something to tell: not erased, not expired, and the
    recipient still a member of its group."""
    request = (
        ConsultationRequest.objects.select_related("group", "asker__profile")
        .filter(pk=delivery.object_id)
        .first()
    )
    if request is None or not request.has_text:
        return None
    if not _is_member(request.group_id, delivery.recipient):
        return None
    return request


def _name(user_id) -> str:
    person = User.objects.select_related("profile").filter(pk=user_id).first()
    # Lazy: the e-mail is written later, in the recipient's language.
    return str(person) if person is not None else _("A colleague")


@builder("consultation_requested")
def build_consultation_requested(delivery):
    request = _request(delivery)
    if request is None or not request.is_open:
        return None
    return {"consultation": request, "group": request.group, "asker": str(request.asker)}


@builder("consultation_reply")
def build_consultation_reply(delivery):
    request = _request(delivery)
    if request is None or request.asker_id != delivery.recipient_id:
        return None
    since = delivery.context.get("since")
    replies = request.replies.exclude(author=request.asker_id)
    if since:
        replies = replies.filter(created_at__gte=since)
    return {
        "consultation": request,
        "group": request.group,
        "replier": _name(delivery.context.get("replier")),
        "count": max(replies.count(), 1),
    }


@builder("consultation_thanks")
def build_consultation_thanks(delivery):
    request = _request(delivery)
    if request is None:
        return None
    return {"consultation": request, "group": request.group, "asker": str(request.asker)}


@builder("consultation_huddle")
def build_consultation_huddle(delivery):
    meeting = (
        Meeting.objects.select_related("group", "series")
        .prefetch_related("segments")
        .filter(pk=delivery.object_id)
        .first()
    )
    if meeting is None or meeting.is_cancelled or meeting.has_started:
        return None
    if not _is_member(meeting.group_id, delivery.recipient):
        return None
    body = build_calendar(
        [meeting],
        name=meeting.group.name,
        member=True,
        alarm_minutes=alarm_minutes_for(delivery.recipient),
    )
    request = (
        ConsultationRequest.objects.select_related("group")
        .filter(pk=delivery.context.get("request"), huddle=meeting)
        .first()
    )
    return {
        "meeting": meeting,
        "group": meeting.group,
        "caller": _name(delivery.context.get("caller")),
        "consultation": request,
        "attachments": [("huddle.ics", body, "text/calendar; method=PUBLISH")],
    }
