"""The services of a group's members-only documents and its confidentiality agreement
(groups/services/documents.py): versions, checked files, the de-identification guard, who may
do what, removal (deleted, or kept for the author and the author told), the agreement, and the
daily clean-up of documents past their last day."""

import hashlib
import json
import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

import config.uploads
from config.errors import NotAllowed
from config.guard import IdentifiersFound
from groups import selectors
from groups.enums import MembershipPolicy, Role
from groups.models import (
    DOCUMENT_KEPT_FOR_AUTHOR,
    Document,
    DocumentVersion,
    Group,
    Membership,
)
from groups.services import GroupActionError
from groups.services import documents as services
from members.models import AuditEntry, Delivery
from tests.factories import AdminFactory, GroupFactory, UserFactory, group_of, person
from tests.uploads import docx, encrypted_pdf, image, odt, pdf, upload, zip_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IDENTIFYING = "Client Maria Lopez was born 03/04/1980"
IDENTIFYING_KEYS = ["file|name|Maria Lopez", "file|date|03/04/1980"]
ACCEPTED = (
    "PDF, Word document, OpenDocument text, JPEG picture, PNG picture, GIF picture or WebP "
    "picture files"
)
CHANGE_REFUSED = (
    "Only the colleague who added this document, or an organizer, can change it; the "
    "confidentiality agreement only an organizer."
)
REMOVE_REFUSED = (
    "Only the colleague who added this document, or an organizer, can remove it; the "
    "confidentiality agreement only an organizer."
)


@pytest.fixture
def group():
    return group_of(
        [
            ("Olga Organizer", Role.ORGANIZER),
            ("Cal Co", Role.CO_ORGANIZER),
            ("Mia Member", Role.MEMBER),
            ("Max Member", Role.MEMBER),
        ],
        name="Mile High Consult",
        membership_policy=MembershipPolicy.CLOSED,
        time_zone="America/Denver",
    )


@pytest.fixture
def organizer(group):
    return person(group, "Olga Organizer")


@pytest.fixture
def co_organizer(group):
    return person(group, "Cal Co")


@pytest.fixture
def mia(group):
    return person(group, "Mia Member")


@pytest.fixture
def max_(group):
    return person(group, "Max Member")


def _stored(media: Path) -> list[str]:
    """Every file under MEDIA_ROOT, as storage names."""
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def _add(group, actor, *, title="Case template", name="case-template.docx", data=None, **kw):
    data = data if data is not None else docx("Presenting question", "What I tried so far")
    return services.add_document(
        actor=actor, group=group, title=title, upload=upload(name, data), **kw
    )


def _version(group, actor, document, *, name="case-template.docx", data=None, **kw):
    data = data if data is not None else docx("Presenting question, second draft")
    return services.add_version(
        actor=actor, group=group, document_id=document.pk, upload=upload(name, data), **kw
    )


def _read(version: DocumentVersion) -> bytes:
    with default_storage.open(version.file.name, "rb") as handle:
        return handle.read()


def _group_today(group):
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(group.time_zone))


def _audit(verb: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(verb=verb).order_by("id"))


def _membership(group, user) -> Membership:
    return Membership.objects.get(group=group, user=user)


# --- adding and versions -------------------------------------------------------------------


def test_add_document_stores_version_one_with_the_file_and_an_audit_entry(group, mia, media):
    data = docx("Presenting question", "What I tried so far")

    document = _add(group, mia, data=data, description="  For case presentations.  ")

    document.refresh_from_db()
    version = document.current
    assert (document.group, document.added_by, document.title, document.description) == (
        group,
        mia,
        "Case template",
        "For case presentations.",
    )
    assert (document.is_agreement, document.available_until, document.removed_at) == (
        False,
        None,
        None,
    )
    assert (version.number, version.name, version.content_type, version.size) == (
        1,
        "case-template.docx",
        DOCX,
        len(data),
    )
    assert (version.sha256, version.uploaded_by, version.note) == (
        hashlib.sha256(data).hexdigest(),
        mia,
        "",
    )
    assert _read(version) == data
    assert version.file.name.startswith(f"documents/{group.pk}/")
    assert version.file.name.endswith(".docx")
    assert "case-template" not in version.file.name  # what it was called never reaches disk
    assert _stored(media) == [version.file.name]
    entry = AuditEntry.objects.get(verb="document.added")
    assert (entry.actor, entry.subject, entry.group, entry.object_type, entry.object_id) == (
        mia,
        None,
        group,
        "groups.document",
        str(document.pk),
    )
    assert entry.data == {
        "title": "Case template",
        "kind": "docx",
        "size": len(data),
        "confirmed_findings": 0,
        "confirmed_kinds": {},
    }


