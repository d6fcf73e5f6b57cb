"""The pages of a group's members-only documents and its confidentiality agreement: the
library, uploading (bad files and possible identifiers said beside the file field, nothing
stored), downloads, the agreement gate, changing, new versions, removal, and what an author
keeps after an organizer removed their document. Members only: 404 to everyone else."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode

import config.uploads
from groups import services as group_services
from groups.enums import MembershipPolicy, Role
from groups.models import Document, DocumentVersion, Membership
from groups.services import documents as services
from members.models import AuditEntry, User
from tests.factories import (
    AdminFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
    group_of,
    person,
)
from tests.uploads import docx, encrypted_pdf, image, pdf, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IDENTIFYING = "Client Maria Lopez was born 03/04/1980"
IDENTIFYING_KEYS = ["file|name|Maria Lopez", "file|date|03/04/1980"]
ACCEPTED = (
    "PDF, Word document, OpenDocument text, JPEG picture, PNG picture, GIF picture or WebP "
    "picture files"
)
NO_STORE = "private, no-store"


@pytest.fixture
def group():
    return group_of(
        [
            ("Olga Organizer", Role.ORGANIZER),
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
def mia(group):
    return person(group, "Mia Member")


@pytest.fixture
def max_(group):
    return person(group, "Max Member")


def _url(name, group, *args, **query):
    url = reverse(f"groups:{name}", args=[group.slug, *args])
    return f"{url}?{urlencode(query)}" if query else url


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _stored(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def _add(group, actor, *, title="Case template", name="case-template.docx", data=None, **kw):
    data = data if data is not None else docx("Presenting question", "What I tried so far")
    return services.add_document(
        actor=actor, group=group, title=title, upload=upload(name, data), **kw
    )


def _version(group, actor, document, *, name="case-template.pdf", data=None, **kw):
    data = data if data is not None else pdf("Presenting question, second draft")
    return services.add_version(
        actor=actor, group=group, document_id=document.pk, upload=upload(name, data), **kw
    )


def _agreement(group, organizer, **kw) -> Document:
    """The group's confidentiality agreement, chosen by its organizer (who has accepted it)."""
    document = _add(
        group,
        organizer,
        title="Confidentiality agreement",
        name="agreement.pdf",
        data=pdf("What is said in the group stays in the group."),
        **kw,
    )
    services.choose_agreement(actor=organizer, group=group, document_id=document.pk)
    document.refresh_from_db()
    return document


def _form(**fields) -> dict:
    data = {
        "title": "Case template",
        "description": "For case presentations.",
        "available_until": "",
        "file": upload("case-template.docx", docx("Presenting question")),
    }
    return data | fields


def _titles(response) -> list[str]:
    return [d.title for d in response.context["page"].object_list]


def _redirect_to_accept(page: str, group, path: str) -> str:
    return f"{_url(page, group)}?{urlencode({'next': path})}"


# --- the library ---------------------------------------------------------------------------


def test_library_lists_the_agreement_first_then_the_newest(client, group, organizer, mia):
    handout = _add(group, mia, title="Burnout handout", name="handout.pdf", data=pdf("Rest"))
    template = _add(group, mia, description="Use it for every case.")
    agreement = _agreement(group, organizer)
    services.accept_agreement(user=mia, group=group, version_id=agreement.current_id)
    client.force_login(mia)

    response = client.get(_url("documents", group))

    assert response.status_code == 200
    assert _titles(response) == ["Confidentiality agreement", "Case template", "Burnout handout"]
    text = _text(response)
    assert "3 documents in the library" in text
    assert "Use it for every case." in text
    assert "Word document, " in text and "· added by Mia Member" in text
    html = response.content.decode()
    for document in (handout, template, agreement):
        assert f'href="{_url("document_download", group, document.pk, 1)}"' in html
        assert f'href="{_url("document", group, document.pk)}"' in html


def test_library_search_matches_title_or_description(client, group, mia):
    _add(group, mia, title="Burnout handout", name="handout.pdf", data=pdf("Rest"))
    _add(group, mia, description="For presentations of a case.")
    client.force_login(mia)

    by_title = client.get(_url("documents", group, q="BURNOUT"))
    by_description = client.get(_url("documents", group, q="presentations"))
    nothing = client.get(_url("documents", group, q="hypnosis"))

    assert _titles(by_title) == ["Burnout handout"]
    assert "1 document matches" in _text(by_title)
    assert _titles(by_description) == ["Case template"]
    assert _titles(nothing) == []
    assert "No document matches that search" in _text(nothing)


def test_library_hides_removed_documents_and_those_past_their_last_day(
    client, group, organizer, mia
):
    _add(group, mia, title="Still here")
    removed = _add(group, mia, title="Removed by the organizer")
    services.remove_document(actor=organizer, group=group, document_id=removed.pk)
    expired = _add(group, mia, title="Past its last day")
    Document.objects.filter(pk=expired.pk).update(
        available_until=timezone.localdate() - timedelta(days=2)
    )
    client.force_login(mia)

    response = client.get(_url("documents", group))

    assert _titles(response) == ["Still here"]
    for gone in (removed, expired):
        assert client.get(_url("document", group, gone.pk)).status_code == 404
        assert client.get(_url("document_download", group, gone.pk, 1)).status_code == 404


