"""Members-only documents in the group's library, and its confidentiality agreement.

A document keeps every version it had; the newest is ``Document.current``. Files are checked
from their content (``config.uploads``) and their words pass the de-identification guard
before anything is stored; a file is written to storage only when everything else is in order,
and removed again if the database refuses what follows.

Who may do what (``groups/rules.py``): any member adds; the colleague who added a document, or
an organizer, changes it, uploads a new version or removes it; organizers choose which document
is the group's confidentiality agreement. When an organizer replaces or removes what a
colleague added, that colleague is told (one e-mail; never the organizer).

The agreement: members accept its current version on joining and on each new version, the way
they accept the ground rules (``groups.access``); whoever uploads a version or chooses the
agreement has accepted it.
"""

import logging
import zoneinfo
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import pagecache
from config.access import check
from config.guard import check_free_text, confirmation_summary
from config.uploads import (
    DOCUMENT_KINDS,
    CheckedUpload,
    UploadRejected,
    delete_on_commit,
    discard,
    inspect_upload,
)
from groups import notifications
from groups.models import (
    DOCUMENT_KEPT_FOR_AUTHOR,
    Document,
    DocumentVersion,
    Group,
    Membership,
)
from groups.services.base import GroupActionError
from members.models import User
from members.services import record_audit

__all__ = [
    "KEPT_FOR_AUTHOR",
    "accept_agreement",
    "add_document",
    "add_version",
    "checked_file",
    "choose_agreement",
    "erase_kept_for",
    "kept_for_author",
    "remove_document",
    "remove_expired_documents",
    "update_document",
]

log = logging.getLogger(__name__)

GONE = gettext_lazy("That document is no longer in the library.")
KEPT_FOR_AUTHOR = DOCUMENT_KEPT_FOR_AUTHOR
AGREEMENT_STAYS = gettext_lazy(
    "The confidentiality agreement stays in the library: it cannot have a last day. Clear "
    "the date, or choose another document as the agreement first."
)


def checked_file(upload, confirmed: Iterable[str] = ()) -> tuple[CheckedUpload, list]:
    """What the upload is (``config.uploads``) and the guard's findings in its name and words,
    all confirmed. Raises ``ValidationError`` on the ``file`` field (the file is refused) or
    ``IdentifiersFound`` (a possible identifier not confirmed)."""
    try:
        checked = inspect_upload(upload, kinds=DOCUMENT_KINDS)
    except UploadRejected as exc:
        raise ValidationError({"file": exc.messages}) from exc
    findings = check_free_text(
        {"file": f"{checked.name.rpartition('.')[0]}\n{checked.text}"}, ["file"], confirmed
    )
    return checked, findings


def _guard_typed(data: dict[str, str], confirmed: Iterable[str]) -> list:
    """The typed fields (title, description, note) pass the guard here too, whoever calls."""
    return check_free_text(data, list(data), confirmed)


def _check_date(group: Group, available_until: date | None, *, agreement: bool) -> None:
    if available_until is None:
        return
    if agreement:
        raise ValidationError({"available_until": AGREEMENT_STAYS})
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(group.time_zone))
    if available_until < today:
        raise ValidationError(
            {"available_until": _("Choose today or a later day: this day has passed.")}
        )


def _store(document: Document, upload, checked: CheckedUpload, *, actor, number, note=""):
    """Write the file and its version row; the file is deleted again if the row is refused."""
    version = DocumentVersion(
        document=document,
        number=number,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        note=note.strip(),
        uploaded_by=actor,
    )
    version.file.save(checked.name, upload, save=False)
    try:
        version.full_clean()
        version.save()
    except Exception:
        discard(version.file.name)
        raise
    return version


@contextmanager
def _file_removed_on_error(version: DocumentVersion):
    """Whatever fails after the file was stored takes the file with it (the rows roll back)."""
    try:
        yield
    except Exception:
        discard(version.file.name)
        raise