def test_add_version_numbers_them_1_2_3_and_current_moves_to_the_newest(group, mia, media):
    first, second, third = docx("Draft one"), pdf("Draft two"), odt("Draft three")
    document = _add(group, mia, data=first)

    v2 = _version(group, mia, document, name="template v2.pdf", data=second, note=" PDF now ")
    document.refresh_from_db()
    assert document.current == v2
    v3 = _version(group, mia, document, name="template v3.odt", data=third)

    document.refresh_from_db()
    versions = selectors.versions_of(document)
    assert [v.number for v in versions] == [3, 2, 1]
    assert document.current == v3
    assert document.updated_at == v3.uploaded_at
    assert [(v.name, v.content_type, v.note) for v in versions] == [
        ("template v3.odt", "application/vnd.oasis.opendocument.text", ""),
        ("template v2.pdf", "application/pdf", "PDF now"),
        ("case-template.docx", DOCX, ""),
    ]
    assert [_read(v) for v in versions] == [third, second, first]
    assert _stored(media) == sorted(v.file.name for v in versions)
    entries = _audit("document.version_added")
    assert [(e.actor, e.subject, e.data["version"], e.data["kind"]) for e in entries] == [
        (mia, None, 2, "pdf"),
        (mia, None, 3, "odt"),
    ]


def test_add_document_names_the_file_for_what_it_is(group, mia):
    """A PNG sent as photo.jpg is kept as photo.png; the kind comes from the content."""
    document = _add(group, mia, title="Room map", name="photo.jpg", data=image("PNG"))

    assert (document.current.name, document.current.content_type) == ("photo.png", "image/png")


# --- bad files: refused on "file", nothing stored -------------------------------------------

BAD_FILES = [
    pytest.param(
        "handout.pdf",
        b"MZ\x90\x00" + b"\0" * 100,
        f"This file is a program. Here we take {ACCEPTED}.",
        id="program",
    ),
    pytest.param(
        "notes.pdf",
        b"just some words in a text file",
        f"We could not tell what kind of file this is from its content. Here we take {ACCEPTED}.",
        id="plain-text",
    ),
    pytest.param(
        "bundle.docx",
        zip_of(**{"a.txt": b"hello"}),
        f"This file is a zip archive: upload the files in it one by one. Here we take {ACCEPTED}.",
        id="zip",
    ),
    pytest.param(
        "secret.pdf",
        encrypted_pdf(),
        "This PDF is protected with a password, so colleagues could not open it and we could "
        "not check it. Save a copy without the password and try again.",
        id="encrypted",
    ),
    pytest.param(
        "macros.docx",
        docx("Hello", macros=True),
        "This document contains macros (small programs), which we do not pass on to "
        "colleagues. Save it as a plain .docx, .odt or PDF and try again.",
        id="macros",
    ),
    pytest.param("empty.pdf", b"", "This file is empty. Choose the file again.", id="empty"),
    pytest.param(
        "notes.html",
        pdf("Hello"),
        "The file's name ends in “.html”, but it is a PDF. Rename it to end in .pdf (if that "
        "is right) and choose it again.",
        id="name-claims-another-kind",
    ),
    pytest.param(
        "report\u202efdp.pdf",
        pdf("Hello"),
        "The file's name has characters we cannot keep (hidden or control characters, or "
        "folder separators). Rename the file with letters, numbers and spaces, and choose it "
        "again.",
        id="right-to-left-mark",
    ),
    pytest.param(
        ".pdf",
        pdf("Hello"),
        "The file's name is only an extension. Give it a name and choose it again.",
        id="only-an-extension",
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES)
def test_add_document_bad_file_is_refused_on_file_and_stores_nothing(
    group, mia, media, name, data, message
):
    with pytest.raises(ValidationError) as refused:
        _add(group, mia, name=name, data=data)

    assert refused.value.message_dict == {"file": [message]}
    assert (Document.objects.count(), DocumentVersion.objects.count()) == (0, 0)
    assert _stored(media) == []
    assert not AuditEntry.objects.filter(verb__startswith="document.").exists()


def test_add_document_too_large_is_refused_and_stores_nothing(group, mia, media, monkeypatch):
    data = pdf("A handout that is a little too long")
    monkeypatch.setattr(config.uploads, "MAX_UPLOAD_BYTES", len(data) - 1)

    with pytest.raises(ValidationError) as refused:
        _add(group, mia, name="handout.pdf", data=data)

    assert refused.value.message_dict == {"file": [config.uploads.TOO_LARGE]}
    assert (Document.objects.count(), DocumentVersion.objects.count()) == (0, 0)
    assert _stored(media) == []


def test_add_document_exactly_at_the_limit_is_kept(group, mia, monkeypatch):
    data = pdf("A handout exactly at the limit")
    monkeypatch.setattr(config.uploads, "MAX_UPLOAD_BYTES", len(data))

    document = _add(group, mia, name="handout.pdf", data=data)

    assert document.current.size == len(data)


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES[:3] + BAD_FILES[5:6])
def test_add_version_bad_file_keeps_the_document_as_it_was(group, mia, media, name, data, message):
    document = _add(group, mia)
    before = _stored(media)

    with pytest.raises(ValidationError) as refused:
        _version(group, mia, document, name=name, data=data)

    assert refused.value.message_dict == {"file": [message]}
    document.refresh_from_db()
    assert [v.number for v in document.versions.all()] == [1]
    assert document.current.number == 1
    assert _stored(media) == before
    assert not AuditEntry.objects.filter(verb="document.version_added").exists()


