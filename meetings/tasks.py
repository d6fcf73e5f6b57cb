"""Thin Celery tasks for meetings. E-mails go through members.notifications."""

from celery import shared_task


@shared_task
def task_extend_all_series() -> int:
    from meetings.services import extend_all_series

    return extend_all_series()


@shared_task
def task_warn_low_rsvps() -> int:
    from meetings.services import warn_low_rsvps

    return warn_low_rsvps()
