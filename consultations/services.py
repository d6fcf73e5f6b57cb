"""Every write about consultation requests: asking, replying, closing with thanks, calling a
huddle, the purge of expired text and the erasure of an author's text."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import check
from config.errors import DomainError
from config.guard import FieldFinding, IdentifiersFound, check_free_text
from consultations import notifications
from consultations.enums import RequestStatus, Urgency
from consultations.models import ConsultationReply, ConsultationRequest, ConsultationThanks
from groups.models import Group
from meetings.models import Meeting
from meetings.services import create_huddle
from members.models import User
from members.services import record_audit
from presentations.enums import HelpWanted

REQUEST_FIELDS = {"question": 1000, "background": 4000, "tried": 3000}
REPLY_MAX_LENGTH = 4000
HUDDLE_TITLE = "Consultation huddle"
HUDDLE_WINDOW = timedelta(days=7)


class ConsultationError(DomainError):
    """A request the rules refuse; the message is shown to the person as it is."""


class IdentifiersInText(ConsultationError, IdentifiersFound):
    """The text contains what looks like client identifiers; nothing was saved."""

    def __init__(self, findings: list[FieldFinding]):
        IdentifiersFound.__init__(self, findings)


def _guard(data: dict, fields: Iterable[str], confirmed: Iterable[str]) -> None:
    """The same guard as the form's (config/guard.py), for any caller: every possible
    identifier must be confirmed (by its key) or the text is refused."""
    try:
        check_free_text(data, fields, confirmed)
    except IdentifiersFound as exc:
        raise IdentifiersInText(exc.findings) from None


def _text(value: str, *, field: str, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This cannot be empty.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(limit)s characters, please.") % {"limit": limit}}
        )
    return value


def _locked(request_id: int) -> ConsultationRequest:
    request = (
        ConsultationRequest.objects.select_for_update(of=("self",))
        .select_related("group", "asker", "huddle")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise ConsultationError(_("That consultation request no longer exists."))
    return request


def _ensure_open(request: ConsultationRequest) -> None:
    """Refuse anything new on a request that is closed, expired or erased."""
    if request.is_erased:
        raise ConsultationError(_("The colleague who asked has removed this request."))
    if request.is_expired:
        raise ConsultationError(
            _("This request has expired: its details were removed, as the group asked.")
        )
    if not request.is_open:
        raise ConsultationError(
            _("This request is closed: the colleague who asked marked it as answered.")
        )


def _expiry(group: Group, now: datetime) -> datetime | None:
    days = group.case_retention_days
    return now + timedelta(days=days) if days else None


# --- asking and replying --------------------------------------------------------------------


@transaction.atomic
def ask_for_consultation(
    *,
    actor: User,
    group: Group,
    question: str,
    background: str = "",
    tried: str = "",
    help_wanted: Iterable[str] = (),
    urgency: str = Urgency.ROUTINE,
    confirmed: Iterable[str] = (),
) -> ConsultationRequest:
    """Ask the group for a consultation in the case format. Every other member is told that
    the asker asked, and how urgently; never what."""
    check(actor, "consultations.ask", group)
    given = {"question": question, "background": background, "tried": tried}
    data = {
        field: _text(given[field], field=field, limit=limit, required=field == "question")
        for field, limit in REQUEST_FIELDS.items()
    }
    _guard(data, REQUEST_FIELDS, confirmed)
    now = timezone.now()
    request = ConsultationRequest(
        group=group,
        asker=actor,
        help_wanted=[value for value in HelpWanted.values if value in set(help_wanted)],
        urgency=urgency,
        created_at=now,
        expires_at=_expiry(group, now),
        **data,
    )
    request.full_clean()
    request.save()
    record_audit(
        actor=actor,
        verb="consultation.requested",
        group=group,
        obj=request,
        data={"urgency": request.urgency, "help_wanted": request.help_wanted},
    )
    notifications.request_made(request)
    return request


@transaction.atomic
def reply_to_request(
    *, actor: User, request_id: int, body: str, confirmed: Iterable[str] = ()
) -> ConsultationReply:
    """A member answers an open request; the asker is told (at most once an hour)."""
    request = _locked(request_id)
    check(actor, "consultations.reply", request)
    _ensure_open(request)
    body = _text(body, field="body", limit=REPLY_MAX_LENGTH, required=True)
    _guard({"body": body}, ["body"], confirmed)
    reply = ConsultationReply(request=request, author=actor, body=body)
    reply.full_clean()
    reply.save()
    record_audit(actor=actor, verb="consultation.replied", group=request.group, obj=reply)
    notifications.reply_posted(reply)
    return reply


@transaction.atomic
def edit_reply(
    *, actor: User, reply_id: int, body: str, confirmed: Iterable[str] = ()
) -> ConsultationReply:
    """The colleague who wrote a reply changes it, while the request is open. Nobody is
    e-mailed again."""
    reply = (
        ConsultationReply.objects.select_for_update(of=("self",))
        .select_related("request__group")
        .filter(pk=reply_id)
        .first()
    )
    if reply is None:
        raise ConsultationError(_("That reply no longer exists."))
    check(actor, "consultations.change_reply", reply)
    _ensure_open(reply.request)
    body = _text(body, field="body", limit=REPLY_MAX_LENGTH, required=True)
    _guard({"body": body}, ["body"], confirmed)
    if body == reply.body:
        return reply
    reply.body = body
    reply.edited_at = timezone.now()
    reply.full_clean()
    reply.save(update_fields=["body", "edited_at"])
    record_audit(
        actor=actor, verb="consultation.reply_edited", group=reply.request.group, obj=reply
    )
    return reply


# --- closing with thanks ----------------------------------------------------------------------


@transaction.atomic
def close_request(
    *, actor: User, request_id: int, thanked_ids: Iterable[int] = ()
) -> ConsultationRequest:
    """The asker marks the request as answered and thanks the colleagues who helped (any of
    those who replied; each gets one e-mail)."""
    request = _locked(request_id)
    check(actor, "consultations.close_request", request)
    _ensure_open(request)
    repliers = set(
        request.replies.exclude(author=actor).values_list("author_id", flat=True).distinct()
    )
    wanted = {int(pk) for pk in thanked_ids}
    if wanted - repliers:
        raise ConsultationError(_("You can thank only colleagues who replied to this request."))
    now = timezone.now()
    request.status = RequestStatus.ANSWERED
    request.answered_at = now
    request.full_clean()
    request.save(update_fields=["status", "answered_at"])
    ConsultationThanks.objects.bulk_create(
        [ConsultationThanks(request=request, member_id=pk, created_at=now) for pk in sorted(wanted)]
    )
    record_audit(
        actor=actor,
        verb="consultation.closed",
        group=request.group,
        obj=request,
        data={"thanked": len(wanted)},
    )
    notifications.members_thanked(request, list(User.objects.filter(pk__in=wanted)))
    return request


# --- huddles ----------------------------------------------------------------------------------


@transaction.atomic
def call_huddle(
    *,
    actor: User,
    request_id: int,
    starts_at: datetime,
    duration_minutes: int,
    online_link: str,
) -> Meeting:
    """A short online meeting about an open request, within the next seven days: the asker or
    an organizer calls it. It is a meeting of the group like any other (RSVP, reminders,
    calendars); every other member is told once when and by whom, never what about."""
    request = _locked(request_id)
    check(actor, "consultations.call_huddle", request)
    _ensure_open(request)
    if request.has_planned_huddle:
        raise ConsultationError(_("A huddle is already planned for this request."))
    if starts_at > timezone.now() + HUDDLE_WINDOW:
        raise ConsultationError(_("Choose a time within the next seven days."))
    meeting = create_huddle(
        actor=actor,
        group=request.group,
        title=HUDDLE_TITLE,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        online_link=online_link,
    )
    request.huddle = meeting
    request.save(update_fields=["huddle"])
    record_audit(
        actor=actor,
        verb="consultation.huddle_called",
        group=request.group,
        obj=request,
        data={"meeting": meeting.pk, "minutes": duration_minutes},
    )
    notifications.huddle_called(request, meeting, actor=actor)
    return meeting


# --- expiry and erasure -----------------------------------------------------------------------

BLANK_REQUEST = {"question": "", "background": "", "tried": "", "help_wanted": []}


def purge_expired_consultations(*, now: datetime | None = None) -> int:
    """Blank the text of requests past ``expires_at`` and of their replies (who asked, who
    replied and when stay; the page says the request expired). Safe to rerun; returns how many
    requests were blanked."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            ConsultationRequest.objects.filter(
                purged_at__isnull=True, expires_at__lte=now
            ).values_list("pk", flat=True)
        )
        if not due:
            return 0
        ConsultationReply.objects.filter(request__in=due).exclude(body="").update(body="")
        return ConsultationRequest.objects.filter(pk__in=due, purged_at__isnull=True).update(
            **BLANK_REQUEST, purged_at=now
        )


@transaction.atomic
def erase_author(*, user: User) -> dict[str, int]:
    """The person's account is being deleted: the text they wrote goes with it.

    Their requests are blanked and marked erased (the rows stay, so that colleagues' replies to
    them, which are the colleagues' own, are kept); their replies are deleted; thanks given to
    them are removed. Returns how many of each.
    """
    now = timezone.now()
    requests = ConsultationRequest.objects.filter(asker=user, erased_at__isnull=True).update(
        **BLANK_REQUEST, erased_at=now
    )
    replies, _by_model = ConsultationReply.objects.filter(author=user).delete()
    thanks, _by_model = ConsultationThanks.objects.filter(member=user).delete()
    record_audit(
        actor=None,
        verb="consultation.author_erased",
        subject=user,
        data={"requests": requests, "replies": replies},
    )
    return {"requests": requests, "replies": replies, "thanks": thanks}
