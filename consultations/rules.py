"""Who may do what with consultation requests. Rules are declared with
``config.access.declare`` and asked by pages (``groups.access.permission_required``,
``{% test_rule %}``) and services (``config.access.check``) alike.

The object is a group (the list, asking), a request (reading, replying, closing, a huddle) or
a reply (editing it). Everything here is the members' own: no rule lets a site admin in, so a
site admin who is not a member gets the same 404 as any outsider. Whether a request still
takes replies (open, not expired, not erased) is the services' to say, with a sentence: the
rules say who.
"""

import rules
from django.utils.translation import gettext_lazy as _

from config.access import declare
from groups.rules import is_group_manager, is_group_member, role_in


@rules.predicate
def is_asker(user, request):
    """The member who asked for this consultation."""
    return (
        request is not None
        and user is not None
        and user.is_authenticated
        and request.asker_id == user.pk
    )


@rules.predicate
def is_reply_member(user, reply):
    """A member of the group of the reply's request (asked of the request, which the loader
    records the viewer on, so this costs no query)."""
    return reply is not None and role_in(user, reply.request) is not None


@rules.predicate
def wrote_the_reply(user, reply):
    return (
        reply is not None and user is not None and user.is_authenticated
    ) and reply.author_id == user.pk


declare(
    "consultations.view_requests",  # the object is the group or a request
    is_group_member,
    refusal=_("Only the group's members can see its consultation requests."),
)
declare(
    "consultations.ask",  # the object is the group
    is_group_member,
    refusal=_("Only members of the group can ask it for a consultation."),
)
declare(
    "consultations.reply",  # the object is the request
    is_group_member,
    refusal=_("Only members of the group can reply to its consultation requests."),
)
declare(
    "consultations.change_reply",  # the object is the reply
    is_reply_member & wrote_the_reply,
    refusal=_("Only the colleague who wrote this reply can change it."),
)
declare(
    "consultations.close_request",  # the object is the request
    is_group_member & is_asker,
    refusal=_("Only the colleague who asked can close this request."),
)
declare(
    "consultations.call_huddle",  # the object is the request
    is_group_member & (is_asker | is_group_manager),
    refusal=_(
        "Only the colleague who asked, or an organizer, can call a huddle about this request."
    ),
)