def test_add_document_refuses_a_past_last_day_before_storing_anything(group, mia, media):
    yesterday = _group_today(group) - timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        _add(group, mia, available_until=yesterday)

    assert refused.value.message_dict == {
        "available_until": ["Choose today or a later day: this day has passed."]
    }
    assert Document.objects.count() == 0
    assert _stored(media) == []


def test_add_document_today_in_the_groups_zone_is_a_valid_last_day(group, mia):
    document = _add(group, mia, available_until=_group_today(group))

    assert document.available_until == _group_today(group)


# --- the de-identification guard over the file's words and name -----------------------------


def test_add_document_with_an_identifier_in_its_words_is_refused_until_confirmed(group, mia, media):
    data = pdf(IDENTIFYING)

    with pytest.raises(IdentifiersFound) as found:
        _add(group, mia, title="Intake notes", name="intake.pdf", data=data)

    assert [f.key for f in found.value.findings] == IDENTIFYING_KEYS
    assert (Document.objects.count(), _stored(media)) == (0, [])
    with pytest.raises(IdentifiersFound):  # one of the two confirmed is not enough
        _add(group, mia, name="intake.pdf", data=data, confirmed=IDENTIFYING_KEYS[:1])
    assert (Document.objects.count(), _stored(media)) == (0, [])

    document = _add(
        group, mia, title="Intake notes", name="intake.pdf", data=data, confirmed=IDENTIFYING_KEYS
    )

    assert _read(document.current) == data
    entry = AuditEntry.objects.get(verb="document.added")
    assert entry.data == {
        "title": "Intake notes",
        "kind": "pdf",
        "size": len(data),
        "confirmed_findings": 2,
        "confirmed_kinds": {"date": 1, "name": 1},
    }


def test_add_document_with_an_identifier_in_its_name_is_refused_until_confirmed(group, mia):
    data = pdf("A plain handout about burnout")

    with pytest.raises(IdentifiersFound) as found:
        _add(group, mia, name="Maria Lopez.pdf", data=data)

    assert [f.key for f in found.value.findings] == ["file|name|Maria Lopez"]
    document = _add(
        group, mia, name="Maria Lopez.pdf", data=data, confirmed=["file|name|Maria Lopez"]
    )
    assert document.current.name == "Maria Lopez.pdf"


def test_add_version_with_an_identifier_is_refused_until_confirmed(group, mia, media):
    document = _add(group, mia)
    before = _stored(media)

    with pytest.raises(IdentifiersFound) as found:
        _version(group, mia, document, name="v2.docx", data=docx(IDENTIFYING))

    assert [f.key for f in found.value.findings] == IDENTIFYING_KEYS
    assert [v.number for v in document.versions.all()] == [1]
    assert _stored(media) == before
    version = _version(
        group, mia, document, name="v2.docx", data=docx(IDENTIFYING), confirmed=IDENTIFYING_KEYS
    )
    assert version.number == 2
    assert _audit("document.version_added")[0].data["confirmed_kinds"] == {"date": 1, "name": 1}


def test_audit_entries_never_hold_the_files_words(group, organizer, mia):
    document = _add(
        group, mia, name="intake.docx", data=docx(IDENTIFYING), confirmed=IDENTIFYING_KEYS
    )
    _version(
        group,
        organizer,
        document,
        name="intake.docx",
        data=docx(IDENTIFYING, "Seen weekly"),
        confirmed=IDENTIFYING_KEYS,
    )
    services.choose_agreement(actor=organizer, group=group, document_id=document.pk)
    services.accept_agreement(user=mia, group=group, version_id=document.versions.first().pk)
    services.remove_document(actor=organizer, group=group, document_id=document.pk)

    entries = AuditEntry.objects.filter(group=group).order_by("id")
    assert [e.verb for e in entries] == [
        "document.added",
        "document.version_added",
        "agreement.chosen",
        "agreement.accepted",
        "document.removed",
    ]
    written = json.dumps([e.data for e in entries], ensure_ascii=False)
    for words in ("Maria", "Lopez", "03/04/1980", "Seen weekly", "Client"):
        assert words not in written


# --- who may do what -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "site_admin", "member_of_another_group"])
def test_add_document_by_a_non_member_is_refused(group, media, who):
    if who == "outsider":
        actor = UserFactory()
    elif who == "site_admin":
        actor = AdminFactory()
    else:
        actor = person(group_of([("Oscar Other", Role.ORGANIZER)]), "Oscar Other")

    with pytest.raises(NotAllowed) as refused:
        _add(group, actor)

    assert str(refused.value) == "Only members of the group can add documents to its library."
    assert (Document.objects.count(), _stored(media)) == (0, [])


