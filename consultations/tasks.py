"""Thin Celery tasks for consultations. E-mails go through members.notifications."""

from celery import shared_task

from consultations.services import purge_expired_consultations


@shared_task
def task_purge_expired_consultations() -> int:
    """Beat: blank consultation requests (and their replies) past their group's retention.
    Returns how many requests were blanked."""
    return purge_expired_consultations()
