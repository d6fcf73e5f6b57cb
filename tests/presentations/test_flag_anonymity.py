"""“I may know this client”: nobody, site admins included, can find out who flagged.

The flag row holds no user, only a keyed hash of (user, presentation); the Django admin
neither lists nor filters flags; the audit log and the data export name nobody. The member
who flagged is still recognised (the case stays hidden from them, a second flag is refused).
"""

import hashlib
import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from members.models import AuditEntry
from portal.privacy import export_user_data
from presentations import services
from presentations.models import Presentation, RecognitionFlag
from presentations.services import PresentationError
from tests.factories import AdminFactory
from tests.presentations.conftest import slots

pytestmark = pytest.mark.django_db

SECRET = "Client A, a teacher in her forties, stopped eating after the move."


@pytest.fixture
def case(meeting, members):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)
    Presentation.objects.filter(pk=presentation.pk).update(
        case_question="How do I hold the boundary?", case_background=SECRET
    )
    return presentation


@pytest.fixture
def flagged(case, members):
    services.flag_recognition(user=members[1], presentation_id=case.pk)
    return members[1]


def _raw_rows() -> list[dict]:
    """The flag table as a database reader sees it: every column, by its database name."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {RecognitionFlag._meta.db_table}")  # noqa: S608
        names = [column[0] for column in cursor.description]  # DB-API: the name comes first
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_flag_table_has_no_link_to_a_user(flagged, case):
    user_model = get_user_model()

    relations = [
        field.name
        for field in RecognitionFlag._meta.get_fields()
        if getattr(field, "related_model", None) is user_model
    ]
    rows = _raw_rows()

    assert relations == []
    assert len(rows) == 1
    assert set(rows[0]) == {"id", "presentation_id", "flagger_key", "created_at"}
    assert rows[0]["presentation_id"] == case.pk
    key = rows[0]["flagger_key"]
    # A keyed digest: not the flagger's id or e-mail, nor a plain hash of them (a short id can
    # stand in any 64-digit hex string by chance, so the id is compared whole).
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    plain = [str(flagged.pk), flagged.email, f"{flagged.pk}:{case.pk}", f"{flagged.pk}/{case.pk}"]
    assert key not in {hashlib.sha256(value.encode()).hexdigest() for value in plain}
    assert flagged.email not in key


def test_flagger_key_depends_on_the_secret_key(flagged, case):
    from presentations.models import recognition_flag_key

    stored = RecognitionFlag.objects.get().flagger_key

    assert stored == recognition_flag_key(user_id=flagged.pk, presentation_id=case.pk)
    with override_settings(SECRET_KEY="another-secret-key-" + "x" * 40):
        assert stored != recognition_flag_key(user_id=flagged.pk, presentation_id=case.pk)


def test_flagger_is_still_recognised_after_a_key_rotation(client, flagged, case):
    old = RecognitionFlag.objects.get().flagger_key
    new_key = "the-new-secret-key-" + "x" * 40

    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]):
        client.force_login(flagged)
        page = client.get(reverse("presentations:detail", args=[case.pk]))
        with pytest.raises(PresentationError, match="already flagged"):
            services.flag_recognition(user=flagged, presentation_id=case.pk)

    assert page.context["flagged"] is True
    assert SECRET not in page.content.decode()
    assert list(RecognitionFlag.objects.values_list("flagger_key", flat=True)) == [old]


def test_other_members_are_not_taken_for_the_flagger(client, flagged, case, members):
    client.force_login(members[2])

    page = client.get(reverse("presentations:detail", args=[case.pk]))

    assert page.context["flagged"] is False
    assert SECRET in page.content.decode()
    services.flag_recognition(user=members[2], presentation_id=case.pk)
    assert RecognitionFlag.objects.filter(presentation=case).count() == 2


def test_admin_has_no_flag_pages(client, flagged):
    client.force_login(AdminFactory())

    index = client.get(reverse("admin:index"))
    changelist = client.get("/admin/presentations/recognitionflag/")
    filtered = client.get(f"/admin/presentations/recognitionflag/?user__id__exact={flagged.pk}")

    assert index.status_code == 200
    assert "recognitionflag" not in index.content.decode().lower()
    assert (changelist.status_code, filtered.status_code) == (404, 404)


def test_admin_shows_only_a_count_per_presentation(client, flagged, case, members):
    services.flag_recognition(user=members[2], presentation_id=case.pk)
    client.force_login(AdminFactory())

    page = client.get(reverse("admin:presentations_presentation_changelist"))
    sneaky = client.get(
        reverse("admin:presentations_presentation_changelist")
        + f"?recognition_flags__flagger_key={RecognitionFlag.objects.first().flagger_key}"
    )
    change = client.get(reverse("admin:presentations_presentation_change", args=[case.pk]))

    assert page.status_code == 200
    assert [row.recognition_flag_count for row in page.context["cl"].result_list] == [2]
    assert sneaky.status_code in (302, 400)  # the admin refuses a lookup it does not offer
    body = change.content.decode()
    for clue in (flagged.email, str(flagged), members[2].email):
        assert clue not in body


def test_audit_entry_names_nobody(flagged, case):
    entry = AuditEntry.objects.get(verb="case.recognition_flagged")

    assert (entry.actor, entry.subject, entry.data) == (None, None, {})
    assert not AuditEntry.objects.filter(actor=flagged).exists()


def test_flaggers_own_export_does_not_mention_the_flag(flagged, case):
    exported = json.dumps(export_user_data(flagged), default=str).lower()

    assert "recogni" not in exported
    assert "flag" not in exported
    assert "how do i hold the boundary" not in exported
