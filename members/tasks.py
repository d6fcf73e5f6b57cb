"""Thin Celery tasks for notifications."""

from celery import shared_task

from members import notifications


@shared_task
def task_dispatch_due() -> int:
    """Beat, every minute: plan and queue every delivery that is due. Returns how many."""
    return notifications.dispatch_due()


@shared_task
def task_send_delivery(*, delivery_id: int) -> str:
    """Send one delivery. Returns its status, or "gone" (logged, not raised) when the row no
    longer exists: a retried or late message about a deleted row has nothing left to do."""
    return notifications.send_delivery(delivery_id)