def test_a_member_cannot_change_or_remove_a_colleagues_document(group, mia, max_, media):
    document = _add(group, mia)
    before = _stored(media)

    with pytest.raises(NotAllowed) as changing:
        services.update_document(actor=max_, group=group, document_id=document.pk, title="Mine now")
    with pytest.raises(NotAllowed) as versioning:
        _version(group, max_, document)
    with pytest.raises(NotAllowed) as removing:
        services.remove_document(actor=max_, group=group, document_id=document.pk)
    with pytest.raises(NotAllowed) as choosing:
        services.choose_agreement(actor=max_, group=group, document_id=document.pk)

    assert [str(changing.value), str(versioning.value), str(removing.value)] == [
        CHANGE_REFUSED,
        CHANGE_REFUSED,
        REMOVE_REFUSED,
    ]
    assert str(choosing.value) == (
        "Only the group's organizers can choose its confidentiality agreement."
    )
    document.refresh_from_db()
    assert (document.title, document.current.number, document.removed_at) == (
        "Case template",
        1,
        None,
    )
    assert document.is_agreement is False
    assert _stored(media) == before


def test_a_former_member_cannot_change_their_own_document(group, mia):
    document = _add(group, mia)
    Membership.objects.filter(group=group, user=mia).delete()
    group = Group.objects.get(pk=group.pk)  # as the next request reads it

    with pytest.raises(NotAllowed) as refused:
        services.update_document(actor=mia, group=group, document_id=document.pk, title="X")

    assert str(refused.value) == CHANGE_REFUSED


@pytest.mark.parametrize("role", ["organizer", "co_organizer"])
def test_organizers_may_change_a_colleagues_document(group, mia, role, request):
    manager = request.getfixturevalue(role)
    later = _group_today(group) + timedelta(days=30)
    document = _add(group, mia, available_until=later)

    services.update_document(
        actor=manager,
        group=group,
        document_id=document.pk,
        title=" Case template (2027) ",
        description="Use this one.",
        available_until=None,  # keeping it longer is theirs to do; a sooner day is the author's
    )

    document.refresh_from_db()
    assert (document.title, document.description, document.available_until) == (
        "Case template (2027)",
        "Use this one.",
        None,
    )
    entry = AuditEntry.objects.get(verb="document.changed")
    assert (entry.actor, entry.subject, entry.data) == (
        manager,
        mia,
        {"title": "Case template (2027)", "available_until": ""},
    )


def test_an_organizer_cannot_give_a_colleagues_document_a_last_day(group, organizer, mia):
    """A last day deletes the document with no copy kept: only its author chooses that. An
    organizer who wants it gone removes it (kept for the author, who is told)."""
    document = _add(group, mia)
    soon = _group_today(group) + timedelta(days=3)

    with pytest.raises(ValidationError) as refused:
        services.update_document(
            actor=organizer, group=group, document_id=document.pk, title="X", available_until=soon
        )

    assert list(refused.value.message_dict) == ["available_until"]
    document.refresh_from_db()
    assert (document.title, document.available_until) == ("Case template", None)


def test_update_document_without_a_change_writes_nothing(group, mia):
    document = _add(group, mia, description="For presentations")
    updated_at = Document.objects.get().updated_at

    services.update_document(
        actor=mia,
        group=group,
        document_id=document.pk,
        title="Case template ",
        description="For presentations",
    )

    assert Document.objects.get().updated_at == updated_at
    assert not AuditEntry.objects.filter(verb="document.changed").exists()


def test_update_document_refuses_a_past_last_day(group, mia):
    document = _add(group, mia)

    with pytest.raises(ValidationError) as refused:
        services.update_document(
            actor=mia,
            group=group,
            document_id=document.pk,
            title="Case template",
            available_until=_group_today(group) - timedelta(days=1),
        )

    assert refused.value.message_dict == {
        "available_until": ["Choose today or a later day: this day has passed."]
    }
    assert Document.objects.get().available_until is None


def test_update_document_refuses_a_last_day_for_the_agreement(group, organizer):
    agreement = _add(group, organizer, title="Confidentiality agreement")
    services.choose_agreement(actor=organizer, group=group, document_id=agreement.pk)

    with pytest.raises(ValidationError) as refused:
        services.update_document(
            actor=organizer,
            group=group,
            document_id=agreement.pk,
            title="Confidentiality agreement",
            available_until=_group_today(group) + timedelta(days=30),
        )

    assert refused.value.message_dict == {"available_until": [services.AGREEMENT_STAYS]}
    assert Document.objects.get().available_until is None


# --- removing --------------------------------------------------------------------------------


def test_remove_own_document_deletes_rows_and_files_on_commit(
    group, mia, media, django_capture_on_commit_callbacks, mailoutbox
):
    document = _add(group, mia)
    _version(group, mia, document, name="v2.pdf", data=pdf("Second"))
    files = _stored(media)
    assert len(files) == 2

    with django_capture_on_commit_callbacks() as callbacks:
        services.remove_document(actor=mia, group=group, document_id=document.pk)

    assert (Document.objects.count(), DocumentVersion.objects.count()) == (0, 0)
    assert _stored(media) == files  # the files go only once the removal is committed
    for callback in callbacks:
        callback()
    assert _stored(media) == []
    assert mailoutbox == []
    assert Delivery.objects.count() == 0
    entry = AuditEntry.objects.get(verb="document.removed")
    assert (entry.actor, entry.subject, entry.object_id) == (mia, None, str(document.pk))
    assert entry.data == {
        "title": "Case template",
        "kept_for_author": False,
        "was_agreement": False,
    }


