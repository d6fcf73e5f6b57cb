"""Two site admins record a decision on the same licence at the same instant, on real
PostgreSQL: one decision stands, the other is refused, and the therapist is told once (the
check's row lock; without it both would write and both e-mail)."""

import pytest

from config.errors import DomainError
from members import services
from members.enums import LicenceCheckStatus
from members.models import Delivery, LicenceCheck
from tests.factories import AdminFactory, UserFactory
from tests.race import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ADMINS = 4


def test_admins_deciding_at_once_record_one_decision():
    user = UserFactory()
    services.update_profile(
        actor=user, profile=user.profile, data={"licence_number": "LCSW-5", "licence_region": "CO"}
    )
    request = LicenceCheck.objects.get(profile=user.profile, status=LicenceCheckStatus.PENDING)
    admins = [AdminFactory() for _ in range(ADMINS)]

    results = race(
        lambda i: services.decide_licence_check(
            actor=admins[i],
            check_id=request.pk,
            verified=i % 2 == 0,
            note="" if i % 2 == 0 else "Not on the board's list.",
        ),
        ADMINS,
    )

    decided = [r for r in results if isinstance(r, LicenceCheck)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(decided), len(refused)) == (1, ADMINS - 1)
    assert Delivery.objects.filter(template="licence_decided").count() == 1
    request.refresh_from_db()
    assert request.decided_by == decided[0].decided_by
