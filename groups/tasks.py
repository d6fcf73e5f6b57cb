"""Thin Celery tasks for groups. E-mails go through members.notifications (one Delivery each)."""

from celery import shared_task

from groups.services import expire_offers
from groups.services.documents import remove_expired_documents


@shared_task
def task_expire_waitlist_offers() -> int:
    """Beat: pass expired seat offers on. Returns how many offers expired."""
    return expire_offers()


@shared_task
def task_remove_expired_documents() -> int:
    """Beat: delete documents past their last day in the library, and removed ones no longer
    kept for their author. Returns how many were deleted."""
    return remove_expired_documents()
