"""Every write on the board: posting, replying, editing and deleting one's own posts,
moderation by the organizers, reports, read marks and the digest frequency.

Each service checks its rule (``board/rules.py``) with ``config.access.check``, checks every
text with the de-identification guard (``config.guard.check_free_text``; a form has already
shown the findings and passes the keys the person confirmed), runs in one transaction, calls
``full_clean()`` and leaves an audit entry that never holds what anyone wrote. Read marks and
"last visit" times are bookkeeping of what a person has seen, not changes anyone else sees:
they leave no audit entry (the log would otherwise grow by a row per page view)."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from board import notifications
from board.enums import OFF, DigestFrequency, TopicKind
from board.models import (
    BoardVisit,
    DigestPreference,
    ReadMark,
    Reply,
    Report,
    Topic,
)
from config import pagecache
from config.access import check
from config.errors import DomainError
from config.guard import check_free_text
from groups.models import Group
from members.enums import NotificationKind
from members.models import NotificationPreference, User
from members.services import record_audit

__all__ = [
    "BoardError",
    "delete_post",
    "edit_post",
    "erase_author",
    "hide_post",
    "lock_topic",
    "mark_board_read",
    "mark_read",
    "pin_topic",
    "post_announcement",
    "post_reply",
    "record_visit",
    "report_post",
    "resolve_report",
    "set_digest_frequency",
    "start_discussion",
    "unhide_post",
]


VISIT_GAP = timedelta(minutes=30)
# A look this soon after the one recorded is not written down: it cannot end a visit, and the
# board's page is then kept in the cache (config.pagecache). A recorded look is at most this
# (plus a kept page's lifetime) behind the real last one, against a gap of half an hour.
VISIT_TOUCH = timedelta(minutes=1)


class BoardError(DomainError):
    """The board cannot take the action asked for (a closed topic, a deleted post...)."""


def _text(value: str) -> str:
    """One newline convention and no surrounding blank space, whatever the browser sent."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _mark_read(user: User, topics: Iterable[Topic], at: datetime) -> None:
    """Insert or move forward ``user``'s read marks (safe when two requests do it at once).
    They show to ``user`` alone: only their kept pages are out of date (config.pagecache)."""
    with pagecache.announced(ReadMark, [f"u:{user.pk}"]):
        ReadMark.objects.bulk_create(
            [ReadMark(user=user, topic=topic, read_at=at) for topic in topics],
            update_conflicts=True,
            unique_fields=["user", "topic"],
            update_fields=["read_at"],
        )


def _locked(post: Topic | Reply) -> Topic | Reply:
    """The post read again under its row lock (another request may have changed it)."""
    model = type(post)
    related = ("group",) if model is Topic else ("topic__group",)
    locked = model.objects.select_for_update(of=("self",)).select_related(*related)
    return locked.get(pk=post.pk)


# --- posting ------------------------------------------------------------------------------------


def _new_topic(
    *, actor: User, group: Group, kind: str, title: str, body: str, confirmed: Iterable[str]
) -> Topic:
    title, body = _text(title), _text(body)
    if not title:
        raise ValidationError({"title": _("Give the topic a title.")})
    check_free_text({"title": title, "body": body}, ["title", "body"], confirmed)
    now = timezone.now()
    topic = Topic(
        group=group,
        author=actor,
        kind=kind,
        title=title,
        body=body,
        created_at=now,
        last_activity_at=now,
    )
    topic.full_clean()
    topic.save()
    _mark_read(actor, [topic], now)
    record_audit(
        actor=actor, verb=f"board.{kind}_posted", group=group, obj=topic, data={"kind": kind}
    )
    return topic


@transaction.atomic
def post_announcement(
    *, actor: User, group: Group, title: str, body: str, confirmed: Iterable[str] = ()
) -> Topic:
    """An organizer's announcement: on the board, and e-mailed at once to every other member
    (its title and a link, never its text)."""
    check(actor, "board.post_announcement", group)
    topic = _new_topic(
        actor=actor,
        group=group,
        kind=TopicKind.ANNOUNCEMENT,
        title=title,
        body=body,
        confirmed=confirmed,
    )
    notifications.announcement_posted(topic)
    return topic