def test_library_paginates_by_twenty(client, group, mia):
    for n in range(21):
        _add(group, mia, title=f"Handout {n:02d}", data=docx(f"Part {n}"))
    client.force_login(mia)

    first = client.get(_url("documents", group))
    second = client.get(_url("documents", group, page=2))

    assert _titles(first) == [f"Handout {n:02d}" for n in range(20, 0, -1)]
    assert _titles(second) == ["Handout 00"]
    assert "21 documents in the library" in _text(first)


def test_library_tabs_link_links_and_documents(client, group, mia):
    client.force_login(mia)

    links = client.get(_url("resources", group)).content.decode()
    documents = client.get(_url("documents", group)).content.decode()

    assert f'href="{_url("documents", group)}">Documents</a>' in links
    assert f'href="{_url("resources", group)}">Links</a>' in documents


# --- uploading through the page ---------------------------------------------------------------


def test_upload_through_the_page_saves_the_document(client, group, mia, media):
    data = docx("Presenting question", "What I tried")
    until = timezone.localdate() + timedelta(days=30)
    client.force_login(mia)

    response = client.post(
        _url("documents", group),
        _form(file=upload("case-template.docx", data), available_until=until.isoformat()),
    )

    assert response.status_code == 302
    assert response.url == _url("documents", group)
    assert _messages(response) == ["Thank you for sharing “Case template”."]
    document = Document.objects.get()
    assert (document.group, document.added_by, document.title, document.description) == (
        group,
        mia,
        "Case template",
        "For case presentations.",
    )
    assert document.available_until == until
    version = document.current
    assert (version.number, version.name, version.content_type, version.size) == (
        1,
        "case-template.docx",
        DOCX,
        len(data),
    )
    assert _stored(media) == [version.file.name]
    download = client.get(_url("document_download", group, document.pk, 1))
    assert _body(download) == data
    assert AuditEntry.objects.filter(verb="document.added", actor=mia).count() == 1


BAD_UPLOADS = [
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
        ".pdf",
        pdf("Hello"),
        "The file's name is only an extension. Give it a name and choose it again.",
        id="only-an-extension",
    ),
]


def _error_beside_file(message: str) -> str:
    """The file field's error block as the page shows it (whitespace folded, as ``_text``)."""
    html = (
        '<div id="id_file_error" class="invalid-feedback"> <p id="error_1_id_file"><strong>'
        f"{escape(message)}</strong></p> </div>"
    )
    return " ".join(html.split())


@pytest.mark.parametrize(("name", "data", "message"), BAD_UPLOADS)
def test_upload_bad_file_is_said_beside_the_file_field_and_nothing_is_stored(
    client, group, mia, media, name, data, message
):
    client.force_login(mia)

    response = client.post(_url("documents", group), _form(file=upload(name, data)))

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert _error_beside_file(message) in _text(response)
    assert (Document.objects.count(), DocumentVersion.objects.count()) == (0, 0)
    assert _stored(media) == []


def test_upload_too_large_is_said_beside_the_file_field(client, group, mia, media, monkeypatch):
    data = pdf("A handout that is a little too long")
    monkeypatch.setattr(config.uploads, "MAX_UPLOAD_BYTES", len(data) - 1)
    client.force_login(mia)

    response = client.post(_url("documents", group), _form(file=upload("handout.pdf", data)))

    assert response.context["form"].errors == {"file": [config.uploads.TOO_LARGE]}
    assert _error_beside_file(config.uploads.TOO_LARGE) in _text(response)
    assert (Document.objects.count(), _stored(media)) == (0, [])


def test_upload_without_title_or_file_is_refused(client, group, mia, media):
    client.force_login(mia)

    response = client.post(_url("documents", group), {"title": "", "description": ""})

    assert response.context["form"].errors == {
        "title": ["This field is required."],
        "file": ["Choose a file."],
    }
    assert (Document.objects.count(), _stored(media)) == (0, [])


def test_upload_with_a_past_last_day_is_said_beside_the_date(client, group, mia, media):
    client.force_login(mia)
    yesterday = timezone.localdate() - timedelta(days=2)

    response = client.post(_url("documents", group), _form(available_until=yesterday.isoformat()))

    assert response.context["form"].errors == {
        "available_until": ["Choose today or a later day: this day has passed."]
    }
    assert (Document.objects.count(), _stored(media)) == (0, [])


