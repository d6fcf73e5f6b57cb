"""Thin Celery tasks for presentations. E-mails go through members.notifications."""

from celery import shared_task

from groups.enums import GroupStatus, LeadershipModel
from groups.models import Group


@shared_task
def task_purge_expired_cases() -> int:
    from presentations.services import purge_expired_cases, purge_expired_drafts

    # Drafts are case material too: the same retention rule, counted from when they were kept.
    return purge_expired_cases() + purge_expired_drafts()


@shared_task
def task_expire_rotation_invitations() -> int:
    from presentations.services import expire_rotation_invitations

    return expire_rotation_invitations()


@shared_task
def task_assign_facilitators() -> int:
    from presentations.services import assign_facilitators

    groups = Group.objects.filter(
        status=GroupStatus.ACTIVE,
        leadership_model__in=[LeadershipModel.ROTATING, LeadershipModel.ELECTED],
    )
    return sum(len(assign_facilitators(group=group)) for group in groups)


@shared_task
def task_close_due_elections() -> int:
    from presentations.services import close_due_elections

    return close_due_elections()
