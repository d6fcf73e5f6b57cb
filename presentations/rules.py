"""Who may do what with presentation slots, cases and elections. Rules are declared with
``config.access.declare`` and asked by pages (``groups.access.permission_required``,
``{% test_rule %}``) and services (``presentations.services.base.check``) alike.

The object is a meeting (slots, swaps, facilitation, deciding on follow-ups), a presentation
(its page, its case, asking to report back on it), a group (holding an election) or an election. Everything here is the members' own: no rule lets
a site admin in, so a site admin who is not a member gets the same 404 as any outsider.
"""

import rules
from django.utils.translation import gettext_lazy as _

from config.access import declare
from groups.enums import LeadershipModel
from groups.rules import is_group_manager, is_group_member, role_in


def _meeting_of(presentation):
    """Rules about a presentation are asked of its meeting's group (``presentation_for``
    records the viewer on the meeting too, so this costs no query)."""
    return None if presentation is None else presentation.meeting


@rules.predicate
def is_presentation_member(user, presentation):
    return role_in(user, _meeting_of(presentation)) is not None


@rules.predicate
def is_presenter(user, presentation):
    return (
        presentation is not None
        and user is not None
        and user.is_authenticated
        and presentation.presenter_id == user.pk
    )


@rules.predicate
def flagged_recognition(user, presentation):
    """The viewer said they may know this client (``presentation_for`` annotates it)."""
    return bool(getattr(presentation, "flagged_by_me", False))


@rules.predicate
def case_purged(user, presentation):
    return presentation is not None and presentation.case_purged_at is not None


@rules.predicate
def is_elected_group(user, group):
    return group is not None and group.leadership_model == LeadershipModel.ELECTED


# --- a presentation ------------------------------------------------------------------------

declare(
    "presentations.view_presentation",
    is_presentation_member,
    refusal=_("Only the group's members can see its presentations."),
)
declare(
    # Members read a case unless they flagged that they may know the client, and only until it
    # is purged after the meeting.
    "presentations.view_case",
    is_presentation_member & ~flagged_recognition & ~case_purged,
    refusal=_("This case is not shown to you."),
)
declare(
    "presentations.change_presentation",  # write the case or the topic
    is_presentation_member & is_presenter,
    refusal=_("Only the member who holds this slot can write what it presents."),
)
declare(
    "presentations.flag_case",  # "I may know this client"
    is_presentation_member,
    refusal=_("Only members of the group can flag a case."),
)

# --- a meeting's slots, swaps and facilitation ---------------------------------------------

declare(
    "presentations.sign_up",  # claim a slot, give it up
    is_group_member,
    refusal=_("Only members of the group can sign up to present."),
)
declare(
    "presentations.swap",  # offer a slot or the facilitation, take one over
    is_group_member,
    refusal=_("Only members of the group can swap slots or facilitation."),
)
declare(
    "presentations.answer_invitation",  # a presenting turn offered by the rotation
    is_group_member,
    refusal=_("Only members of the group can answer an invitation to present."),
)
declare(
    # assign and unassign slots, reorder and edit the agenda's slots, fill them from the
    # rotation, name or rotate the facilitators
    "presentations.manage_slots",
    is_group_manager,
    refusal=_("Only the group's organizers can do that."),
)

# --- case follow-ups ("report back") ------------------------------------------------------------

declare(
    # ask to report back on one's own case at the next meeting, or withdraw the request; the
    # object is the case presentation (presentations/services/followups.py says when)
    "presentations.ask_follow_up",
    is_presentation_member & is_presenter,
    refusal=_("Only the member who presented this case can ask to report back on it."),
)
declare(
    "presentations.decide_follow_up",  # accept or remove a follow-up; the object is the meeting
    is_group_manager,
    refusal=_("Only the group's organizers can accept or remove a case follow-up."),
)

# --- elections --------------------------------------------------------------------------------

declare(
    "presentations.hold_election",  # the object is the group
    is_group_manager & is_elected_group,
    refusal=_("Only the organizers of a group that elects its leader can hold an election."),
)
declare(
    "presentations.view_election",
    is_group_member,
    refusal=_("Only the group's members can see its elections."),
)
declare(
    "presentations.nominate",
    is_group_member,
    refusal=_("Only members can nominate."),
)
declare(
    "presentations.vote",
    is_group_member,
    refusal=_("Only members can vote."),
)
declare(
    "presentations.close_election",  # count the votes once voting has closed
    is_group_manager,
    refusal=_("Only the group's organizers can close an election."),
)