def test_upload_with_identifiers_is_refused_with_a_box_to_confirm_each(client, group, mia, media):
    client.force_login(mia)

    response = client.post(
        _url("documents", group), _form(file=upload("intake.pdf", pdf(IDENTIFYING)))
    )

    assert response.status_code == 200
    message = "This file may identify a client: “Maria Lopez” (name), “03/04/1980” (date)."
    assert response.context["form"].errors == {"file": [message]}
    assert _error_beside_file(message) in _text(response)
    assert [f.key for f in response.context["form"].guard_findings["file"]] == IDENTIFYING_KEYS
    assert (Document.objects.count(), _stored(media)) == (0, [])
    html = response.content.decode()
    boxes = [f'name="file__confirm" value="{escape(key)}"' in html for key in IDENTIFYING_KEYS]
    assert boxes == [True, True], (
        "the guard's findings in an uploaded file are not shown beside the file field: no "
        "'file__confirm' checkbox (nor the highlighted excerpt) is on the page, so a member "
        "cannot confirm them and can never save such a file through the page. "
        "crispy-bootstrap5 renders a file input with bootstrap5/layout/field_file.html, which "
        "builds the <input> from field.subwidgets and never calls the bound field's as_widget(), "
        "where config.guard.GuardedBoundField appends includes/_findings.html."
    )


def test_upload_again_with_every_finding_confirmed_saves_it(client, group, mia, media):
    data = pdf(IDENTIFYING)
    client.force_login(mia)
    client.post(_url("documents", group), _form(file=upload("intake.pdf", data)))

    partly = client.post(
        _url("documents", group),
        _form(file=upload("intake.pdf", data), file__confirm=IDENTIFYING_KEYS[:1]),
    )
    assert partly.context["form"].errors == {
        "file": ["This file may identify a client: “03/04/1980” (date)."]
    }
    assert Document.objects.count() == 0

    response = client.post(
        _url("documents", group),
        _form(
            title="Intake notes", file=upload("intake.pdf", data), file__confirm=IDENTIFYING_KEYS
        ),
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.title, document.current.name, document.current.sha256) == (
        "Intake notes",
        "intake.pdf",
        hashlib.sha256(data).hexdigest(),
    )
    assert _stored(media) == [document.current.file.name]
    confirmed = AuditEntry.objects.get(verb="text.identifiers_confirmed")
    assert (confirmed.actor, confirmed.object_id, confirmed.data) == (
        mia,
        str(document.pk),
        {"confirmed_findings": 2, "confirmed_kinds": {"date": 1, "name": 1}, "in": "document"},
    )


# --- downloads -----------------------------------------------------------------------------


def test_download_pdf_opens_in_the_browser_unless_asked_to_download(client, group, mia):
    data = pdf("Burnout and rest")
    document = _add(group, mia, title="Handout", name="Burnout <handout>.pdf", data=data)
    client.force_login(mia)

    inline = client.get(_url("document_download", group, document.pk, 1))
    attached = client.get(_url("document_download", group, document.pk, 1, download=1))

    name = document.current.name
    assert name == "Burnout _handout.pdf"  # cleaned of what a name should not hold
    for response in (inline, attached):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == NO_STORE
        assert response["X-Content-Type-Options"] == "nosniff"
        assert _body(response) == data
    assert inline["Content-Disposition"] == f'inline; filename="{name}"'
    assert attached["Content-Disposition"] == f'attachment; filename="{name}"'


def test_download_word_document_always_downloads(client, group, mia):
    data = docx("Presenting question")
    document = _add(group, mia, data=data)
    client.force_login(mia)

    response = client.get(_url("document_download", group, document.pk, 1))

    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="case-template.docx"'
    assert response["Cache-Control"] == NO_STORE
    assert _body(response) == data


def test_download_picture_opens_in_the_browser(client, group, mia):
    data = image("PNG")
    document = _add(group, mia, title="Room map", name="room map.png", data=data)
    client.force_login(mia)

    response = client.get(_url("document_download", group, document.pk, 1))

    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "image/png",
        'inline; filename="room map.png"',
    )
    assert _body(response) == data


def test_download_every_version_by_its_number(client, group, mia):
    first, second = docx("First draft"), pdf("Second draft")
    document = _add(group, mia, data=first)
    _version(group, mia, document, name="second.pdf", data=second)
    client.force_login(mia)

    assert _body(client.get(_url("document_download", group, document.pk, 1))) == first
    assert _body(client.get(_url("document_download", group, document.pk, 2))) == second
    assert client.get(_url("document_download", group, document.pk, 3)).status_code == 404


def test_download_of_a_missing_file_is_404(client, group, mia, media):
    document = _add(group, mia)
    (media / document.current.file.name).unlink()
    client.force_login(mia)

    assert client.get(_url("document_download", group, document.pk, 1)).status_code == 404


# --- who may see the documents ---------------------------------------------------------------


def _visitor(group, who):
    if who == "outsider":
        return UserFactory()
    if who == "site_admin":
        return AdminFactory()
    if who == "organizer_of_another_group":
        return person(group_of([("Oscar Other", Role.ORGANIZER)]), "Oscar Other")
    former = MembershipFactory(group=group).user
    group_services.leave_group(user=former, group=group)
    return former


