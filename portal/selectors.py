"""Reads for the pages that compose several apps, scoped to who is asking."""

from dataclasses import dataclass, field

from groups import selectors as group_selectors
from groups.models import Group, Membership
from meetings import selectors as meeting_selectors
from meetings.layout import agenda_with_times
from meetings.models import Meeting
from members.models import User
from members.rules import is_site_admin
from presentations import selectors as presentation_selectors
from presentations import services as presentation_services


def group_for_page(user, slug: str) -> Group:
    """The group page's group: public (as ``groups.selectors.get_group_for_viewer`` shows it),
    and a member's own group whatever its status. The viewer's membership (None for anyone who
    is not a member) is recorded on the group (``for_viewer``) for the rules and the page."""
    group, membership = group_selectors.get_group_and_membership(user, slug)
    return group_selectors.for_viewer(group, user, membership)


def vetting_preview(user: User, memberships: list[Membership], *, limit: int = 10) -> list:
    """The first applications waiting for ``user``'s decision. Only organizers and site admins
    decide on applications, so nobody else pays the query."""
    if not (is_site_admin(user) or any(m.manages for m in memberships)):
        return []
    return list(group_selectors.vetting_queue_for(user)[:limit])


@dataclass
class MeetingPage:
    """What the meeting page shows of a meeting, read for one member."""

    members: list[Membership]
    agenda: list[dict]
    rsvps: meeting_selectors.RsvpSummary
    swaps_for_me: list = field(default_factory=list)
    my_offers: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)

    def has_slots(self) -> bool:
        return any(row["is_slot"] for row in self.agenda)

    def slots_of(self, user: User) -> list[dict]:
        return [
            row
            for row in self.agenda
            if row["presentation"] and row["presentation"].presenter_id == user.pk
        ]


def meeting_page(user: User, meeting: Meeting) -> MeetingPage:
    """One read of the members (with profiles) supplies every person the page names: the roles
    of the meeting, the presenters, the answers and the swap offers."""
    members = list(group_selectors.members_of(meeting.group))
    people = group_selectors.people_of(members)
    group_selectors.attach_loaded(
        [meeting], people, "facilitator", "backup_facilitator", "timekeeper"
    )
    segments = meeting_selectors.segments_of(meeting)
    presentations = presentation_selectors.presentations_by_segment(meeting, people, segments)
    swaps_for_me, my_offers = presentation_selectors.pending_swaps(
        user, meeting, people, presentations
    )
    return MeetingPage(
        members=members,
        agenda=agenda_with_times(meeting, segments, presentations),
        rsvps=meeting_selectors.rsvp_summary(user, meeting, people),
        swaps_for_me=swaps_for_me,
        my_offers=my_offers,
        follow_ups=presentation_services.follow_ups_on(meeting, segments, people),
    )
