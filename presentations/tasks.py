"""Thin Celery tasks for presentations. E-mails go through members.notifications."""

import logging

from celery import shared_task

from groups.enums import GroupStatus, LeadershipModel
from groups.models import Group
from presentations.services import (
    assign_facilitators,
    attach_waiting_follow_ups,
    close_due_elections,
    expire_rotation_invitations,
    purge_expired_cases,
    purge_expired_drafts,
)

logger = logging.getLogger(__name__)


@shared_task
def task_purge_expired_cases() -> int:
    """Beat: blank case material past its group's retention. Returns how many were purged."""
    # Drafts are case material too: the same retention rule, counted from when they were kept.
    return purge_expired_cases() + purge_expired_drafts()


@shared_task
def task_expire_rotation_invitations() -> int:
    """Beat: pass unanswered presenting turns on. Returns how many invitations expired."""
    return expire_rotation_invitations()


@shared_task
def task_assign_facilitators() -> int:
    """Beat: give upcoming meetings of rotating and elected groups their facilitators.

    Each group on its own: ``assign_facilitators`` is atomic per group, so a group that fails
    is rolled back alone, logged by its id (never its content) and tried again on the next run,
    while the other groups still get theirs. Returns how many meetings were given one."""
    groups = Group.objects.filter(
        status=GroupStatus.ACTIVE,
        leadership_model__in=[LeadershipModel.ROTATING, LeadershipModel.ELECTED],
    ).order_by("pk")
    assigned = 0
    for group in groups:
        try:
            assigned += len(assign_facilitators(group=group))
        except Exception:
            logger.exception("assigning facilitators failed for group %s", group.pk)
    return assigned


@shared_task
def task_close_due_elections() -> int:
    """Beat: close elections whose voting has ended. Returns how many were closed."""
    return close_due_elections()


@shared_task
def task_attach_waiting_follow_ups() -> int:
    """Beat (hourly): catch up with case follow-ups whose meeting was cancelled or whose segment
    was deleted, and place waiting ones on their group's next meeting. Returns how many were
    placed."""
    return attach_waiting_follow_ups()
