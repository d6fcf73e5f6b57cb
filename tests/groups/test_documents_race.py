"""Organizers choosing the group's confidentiality agreement at the same instant, and two
colleagues uploading new versions of one document at once, on real PostgreSQL: one agreement
stands (no database error reaches anyone), and versions are numbered without a gap or a clash.
Without the group's row lock in ``choose_agreement`` the losers hit the one-agreement
constraint; without the document's row lock in ``add_version`` two versions take one number."""

import pytest

from groups.enums import Role
from groups.models import Document
from groups.services import documents as services
from tests.factories import GroupFactory, MembershipFactory
from tests.race import race
from tests.uploads import pdf, upload

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media"),
]

ORGANIZERS = 4


def _group_with_organizers():
    group = GroupFactory(name="Race Circle")
    organizers = [MembershipFactory(group=group, role=Role.ORGANIZER).user for _ in range(4)]
    return group, organizers


def test_organizers_choosing_agreements_at_once_leave_exactly_one():
    group, organizers = _group_with_organizers()
    documents = [
        services.add_document(
            actor=organizers[i], group=group, title=f"Agreement {i}", upload=upload("a.pdf", pdf())
        )
        for i in range(ORGANIZERS)
    ]

    results = race(
        lambda i: services.choose_agreement(
            actor=organizers[i], group=group, document_id=documents[i].pk
        ),
        ORGANIZERS,
    )

    assert [type(result).__name__ for result in results] == ["Document"] * ORGANIZERS
    assert Document.objects.filter(group=group, is_agreement=True).count() == 1


def test_new_versions_uploaded_at_once_are_numbered_one_after_another():
    group, organizers = _group_with_organizers()
    document = services.add_document(
        actor=organizers[0], group=group, title="Case template", upload=upload("t.pdf", pdf())
    )

    results = race(
        lambda i: services.add_version(
            actor=organizers[i], group=group, document_id=document.pk, upload=upload("t.pdf", pdf())
        ),
        ORGANIZERS,
    )

    assert [type(result).__name__ for result in results] == ["DocumentVersion"] * ORGANIZERS
    assert sorted(document.versions.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    document.refresh_from_db()
    assert document.current.number == 5