def _accept_for(actor: User, group: Group, version: DocumentVersion) -> None:
    with pagecache.announced(Membership, [f"g:{group.pk}", f"u:{actor.pk}"]):
        Membership.objects.filter(group=group, user=actor).update(
            agreement_version=version, agreement_accepted_at=timezone.now()
        )


def kept_for_author(document: Document, actor: User) -> bool:
    """Whether removing ``document`` now keeps it for its author (and tells them): when
    someone else removes it and the author still has an account."""
    author = document.added_by
    return author is not None and author.pk != actor.pk and author.is_active


def _locked_document(group: Group, document_id: int) -> Document:
    document = (
        Document.objects.select_for_update(of=("self",))
        .filter(group=group, pk=document_id, removed_at__isnull=True)
        .select_related("added_by")
        .first()
    )
    if document is None:
        raise GroupActionError(GONE)
    document.group = group  # the rules read the actor's role in this group
    return document


@transaction.atomic
def add_document(
    *,
    actor: User,
    group: Group,
    title: str,
    upload,
    description: str = "",
    available_until: date | None = None,
    confirmed: Iterable[str] = (),
) -> Document:
    """Add a file to the group's library as a new document (its version 1)."""
    check(actor, "groups.add_document", group)
    _check_date(group, available_until, agreement=False)
    typed = _guard_typed({"title": title, "description": description}, confirmed)
    checked, findings = checked_file(upload, confirmed)
    now = timezone.now()
    document = Document(
        group=group,
        title=title.strip(),
        description=description.strip(),
        added_by=actor,
        available_until=available_until,
        created_at=now,
        updated_at=now,
    )
    document.full_clean()
    document.save()
    version = _store(document, upload, checked, actor=actor, number=1)
    with _file_removed_on_error(version):
        document.current = version
        document.save(update_fields=["current"])
        record_audit(
            actor=actor,
            verb="document.added",
            group=group,
            obj=document,
            data={
                "title": document.title,
                "kind": checked.kind.key,
                "size": checked.size,
                **confirmation_summary([*typed, *findings]),
            },
        )
    return document


@transaction.atomic
def add_version(
    *,
    actor: User,
    group: Group,
    document_id: int,
    upload,
    note: str = "",
    confirmed: Iterable[str] = (),
) -> DocumentVersion:
    """A new version of a document; the earlier ones are kept. For the agreement, every member
    but the uploader accepts the new version on their next visit; a colleague whose document an
    organizer replaced is told."""
    document = _locked_document(group, document_id)
    check(actor, "groups.change_document", document)
    typed = _guard_typed({"note": note}, confirmed)
    checked, findings = checked_file(upload, confirmed)
    latest = document.versions.aggregate(latest=Max("number"))["latest"] or 0
    version = _store(document, upload, checked, actor=actor, number=latest + 1, note=note)
    with _file_removed_on_error(version):
        document.current = version
        document.updated_at = version.uploaded_at
        document.save(update_fields=["current", "updated_at"])
        if document.is_agreement:
            _accept_for(actor, group, version)
        if _author_is_member(document, actor):
            notifications.document_replaced(version=version, actor=actor)
        record_audit(
            actor=actor,
            verb="document.version_added",
            subject=document.added_by if document.added_by_id != actor.pk else None,
            group=group,
            obj=document,
            data={
                "title": document.title,
                "version": version.number,
                "kind": checked.kind.key,
                **confirmation_summary([*typed, *findings]),
            },
        )
    return version


def _author_is_member(document: Document, actor: User) -> bool:
    """Someone other than the actor added the document and is still in its group: they are
    the one to tell when it changes."""
    author_id = document.added_by_id
    return (
        author_id not in (None, actor.pk)
        and Membership.objects.filter(group_id=document.group_id, user_id=author_id).exists()
    )


