"""Who may do what with scheduling polls. Rules are declared with ``config.access.declare`` and
asked by pages (``groups.access.permission_required``, ``{% test_rule %}``) and services
(``config.access.check``) alike. The object is the group (the list, a new poll) or a poll.

Polls are the members' own: no rule lets a site admin in, so a site admin who is not a member
gets the same 404 as any outsider. Whether a poll still takes answers (open, before its
deadline) is the services' to say, with a sentence: the rules say who."""

from django.utils.translation import gettext_lazy as _

from config.access import declare
from groups.rules import is_group_manager, is_group_member

declare(
    "polls.view_polls",  # the object is the group or a poll
    is_group_member,
    refusal=_("Only the group's members can see its polls."),
)
declare(
    "polls.add_poll",  # the object is the group
    is_group_manager,
    refusal=_("Only the group's organizers can start a poll."),
)
declare(
    "polls.answer_poll",  # the object is the poll
    is_group_member,
    refusal=_("Only members of the group can answer its polls."),
)
declare(
    "polls.close_poll",  # the object is the poll
    is_group_manager,
    refusal=_("Only the group's organizers can close a poll."),
)
declare(
    "polls.schedule_poll",  # the object is the poll: its chosen time becomes a meeting
    is_group_manager,
    refusal=_("Only the group's organizers can turn a poll's time into a meeting."),
)