@transaction.atomic
def start_discussion(
    *, actor: User, group: Group, title: str, body: str, confirmed: Iterable[str] = ()
) -> Topic:
    """A member opens a discussion; colleagues hear of it in their board digest."""
    check(actor, "board.start_discussion", group)
    return _new_topic(
        actor=actor,
        group=group,
        kind=TopicKind.DISCUSSION,
        title=title,
        body=body,
        confirmed=confirmed,
    )


@transaction.atomic
def post_reply(*, actor: User, topic: Topic, body: str, confirmed: Iterable[str] = ()) -> Reply:
    """Reply in a thread. Refused when the topic is closed or hidden, or the actor is no
    longer a member. The topic's last activity moves to now (under its row lock)."""
    topic = _locked(topic)
    check(actor, "board.reply", topic)
    if topic.locked:
        raise BoardError(_("This topic is closed to replies."))
    if topic.is_hidden:
        raise BoardError(_("This topic is hidden by the organizers, so it takes no replies."))
    body = _text(body)
    check_free_text({"body": body}, ["body"], confirmed)
    now = timezone.now()
    reply = Reply(topic=topic, author=actor, body=body, created_at=now)
    reply.full_clean()
    reply.save()
    topic.last_activity_at = now
    topic.save(update_fields=["last_activity_at"])
    _mark_read(actor, [topic], now)
    record_audit(
        actor=actor,
        verb="board.reply_posted",
        group=topic.group,
        obj=reply,
        data={"topic": topic.pk},
    )
    return reply


@transaction.atomic
def edit_post(
    *,
    actor: User,
    post: Topic | Reply,
    body: str,
    title: str | None = None,
    confirmed: Iterable[str] = (),
) -> Topic | Reply:
    """Change one's own topic (title and text) or reply (text). Marked "edited"."""
    post = _locked(post)
    check(actor, "board.change_post", post)
    if post.is_deleted:
        raise BoardError(_("This post was deleted, so it cannot be edited."))
    fields = {"body": _text(body)}
    if post.post_type == "topic":
        fields["title"] = _text(title if title is not None else post.title)
        if not fields["title"]:
            raise ValidationError({"title": _("Give the topic a title.")})
    check_free_text(fields, list(fields), confirmed)
    if all(getattr(post, name) == value for name, value in fields.items()):
        return post
    for name, value in fields.items():
        setattr(post, name, value)
    post.edited_at = timezone.now()
    post.full_clean()
    post.save(update_fields=[*fields, "edited_at"])
    record_audit(
        actor=actor,
        verb="board.post_edited",
        group=post.topic.group,
        obj=post,
        data={"post": post.post_type},
    )
    return post


def _blank(post: Topic | Reply, now: datetime) -> list[str]:
    post.body = ""
    post.deleted_at = post.deleted_at or now
    if post.post_type == "topic":
        post.title = ""
        return ["title", "body", "deleted_at"]
    return ["body", "deleted_at"]


@transaction.atomic
def delete_post(*, actor: User, post: Topic | Reply) -> Topic | Reply:
    """Delete one's own post: its text is blanked and it shows as "deleted by its author";
    a topic's thread stays with the colleagues' replies. Deleting twice changes nothing."""
    post = _locked(post)
    check(actor, "board.change_post", post)
    if post.is_deleted:
        return post
    post.save(update_fields=_blank(post, timezone.now()))
    record_audit(
        actor=actor,
        verb="board.post_deleted",
        group=post.topic.group,
        obj=post,
        data={"post": post.post_type},
    )
    return post


# --- moderation ---------------------------------------------------------------------------------


def _set_topic_flag(*, actor: User, topic: Topic, flag: str, value: bool, verbs) -> Topic:
    topic = _locked(topic)
    check(actor, "board.moderate", topic)
    if getattr(topic, flag) == value:
        return topic
    setattr(topic, flag, value)
    topic.save(update_fields=[flag])
    record_audit(
        actor=actor,
        verb=verbs[0] if value else verbs[1],
        subject=topic.author,
        group=topic.group,
        obj=topic,
    )
    return topic