@pytest.mark.parametrize(
    "who", ["outsider", "former_member", "site_admin", "organizer_of_another_group"]
)
def test_documents_are_404_to_non_members(client, group, mia, media, who):
    document = _add(group, mia)
    files = _stored(media)
    client.force_login(_visitor(group, who))

    responses = {
        "list": client.get(_url("documents", group)),
        "detail": client.get(_url("document", group, document.pk)),
        "download": client.get(_url("document_download", group, document.pk, 1)),
        "upload": client.post(_url("documents", group), _form(title="Theirs")),
        "edit": client.get(_url("document_edit", group, document.pk)),
        "remove": client.post(_url("document_remove", group, document.pk)),
    }

    assert {page: r.status_code for page, r in responses.items()} == dict.fromkeys(responses, 404)
    assert list(Document.objects.values_list("title", "removed_at")) == [("Case template", None)]
    assert _stored(media) == files


def test_documents_send_anonymous_visitors_to_sign_in(client, group, mia):
    document = _add(group, mia)

    for url in (
        _url("documents", group),
        _url("document", group, document.pk),
        _url("document_download", group, document.pk, 1),
        _url("accept_agreement", group),
        _url("agreement_file", group),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('account_login')}?next={url}"


def test_a_document_of_another_group_is_404_under_this_groups_address(client, group, mia):
    other = group_of([("Oscar Other", Role.ORGANIZER)])
    theirs = _add(other, person(other, "Oscar Other"))
    client.force_login(mia)

    assert client.get(_url("document", group, theirs.pk)).status_code == 404
    assert client.get(_url("document_download", group, theirs.pk, 1)).status_code == 404
    assert client.get(_url("document_edit", group, theirs.pk)).status_code == 404


# --- the document page -----------------------------------------------------------------------


def test_document_page_lists_every_version_and_the_tools_for_its_author(
    client, group, organizer, mia, max_
):
    document = _add(group, mia)
    _version(group, organizer, document, note="Now a PDF")
    tools = [
        _url("document_new_version", group, document.pk),
        _url("document_edit", group, document.pk),
        _url("document_remove", group, document.pk),
    ]

    pages = {}
    for user in (mia, max_, organizer):
        client.force_login(user)
        pages[user] = client.get(_url("document", group, document.pk))

    response = pages[mia]
    assert [(v.number, v.name, v.note) for v in response.context["versions"]] == [
        (2, "case-template.pdf", "Now a PDF"),
        (1, "case-template.docx", ""),
    ]
    assert response.context["acceptance"] is None
    text = _text(response)
    assert "Added by Mia Member" in text and "by Olga Organizer" in text
    html = {user: page.content.decode() for user, page in pages.items()}
    assert [url in html[mia] for url in tools] == [True, True, True]
    assert [url in html[max_] for url in tools] == [False, False, False]
    assert [url in html[organizer] for url in tools] == [True, True, True]
    choose = _url("document_agreement", group, document.pk)
    assert (choose in html[mia], choose in html[max_], choose in html[organizer]) == (
        False,
        False,
        True,
    )


def test_agreement_page_shows_the_organizer_who_has_accepted_it(client, group, organizer, mia):
    agreement = _agreement(group, organizer)
    services.accept_agreement(user=mia, group=group, version_id=agreement.current_id)
    client.force_login(organizer)

    response = client.get(_url("document", group, agreement.pk))

    assert response.context["acceptance"] == {
        "accepted": 2,
        "total": 3,
        "waiting": [User.objects.get(profile__display_name="Max Member")],
    }
    assert "2 of 3 members accepted version 1." in _text(response)


# --- the confidentiality agreement gate ------------------------------------------------------


def test_choosing_the_agreement_through_the_page(client, group, organizer, mia):
    document = _add(group, mia, title="Confidentiality agreement")
    client.force_login(organizer)

    response = client.post(_url("document_agreement", group, document.pk), {"agreement": "1"})

    assert response.status_code == 302
    assert response.url == _url("document", group, document.pk)
    assert _messages(response) == [
        "“Confidentiality agreement” is now the group's confidentiality agreement. Every other "
        "member is asked to read and accept it on their next visit."
    ]
    document.refresh_from_db()
    assert document.is_agreement is True
    assert Membership.objects.get(group=group, user=organizer).agreement_version_id == (
        document.current_id
    )
    assert client.get(_url("documents", group)).status_code == 200  # the chooser accepted it


def test_choosing_a_document_with_a_last_day_is_refused_with_a_message(
    client, group, organizer, mia
):
    until = timezone.localdate() + timedelta(days=5)
    document = _add(group, mia, available_until=until)
    client.force_login(organizer)

    response = client.post(_url("document_agreement", group, document.pk), {"agreement": "1"})

    assert response.url == _url("document", group, document.pk)
    assert _messages(response) == [services.AGREEMENT_STAYS]
    assert Document.objects.get().is_agreement is False


