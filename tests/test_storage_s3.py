"""With an S3 bucket configured, the same code keeps group documents in the bucket and serves
them from it (moto plays the bucket); the settings choose the bucket only when one is named."""

import os
import re
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.test import override_settings
from django.urls import reverse
from moto import mock_aws
from storages.backends.s3 import S3Storage

from config import pagecache
from groups.enums import Role
from groups.services.documents import add_document, remove_document
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.uploads import pdf, upload

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "peercircle-test"
S3_STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "region_name": "us-east-1",
            "default_acl": "private",
            "file_overwrite": False,
            "location": "uploads",
        },
    },
    "staticfiles": settings.STORAGES["staticfiles"],
}


@pytest.fixture
def bucket(monkeypatch):
    """An empty private bucket that default storage writes to, and a client to look inside."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws(), override_settings(STORAGES=S3_STORAGES):
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def _keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.django_db
def test_a_document_is_kept_in_the_bucket_served_to_members_and_deleted_with_it(
    bucket, client, django_capture_on_commit_callbacks
):
    assert isinstance(storages["default"], S3Storage)
    author, outsider = UserFactory(), UserFactory()
    group = GroupFactory()
    MembershipFactory(group=group, user=author, role=Role.ORGANIZER)
    data = pdf("Peer consultation handout for the group")

    document = add_document(
        actor=author,
        group=group,
        title="Handout",
        upload=upload("Consultation  handout (v2).PDF", data),
    )

    assert default_storage.exists(document.current.file.name)
    version = document.current
    assert version.name == "Consultation handout (v2).pdf"
    keys = _keys(bucket)
    assert len(keys) == 1
    assert re.fullmatch(rf"uploads/documents/{group.pk}/[0-9a-f]{{32}}\.pdf", keys[0]), keys
    assert "handout" not in keys[0].lower()
    assert keys[0] == f"uploads/{version.file.name}"
    stored = bucket.get_object(Bucket=BUCKET, Key=keys[0])
    assert stored["Body"].read() == data
    assert "AllUsers" not in str(bucket.get_object_acl(Bucket=BUCKET, Key=keys[0])["Grants"])

    url = reverse(
        "groups:document_download", kwargs={"slug": group.slug, "pk": document.pk, "number": 1}
    )
    client.force_login(author)
    response = client.get(url, {"download": "1"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Consultation handout (v2).pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"

    client.force_login(outsider)
    assert client.get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        remove_document(actor=author, group=group, document_id=document.pk)
    # The file's deletion (and the kept pages' version bump, config.pagecache)
    assert len([c for c in callbacks if not isinstance(c, pagecache._Bump)]) == 1
    assert _keys(bucket) == []


@pytest.mark.django_db
def test_a_member_who_is_not_the_author_downloads_from_the_bucket(bucket, client):
    author, member = UserFactory(), UserFactory()
    group = GroupFactory()
    MembershipFactory(group=group, user=author)
    MembershipFactory(group=group, user=member)
    data = pdf("Reading list for the next meeting")
    document = add_document(
        actor=author, group=group, title="Reading list", upload=upload("Reading list", data)
    )
    client.force_login(member)
    response = client.get(
        reverse(
            "groups:document_download",
            kwargs={"slug": group.slug, "pk": document.pk, "number": 1},
        )
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"] == 'inline; filename="Reading list.pdf"'


@pytest.mark.django_db
def test_two_files_with_the_same_name_get_two_objects(bucket):
    author = UserFactory()
    group = GroupFactory()
    MembershipFactory(group=group, user=author)
    first = add_document(
        actor=author, group=group, title="One", upload=upload("same.pdf", pdf("First copy"))
    )
    second = add_document(
        actor=author, group=group, title="Two", upload=upload("same.pdf", pdf("Second copy"))
    )
    assert first.current.file.name != second.current.file.name
    assert sorted(_keys(bucket)) == sorted(
        f"uploads/{document.current.file.name}" for document in (first, second)
    )


def _default_backend(bucket: str | None) -> str:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    environment["UPLOADS_S3_BUCKET"] = bucket or ""  # empty also wins over a .env file
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.STORAGES['default']['BACKEND']); "
            "print(settings.STORAGES['default'].get('OPTIONS', {}).get('bucket_name', ''))",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_settings_choose_the_bucket_when_one_is_named():
    assert _default_backend("x").splitlines() == ["storages.backends.s3.S3Storage", "x"]


def test_the_settings_keep_files_on_disk_without_a_bucket():
    assert _default_backend(None).splitlines() == [
        "django.core.files.storage.FileSystemStorage",
        "",
    ]
