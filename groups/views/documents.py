"""Members-only documents in the group's library, and the confidentiality agreement.

Files are never on a public path: every download goes through ``serve_version``, after the
selector has found the document among those of a group the person belongs to (404 to anyone
else, the same as for a document that does not exist). The agreement's own pages pass the
agreement gate (``ground_rules=False``): they are how a member reads and accepts it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import DomainError
from config.guard import IdentifiersFound
from config.redirects import safe_next
from config.uploads import file_response
from groups import selectors
from groups.access import permission_required
from groups.document_forms import (
    AcceptAgreementForm,
    DocumentDetailsForm,
    DocumentForm,
    DocumentVersionForm,
)
from groups.models import DocumentVersion
from groups.services import documents as services
from members.services import record_confirmations

PAGE_SIZE = 20


def serve_version(request, version: DocumentVersion):
    """Stream one stored version (``config.uploads.file_response``)."""
    return file_response(
        request, version.file, name=version.name, content_type=version.content_type
    )


def _record(request, form, document) -> None:
    """The typed fields' confirmed findings, in the log (the file's are in the service's)."""
    record_confirmations(
        actor=request.user,
        summary=form.guard_summary(),
        what="document",
        group=document.group,
        obj=document,
    )


def _save_errors(form, exc: Exception) -> None:
    if isinstance(exc, IdentifiersFound):
        field = exc.findings[0].field if exc.findings else None
        form.add_error(field if field in form.fields else None, str(exc))
    elif isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, str(exc))


@permission_required("groups.view_members_area", selectors.group_for)
@require_http_methods(["GET", "POST"])
def library(request, group, *, slug):
    posted = request.method == "POST"
    form = DocumentForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.add_document(
                actor=request.user,
                group=group,
                title=data["title"],
                description=data["description"],
                available_until=data["available_until"],
                upload=data["file"],
                confirmed=form.confirmations(),
            )
        except (DomainError, ValidationError, IdentifiersFound) as exc:
            _save_errors(form, exc)
        else:
            _record(request, form, document)
            messages.success(
                request, _("Thank you for sharing “%(title)s”.") % {"title": document.title}
            )
            return redirect("groups:documents", slug=group.slug)
    return render(request, "groups/documents.html", _library_context(request, group, form))


def _library_context(request, group, form) -> dict:
    query = request.GET.get("q", "").strip()[:100]
    documents = selectors.documents_for(group, q=query)
    return {
        "group": group,
        "form": form,
        "q": query,
        "filter_query": urlencode({"q": query}) if query else "",
        "page": Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page")),
    }


@permission_required("groups.view_members_area", selectors.document_for)
@require_GET
def document(request, document, *, slug, pk):
    return render(
        request,
        "groups/document.html",
        {
            "group": document.group,
            "document": document,
            "versions": selectors.versions_of(document),
            "acceptance": selectors.agreement_acceptance(document),
        },
    )


@permission_required("groups.view_members_area", selectors.document_for)
@require_GET
def download(request, document, *, slug, pk, number):
    return serve_version(request, selectors.version_of(document, number))


@permission_required("groups.change_document", selectors.document_for)
@require_http_methods(["GET", "POST"])
def edit(request, document, *, slug, pk):
    initial = {
        "title": document.title,
        "description": document.description,
        "available_until": document.available_until,
    }
    form = DocumentDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_document(
                actor=request.user,
                group=document.group,
                document_id=document.pk,
                confirmed=form.confirmations(),
                **form.cleaned_data,
            )
        except (DomainError, ValidationError, IdentifiersFound) as exc:
            _save_errors(form, exc)
        else:
            _record(request, form, document)
            messages.success(request, _("The document's details are saved."))
            return redirect("groups:document", slug=slug, pk=pk)
    return render(
        request,
        "groups/document_edit.html",
        {"group": document.group, "document": document, "form": form},
    )