def test_remove_own_document_that_fails_later_keeps_the_files(group, mia, media):
    """The files are deleted on commit: a removal rolled back leaves them where they were."""
    document = _add(group, mia)
    files = _stored(media)

    with pytest.raises(RuntimeError), transaction.atomic():
        services.remove_document(actor=mia, group=group, document_id=document.pk)
        raise RuntimeError("something after the removal failed")

    assert Document.objects.get() == document
    assert _stored(media) == files


@pytest.mark.parametrize("role", ["organizer", "co_organizer"])
def test_organizer_removing_a_colleagues_document_keeps_it_for_the_author_and_tells_them(
    group, mia, max_, media, role, request, django_capture_on_commit_callbacks, mailoutbox
):
    manager = request.getfixturevalue(role)
    document = _add(group, mia)
    _version(group, mia, document, name="v2.pdf", data=pdf("Second"))
    files = _stored(media)

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_document(actor=manager, group=group, document_id=document.pk)

    document.refresh_from_db()
    assert document.removed_at is not None
    assert DocumentVersion.objects.filter(document=document).count() == 2
    assert _stored(media) == files
    assert list(selectors.documents_for(group)) == []
    kept = selectors.kept_document_for(mia, document.pk)
    assert (kept, kept.group) == (document, group)
    assert [v.number for v in selectors.versions_of(kept)] == [2, 1]
    for other in (manager, max_, UserFactory(), AdminFactory()):
        with pytest.raises(Http404):
            selectors.kept_document_for(other, document.pk)
    # One action, one message: the author alone, once.
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (
            [mia.email],
            "[PeerCircle] “Case template” was taken out of the library · Mile High Consult",
        )
    ]
    body = mailoutbox[0].body
    assert f"{manager}, an organizer of Mile High Consult, took “Case template”" in body
    assert f"/groups/kept-documents/{document.pk}/" in body
    entry = AuditEntry.objects.get(verb="document.removed")
    assert (entry.actor, entry.subject) == (manager, mia)
    assert entry.data == {
        "title": "Case template",
        "kept_for_author": True,
        "was_agreement": False,
    }


def test_a_removed_document_cannot_be_changed_or_removed_again(group, organizer, mia):
    document = _add(group, mia)
    services.remove_document(actor=organizer, group=group, document_id=document.pk)

    for attempt in (
        lambda: services.remove_document(actor=organizer, group=group, document_id=document.pk),
        lambda: _version(group, mia, document),
        lambda: services.update_document(
            actor=mia, group=group, document_id=document.pk, title="Back"
        ),
        lambda: services.choose_agreement(actor=organizer, group=group, document_id=document.pk),
    ):
        with pytest.raises(GroupActionError, match="no longer in the library"):
            attempt()
    assert DocumentVersion.objects.filter(document=document).count() == 1


def test_organizer_removing_the_agreement_a_colleague_added_clears_it(group, organizer, mia, max_):
    agreement = _add(group, mia, title="Confidentiality agreement")
    services.choose_agreement(actor=organizer, group=group, document_id=agreement.pk)
    services.accept_agreement(user=max_, group=group, version_id=agreement.current_id)

    services.remove_document(actor=organizer, group=group, document_id=agreement.pk)

    agreement.refresh_from_db()
    assert (agreement.is_agreement, agreement.removed_at is not None) == (False, True)
    assert list(
        Membership.objects.filter(group=group).values_list("agreement_version", flat=True)
    ) == [None, None, None, None]
    assert all(not selectors.needs_agreement_acceptance(m) for m in group.memberships.all())
    assert AuditEntry.objects.get(verb="document.removed").data["was_agreement"] is True


# --- e-mails on new versions -----------------------------------------------------------------


def test_organizer_new_version_of_a_colleagues_document_emails_the_author_once(
    group, organizer, mia, django_capture_on_commit_callbacks, mailoutbox
):
    document = _add(group, mia)

    with django_capture_on_commit_callbacks(execute=True):
        version = _version(group, organizer, document, note="Added the consent paragraph")

    assert [(m.to, m.subject) for m in mailoutbox] == [
        (
            [mia.email],
            "[PeerCircle] Olga Organizer uploaded a new version of “Case template” · "
            "Mile High Consult",
        )
    ]
    # What the organizer typed about the change stays on the page: free text is not e-mailed.
    assert "Added the consent paragraph" not in mailoutbox[0].body
    assert f"/groups/{group.slug}/documents/{document.pk}/" in mailoutbox[0].body
    entry = AuditEntry.objects.get(verb="document.version_added")
    assert (entry.actor, entry.subject, entry.data["version"]) == (organizer, mia, 2)
    assert version.uploaded_by == organizer


def test_authors_own_new_version_emails_nobody(
    group, mia, django_capture_on_commit_callbacks, mailoutbox
):
    document = _add(group, mia)

    with django_capture_on_commit_callbacks(execute=True):
        _version(group, mia, document)

    assert mailoutbox == []
    assert Delivery.objects.count() == 0


