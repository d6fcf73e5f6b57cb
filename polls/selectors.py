"""Reads about scheduling polls, scoped to the group's members. A poll the user may not see is
a 404, the same answer as one that does not exist."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from groups.models import Group, Membership
from groups.selectors import for_viewer, group_for, members_of
from members.models import User
from polls.enums import Availability
from polls.models import Poll, PollAnswer, PollOption


def polls_in(group: Group, user: User) -> QuerySet[Poll]:
    """The group's polls for its list: open ones first (soonest deadline first), then the
    closed ones, newest first; each with how many times it proposes, how many people answered
    and whether ``user`` did (``mine``). Each poll's ``group`` is ``group`` itself."""
    now = timezone.now()
    return (
        group.polls.select_related("chosen")
        .annotate(
            option_count=Count("options", distinct=True),
            answered=Count("answers__user", distinct=True),
            mine=Exists(PollAnswer.objects.filter(poll=OuterRef("pk"), user=user)),
            open_rank=Case(
                When(closed_at__isnull=True, closes_at__gt=now, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("open_rank", "-created_at", "-id")
    )


def poll_for(user, slug: str, pk: int) -> Poll:
    """A poll of a group ``user`` belongs to (``group_for``); 404 for one of another group or
    none at all. The loader of ``groups.access.permission_required``: the membership is
    recorded on the poll and its group."""
    group = group_for(user, slug)
    poll = (
        group.polls.select_related("chosen", "meeting", "series", "created_by__profile")
        .filter(pk=pk)
        .first()
    )
    if poll is None:
        raise Http404("No such poll.")
    return for_viewer(poll, user, group.viewer_membership)


def polls_waiting_for(user: User, groups: dict[int, Group]) -> list[Poll]:
    """Open polls in ``user``'s groups (``groups``: theirs, by id, as the dashboard read them)
    that they have not answered, soonest deadline first (the dashboard's "Waiting for you")."""
    if not groups:
        return []
    polls = list(
        Poll.objects.filter(
            group_id__in=list(groups), closed_at__isnull=True, closes_at__gt=timezone.now()
        )
        .exclude(Exists(PollAnswer.objects.filter(poll=OuterRef("pk"), user=user)))
        .order_by("closes_at", "id")
    )
    for poll in polls:
        poll.group = groups[poll.group_id]
    return polls


def members_waiting(poll: Poll) -> list[User]:
    """Current members who have not answered yet (for the reminder)."""
    answered = PollAnswer.objects.filter(poll=poll).values("user_id")
    return [
        m.user
        for m in Membership.objects.filter(group=poll.group_id)
        .exclude(user_id__in=answered)
        .select_related("user")
    ]


@dataclass
class OptionResult:
    option: PollOption
    people: dict[str, list[User]] = field(default_factory=dict)
    best: bool = False

    @property
    def yes(self) -> int:
        return len(self.people[Availability.YES])

    @property
    def if_need_be(self) -> int:
        return len(self.people[Availability.IF_NEED_BE])

    @property
    def no(self) -> int:
        return len(self.people[Availability.NO])

    @property
    def columns(self) -> list[tuple[str, list[User]]]:
        """(label, people) for yes, if need be and no, in that order."""
        return [(label, self.people[value]) for value, label in Availability.choices]

    @property
    def can_come(self) -> int:
        """Yes and if need be: who could come."""
        return self.yes + self.if_need_be

    @property
    def rank(self) -> tuple[int, int]:
        return self.can_come, self.yes


@dataclass
class PollResults:
    options: list[OptionResult]
    answered: list[User]
    waiting: list[User]
    mine: dict[int, str]  # the viewer's answers: option id -> availability

    @property
    def best(self) -> list[OptionResult]:
        return [row for row in self.options if row.best]


def results_of(poll: Poll, user: User) -> PollResults:
    """Each proposed time with who answered what, counting current members only (a former
    member's answers stay theirs but no longer count); the best times are those most members
    can come to, then most can come to without "if need be". Three queries."""
    members = list(members_of(poll.group))
    people = {m.user_id: m.user for m in members}
    options = [
        OptionResult(option=o, people={a: [] for a in Availability.values})
        for o in poll.options.all()
    ]
    by_id = {row.option.pk: row for row in options}
    mine: dict[int, str] = {}
    answered: set[int] = set()
    answers = PollAnswer.objects.filter(poll=poll).values_list("option_id", "user_id", "answer")
    for option_id, user_id, answer in answers:
        if user_id == user.pk:
            mine[option_id] = answer
        if user_id in people and option_id in by_id:
            by_id[option_id].people[answer].append(people[user_id])
            answered.add(user_id)
    top = max((row.rank for row in options), default=(0, 0))
    for row in options:
        row.best = top[0] > 0 and row.rank == top
    return PollResults(
        options=options,
        answered=[people[pk] for pk in people if pk in answered],
        waiting=[people[pk] for pk in people if pk not in answered],
        mine=mine,
    )