@transaction.atomic
def pin_topic(*, actor: User, topic: Topic, pinned: bool) -> Topic:
    """Pin a topic to the top of the board, or unpin it. Organizers only."""
    verbs = ("board.topic_pinned", "board.topic_unpinned")
    return _set_topic_flag(actor=actor, topic=topic, flag="pinned", value=pinned, verbs=verbs)


@transaction.atomic
def lock_topic(*, actor: User, topic: Topic, locked: bool) -> Topic:
    """Close a topic to replies, or open it again. Organizers only."""
    verbs = ("board.topic_locked", "board.topic_unlocked")
    return _set_topic_flag(actor=actor, topic=topic, flag="locked", value=locked, verbs=verbs)


@transaction.atomic
def hide_post(*, actor: User, post: Topic | Reply) -> Topic | Reply:
    """Hide a topic or reply from the members. It stays visible, marked hidden, to the
    organizers and its author; an author other than the organizer is told by e-mail."""
    post = _locked(post)
    check(actor, "board.moderate", post.topic)
    if post.is_hidden:
        return post
    post.hidden_at, post.hidden_by = timezone.now(), actor
    post.save(update_fields=["hidden_at", "hidden_by"])
    record_audit(
        actor=actor,
        verb="board.post_hidden",
        subject=post.author,
        group=post.topic.group,
        obj=post,
        data={"post": post.post_type},
    )
    notifications.post_hidden(post, actor=actor)
    return post


@transaction.atomic
def unhide_post(*, actor: User, post: Topic | Reply) -> Topic | Reply:
    """Show a hidden post to the members again. Organizers only."""
    post = _locked(post)
    check(actor, "board.moderate", post.topic)
    if not post.is_hidden:
        return post
    post.hidden_at, post.hidden_by = None, None
    post.save(update_fields=["hidden_at", "hidden_by"])
    record_audit(
        actor=actor,
        verb="board.post_unhidden",
        subject=post.author,
        group=post.topic.group,
        obj=post,
        data={"post": post.post_type},
    )
    return post


# --- reports ------------------------------------------------------------------------------------


@transaction.atomic
def report_post(
    *, actor: User, post: Topic | Reply, reason: str = "", confirmed: Iterable[str] = ()
) -> Report:
    """Ask the organizers to look at a post, with an optional reason. One open report per
    person and post (a unique constraint); the organizers are told by e-mail (never the
    reason or the post's text)."""
    post = _locked(post)
    check(actor, "board.report", post)
    if post.is_deleted:
        raise BoardError(_("This post was deleted by its author."))
    if post.author_id == actor.pk:
        raise BoardError(_("This is your own post: you can edit or delete it instead."))
    reason = _text(reason)
    check_free_text({"reason": reason}, ["reason"], confirmed)
    report = Report(
        group=post.topic.group,
        reporter=actor,
        reason=reason,
        **{post.post_type: post},
    )
    report.full_clean(validate_constraints=False)  # the database says "already reported"
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise BoardError(
            _("You have already reported this post; the organizers will look at it.")
        ) from exc
    record_audit(
        actor=actor,
        verb="board.post_reported",
        group=report.group,
        obj=report,
        data={"post": post.post_type, "post_id": post.pk},
    )
    notifications.post_reported(report)
    return report


@transaction.atomic
def resolve_report(*, actor: User, report: Report) -> Report:
    """The organizers have looked at a report: it leaves the list of open reports."""
    report = (
        Report.objects.select_for_update(of=("self",)).select_related("group").get(pk=report.pk)
    )
    check(actor, "board.moderate", report)
    if report.resolved_at is not None:
        return report
    report.resolved_at, report.resolved_by = timezone.now(), actor
    report.save(update_fields=["resolved_at", "resolved_by"])
    record_audit(actor=actor, verb="board.report_resolved", group=report.group, obj=report)
    return report


# --- what a person has read --------------------------------------------------------------------