@transaction.atomic
def update_document(
    *,
    actor: User,
    group: Group,
    document_id: int,
    title: str,
    description: str = "",
    available_until: date | None = None,
    confirmed: Iterable[str] = (),
) -> Document:
    """Change a document's title, description or last day in the library. Only its author
    gives it a last day or brings that day closer: an organizer who wants a colleague's document
    gone removes it, which keeps it for them and tells them."""
    document = _locked_document(group, document_id)
    check(actor, "groups.change_document", document)
    _check_date(group, available_until, agreement=document.is_agreement)
    sooner = available_until is not None and (
        document.available_until is None or available_until < document.available_until
    )
    if sooner and document.added_by_id not in (None, actor.pk):
        raise ValidationError(
            {
                "available_until": _(
                    "Only %(name)s, who added it, can give it a last day or bring that day "
                    "closer. To take it out of the library now, remove it: they are told, and "
                    "it is kept for them for 30 days."
                )
                % {"name": document.added_by}
            }
        )
    _guard_typed({"title": title, "description": description}, confirmed)
    old = (document.title, document.description, document.available_until)
    document.title, document.description = title.strip(), description.strip()
    document.available_until = available_until
    if old == (document.title, document.description, document.available_until):
        return document
    document.updated_at = timezone.now()
    document.full_clean()
    document.save(update_fields=["title", "description", "available_until", "updated_at"])
    record_audit(
        actor=actor,
        verb="document.changed",
        subject=document.added_by if document.added_by_id != actor.pk else None,
        group=group,
        obj=document,
        data={"title": document.title, "available_until": str(available_until or "")},
    )
    return document


@transaction.atomic
def remove_document(*, actor: User, group: Group, document_id: int) -> Document:
    """Take a document out of the library (the page asks first).

    Removing one's own document deletes it and its files once this commits. When an organizer
    removes a colleague's document, the colleague is told and may still download every version
    for ``KEPT_FOR_AUTHOR``; only then is it deleted (``remove_expired_documents``). Returns
    the document (``removed_at`` set when it is kept for its author)."""
    document = _locked_document(group, document_id)
    check(actor, "groups.remove_document", document)
    author = document.added_by
    for_author = kept_for_author(document, actor)
    record_audit(
        actor=actor,
        verb="document.removed",
        subject=author if author is not None and author.pk != actor.pk else None,
        group=group,
        obj=document,
        data={
            "title": document.title,
            "kept_for_author": for_author,
            "was_agreement": document.is_agreement,
        },
    )
    if not for_author:
        _delete(document)
        return document
    # What others uploaded is not the author's: only their own versions are kept for them.
    theirs = document.versions.filter(uploaded_by=author).order_by("-number")
    others = document.versions.exclude(pk__in=theirs.values("pk"))
    delete_on_commit(list(others.values_list("file", flat=True)))
    with pagecache.announced(Membership, [f"g:{document.group_id}"]):
        Membership.objects.filter(agreement_version__document=document).update(
            agreement_version=None, agreement_accepted_at=None
        )
    others.delete()
    document.current = theirs.first()
    document.removed_at = timezone.now()
    document.is_agreement = False
    document.available_until = None
    document.save(update_fields=["current", "removed_at", "is_agreement", "available_until"])
    notifications.document_removed(document=document, actor=actor)
    return document


def _delete(document: Document) -> None:
    files = list(document.versions.values_list("file", flat=True))
    Membership.objects.filter(agreement_version__document=document).update(
        agreement_version=None, agreement_accepted_at=None
    )
    Document.objects.filter(pk=document.pk).update(current=None)
    document.delete()
    delete_on_commit(files)


