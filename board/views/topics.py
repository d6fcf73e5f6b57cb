"""The board and its threads: the list, a new topic, a thread with its replies, replying, and
marking the whole board read."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from board import selectors, services
from board.enums import TopicKind
from board.forms import ReplyForm, TopicForm
from config.access import allowed, check
from config.errors import DomainError
from config.pagecache import cached_member_page
from groups.access import permission_required
from groups.selectors import group_for
from members import dates
from members.services import record_confirmations


@cached_member_page
@permission_required("board.view", group_for)
@require_GET
def index(request, group, *, slug):
    kind = request.GET.get("kind", "")
    kind = kind if kind in TopicKind.values else ""
    since = services.record_visit(actor=request.user, group=group)
    topics = selectors.board_page(group, request.user, kind=kind, since=since)
    page = Paginator(topics, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    moderates = allowed(request.user, "board.moderate", group)
    context = {
        "group": group,
        "page": page,
        "kind": kind,
        "kinds": TopicKind.choices,
        "since": since,
        "new_count": sum(1 for topic in page.object_list if topic.is_new),
        "reports": selectors.open_reports(group) if moderates else [],
        "filter_query": f"kind={kind}" if kind else "",
    }
    return render(request, "board/index.html", context)


@permission_required("board.start_discussion", group_for)
@require_http_methods(["GET", "POST"])
def new(request, group, *, slug):
    """A discussion, or with ``?kind=announcement`` an announcement (organizers only)."""
    announcing = request.GET.get("kind") == TopicKind.ANNOUNCEMENT
    if announcing:
        check(request.user, "board.post_announcement", group)
    form = TopicForm(
        request.POST if request.method == "POST" else None,
        initial=_nudge(request, group) if announcing else None,
    )
    if request.method == "POST" and form.is_valid():
        post = services.post_announcement if announcing else services.start_discussion
        try:
            topic = post(
                actor=request.user,
                group=group,
                confirmed=form.confirmed_keys(),
                **form.cleaned_data,
            )
        except (DomainError, ValidationError) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            _confirmations(request, form, group, topic, "board topic")
            done = (
                _("Your announcement is posted and on its way to the group.")
                if announcing
                else _("Your discussion is on the board.")
            )
            messages.success(request, done)
            return redirect(topic.get_absolute_url())
    context = {"group": group, "form": form, "announcing": announcing}
    return render(request, "board/new.html", context)


def _nudge(request, group) -> dict | None:
    """ "Message the group" from a meeting (``?meeting=<id>``, from the meeting page or the
    low-RSVP warning): a friendly reminder to answer, ready to edit. Only a meeting of this
    group that has not started; anything else starts blank."""
    meeting_id = request.GET.get("meeting", "")
    if not meeting_id.isdigit():
        return None
    meeting = selectors.meeting_to_nudge(group, int(meeting_id))
    if meeting is None:
        return None
    # A weekday and a clock time, and a link inside the site: nothing the de-identification
    # guard would stop (a calendar date or a full address would make the organizer confirm it).
    # Every member reads the message, so the time is the group's own, labelled.
    with timezone.override(group.time_zone):
        soon = timezone.localtime(meeting.starts_at).date() - timezone.localdate() < timedelta(6)
    weekday = dates.weekday(meeting.starts_at, zone=group.time_zone)
    at = dates.clock_zone(meeting.starts_at, zone=group.time_zone)
    values = {
        "weekday": weekday,
        "time": at,
        "title": meeting.title,
        "url": meeting.get_absolute_url(),
    }
    if soon:
        return {
            "title": _("Are you coming on %(weekday)s?") % values,
            "body": _(
                "Our next meeting, %(title)s, is on %(weekday)s at %(time)s. Please tell us on "
                "[the meeting page](%(url)s) whether you can come, even if the answer is no."
            )
            % values,
        }
    return {
        "title": _("Are you coming?"),
        "body": _(
            "Our next meeting, %(title)s, is coming up. Please tell us on [the meeting "
            "page](%(url)s) whether you can come, even if the answer is no."
        )
        % values,
    }


def _confirmations(request, form, group, obj, what: str) -> None:
    record_confirmations(
        actor=request.user, summary=form.guard_summary(), what=what, group=group, obj=obj
    )


def _thread(request, topic, form, *, status: int = 200):
    """The thread page: the topic, its replies, the reply form; viewing marks it read."""
    last_read = selectors.read_until(topic, request.user)
    replies = selectors.replies_of(topic, request.user)
    newest = max((reply.created_at for reply in replies), default=None)
    services.mark_read(actor=request.user, topic=topic, read_until=last_read, shown_until=newest)
    context = {
        "group": topic.group,
        "topic": topic,
        "replies": replies,
        "form": form,
        "last_read": last_read,
    }
    return render(request, "board/topic.html", context, status=status)


@cached_member_page
@permission_required("board.see_post", selectors.topic_for)
@require_GET
def topic(request, topic, *, slug, pk):
    return _thread(request, topic, ReplyForm())


@permission_required("board.reply", selectors.topic_for)
@require_POST
def reply(request, topic, *, slug, pk):
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            answer = services.post_reply(
                actor=request.user,
                topic=topic,
                confirmed=form.confirmed_keys(),
                **form.cleaned_data,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            _confirmations(request, form, topic.group, answer, "board reply")
            messages.success(request, _("Your reply is posted."))
            return redirect(f"{topic.get_absolute_url()}#reply-{answer.pk}")
    return _thread(request, topic, form)


@permission_required("board.view", group_for)
@require_POST
def mark_read(request, group, *, slug):
    services.mark_board_read(actor=request.user, group=group)
    messages.success(request, _("Everything on the board is marked as read."))
    return redirect(selectors.board_url(group))