def test_a_member_cannot_choose_the_agreement(client, group, mia):
    document = _add(group, mia)
    client.force_login(mia)

    response = client.post(_url("document_agreement", group, document.pk), {"agreement": "1"})

    assert response.status_code == 404
    assert Document.objects.get().is_agreement is False


def test_clearing_the_agreement_opens_the_pages_again(client, group, organizer, mia):
    agreement = _agreement(group, organizer)
    client.force_login(organizer)

    response = client.post(_url("document_agreement", group, agreement.pk), {"agreement": "0"})

    assert _messages(response) == [
        "The group no longer asks members to accept a confidentiality agreement."
    ]
    assert Document.objects.get().is_agreement is False
    client.force_login(mia)
    assert client.get(_url("documents", group)).status_code == 200
    assert client.get(_url("accept_agreement", group)).status_code == 404


@pytest.mark.parametrize("page", ["documents", "resources", "meeting", "document"])
def test_members_pages_send_a_member_to_accept_the_agreement(client, group, organizer, mia, page):
    agreement = _agreement(group, organizer)
    if page == "meeting":
        path = reverse("meetings:detail", args=[MeetingFactory(group=group).pk])
    elif page == "document":
        path = _url("document", group, agreement.pk)
    else:
        path = _url(page, group, q="rules") if page == "documents" else _url(page, group)
    client.force_login(mia)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == _redirect_to_accept("accept_agreement", group, path)


def test_agreement_page_and_file_open_before_accepting(client, group, organizer, mia):
    agreement = _agreement(group, organizer)
    client.force_login(mia)

    page = client.get(_url("accept_agreement", group, next=_url("documents", group)))
    file = client.get(_url("agreement_file", group))

    assert page.status_code == 200
    assert (page.context["agreement"], page.context["version"]) == (agreement, agreement.current)
    assert (page.context["accepted"], page.context["previous_number"]) == (False, None)
    text = _text(page)
    assert "asks every member to read and accept its confidentiality agreement" in text
    html = page.content.decode()
    assert f'<input type="hidden" name="version" value="{agreement.current_id}">' in html
    documents = _url("documents", group)
    assert f'action="{_url("accept_agreement", group)}?next={documents}"' in html
    assert file.status_code == 200
    assert file["Content-Disposition"] == 'inline; filename="agreement.pdf"'
    assert file["Cache-Control"] == NO_STORE
    with agreement.current.file.open("rb") as stored:
        assert _body(file) == stored.read()


def test_accepting_the_agreement_returns_to_next_and_opens_the_pages(client, group, organizer, mia):
    agreement = _agreement(group, organizer)
    documents = _url("documents", group)
    accept = _url("accept_agreement", group, next=documents)
    client.force_login(mia)

    unticked = client.post(accept, {"version": agreement.current_id})
    assert unticked.status_code == 200
    assert unticked.context["form"].errors == {
        "accept_agreement": ["Please read and accept the agreement to continue."]
    }
    assert Membership.objects.get(group=group, user=mia).agreement_version is None

    response = client.post(accept, {"accept_agreement": "on", "version": agreement.current_id})

    assert response.status_code == 302
    assert response.url == documents
    assert _messages(response) == ["Thank you. The group's pages are open to you."]
    assert Membership.objects.get(group=group, user=mia).agreement_version == agreement.current
    assert client.get(documents).status_code == 200
    assert client.get(_url("resources", group)).status_code == 200
    again = client.get(_url("accept_agreement", group))
    assert "You accepted version 1, the current one." in _text(again)


def test_accepting_with_next_elsewhere_goes_to_the_group(client, group, organizer, mia):
    agreement = _agreement(group, organizer)
    client.force_login(mia)

    response = client.post(
        _url("accept_agreement", group, next="https://evil.example/"),
        {"accept_agreement": "on", "version": agreement.current_id},
    )

    assert response.url == group.get_absolute_url()


def test_a_new_version_of_the_agreement_closes_the_pages_again(client, group, organizer, mia):
    agreement = _agreement(group, organizer)
    first = agreement.current
    services.accept_agreement(user=mia, group=group, version_id=first.pk)
    second = _version(group, organizer, agreement, name="agreement.pdf", data=pdf("Version 2"))
    documents = _url("documents", group)
    client.force_login(mia)

    response = client.get(documents)

    assert response.url == _redirect_to_accept("accept_agreement", group, documents)
    page = client.get(_url("accept_agreement", group))
    assert page.context["previous_number"] == 1
    assert "(version 2; you accepted version 1)" in _text(page)
    stale = client.post(
        _url("accept_agreement", group), {"accept_agreement": "on", "version": first.pk}
    )
    assert stale.url == _url("accept_agreement", group)
    assert _messages(stale) == [
        "The agreement changed while you were reading it. Please read the current version."
    ]
    assert client.get(documents).status_code == 302
    client.post(_url("accept_agreement", group), {"accept_agreement": "on", "version": second.pk})
    assert client.get(documents).status_code == 200