@transaction.atomic
def choose_agreement(*, actor: User, group: Group, document_id: int | None) -> Document | None:
    """Make a document the group's confidentiality agreement (None: the group has none). The
    organizer who chose it has accepted it; every other member accepts it on their next
    visit."""
    check(actor, "groups.choose_agreement", group)
    # The group's row lock: two organizers choosing at once take turns (one agreement a group).
    Group.objects.select_for_update(of=("self",)).filter(pk=group.pk).first()
    chosen = _locked_document(group, document_id) if document_id is not None else None
    if chosen is not None and chosen.available_until is not None:
        raise GroupActionError(AGREEMENT_STAYS)
    previous = (
        Document.objects.select_for_update(of=("self",))
        .filter(group=group, is_agreement=True)
        .first()
    )
    if (previous.pk if previous else None) == (chosen.pk if chosen else None):
        return chosen  # nothing changes
    if previous is not None:
        previous.is_agreement = False
        previous.save(update_fields=["is_agreement"])
    if chosen is not None:
        chosen.is_agreement = True
        chosen.save(update_fields=["is_agreement"])
        _accept_for(actor, group, chosen.current)
    record_audit(
        actor=actor,
        verb="agreement.chosen" if chosen is not None else "agreement.cleared",
        group=group,
        obj=chosen or previous,
        data={"title": (chosen or previous).title if (chosen or previous) else ""},
    )
    return chosen


@transaction.atomic
def accept_agreement(*, user: User, group: Group, version_id: int) -> Membership:
    """Record that a member accepted this version of the group's confidentiality agreement."""
    membership = (
        Membership.objects.select_for_update(of=("self",)).filter(group=group, user=user).first()
    )
    if membership is None:
        raise GroupActionError(_("Only the group's members accept its confidentiality agreement."))
    version = (
        DocumentVersion.objects.filter(
            pk=version_id, document__group=group, document__is_agreement=True
        )
        .select_related("document")
        .first()
    )
    if version is None or version.document.current_id != version.pk:
        raise GroupActionError(
            _("The agreement changed while you were reading it. Please read the current version.")
        )
    membership.agreement_version = version
    membership.agreement_accepted_at = timezone.now()
    membership.save(update_fields=["agreement_version", "agreement_accepted_at"])
    record_audit(
        actor=user,
        verb="agreement.accepted",
        subject=user,
        group=group,
        obj=membership,
        data={"title": version.document.title, "version": version.number},
    )
    return membership


def erase_kept_for(*, user: User) -> int:
    """On account deletion: the documents kept for this person alone (taken out of a library
    by an organizer) are deleted now, with their files. What they added to libraries that is
    still there stays for the group. Returns how many were deleted."""
    kept = list(
        Document.objects.select_for_update().filter(added_by=user, removed_at__isnull=False)
    )
    for document in kept:
        _delete(document)
    return len(kept)


def remove_expired_documents(*, now=None) -> int:
    """Delete every document whose last day in the library has ended in its group's zone, and
    every removed one kept for its author longer than ``KEPT_FOR_AUTHOR``. Each in its own
    transaction, under its row lock; safe to run twice. Returns how many were deleted."""
    now = now or timezone.now()
    # The zone furthest ahead is 14 hours ahead of UTC: no document past its last day is missed.
    latest_today = timezone.localdate(now, timezone=zoneinfo.ZoneInfo("Etc/GMT-14"))
    candidates = Document.objects.filter(
        Q(available_until__lt=latest_today) | Q(removed_at__lt=now - KEPT_FOR_AUTHOR)
    ).values_list("pk", flat=True)
    deleted = 0
    for pk in list(candidates):
        with transaction.atomic():
            document = (
                Document.objects.select_for_update(of=("self",))
                .select_related("group")
                .filter(pk=pk)
                .first()
            )
            if document is None or not _is_due(document, now):
                continue
            record_audit(
                actor=None,
                verb="document.expired" if document.removed_at is None else "document.deleted",
                subject=document.added_by,
                group=document.group,
                obj=document,
                data={"title": document.title},
            )
            _delete(document)
            deleted += 1
    return deleted


def _is_due(document: Document, now) -> bool:
    if document.removed_at is not None:
        return document.removed_at < now - KEPT_FOR_AUTHOR
    if document.available_until is None:
        return False
    today = timezone.localdate(now, timezone=zoneinfo.ZoneInfo(document.group.time_zone))
    return document.available_until < today
