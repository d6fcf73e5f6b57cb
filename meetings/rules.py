"""Who may do what with meetings. Rules are declared with ``config.access.declare`` and asked
by pages (``groups.access.permission_required``, ``{% test_rule %}``) and services
(``config.access.check``) alike. The object is a meeting, or the group for what is not yet a
meeting (scheduling, the standard agenda, the attendance record)."""

import rules
from django.utils.translation import gettext_lazy as _

from config.access import declare
from groups.rules import is_group_manager, is_group_member, is_site_admin, role_in


@rules.predicate
def is_meeting_facilitator(user, meeting):
    """The meeting's facilitator, while they are a member of its group."""
    if meeting is None or not user.is_authenticated or meeting.facilitator_id != user.pk:
        return False
    return role_in(user, meeting) is not None


declare(
    "meetings.view_meeting",
    is_group_member,
    refusal=_("Only the group's members can see its meetings."),
)
declare(
    "meetings.answer_rsvp",
    is_group_member,
    refusal=_("Only members of the group can answer."),
)
declare(
    "meetings.add_meeting",  # the object is the group: one meeting or a series
    is_group_manager,
    refusal=_("Only the group's organizers can schedule meetings."),
)
declare(
    "meetings.change_agenda_template",  # the object is the group
    is_group_manager,
    refusal=_("Only the group's organizers can change its standard agenda."),
)
declare(
    "meetings.change_meeting",  # edit, reschedule, cancel, its agenda
    is_group_manager,
    refusal=_("Only the group's organizers can change or cancel a meeting."),
)
declare(
    "meetings.take_attendance",
    is_group_manager | is_meeting_facilitator,
    refusal=_("Only the group's organizers and the meeting's facilitator can take attendance."),
)
declare(
    "meetings.view_group_attendance",  # the object is the group; site admins may look
    is_group_manager | is_site_admin,
    refusal=_("Only the group's organizers can see its attendance record."),
)
declare(
    "meetings.export_group_records",  # roster, register, hours: copies that leave the site
    is_group_manager,
    refusal=_("Only the group's organizers can download its records."),
)
declare(
    "meetings.revoke_certificate",
    is_site_admin,
    refusal=_("Only site admins revoke certificates."),
)


# --- notes and action items (meetings/notes.py) -----------------------------------------------


@rules.predicate
def owns_action_item(user, item):
    """The member the action item is given to, while they are a member of its group."""
    if item is None or not user.is_authenticated or item.owner_id != user.pk:
        return False
    return role_in(user, item.meeting) is not None


@rules.predicate
def manages_action_item(user, item):
    """An organizer or co-organizer of the group of the action item's meeting."""
    return item is not None and is_group_manager(user, item.meeting)


@rules.predicate
def writes_action_item(user, item):
    """Someone who writes the notes of the action item's meeting (``meetings.write_notes``)."""
    return item is not None and (
        is_group_manager(user, item.meeting) or is_meeting_facilitator(user, item.meeting)
    )


declare(
    "meetings.view_notes",
    is_group_member,
    refusal=_("Only the group's members can read its meeting notes."),
)
declare(
    "meetings.write_notes",  # the notes and the action items of a meeting
    is_group_manager | is_meeting_facilitator,
    refusal=_("Only the meeting's facilitator and the group's organizers can write its notes."),
)
declare(
    "meetings.mark_action_item",  # done / not done; the object is the action item
    owns_action_item | manages_action_item,
    refusal=_("Only the person an action item is given to, or an organizer, can mark it done."),
)
declare(
    "meetings.change_action_item",  # its text, owner and due date, or removing it
    writes_action_item,
    refusal=_(
        "Only the meeting's facilitator and the group's organizers can change its action items."
    ),
)
