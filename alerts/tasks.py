"""Thin Celery tasks for the saved-search alerts. E-mails go through members.notifications
(one Delivery each)."""

from functools import partial

from celery import shared_task
from django.db import transaction

from alerts import services


@shared_task
def task_match_group(
    *, group_id: int, reason: str, actor_id: int | None = None, about: list[int] | None = None
) -> int:
    """A group may have opened to newcomers: record and tell the saved searches that find it.
    Returns how many did. Safe to run twice (alerts.services.match_group)."""
    return services.match_group(
        group_id=group_id, reason=reason, actor_id=actor_id, about=about or ()
    )


@shared_task
def task_plan_weekly_digests() -> int:
    """Beat, once a week: one digest e-mail per person whose weekly searches found groups.
    Returns how many."""
    return services.plan_weekly_digests()


def queue_matching(sender, *, group, actor, reason, about=(), **kwargs) -> None:
    """Receiver of ``groups.signals.group_open`` (connected in ``AlertsConfig.ready``): match
    once the change is committed, so a rolled-back change alerts nobody. ``robust``: a broker
    that is down costs these alerts, never the person's own action."""
    transaction.on_commit(
        partial(
            task_match_group.delay,
            group_id=group.pk,
            reason=str(reason),
            actor_id=getattr(actor, "pk", None),
            about=list(about),
        ),
        robust=True,
    )
