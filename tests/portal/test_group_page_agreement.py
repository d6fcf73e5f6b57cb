"""The group page keeps the members' area closed while a member has not accepted the group's
confidentiality agreement, as it does for new ground rules (portal/views/groups.py)."""

import pytest
from django.urls import reverse

from groups.enums import Role
from groups.services import documents as document_services
from tests.factories import GroupFactory, MembershipFactory
from tests.uploads import pdf, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def test_the_members_area_opens_only_after_the_agreement_is_accepted(client):
    group = GroupFactory(name="Agreement Circle", online_link="https://video.example.org/room")
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    member = MembershipFactory(group=group).user
    agreement = document_services.add_document(
        actor=organizer, group=group, title="Agreement", upload=upload("a.pdf", pdf("We keep it."))
    )
    document_services.choose_agreement(actor=organizer, group=group, document_id=agreement.pk)
    client.force_login(member)
    page = reverse("groups:detail", args=[group.slug])
    accept = reverse("groups:accept_agreement", args=[group.slug])

    before = client.get(page).content.decode()
    document_services.accept_agreement(user=member, group=group, version_id=agreement.current_id)
    after = client.get(page).content.decode()

    assert (accept in before, "video.example.org" in before) == (True, False)
    assert (accept in after, "video.example.org" in after) == (False, True)
