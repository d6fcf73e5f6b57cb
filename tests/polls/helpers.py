"""Making polls in tests: times in the group's zone, a poll opened through the service, answers
in the order of the times."""

import zoneinfo
from datetime import datetime, timedelta

from django.utils import timezone

from polls import services

DENVER = zoneinfo.ZoneInfo("America/Denver")


def denver(days: int, hour: int = 19, minute: int = 0) -> datetime:
    """``days`` from today at ``hour``:``minute`` Denver time."""
    day = timezone.now().astimezone(DENVER).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=DENVER)


def open_poll(organizer, group, *, times=None, closes_at=None, **kwargs):
    times = times or [denver(8), denver(9), denver(10, 12)]
    return services.create_poll(
        actor=organizer,
        group=group,
        title=kwargs.pop("title", "Our next meeting"),
        options=times,
        closes_at=closes_at or denver(5, 18),
        **kwargs,
    )


def answer(user, poll, *values):
    """Answer the poll's times in order with ``values`` (yes / if_need_be / no)."""
    options = list(poll.options.order_by("starts_at"))
    return services.answer_poll(
        user=user, poll=poll, answers={o.pk: v for o, v in zip(options, values, strict=True)}
    )