def test_new_version_of_the_agreement_tells_only_its_author_and_the_uploader_accepted_it(
    group, organizer, co_organizer, mia, max_, django_capture_on_commit_callbacks, mailoutbox
):
    agreement = _add(group, mia, title="Confidentiality agreement")
    services.choose_agreement(actor=organizer, group=group, document_id=agreement.pk)
    first = agreement.current
    services.accept_agreement(user=max_, group=group, version_id=first.pk)

    with django_capture_on_commit_callbacks(execute=True):
        second = _version(group, co_organizer, agreement, note="Clearer wording")

    # Mia added it: she is told once (members are asked on their next visit, not e-mailed).
    assert [message.to for message in mailoutbox] == [[mia.email]]
    assert Delivery.objects.count() == 1
    accepted = {m.user: m.agreement_version for m in Membership.objects.filter(group=group)}
    assert accepted == {organizer: first, co_organizer: second, mia: None, max_: first}
    waiting = {
        m.user: selectors.needs_agreement_acceptance(m)
        for m in selectors.with_latest_rules(group.memberships.all())
    }
    assert waiting == {organizer: True, co_organizer: False, mia: True, max_: True}


# --- the agreement ---------------------------------------------------------------------------


def test_choose_agreement_marks_it_and_the_chooser_has_accepted_it(group, organizer, mia):
    document = _add(group, mia, title="Confidentiality agreement")

    chosen = services.choose_agreement(actor=organizer, group=group, document_id=document.pk)

    assert chosen == document
    document.refresh_from_db()
    assert document.is_agreement is True
    assert selectors.agreement_for(mia, group.slug) == document
    assert _membership(group, organizer).agreement_version == document.current
    assert _membership(group, mia).agreement_version is None
    entry = AuditEntry.objects.get(verb="agreement.chosen")
    assert (entry.actor, entry.object_id, entry.data) == (
        organizer,
        str(document.pk),
        {"title": "Confidentiality agreement"},
    )


def test_choose_agreement_records_when_the_chooser_accepted_it(group, organizer, mia):
    document = _add(group, mia, title="Confidentiality agreement")
    Document.objects.filter(pk=document.pk).update(updated_at=timezone.now() - timedelta(days=90))
    DocumentVersion.objects.filter(pk=document.current_id).update(
        uploaded_at=timezone.now() - timedelta(days=90)
    )
    before = timezone.now()

    services.choose_agreement(actor=organizer, group=group, document_id=document.pk)

    accepted_at = _membership(group, organizer).agreement_accepted_at
    assert accepted_at >= before, (
        "choose_agreement records the organizer's acceptance at the version's upload time "
        f"({accepted_at.isoformat()}), not when they chose (accepted) it ({before.isoformat()}); "
        "groups/services/documents.py _accept_for uses version.uploaded_at. The privacy export "
        "(portal/privacy.py confidentiality_agreement_accepted_at) shows this wrong date."
    )


def test_only_one_agreement_per_group_is_a_database_constraint(group, organizer, mia):
    first = _add(group, mia, title="Agreement A")
    second = _add(group, mia, title="Agreement B")
    Document.objects.filter(pk=first.pk).update(is_agreement=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=second.pk).update(is_agreement=True)

    other_group = GroupFactory()
    elsewhere = Document.objects.create(group=other_group, title="Theirs", is_agreement=True)
    assert list(Document.objects.filter(is_agreement=True).order_by("id")) == [first, elsewhere]


def test_the_agreement_cannot_have_a_last_day_in_the_database(group, organizer, mia):
    document = _add(group, mia)
    services.choose_agreement(actor=organizer, group=group, document_id=document.pk)

    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(
            available_until=_group_today(group) + timedelta(days=3)
        )


def test_choose_agreement_switches_between_documents_and_clears(group, organizer, mia):
    first = _add(group, mia, title="Agreement A")
    second = _add(group, organizer, title="Agreement B")

    services.choose_agreement(actor=organizer, group=group, document_id=first.pk)
    services.choose_agreement(actor=organizer, group=group, document_id=first.pk)  # again
    assert list(Document.objects.filter(is_agreement=True)) == [first]
    services.choose_agreement(actor=organizer, group=group, document_id=second.pk)
    assert list(Document.objects.filter(is_agreement=True)) == [second]
    assert selectors.agreement_for(mia, group.slug) == second

    cleared = services.choose_agreement(actor=organizer, group=group, document_id=None)

    assert cleared is None
    assert not Document.objects.filter(is_agreement=True).exists()
    with pytest.raises(Http404):
        selectors.agreement_for(mia, group.slug)
    assert not selectors.needs_agreement_acceptance(_membership(group, mia))
    entries = AuditEntry.objects.filter(verb__startswith="agreement.").order_by("id")
    assert [(e.verb, e.object_id, e.data["title"]) for e in entries] == [
        ("agreement.chosen", str(first.pk), "Agreement A"),
        ("agreement.chosen", str(second.pk), "Agreement B"),
        ("agreement.cleared", str(second.pk), "Agreement B"),
    ]


