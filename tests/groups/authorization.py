"""This app's rows of the authorization matrix (tests/test_authorization_matrix.py): the
documents in the closed group's library and its confidentiality agreement.

Documents are the members' own: 404 to everyone else, site admins included. The tools (change,
new version, remove) are opened on a document the organizer added: the organizer may, the plain
member may not (a colleague's document). Only organizers choose the agreement. A document an
organizer took out of the library is kept for the colleague who added it (the member) alone.
The member has accepted the agreement, so the agreement gate leaves every other row alone."""

from groups.services import documents as services
from tests.uploads import docx, pdf, upload


def _expected() -> dict:
    # Imported here: the matrix imports this module while it is itself being imported.
    from tests.test_authorization_matrix import (
        GET,
        LOGIN,
        POST,
        _everyone,
        members_only,
        organizers_only,
    )

    the_authors_alone = _everyone(404, anonymous=LOGIN, member=200)
    return {
        "groups:documents": (GET, members_only()),
        "groups:document": (GET, members_only()),
        "groups:document_download": (GET, members_only()),
        # the organizer's document: a plain member may not change a colleague's
        "groups:document_edit": (GET, organizers_only()),
        "groups:document_new_version": (GET, organizers_only()),
        "groups:document_remove": (GET, organizers_only()),
        # an empty form stops having an agreement, back to the document
        "groups:document_agreement": (POST, organizers_only(302)),
        # the agreement's own pages: open before accepting, members only
        "groups:accept_agreement": (GET, members_only()),
        "groups:agreement_file": (GET, members_only()),
        # the member's document, taken out of the library by the organizer
        "groups:kept_document": (GET, the_authors_alone),
        "groups:kept_document_download": (GET, the_authors_alone),
    }


EXPECTED: dict = _expected()


def build(world) -> dict:
    """URL name -> the kwargs to open it with, from objects made in the matrix's world (each
    visit rolls back, so every role finds the documents as they are here)."""
    group = world["objects"]["group"]
    member, organizer = world["users"]["member"], world["users"]["organizer"]
    theirs = services.add_document(
        actor=organizer,
        group=group,
        title="Case template",
        upload=upload("case-template.docx", docx("Presenting question")),
    )
    agreement = services.add_document(
        actor=organizer,
        group=group,
        title="Confidentiality agreement",
        upload=upload("agreement.pdf", pdf("What is said here stays here.")),
    )
    services.choose_agreement(actor=organizer, group=group, document_id=agreement.pk)
    agreement.refresh_from_db()
    services.accept_agreement(user=member, group=group, version_id=agreement.current_id)
    removed = services.add_document(
        actor=member,
        group=group,
        title="My handout",
        upload=upload("handout.pdf", pdf("Burnout and rest")),
    )
    services.remove_document(actor=organizer, group=group, document_id=removed.pk)
    on_theirs = {"slug": group.slug, "pk": theirs.pk}
    return {
        "groups:documents": {"slug": group.slug},
        "groups:document": on_theirs,
        "groups:document_download": {**on_theirs, "number": 1},
        "groups:document_edit": on_theirs,
        "groups:document_new_version": on_theirs,
        "groups:document_remove": on_theirs,
        "groups:document_agreement": {"slug": group.slug, "pk": agreement.pk},
        "groups:accept_agreement": {"slug": group.slug},
        "groups:agreement_file": {"slug": group.slug},
        "groups:kept_document": {"pk": removed.pk},
        "groups:kept_document_download": {"pk": removed.pk, "number": 1},
    }
