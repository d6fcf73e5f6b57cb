"""Thin Celery tasks for groups. E-mails go through members.notifications (one Delivery each)."""

from celery import shared_task


@shared_task
def task_expire_waitlist_offers() -> int:
    from groups.services import expire_offers

    return expire_offers()