@permission_required("groups.change_document", selectors.document_for)
@require_http_methods(["GET", "POST"])
def new_version(request, document, *, slug, pk):
    posted = request.method == "POST"
    form = DocumentVersionForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            version = services.add_version(
                actor=request.user,
                group=document.group,
                document_id=document.pk,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
                confirmed=form.confirmations(),
            )
        except (DomainError, ValidationError, IdentifiersFound) as exc:
            _save_errors(form, exc)
        else:
            _record(request, form, document)
            messages.success(
                request,
                _("Version %(number)s of “%(title)s” is up.")
                % {"number": version.number, "title": document.title},
            )
            return redirect("groups:document", slug=slug, pk=pk)
    return render(
        request,
        "groups/document_version.html",
        {"group": document.group, "document": document, "form": form},
    )


@permission_required("groups.remove_document", selectors.document_for)
@require_http_methods(["GET", "POST"])
def remove(request, document, *, slug, pk):
    if request.method == "POST":
        try:
            services.remove_document(actor=request.user, group=document.group, document_id=pk)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("“%(title)s” is no longer in the library.") % {"title": document.title}
            )
        return redirect("groups:documents", slug=slug)
    return render(
        request,
        "groups/document_remove.html",
        {
            "group": document.group,
            "document": document,
            "versions": selectors.versions_of(document),
            "kept_for_author": services.kept_for_author(document, request.user),
        },
    )


@permission_required("groups.choose_agreement", selectors.document_for)
@require_POST
def choose_agreement(request, document, *, slug, pk):
    """Make this document the agreement (``agreement=1``) or stop having one (anything else)."""
    chosen = request.POST.get("agreement") == "1"
    if not chosen and not document.is_agreement:
        messages.info(
            request,
            _("“%(title)s” is not the group's agreement: nothing changed.")
            % {"title": document.title},
        )
        return redirect("groups:document", slug=slug, pk=pk)
    try:
        services.choose_agreement(
            actor=request.user, group=document.group, document_id=document.pk if chosen else None
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "“%(title)s” is now the group's confidentiality agreement. Every other "
                "member is asked to read and accept it on their next visit."
            )
            % {"title": document.title}
            if chosen
            else _("The group no longer asks members to accept a confidentiality agreement."),
        )
    return redirect("groups:document", slug=slug, pk=pk)


@permission_required("groups.view_members_area", selectors.agreement_for, ground_rules=False)
@require_http_methods(["GET", "POST"])
def accept_agreement(request, agreement, *, slug):
    group = agreement.group
    form = AcceptAgreementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_agreement(
                user=request.user, group=group, version_id=int(request.POST.get("version", 0))
            )
        except (DomainError, ValueError) as exc:
            messages.error(
                request, str(exc) if isinstance(exc, DomainError) else _("Please try again.")
            )
            return redirect("groups:accept_agreement", slug=slug)
        messages.success(request, _("Thank you. The group's pages are open to you."))
        return redirect(safe_next(request, group.get_absolute_url()))
    membership = group.viewer_membership
    return render(
        request,
        "groups/accept_agreement.html",
        {
            "group": group,
            "agreement": agreement,
            "version": agreement.current,
            "form": form,
            "accepted": not selectors.needs_agreement_acceptance(membership),
            "previous_number": selectors.accepted_agreement_number(membership),
            "next": request.GET.get("next", ""),
        },
    )


@permission_required("groups.view_members_area", selectors.agreement_for, ground_rules=False)
@require_GET
def agreement_file(request, agreement, *, slug):
    return serve_version(request, agreement.current)


@login_required
@require_GET
def kept(request, pk):
    """A document an organizer took out of a library, for the colleague who added it."""
    document = selectors.kept_document_for(request.user, pk)
    return render(
        request,
        "groups/document_kept.html",
        {
            "document": document,
            "versions": selectors.versions_of(document),
            "kept_until": document.removed_at + services.KEPT_FOR_AUTHOR,
        },
    )


@login_required
@require_GET
def kept_download(request, pk, number):
    document = selectors.kept_document_for(request.user, pk)
    return serve_version(request, selectors.version_of(document, number))
