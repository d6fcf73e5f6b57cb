"""Thin Celery tasks for meetings. E-mails go through members.notifications."""

from celery import shared_task

from meetings.notes import purge_expired_case_notes
from meetings.services import extend_all_series, warn_low_rsvps


@shared_task
def task_extend_all_series() -> int:
    """Beat: keep every open series materialized ahead. Returns how many meetings were made."""
    return extend_all_series()


@shared_task
def task_warn_low_rsvps() -> int:
    """Beat: warn organizers once about a meeting few are going to. Returns how many were warned."""
    return warn_low_rsvps()


@shared_task
def task_purge_expired_case_notes() -> int:
    """Beat: blank meeting notes' case notes past their group's retention. Returns how many."""
    return purge_expired_case_notes()
