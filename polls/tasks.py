"""Thin Celery tasks for scheduling polls. E-mails go through members.notifications."""

from celery import shared_task

from polls.services import close_due_polls


@shared_task
def task_close_due_polls() -> int:
    """Beat: close polls whose deadline has passed (their organizers are told it is time to
    choose). Returns how many were closed."""
    return close_due_polls()
