"""Documents and the confidentiality agreement in My data and in account deletion
(portal/privacy.py; docs/documents.md, "Who is told, and what is never lost")."""

import pytest
from django.core.files.storage import default_storage

from groups.enums import Role
from groups.models import Document
from groups.services import documents as document_services
from portal import privacy
from tests.factories import GroupFactory, MembershipFactory
from tests.uploads import pdf, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    group = GroupFactory(name="Privacy Circle")
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    member = MembershipFactory(group=group).user
    return group, organizer, member


def _add(group, actor, title, name="handout.pdf"):
    return document_services.add_document(
        actor=actor, group=group, title=title, upload=upload(name, pdf(title))
    )


def test_my_data_lists_my_documents_and_the_agreement_i_accepted(library):
    group, organizer, member = library
    mine = _add(group, member, "Grounding handout", "grounding.pdf")
    document_services.add_version(
        actor=organizer, group=group, document_id=mine.pk, upload=upload("v2.pdf", pdf("Two"))
    )
    agreement = _add(group, organizer, "Agreement", "agreement.pdf")
    document_services.choose_agreement(actor=organizer, group=group, document_id=agreement.pk)
    document_services.accept_agreement(user=member, group=group, version_id=agreement.current_id)

    data = privacy.export_user_data(member)

    assert [
        (d["group"], d["title"], [(v["number"], v["file_name"]) for v in d["versions"]])
        for d in data["documents_added"]
    ] == [("Privacy Circle", "Grounding handout", [(1, "grounding.pdf")])]
    assert [(m["group"], m["confidentiality_agreement_version"]) for m in data["memberships"]] == [
        ("Privacy Circle", 1)
    ]
    assert data["memberships"][0]["confidentiality_agreement_accepted_at"] is not None


def test_deleting_my_account_deletes_what_was_kept_for_me_and_leaves_the_library(
    library, django_capture_on_commit_callbacks
):
    group, organizer, member = library
    shared = _add(group, member, "Case template")
    removed = _add(group, member, "Old handout")
    document_services.remove_document(actor=organizer, group=group, document_id=removed.pk)
    removed_file = Document.objects.get(pk=removed.pk).current.file.name

    with django_capture_on_commit_callbacks(execute=True):
        privacy.delete_account(user=member)

    assert list(Document.objects.filter(group=group).values_list("title", flat=True)) == [
        "Case template"
    ]
    assert Document.objects.get(pk=shared.pk).added_by_id == member.pk  # "Former member"
    assert not default_storage.exists(removed_file)
    assert default_storage.exists(Document.objects.get(pk=shared.pk).current.file.name)


def test_an_organizer_removing_a_deleted_accounts_document_deletes_it_at_once(
    library, django_capture_on_commit_callbacks
):
    group, organizer, member = library
    document = _add(group, member, "Handout")
    privacy.delete_account(user=member)  # nobody left to keep it for, nobody to tell

    with django_capture_on_commit_callbacks(execute=True):
        document_services.remove_document(actor=organizer, group=group, document_id=document.pk)

    assert not Document.objects.filter(pk=document.pk).exists()