def test_the_ground_rules_gate_comes_before_the_agreement(client, group, organizer, mia):
    agreement = _agreement(group, organizer)
    group_services.update_group(
        actor=organizer, group=group, data={"ground_rules": "1. Confidentiality, always."}
    )
    documents = _url("documents", group)
    client.force_login(mia)

    first = client.get(documents)
    assert first.url == _redirect_to_accept("accept_rules", group, documents)
    rules = client.post(_url("accept_rules", group, next=documents), {"accept_rules": "on"})
    assert rules.url == documents
    second = client.get(documents)
    assert second.url == _redirect_to_accept("accept_agreement", group, documents)
    accepted = client.post(
        _url("accept_agreement", group, next=documents),
        {"accept_agreement": "on", "version": agreement.current_id},
    )
    assert accepted.url == documents
    assert client.get(documents).status_code == 200


def test_accepting_with_a_version_that_is_not_a_number_asks_again(client, group, organizer, mia):
    _agreement(group, organizer)
    client.force_login(mia)

    response = client.post(
        _url("accept_agreement", group), {"accept_agreement": "on", "version": "latest"}
    )

    assert response.url == _url("accept_agreement", group)
    assert _messages(response) == ["Please try again."]
    assert Membership.objects.get(group=group, user=mia).agreement_version is None


def test_the_agreement_page_is_404_without_an_agreement(client, group, mia):
    client.force_login(mia)

    assert client.get(_url("accept_agreement", group)).status_code == 404
    assert client.get(_url("agreement_file", group)).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "former_member", "site_admin"])
def test_the_agreement_pages_are_404_to_non_members(client, group, organizer, who):
    agreement = _agreement(group, organizer)
    client.force_login(_visitor(group, who))

    page = client.get(_url("accept_agreement", group))
    file = client.get(_url("agreement_file", group))
    posted = client.post(
        _url("accept_agreement", group), {"accept_agreement": "on", "version": agreement.current_id}
    )

    assert (page.status_code, file.status_code, posted.status_code) == (404, 404, 404)


# --- query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 20])
def test_library_query_count_does_not_grow(
    client, group, organizer, mia, max_, count, django_assert_num_queries
):
    authors = [mia, max_, organizer]
    for n in range(count):
        _add(group, authors[n % 3], title=f"Handout {n}", data=docx(f"Part {n}"))
    client.force_login(mia)

    # the user, their membership with the group, the count of documents, the documents (with
    # their current version and who added them)
    with django_assert_num_queries(4):
        response = client.get(_url("documents", group))

    assert len(_titles(response)) == count


@pytest.mark.parametrize("count", [1, 20])
def test_document_page_query_count_does_not_grow(
    client, group, organizer, mia, count, django_assert_num_queries
):
    document = _add(group, mia)
    uploaders = [organizer, mia]  # max_ may not: it is Mia's document
    for n in range(1, count):
        _version(group, uploaders[n % 2], document, data=pdf(f"v{n}"))
    client.force_login(mia)

    # the user, their membership with the group, the document, its versions (with uploaders)
    with django_assert_num_queries(4):
        response = client.get(_url("document", group, document.pk))

    assert len(response.context["versions"]) == count


# --- changing, new versions, removing --------------------------------------------------------


@pytest.mark.parametrize("editor", ["author", "organizer"])
def test_edit_page_shows_and_saves_the_details(client, group, organizer, mia, editor):
    until = timezone.localdate() + timedelta(days=20)
    document = _add(group, mia, description="Old words", available_until=until)
    user = mia if editor == "author" else organizer
    client.force_login(user)

    page = client.get(_url("document_edit", group, document.pk))
    assert page.status_code == 200
    assert page.context["form"].initial == {
        "title": "Case template",
        "description": "Old words",
        "available_until": until,
    }
    response = client.post(
        _url("document_edit", group, document.pk),
        {"title": "Case template 2027", "description": "New words", "available_until": ""},
    )

    assert response.status_code == 302
    assert response.url == _url("document", group, document.pk)
    assert _messages(response) == ["The document's details are saved."]
    document.refresh_from_db()
    assert (document.title, document.description, document.available_until) == (
        "Case template 2027",
        "New words",
        None,
    )
    entry = AuditEntry.objects.get(verb="document.changed")
    assert (entry.actor, entry.subject) == (user, None if editor == "author" else mia)