def test_choose_agreement_refuses_a_document_with_a_last_day(group, organizer, mia):
    document = _add(group, mia, available_until=_group_today(group) + timedelta(days=7))

    with pytest.raises(GroupActionError) as refused:
        services.choose_agreement(actor=organizer, group=group, document_id=document.pk)

    assert str(refused.value) == services.AGREEMENT_STAYS
    assert not Document.objects.filter(is_agreement=True).exists()
    assert _membership(group, organizer).agreement_version is None
    assert not AuditEntry.objects.filter(verb__startswith="agreement.").exists()


def test_choose_agreement_of_another_groups_document_is_refused(group, organizer):
    other = group_of([("Oscar Other", Role.ORGANIZER)])
    theirs = _add(other, person(other, "Oscar Other"))

    with pytest.raises(GroupActionError, match="no longer in the library"):
        services.choose_agreement(actor=organizer, group=group, document_id=theirs.pk)

    theirs.refresh_from_db()
    assert theirs.is_agreement is False


def test_accept_agreement_records_the_current_version(group, organizer, mia):
    agreement = _add(group, organizer, title="Confidentiality agreement")
    services.choose_agreement(actor=organizer, group=group, document_id=agreement.pk)
    before = timezone.now()

    membership = services.accept_agreement(user=mia, group=group, version_id=agreement.current_id)

    membership.refresh_from_db()
    assert membership.agreement_version_id == agreement.current_id
    assert membership.agreement_accepted_at >= before
    assert not selectors.needs_agreement_acceptance(membership)
    entry = AuditEntry.objects.get(verb="agreement.accepted")
    assert (entry.actor, entry.subject, entry.object_id, entry.data) == (
        mia,
        mia,
        str(membership.pk),
        {"title": "Confidentiality agreement", "version": 1},
    )


def test_accept_agreement_refuses_a_stale_version(group, organizer, mia):
    agreement = _add(group, organizer, title="Confidentiality agreement")
    services.choose_agreement(actor=organizer, group=group, document_id=agreement.pk)
    first = agreement.current
    _version(group, organizer, agreement, name="v2.pdf", data=pdf("Version two"))

    with pytest.raises(GroupActionError) as refused:
        services.accept_agreement(user=mia, group=group, version_id=first.pk)

    assert str(refused.value) == (
        "The agreement changed while you were reading it. Please read the current version."
    )
    membership = _membership(group, mia)
    assert (membership.agreement_version, membership.agreement_accepted_at) == (None, None)
    assert selectors.needs_agreement_acceptance(membership)
    assert not AuditEntry.objects.filter(verb="agreement.accepted").exists()


def test_accept_agreement_refuses_a_version_of_another_document(group, organizer, mia):
    agreement = _add(group, organizer, title="Confidentiality agreement")
    handout = _add(group, organizer, title="Handout")
    services.choose_agreement(actor=organizer, group=group, document_id=agreement.pk)

    with pytest.raises(GroupActionError, match="The agreement changed"):
        services.accept_agreement(user=mia, group=group, version_id=handout.current_id)

    assert _membership(group, mia).agreement_version is None


def test_the_annotated_agreement_gives_the_same_answer_as_the_query(group, organizer, mia, max_):
    def answers() -> dict:
        plain = {m.user: selectors.needs_agreement_acceptance(m) for m in group.memberships.all()}
        annotated = {
            m.user: selectors.needs_agreement_acceptance(m)
            for m in selectors.with_latest_rules(group.memberships.all())
        }
        assert plain == annotated
        return plain

    everyone = dict.fromkeys(answers(), False)
    assert answers() == everyone  # no agreement: nobody is asked
    agreement = _add(group, mia, title="Confidentiality agreement")
    services.choose_agreement(actor=organizer, group=group, document_id=agreement.pk)
    assert [user for user, asked in answers().items() if asked] == [
        user for user in everyone if user != organizer
    ]
    services.accept_agreement(user=max_, group=group, version_id=agreement.current_id)
    assert answers()[max_] is False
    _version(group, organizer, agreement)
    assert [user for user, asked in answers().items() if not asked] == [organizer]


def test_once_it_is_the_agreement_only_organizers_change_or_remove_it(group, organizer, mia):
    agreement = _add(group, mia, title="Confidentiality agreement")
    services.choose_agreement(actor=organizer, group=group, document_id=agreement.pk)

    with pytest.raises(NotAllowed):
        _version(group, mia, agreement)
    with pytest.raises(NotAllowed):
        services.remove_document(actor=mia, group=group, document_id=agreement.pk)

    agreement.refresh_from_db()
    assert (agreement.is_agreement, agreement.current.number) == (True, 1)


# --- the daily clean-up ----------------------------------------------------------------------


