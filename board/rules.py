"""Who may do what on a group's board. Everything is for the group's members only; organizers
and co-organizers also post announcements and moderate. The object is the group, a topic or a
reply (anything with ``group_id``)."""

import rules
from django.utils.translation import gettext_lazy as _

from config.access import declare
from groups.rules import is_group_manager, is_group_member


@rules.predicate
def wrote_the_post(user, post):
    """``user`` is the author of this topic or reply."""
    if post is None or user is None or not user.is_authenticated:
        return False
    return post.author_id is not None and post.author_id == user.pk


@rules.predicate
def may_see_post(user, post):
    """A hidden post stays visible to the organizers and to its author, marked hidden; a reply
    is seen only with its topic."""
    if post is None:
        return False
    return _visible(user, post) and (post.post_type == "topic" or _visible(user, post.topic))


def _visible(user, post) -> bool:
    return not post.is_hidden or is_group_manager(user, post) or wrote_the_post(user, post)


declare(
    "board.view",
    is_group_member,
    refusal=_("Only the group's members can see its board."),
)
declare(
    "board.see_post",  # the object is a topic or a reply
    is_group_member & may_see_post,
    refusal=_("Only the group's members can see this post."),
)
declare(
    "board.start_discussion",
    is_group_member,
    refusal=_("Only the group's members can start a discussion."),
)
declare(
    "board.post_announcement",
    is_group_manager,
    refusal=_("Only the group's organizers can post announcements."),
)
declare(
    "board.reply",  # the object is the topic; the service also refuses locked or hidden topics
    is_group_member & may_see_post,
    refusal=_("Only the group's members can reply."),
)
declare(
    "board.change_post",  # edit or delete: the object is the topic or reply
    is_group_member & wrote_the_post,
    refusal=_("Only the colleague who wrote this can change or delete it."),
)
declare(
    "board.report",  # the object is the topic or reply
    is_group_member & may_see_post,
    refusal=_("Only the group's members can report a post."),
)
declare(
    "board.moderate",  # pin, lock, hide and show again; see and dismiss reports
    is_group_manager,
    refusal=_("Only the group's organizers can moderate the board."),
)
