"""What the notes tests share (no tests here): a group with every kind of person in it, a
meeting they facilitate, and action items made directly (a test's starting point)."""

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from groups.enums import Role
from groups.signals import membership_ended
from meetings.models import ActionItem, Meeting
from meetings.notes import on_membership_ended
from members.models import User
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory

NEW_YORK = ZoneInfo("America/New_York")
IDENTIFYING = "Jane Smith, DOB 03/04/1980, MRN 123456"


def connect_departures() -> None:
    """What ``meetings/apps.py`` connects at start-up (the same ``dispatch_uid``, so once)."""
    membership_ended.connect(on_membership_ended, dispatch_uid="meetings.action_items")


class ActionItemFactory(factory.django.DjangoModelFactory):
    """An open item, due in a week (make the owner a member yourself)."""

    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Share the reading list {n}")
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: in_days(7))


@dataclass
class Circle:
    group: object
    organizer: User
    co_organizer: User
    facilitator: User
    member: User
    other: User
    outsider: User
    meeting: Meeting

    def item(self, **kwargs) -> ActionItem:
        kwargs.setdefault("meeting", self.meeting)
        kwargs.setdefault("owner", self.member)
        kwargs.setdefault("created_by", self.organizer)
        return ActionItemFactory(**kwargs)


def make_circle(**group_kwargs) -> Circle:
    """A group in New York (as every ProfileFactory person is), its organizer, a co-organizer,
    the meeting's facilitator, two members, and someone from outside; a meeting a week ahead."""
    group_kwargs.setdefault("time_zone", "America/New_York")
    group = GroupFactory(capacity=12, **group_kwargs)
    people = {
        "organizer": MembershipFactory(group=group, role=Role.ORGANIZER).user,
        "co_organizer": MembershipFactory(group=group, role=Role.CO_ORGANIZER).user,
        "facilitator": MembershipFactory(group=group).user,
        "member": MembershipFactory(group=group).user,
        "other": MembershipFactory(group=group).user,
        "outsider": UserFactory(),
    }
    meeting = MeetingFactory(group=group, facilitator=people["facilitator"], title="March circle")
    return Circle(group=group, meeting=meeting, **people)


def in_days(days: int) -> date:
    """A date ``days`` from today in New York, the circle's zone and everyone's in it."""
    return timezone.localdate(timezone=NEW_YORK) + timedelta(days=days)