def _at(zone: str, day, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(
        day.year, day.month, day.day, hour, minute, second, tzinfo=zoneinfo.ZoneInfo(zone)
    )


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """One run of the daily clean-up at ``now``, committed (its files deleted on commit)."""

    def run(now) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return services.remove_expired_documents(now=now)

    return run


def test_remove_expired_documents_follows_each_groups_calendar(sweep, media):
    auckland = group_of([("Aroha Author", Role.ORGANIZER)], time_zone="Pacific/Auckland")
    los_angeles = group_of([("Lou Author", Role.ORGANIZER)], time_zone="America/Los_Angeles")
    last_day = timezone.now().date() + timedelta(days=10)
    in_auckland = _add(auckland, person(auckland, "Aroha Author"), available_until=last_day)
    in_los_angeles = _add(los_angeles, person(los_angeles, "Lou Author"), available_until=last_day)
    next_day = last_day + timedelta(days=1)

    # The last minute of the last day in Auckland: nothing is due anywhere.
    assert sweep(_at("Pacific/Auckland", last_day, 23, 59)) == 0
    assert Document.objects.count() == 2
    # Just after midnight in Auckland: the last day is over there, not in Los Angeles (where it
    # is the morning of the last day).
    assert sweep(_at("Pacific/Auckland", next_day, 0, 0, 1)) == 1
    assert list(Document.objects.all()) == [in_los_angeles]
    assert _stored(media) == [in_los_angeles.current.file.name]
    # The last second of the last day in Los Angeles: still there.
    assert sweep(_at("America/Los_Angeles", last_day, 23, 59, 59)) == 0
    assert list(Document.objects.all()) == [in_los_angeles]
    # Just after midnight in Los Angeles.
    assert sweep(_at("America/Los_Angeles", next_day, 0, 0, 1)) == 1

    assert (Document.objects.count(), DocumentVersion.objects.count()) == (0, 0)
    assert _stored(media) == []
    entries = AuditEntry.objects.filter(verb="document.expired").order_by("id")
    assert [(e.actor, e.group, e.object_id) for e in entries] == [
        (None, auckland, str(in_auckland.pk)),
        (None, los_angeles, str(in_los_angeles.pk)),
    ]
    assert sweep(_at("America/Los_Angeles", next_day, 1)) == 0  # safe to run twice


def test_remove_expired_documents_deletes_removed_ones_after_30_days(
    group, organizer, mia, media, sweep
):
    document = _add(group, mia)
    mine = _add(group, mia, title="Still in the library")
    services.remove_document(actor=organizer, group=group, document_id=document.pk)
    removed_at = Document.objects.get(pk=document.pk).removed_at
    assert timedelta(days=30) == DOCUMENT_KEPT_FOR_AUTHOR

    assert sweep(removed_at + timedelta(days=30)) == 0
    assert selectors.kept_document_for(mia, document.pk) == document

    after = sweep(removed_at + timedelta(days=30, seconds=1))

    assert after == 1
    assert list(Document.objects.all()) == [mine]
    assert _stored(media) == [mine.current.file.name]
    with pytest.raises(Http404):
        selectors.kept_document_for(mia, document.pk)
    entry = AuditEntry.objects.get(verb="document.deleted")
    assert (entry.actor, entry.subject, entry.object_id) == (None, mia, str(document.pk))
    assert sweep(removed_at + timedelta(days=30, seconds=2)) == 0  # safe to run twice
    assert AuditEntry.objects.filter(verb="document.deleted").count() == 1


def test_remove_expired_documents_keeps_documents_without_a_last_day(group, mia):
    _add(group, mia)

    assert services.remove_expired_documents(now=timezone.now() + timedelta(days=3650)) == 0
    assert Document.objects.count() == 1


def test_a_document_past_its_last_day_leaves_the_library_before_it_is_deleted(group, mia):
    document = _add(group, mia, available_until=_group_today(group))
    assert list(selectors.documents_for(group)) == [document]

    Document.objects.filter(pk=document.pk).update(
        available_until=_group_today(group) - timedelta(days=1)
    )

    assert list(selectors.documents_for(group)) == []
    with pytest.raises(Http404):
        selectors.document_for(mia, group.slug, document.pk)


# --- what a removal keeps, and for whom (review mends) ----------------------------------------


def test_a_removed_document_keeps_only_the_versions_its_author_uploaded(
    group, organizer, mia, media, django_capture_on_commit_callbacks
):
    document = _add(group, mia)
    organizers_version = _version(group, organizer, document)
    organizers_file = organizers_version.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_document(actor=organizer, group=group, document_id=document.pk)

    kept = selectors.kept_document_for(mia, document.pk)
    assert [(v.number, v.uploaded_by) for v in selectors.versions_of(kept)] == [(1, mia)]
    assert kept.current.number == 1
    assert not default_storage.exists(organizers_file)


def test_a_former_member_is_not_told_of_a_new_version(
    group, organizer, mia, django_capture_on_commit_callbacks, mailoutbox
):
    document = _add(group, mia)
    Membership.objects.filter(group=group, user=mia).delete()

    with django_capture_on_commit_callbacks(execute=True):
        _version(group, organizer, document)

    assert mailoutbox == []


def test_clearing_when_there_is_no_agreement_changes_and_logs_nothing(group, organizer):
    assert services.choose_agreement(actor=organizer, group=group, document_id=None) is None
    assert not AuditEntry.objects.filter(verb__startswith="agreement.").exists()


def test_the_typed_title_passes_the_guard_in_the_service_too(group, mia):
    with pytest.raises(IdentifiersFound):
        _add(group, mia, title="Notes on Maria Lopez, born 03/04/1980")

    assert Document.objects.count() == 0
