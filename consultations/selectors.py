"""Reads about consultation requests, scoped to the group's members. An object the user may not
see is a 404, the same answer as one that does not exist."""

from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Now
from django.http import Http404

from consultations.enums import RequestStatus, Urgency
from consultations.models import ConsultationReply, ConsultationRequest, ConsultationThanks
from groups.models import Group, Membership
from groups.selectors import for_viewer, group_for

URGENCY_ORDER = Case(
    When(urgency=Urgency.URGENT, then=Value(0)),
    When(urgency=Urgency.SOON, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _live() -> Q:
    """Open, and its text still there (not purged, not past expiry, not erased)."""
    return Q(status=RequestStatus.OPEN, purged_at__isnull=True, erased_at__isnull=True) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=Now())
    )


def requests_in(group: Group) -> QuerySet[ConsultationRequest]:
    """The group's requests for its list: open ones first, urgent first, newest first; then
    the answered (and expired) ones, newest first. Each request's ``group`` is ``group`` itself
    (and so what was recorded on it for the viewer)."""
    return (
        group.consultation_requests.select_related("asker__profile", "huddle")
        .annotate(
            reply_count=Count("replies"),
            live_rank=Case(When(_live(), then=Value(0)), default=Value(1)),
            urgency_rank=Case(When(_live(), then=URGENCY_ORDER), default=Value(0)),
        )
        .order_by("live_rank", "urgency_rank", "-created_at", "-id")
    )


def request_for(user, slug: str, pk: int) -> ConsultationRequest:
    """A request of a group ``user`` belongs to (``group_for``); 404 for one of another group
    or none at all. The loader of ``groups.access.permission_required``: the membership is
    recorded on the request and its group."""
    group = group_for(user, slug)
    request = (
        group.consultation_requests.select_related("asker__profile", "huddle").filter(pk=pk).first()
    )
    if request is None:
        raise Http404("No such consultation request.")
    return for_viewer(request, user, group.viewer_membership)


def reply_for(user, slug: str, pk: int, reply_id: int) -> ConsultationReply:
    """One reply to a request of a group ``user`` belongs to; 404 otherwise. The membership is
    recorded on the request (``consultations.change_reply`` asks it there)."""
    request = request_for(user, slug, pk)
    reply = request.replies.filter(pk=reply_id).first()  # its ``request`` is the one above
    if reply is None:
        raise Http404("No such reply.")
    return reply


def replies_of(request: ConsultationRequest) -> list[ConsultationReply]:
    """The thread, oldest first; each reply's ``request`` is ``request`` itself."""
    return list(request.replies.select_related("author__profile"))


def thanks_of(request: ConsultationRequest) -> list[ConsultationThanks]:
    return list(request.thanks.select_related("member__profile"))


def repliers_of(request: ConsultationRequest, replies: list[ConsultationReply]) -> list:
    """The colleagues the asker may thank: everyone who replied but the asker, once each, in
    the order they first replied (taken from the thread already loaded)."""
    people: dict[int, Any] = {}
    for reply in replies:
        if reply.author_id != request.asker_id:
            people.setdefault(reply.author_id, reply.author)
    return list(people.values())


# --- for the dashboard and the group page ----------------------------------------------------


def _their_groups(user) -> QuerySet:
    return Membership.objects.filter(user=user).values("group_id")


def open_requests_for(user) -> QuerySet[ConsultationRequest]:
    """Open requests in the user's groups that others asked: urgent first, then newest."""
    if not user.is_authenticated:
        return ConsultationRequest.objects.none()
    return (
        ConsultationRequest.objects.filter(_live(), group__in=_their_groups(user))
        .exclude(asker=user)
        .select_related("group", "asker__profile")
        .annotate(urgency_rank=URGENCY_ORDER)
        .order_by("urgency_rank", "-created_at", "-id")
    )


def open_count(group) -> int:
    """How many requests are open in ``group`` (for its members' group page, which has already
    checked who is asking)."""
    return ConsultationRequest.objects.filter(_live(), group=group).count()


# --- for the data export ------------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def authored_by(user) -> dict[str, list[dict[str, Any]]]:
    """What the person wrote, for "My data": their requests (with their text while it is kept)
    and their replies. Others' replies are theirs, not in here."""
    requests = [
        {
            "group": r.group.name,
            "question": r.question,
            "background": r.background,
            "tried": r.tried,
            "help_wanted": r.help_wanted,
            "urgency": r.urgency,
            "status": r.status,
            "created_at": _iso(r.created_at),
            "answered_at": _iso(r.answered_at),
            "expires_at": _iso(r.expires_at),
            "purged_at": _iso(r.purged_at),
        }
        for r in ConsultationRequest.objects.filter(asker=user)
        .select_related("group")
        .order_by("created_at", "pk")
    ]
    replies = [
        {
            "group": reply.request.group.name,
            "body": reply.body,
            "created_at": _iso(reply.created_at),
            "edited_at": _iso(reply.edited_at),
        }
        for reply in ConsultationReply.objects.filter(author=user)
        .select_related("request__group")
        .order_by("created_at", "pk")
    ]
    return {"consultation_requests": requests, "consultation_replies": replies}