def test_edit_refuses_a_last_day_for_the_agreement_beside_the_date(client, group, organizer):
    agreement = _agreement(group, organizer)
    client.force_login(organizer)
    until = timezone.localdate() + timedelta(days=20)

    response = client.post(
        _url("document_edit", group, agreement.pk),
        {"title": "Confidentiality agreement", "available_until": until.isoformat()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"available_until": [services.AGREEMENT_STAYS]}
    assert Document.objects.get().available_until is None


def test_edit_refuses_a_past_day_beside_the_date(client, group, mia):
    document = _add(group, mia)
    client.force_login(mia)

    response = client.post(
        _url("document_edit", group, document.pk),
        {"title": "Case template", "available_until": "2020-01-01"},
    )

    assert response.context["form"].errors == {
        "available_until": ["Choose today or a later day: this day has passed."]
    }


@pytest.mark.parametrize("page", ["document_edit", "document_new_version", "document_remove"])
def test_a_member_gets_404_on_the_tools_for_a_colleagues_document(
    client, group, mia, max_, media, page
):
    document = _add(group, mia)
    files = _stored(media)
    client.force_login(max_)

    shown = client.get(_url(page, group, document.pk))
    posted = client.post(
        _url(page, group, document.pk),
        {"title": "Mine now", "file": upload("mine.pdf", pdf("Mine"))},
    )

    assert (shown.status_code, posted.status_code) == (404, 404)
    document.refresh_from_db()
    assert (document.title, document.current.number, document.removed_at) == (
        "Case template",
        1,
        None,
    )
    assert _stored(media) == files


def test_new_version_page_for_the_author(client, group, mia, media):
    document = _add(group, mia)
    data = pdf("Second draft")
    client.force_login(mia)

    page = client.get(_url("document_new_version", group, document.pk))
    assert page.status_code == 200
    assert "will be told by e-mail" not in _text(page)

    response = client.post(
        _url("document_new_version", group, document.pk),
        {"file": upload("second draft.pdf", data), "note": "Now a PDF"},
    )

    assert response.status_code == 302
    assert response.url == _url("document", group, document.pk)
    assert _messages(response) == ["Version 2 of “Case template” is up."]
    document.refresh_from_db()
    assert (document.current.number, document.current.name, document.current.note) == (
        2,
        "second draft.pdf",
        "Now a PDF",
    )
    assert _body(client.get(_url("document_download", group, document.pk, 2))) == data
    assert len(_stored(media)) == 2


def test_new_version_by_an_organizer_tells_the_author_once(
    client, group, organizer, mia, django_capture_on_commit_callbacks, mailoutbox
):
    document = _add(group, mia)
    client.force_login(organizer)

    page = client.get(_url("document_new_version", group, document.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("document_new_version", group, document.pk),
            {"file": upload("v2.pdf", pdf("Second")), "note": ""},
        )

    assert "Mia Member added this document and will be told by e-mail." in _text(page)
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[mia.email]]
    assert Document.objects.get().current.uploaded_by == organizer


def test_new_version_page_of_the_agreement_says_members_accept_it_again(client, group, organizer):
    agreement = _agreement(group, organizer)
    client.force_login(organizer)

    page = client.get(_url("document_new_version", group, agreement.pk))

    assert (
        "every other member will be asked to read and accept the new version on their next "
        "visit" in _text(page)
    )


def test_new_version_bad_file_is_said_beside_the_file_field(client, group, mia, media):
    document = _add(group, mia)
    files = _stored(media)
    client.force_login(mia)

    response = client.post(
        _url("document_new_version", group, document.pk),
        {"file": upload("v2.pdf", b""), "note": "Empty"},
    )

    assert response.context["form"].errors == {
        "file": ["This file is empty. Choose the file again."]
    }
    assert _error_beside_file("This file is empty. Choose the file again.") in _text(response)
    assert [v.number for v in document.versions.all()] == [1]
    assert _stored(media) == files


def test_remove_page_for_the_author_says_it_is_deleted(client, group, mia):
    document = _add(group, mia)
    client.force_login(mia)

    page = client.get(_url("document_remove", group, document.pk))

    assert page.status_code == 200
    text = _text(page)
    assert "Remove “Case template” from the library?" in text
    assert "It is deleted with every version. This cannot be undone." in text
    assert "will be told by e-mail" not in text


def test_remove_page_for_an_organizer_says_the_author_will_be_told(client, group, organizer, mia):
    document = _add(group, mia)
    _version(group, mia, document)
    client.force_login(organizer)

    page = client.get(_url("document_remove", group, document.pk))

    text = _text(page)
    assert "Members will no longer see it or its 2 versions." in text
    assert (
        "Mia Member added it. They will be told by e-mail, and it stays for them alone to "
        "download for 30 days; then it is deleted." in text
    )
    assert "This cannot be undone." not in text


def test_remove_page_for_an_organizer_of_the_agreement_says_so(client, group, organizer):
    agreement = _agreement(group, organizer)
    client.force_login(organizer)

    text = _text(client.get(_url("document_remove", group, agreement.pk)))

    assert (
        "It is the group's confidentiality agreement: members will no longer be asked to accept "
        "one." in text
    )


def test_remove_own_document_through_the_page_deletes_it(
    client, group, mia, media, django_capture_on_commit_callbacks, mailoutbox
):
    document = _add(group, mia)
    client.force_login(mia)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("document_remove", group, document.pk))

    assert response.status_code == 302
    assert response.url == _url("documents", group)
    assert _messages(response) == ["“Case template” is no longer in the library."]
    assert (Document.objects.count(), DocumentVersion.objects.count()) == (0, 0)
    assert _stored(media) == []
    assert mailoutbox == []


