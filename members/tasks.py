"""Thin Celery tasks for notifications."""

from celery import shared_task

from members import notifications


@shared_task
def task_dispatch_due() -> int:
    return notifications.dispatch_due()


@shared_task
def task_send_delivery(*, delivery_id: int) -> str:
    return notifications.send_delivery(delivery_id)
