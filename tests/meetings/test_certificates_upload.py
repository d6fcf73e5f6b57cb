"""The certificate a member attaches to hours they log from elsewhere (meetings/outside_hours.py):
checked from its content (config/uploads.py), stored under a random name only when everything
is in order, read by its owner alone, deleted with its entry once that is committed."""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from config import uploads
from meetings import outside_hours
from meetings.models import OutsideHours, RenewalPlan
from members.models import AuditEntry
from tests.factories import AdminFactory, UserFactory
from tests.uploads import docx, encrypted_pdf, image, pdf, upload

pytestmark = pytest.mark.django_db

ACCEPTED = "PDF, JPEG picture, PNG picture or WebP picture"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores into a folder of its own, so "nothing stored" means no file at all."""
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def member():
    return UserFactory(profile__time_zone="UTC")


def _stored(media: Path) -> list[str]:
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())


def _fields(**overrides) -> dict:
    return {
        "day": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "category": "ce",
        "provider": "Mountain CE",
        "title": "Ethics 101",
        "hours": "3",
    } | overrides


def _log(user, certificate=None, **overrides):
    data = {
        "day": timezone.localdate() - timedelta(days=2),
        "category": "ce",
        "provider": "Mountain CE",
        "title": "Ethics 101",
        "hours": Decimal("3"),
        "certificate": certificate,
    } | overrides
    return outside_hours.log_outside_hours(user=user, data=data)


def _post(client, certificate):
    return client.post(reverse("meetings:hours_log"), _fields(certificate=certificate))


# --- logging with a certificate ----------------------------------------------------------------


def test_logging_with_a_pdf_stores_it_under_a_random_name(member, client, media):
    data = pdf("Certificate of completion", "Ethics 101, 3 hours")
    client.force_login(member)

    response = _post(client, upload("Ethics: course 2026.pdf", data, "application/pdf"))

    assert response.status_code == 302
    entry = OutsideHours.objects.get(user=member)
    assert (entry.certificate_name, entry.certificate_type, entry.certificate_size) == (
        "Ethics_ course 2026.pdf",
        "application/pdf",
        len(data),
    )
    folder, _, stored = entry.certificate.name.rpartition("/")
    assert folder == f"certificates/{member.pk}"
    assert (len(stored), stored.endswith(".pdf"), "Ethics" in entry.certificate.name) == (
        36,
        True,
        False,
    )
    with default_storage.open(entry.certificate.name, "rb") as handle:
        assert handle.read() == data
    assert _stored(media) == [entry.certificate.name]
    logged = AuditEntry.objects.get(verb="hours.logged")
    assert logged.data == {"category": "ce", "hours": "3.00", "certificate": True}


def test_logging_with_a_png_keeps_the_name_of_what_it_is(member, client, media):
    data = image("PNG")
    client.force_login(member)

    _post(client, upload("scan of certificate.jpg", data, "image/jpeg"))

    entry = OutsideHours.objects.get(user=member)
    assert (entry.certificate_name, entry.certificate_type, entry.certificate_size) == (
        "scan of certificate.png",
        "image/png",
        len(data),
    )
    assert entry.certificate.name.startswith(f"certificates/{member.pk}/")
    assert entry.certificate.name.endswith(".png")
    assert "scan" not in entry.certificate.name
    with default_storage.open(entry.certificate.name, "rb") as handle:
        assert handle.read() == data
    assert _stored(media) == [entry.certificate.name]


def test_logging_without_a_certificate_stores_no_file(member, client, media):
    client.force_login(member)

    response = client.post(reverse("meetings:hours_log"), _fields())

    assert response.status_code == 302
    entry = OutsideHours.objects.get(user=member)
    assert (entry.has_certificate, entry.certificate_name, entry.certificate_size) == (
        False,
        "",
        None,
    )
    assert _stored(media) == []
    logged = AuditEntry.objects.get(verb="hours.logged")
    assert logged.data == {"category": "ce", "hours": "3.00", "certificate": False}


BAD_FILES = {
    "word": (
        lambda: upload("certificate.docx", docx("Certificate")),
        f"This is a Word document; here we take {ACCEPTED} files.",
    ),
    "gif": (
        lambda: upload("certificate.gif", image("GIF")),
        f"This is a GIF picture; here we take {ACCEPTED} files.",
    ),
    "text": (
        lambda: upload("certificate.pdf", b"I did the course, honestly."),
        f"We could not tell what kind of file this is from its content. Here we take "
        f"{ACCEPTED} files.",
    ),
    "damaged": (
        lambda: upload("certificate.pdf", b"%PDF-1.7\n" + b"\x00" * 200),
        "This PDF is damaged: we could not open it. Save or export it again and try again.",
    ),
    "password": (
        lambda: upload("certificate.pdf", encrypted_pdf()),
        "This PDF is protected with a password, so colleagues could not open it and we could "
        "not check it. Save a copy without the password and try again.",
    ),
    "empty": (
        lambda: upload("certificate.pdf", b""),
        "This file is empty. Choose the file again.",
    ),
    "claims another kind": (
        lambda: upload("certificate.exe", pdf()),
        "The file's name ends in “.exe”, but it is a PDF. Rename it to end in .pdf (if that "
        "is right) and choose it again.",
    ),
    "only an extension": (
        lambda: upload(".pdf", pdf()),
        "The file's name is only an extension. Give it a name and choose it again.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_beside_the_field_and_nothing_is_stored(member, client, media, case):
    build, message = BAD_FILES[case]
    client.force_login(member)

    response = _post(client, build())

    assert response.status_code == 200
    assert response.context["log_form"].errors == {"certificate": [message]}
    assert OutsideHours.objects.count() == 0
    assert AuditEntry.objects.filter(verb="hours.logged").count() == 0
    assert _stored(media) == []


def test_a_file_over_the_limit_is_refused(member, client, media, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    client.force_login(member)

    response = _post(client, upload("certificate.pdf", pdf("A long course", pages=3)))

    assert response.context["log_form"].errors == {"certificate": [uploads.TOO_LARGE]}
    assert (OutsideHours.objects.count(), _stored(media)) == (0, [])


def test_a_name_with_hidden_characters_is_refused_by_the_service(member, media):
    # Browsers' names reach the service as sent; Django's parser drops such characters from
    # names posted to a page, so the service checks again.
    with pytest.raises(ValidationError) as refused:
        _log(member, certificate=upload("certificate\u202efdp.exe", pdf()))

    assert refused.value.message_dict == {
        "certificate": [
            "The file's name has characters we cannot keep (hidden or control characters, or "
            "folder separators). Rename the file with letters, numbers and spaces, and choose "
            "it again."
        ]
    }
    assert (OutsideHours.objects.count(), _stored(media)) == (0, [])


def test_a_refused_entry_stores_no_file(member, media):
    with pytest.raises(ValidationError) as refused:
        _log(member, certificate=upload("certificate.pdf", pdf()), provider="")

    assert list(refused.value.message_dict) == ["provider"]
    assert (OutsideHours.objects.count(), _stored(media)) == (0, [])


def test_the_file_goes_again_when_what_follows_it_fails(member, media, monkeypatch):
    def failing(**kwargs):
        raise DatabaseError("the log is down")

    monkeypatch.setattr(outside_hours, "record_audit", failing)

    with pytest.raises(DatabaseError):
        _log(member, certificate=upload("certificate.pdf", pdf()))

    assert (OutsideHours.objects.count(), _stored(media)) == (0, [])


def test_the_form_posts_files(member, client):
    client.force_login(member)

    page = client.get(reverse("meetings:hours")).content.decode()

    assert (
        f'<form method="post" action="{reverse("meetings:hours_log")}" '
        f'enctype="multipart/form-data" novalidate>' in page
    )
    assert (
        '<input type="file" name="certificate" class="form-control" '
        'accept=".jpeg,.jpg,.pdf,.png,.webp" id="id_certificate"' in page
    )
    assert f"{ACCEPTED}, up to 10.0\xa0MB." in page  # filesizeformat: a non-breaking space


# --- reading it back ---------------------------------------------------------------------------


def test_the_owner_opens_the_certificate_in_the_browser(member, client):
    data = pdf("Certificate of completion")
    entry = _log(member, certificate=upload("Trauma CE.pdf", data))
    client.force_login(member)

    response = client.get(reverse("meetings:hours_certificate", args=[entry.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert (
        response["Content-Type"],
        response["Content-Disposition"],
        response["Cache-Control"],
        response["X-Content-Type-Options"],
    ) == ("application/pdf", 'inline; filename="Trauma CE.pdf"', "private, no-store", "nosniff")


def test_a_picture_opens_in_the_browser_too(member, client):
    data = image("JPEG")
    entry = _log(member, certificate=upload("photo.jpeg", data))
    client.force_login(member)

    response = client.get(reverse("meetings:hours_certificate", args=[entry.pk]))

    assert b"".join(response.streaming_content) == data
    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "image/jpeg",
        'inline; filename="photo.jpeg"',
    )


@pytest.mark.parametrize("who", ["another member", "site admin"])
def test_nobody_else_gets_the_certificate(member, client, who):
    entry = _log(member, certificate=upload("certificate.pdf", pdf()))
    client.force_login(UserFactory() if who == "another member" else AdminFactory())

    response = client.get(reverse("meetings:hours_certificate", args=[entry.pk]))

    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(member, client):
    entry = _log(member, certificate=upload("certificate.pdf", pdf()))
    url = reverse("meetings:hours_certificate", args=[entry.pk])

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('account_login')}?next={url}",
    )


def test_an_entry_without_a_certificate_has_none_to_open(member, client):
    entry = _log(member)
    client.force_login(member)

    response = client.get(reverse("meetings:hours_certificate", args=[entry.pk]))

    assert response.status_code == 404


def test_a_missing_file_is_a_404(member, client):
    entry = _log(member, certificate=upload("certificate.pdf", pdf()))
    default_storage.delete(entry.certificate.name)
    client.force_login(member)

    response = client.get(reverse("meetings:hours_certificate", args=[entry.pk]))

    assert response.status_code == 404


def test_the_page_links_each_certificate_and_the_csv_says_which_have_one(member, client):
    with_one = _log(member, certificate=upload("Trauma CE.pdf", pdf()))
    without = _log(member, provider="Board")
    client.force_login(member)

    page = client.get(reverse("meetings:hours")).content.decode()
    csv_body = b"".join(client.get(reverse("meetings:my_hours_csv")).streaming_content)

    assert reverse("meetings:hours_certificate", args=[with_one.pk]) in page
    assert reverse("meetings:hours_certificate", args=[without.pk]) not in page
    assert "Trauma CE.pdf</span>" in page
    rows = list(csv.reader(io.StringIO(csv_body.decode("utf-8-sig"))))
    assert [row[-3:] for row in rows] == [
        ["Kind", "Source", "Certificate"],
        ["Continuing education", "Self-reported", "yes"],
        ["Continuing education", "Self-reported", ""],
    ]


# --- removing it -------------------------------------------------------------------------------


def test_removing_the_entry_deletes_the_file_once_committed(
    member, media, django_capture_on_commit_callbacks
):
    entry = _log(member, certificate=upload("certificate.pdf", pdf()))
    name = entry.certificate.name

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outside_hours.remove_outside_hours(user=member, entry_id=entry.pk)
        assert default_storage.exists(name)  # not before the removal is committed

    assert (len(callbacks), default_storage.exists(name), _stored(media)) == (1, False, [])
    removed = AuditEntry.objects.get(verb="hours.removed")
    assert removed.data == {"category": "ce", "hours": "3.00", "certificate": True}


def test_removing_from_the_page_says_the_certificate_goes_too(
    member, client, media, django_capture_on_commit_callbacks
):
    entry = _log(member, certificate=upload("Trauma CE.pdf", pdf()))
    url = reverse("meetings:hours_remove", args=[entry.pk])
    client.force_login(member)

    page = client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    assert "The certificate you attached (Trauma CE.pdf) is deleted with them." in page
    assert (OutsideHours.objects.count(), _stored(media)) == (0, [])


def test_erasing_someones_hours_deletes_their_files_once_committed(
    member, media, django_capture_on_commit_callbacks
):
    _log(member, certificate=upload("one.pdf", pdf()))
    _log(member, certificate=upload("two.png", image("PNG")))
    _log(member)
    other = _log(UserFactory(), certificate=upload("theirs.pdf", pdf()))

    with django_capture_on_commit_callbacks(execute=True):
        outside_hours.erase_outside_hours(user=member)

    assert list(OutsideHours.objects.all()) == [other]
    assert _stored(media) == [other.certificate.name]


# --- the page's queries ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 20])
def test_hours_page_with_certificates_query_count_does_not_grow(
    member, client, count, django_assert_num_queries
):
    today = timezone.localdate()
    RenewalPlan.objects.create(
        user=member, starts_on=today - timedelta(days=700), ends_on=today, required_total=40
    )
    data = pdf("Certificate of completion")
    for i in range(count):
        _log(
            member, certificate=upload(f"certificate {i}.pdf", data), day=today - timedelta(days=i)
        )
    client.force_login(member)

    with django_assert_num_queries(8):
        response = client.get(reverse("meetings:hours"))

    assert len(response.context["entries"]) == count
    assert response.content.decode().count("/certificate/") == count
