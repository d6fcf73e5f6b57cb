from datetime import timedelta

import pytest
from django.utils import timezone

from consultations.tasks import task_purge_expired_consultations
from tests.consultations.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db


def test_task_purge_expired_consultations_blanks_what_is_due(group, asker):
    due = ConsultationRequestFactory(
        group=group, asker=asker, expires_at=timezone.now() - timedelta(minutes=1)
    )
    kept = ConsultationRequestFactory(group=group, asker=asker, expires_at=None)

    assert task_purge_expired_consultations() == 1
    assert task_purge_expired_consultations() == 0

    due.refresh_from_db()
    kept.refresh_from_db()
    assert (due.question, due.purged_at is not None) == ("", True)
    assert kept.purged_at is None