def test_remove_a_colleagues_document_as_organizer_keeps_it_for_them(
    client, group, organizer, mia, media, django_capture_on_commit_callbacks, mailoutbox
):
    document = _add(group, mia)
    files = _stored(media)
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("document_remove", group, document.pk))

    assert response.url == _url("documents", group)
    assert _messages(response) == ["“Case template” is no longer in the library."]
    assert Document.objects.get().removed_at is not None
    assert _stored(media) == files
    assert [m.to for m in mailoutbox] == [[mia.email]]
    assert _titles(client.get(_url("documents", group))) == []


def test_remove_page_of_a_document_by_a_deleted_account_says_what_will_happen(
    client, group, organizer, mia, media, django_capture_on_commit_callbacks, mailoutbox
):
    """An author whose account was deleted (inactive) cannot be told or keep anything: the
    service deletes the document outright, and the page must say so."""
    document = _add(group, mia)
    User.objects.filter(pk=mia.pk).update(is_active=False)
    client.force_login(organizer)

    page = _text(client.get(_url("document_remove", group, document.pk)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("document_remove", group, document.pk))

    assert (Document.objects.count(), _stored(media), mailoutbox) == (0, [], [])
    assert "It is deleted with every version. This cannot be undone." in page, (
        "the removal page tells the organizer that the author 'will be told by e-mail, and "
        "it stays for them alone to download for 30 days', but for an author whose account is "
        "inactive (deleted) remove_document deletes the document at once and tells nobody. "
        "groups/views/documents.py remove() computes kept_for_author without the service's "
        "author.is_active condition."
    )


# --- what an author keeps after an organizer removed their document -------------------------


def test_kept_document_is_the_authors_alone(client, group, organizer, mia, max_):
    first, second = docx("First draft"), pdf("Second draft")
    document = _add(group, mia, data=first)
    _version(group, mia, document, name="second.pdf", data=second)
    services.remove_document(actor=organizer, group=group, document_id=document.pk)
    kept = reverse("groups:kept_document", args=[document.pk])
    downloads = [reverse("groups:kept_document_download", args=[document.pk, n]) for n in (1, 2)]
    client.force_login(mia)

    page = client.get(kept)

    assert page.status_code == 200
    assert [v.number for v in page.context["versions"]] == [2, 1]
    text = _text(page)
    assert "An organizer of Mile High Consult took this document out" in text
    assert "Version 2: second.pdf" in text and "Version 1: case-template.docx" in text
    one, two = (client.get(url) for url in downloads)
    assert (_body(one), _body(two)) == (first, second)
    assert one["Content-Disposition"] == 'attachment; filename="case-template.docx"'
    assert two["Content-Disposition"] == 'inline; filename="second.pdf"'
    assert (one["Cache-Control"], two["Cache-Control"]) == (NO_STORE, NO_STORE)
    assert (
        client.get(reverse("groups:kept_document_download", args=[document.pk, 3])).status_code
        == 404
    )
    for other in (organizer, max_, UserFactory(), AdminFactory()):
        client.force_login(other)
        assert [client.get(url).status_code for url in (kept, *downloads)] == [404, 404, 404]
    client.logout()
    assert client.get(kept).url == f"{reverse('account_login')}?next={kept}"


def test_kept_pages_are_404_for_a_document_still_in_the_library(client, group, mia):
    document = _add(group, mia)
    client.force_login(mia)

    assert client.get(reverse("groups:kept_document", args=[document.pk])).status_code == 404
    assert (
        client.get(reverse("groups:kept_document_download", args=[document.pk, 1])).status_code
        == 404
    )


def test_kept_document_is_gone_after_30_days(
    client, group, organizer, mia, django_capture_on_commit_callbacks
):
    document = _add(group, mia)
    services.remove_document(actor=organizer, group=group, document_id=document.pk)
    removed_at = Document.objects.get().removed_at
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_expired_documents(now=removed_at + timedelta(days=31))
    client.force_login(mia)

    assert client.get(reverse("groups:kept_document", args=[document.pk])).status_code == 404


def test_documents_of_one_group_are_not_shown_in_another(client, group, mia):
    other = GroupFactory()
    MembershipFactory(group=other, user=mia)
    _add(group, mia, title="Handout of this group")
    client.force_login(mia)

    assert _titles(client.get(reverse("groups:documents", args=[other.slug]))) == []


def test_a_stale_stop_asking_on_another_document_leaves_the_agreement(client, group, organizer):
    agreement = _agreement(group, organizer)
    other = _add(group, organizer, title="Handout")
    client.force_login(organizer)

    response = client.post(
        reverse("groups:document_agreement", args=[group.slug, other.pk]), {"agreement": "0"}
    )

    agreement.refresh_from_db()
    assert response.status_code == 302
    assert agreement.is_agreement is True
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“Handout” is not the group's agreement: nothing changed."
    ]