def mark_read(
    *,
    actor: User,
    topic: Topic,
    read_until: datetime | None = None,
    shown_until: datetime | None = None,
) -> None:
    """``actor`` has read the thread as it is now. With ``read_until`` (their mark as the
    caller read it), nothing is written when it already covers the thread's last activity and
    ``shown_until``, the newest post the page showed (a reply may have come after the topic was
    read): reading a thread again changes nothing, so it writes nothing."""
    check(actor, "board.view", topic)
    seen = max(topic.last_activity_at, shown_until or topic.last_activity_at)
    if read_until is not None and read_until >= seen:
        return
    _mark_read(actor, [topic], timezone.now())


@transaction.atomic
def mark_board_read(*, actor: User, group: Group) -> int:
    """Mark every topic of the board read for ``actor``. Returns how many topics."""
    check(actor, "board.view", group)
    topics = list(group.board_topics.only("pk"))
    _mark_read(actor, topics, timezone.now())
    record_audit(actor=actor, verb="board.marked_read", group=group, data={"topics": len(topics)})
    return len(topics)


def record_visit(*, actor: User, group: Group) -> datetime | None:
    """Note that ``actor`` is looking at the board now; return when their previous visit was
    (None: the first). Looks less than ``VISIT_GAP`` apart belong to the same visit; a look
    within ``VISIT_TOUCH`` of the recorded one writes nothing."""
    check(actor, "board.view", group)
    now = timezone.now()
    seen = BoardVisit.objects.filter(user=actor, group=group).first()
    if seen is None:
        try:
            with transaction.atomic():
                BoardVisit.objects.create(user=actor, group=group, visited_at=now)
            return None
        except IntegrityError:
            pass  # another request of theirs recorded the first look a moment ago
    elif timedelta(0) <= now - seen.visited_at < VISIT_TOUCH:
        return seen.previous_visit_at
    with transaction.atomic():
        visit = BoardVisit.objects.select_for_update().get(user=actor, group=group)
        ended = now - visit.visited_at > VISIT_GAP
        if ended:
            visit.previous_visit_at = visit.visited_at
        # Only the start of a new visit changes what a page shows (the board's "new since your
        # last visit"); the time of the last look is read by nothing but this function.
        with pagecache.announced(BoardVisit, [f"u:{actor.pk}"] if ended else []):
            BoardVisit.objects.filter(pk=visit.pk).update(
                visited_at=now, previous_visit_at=visit.previous_visit_at
            )
    return visit.previous_visit_at


# --- the person's own ---------------------------------------------------------------------------


@transaction.atomic
def set_digest_frequency(*, actor: User, frequency: str) -> str:
    """ "daily", "weekly" or "off". Off is the board digest's notification preference turned
    off, so the digest's one-click unsubscribe and this page say the same thing."""
    if frequency == OFF:
        NotificationPreference.objects.update_or_create(
            user=actor, kind=NotificationKind.BOARD_DIGEST, defaults={"enabled": False}
        )
    elif frequency in DigestFrequency.values:
        DigestPreference.objects.update_or_create(user=actor, defaults={"frequency": frequency})
        NotificationPreference.objects.filter(
            user=actor, kind=NotificationKind.BOARD_DIGEST
        ).update(enabled=True)
    else:
        raise BoardError(_("Choose daily, weekly or off."))
    record_audit(
        actor=actor, verb="board.digest_frequency", subject=actor, data={"frequency": frequency}
    )
    return frequency


@transaction.atomic
def erase_author(*, user: User) -> dict[str, int]:
    """Account deletion: blank the text of everything ``user`` wrote on any board and unlink
    it from them (shown as "deleted by its author"); colleagues' replies stay as they are.
    Their report reasons, read marks, visits and digest choice go too."""
    now = timezone.now()
    counts = {"topics": 0, "replies": 0}
    for model, key in ((Topic, "topics"), (Reply, "replies")):
        for post in model.objects.select_for_update().filter(author=user):
            fields = _blank(post, now)
            post.author = None
            post.save(update_fields=[*fields, "author"])
            counts[key] += 1
    Report.objects.filter(reporter=user).update(reason="", reporter=None)
    ReadMark.objects.filter(user=user).delete()
    BoardVisit.objects.filter(user=user).delete()
    DigestPreference.objects.filter(user=user).delete()
    record_audit(actor=None, verb="board.author_erased", subject=user, data=counts)
    return counts
