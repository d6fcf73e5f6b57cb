"""Thin Celery tasks for groups. E-mails go through members.notifications (one Delivery each)."""

from celery import shared_task

from groups.services import expire_offers


@shared_task
def task_expire_waitlist_offers() -> int:
    """Beat: pass expired seat offers on. Returns how many offers expired."""
    return expire_offers()
