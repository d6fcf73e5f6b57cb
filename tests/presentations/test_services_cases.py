import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.errors import NotAllowed
from meetings.calendar import build_calendar
from meetings.models import Meeting
from members.models import AuditEntry
from presentations import services
from presentations.models import Presentation, RecognitionFlag
from presentations.services import DeidentificationRequired, PresentationError
from tests.factories import AdminFactory
from tests.presentations.conftest import slots

pytestmark = pytest.mark.django_db

SECRET = "Client A keeps missing sessions after the divorce; stuck on the grief work."
CASE = {
    "case_question": "How do I re-engage a client who avoids the grief work?",
    "case_background": SECRET,
    "case_tried": "Psychoeducation, ACT values work, a slower pace.",
    "case_help_wanted": ["ideas", "validation"],
}


@pytest.fixture
def case(meeting, members):
    return services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)


def test_clean_case_is_saved(case, members):
    services.save_case(user=members[0], presentation_id=case.pk, data=CASE)
    case.refresh_from_db()
    assert (case.case_question, case.case_background, case.case_help_wanted) == (
        CASE["case_question"],
        SECRET,
        ["ideas", "validation"],
    )
    assert case.case_confirmed_findings == []


def test_case_with_identifiers_needs_revision_or_confirmation_one_by_one(case, members):
    data = {**CASE, "case_background": "My client Maria called from (720) 318-4421 on 03/14/2025."}
    with pytest.raises(DeidentificationRequired) as caught:
        services.save_case(user=members[0], presentation_id=case.pk, data=data)
    findings = caught.value.findings
    assert [(f.kind, f.text) for f in findings] == [
        ("name", "Maria"),
        ("phone", "(720) 318-4421"),
        ("date", "03/14/2025"),
    ]
    case.refresh_from_db()
    assert case.case_background == ""
    with pytest.raises(DeidentificationRequired):
        services.save_case(
            user=members[0],
            presentation_id=case.pk,
            data=data,
            confirmed={findings[0].key, findings[1].key},
        )
    services.save_case(
        user=members[0], presentation_id=case.pk, data=data, confirmed={f.key for f in findings}
    )
    case.refresh_from_db()
    assert [(c["kind"], c["text"]) for c in case.case_confirmed_findings] == [
        ("name", "Maria"),
        ("phone", "(720) 318-4421"),
        ("date", "03/14/2025"),
    ]


def test_case_needs_a_consultation_question(case, members):
    with pytest.raises(PresentationError, match="consultation question"):
        services.save_case(
            user=members[0], presentation_id=case.pk, data={**CASE, "case_question": "  "}
        )


def test_only_the_presenter_saves(case, members):
    services.save_case(user=members[0], presentation_id=case.pk, data=CASE)

    with pytest.raises(NotAllowed, match=r"^Only the member who holds this slot can write"):
        services.save_case(
            user=members[1], presentation_id=case.pk, data={**CASE, "case_question": "Mine?"}
        )

    case.refresh_from_db()
    assert (case.presenter, case.case_question) == (members[0], CASE["case_question"])


def test_recognition_flag_tells_presenter_not_who_and_hides_details(
    client, case, members, django_capture_on_commit_callbacks, mailoutbox
):
    services.save_case(user=members[0], presentation_id=case.pk, data=CASE)
    with django_capture_on_commit_callbacks(execute=True):
        services.flag_recognition(user=members[1], presentation_id=case.pk)
    assert [m.to for m in mailoutbox] == [[members[0].email]]
    assert str(members[1]) not in mailoutbox[0].body
    assert members[1].email not in mailoutbox[0].body
    assert SECRET not in mailoutbox[0].body
    entry = AuditEntry.objects.get(verb="case.recognition_flagged")
    assert (entry.actor, entry.subject) == (None, None)
    with pytest.raises(PresentationError, match="already flagged"):
        services.flag_recognition(user=members[1], presentation_id=case.pk)
    client.force_login(members[1])
    page = client.get(reverse("presentations:detail", args=[case.pk])).content.decode()
    assert SECRET not in page
    client.force_login(members[2])
    assert SECRET in client.get(reverse("presentations:detail", args=[case.pk])).content.decode()
    assert RecognitionFlag.objects.count() == 1


def test_case_is_purged_after_the_retention_period(case, members, meeting):
    services.save_case(user=members[0], presentation_id=case.pk, data=CASE)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(days=31, hours=2),
        ends_at=timezone.now() - timedelta(days=31),
    )
    assert services.purge_expired_cases() == 1
    assert services.purge_expired_cases() == 0
    case.refresh_from_db()
    assert (case.case_question, case.case_background, case.case_tried) == ("", "", "")
    assert case.case_purged_at is not None
    assert str(case) == f"Case presentation by {members[0]}"


def test_retention_zero_keeps_the_case(case, members, meeting):
    services.save_case(user=members[0], presentation_id=case.pk, data=CASE)
    type(meeting.group).objects.filter(pk=meeting.group_id).update(case_retention_days=0)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(days=400, hours=2),
        ends_at=timezone.now() - timedelta(days=400),
    )
    assert services.purge_expired_cases() == 0


def test_case_content_never_reaches_mail_feeds_audit_logs_or_admin_lists(
    client,
    case,
    members,
    meeting,
    organizer,
    caplog,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_case(user=members[0], presentation_id=case.pk, data=CASE)
        offer = services.offer_swap(
            user=members[0],
            meeting=meeting,
            role="presenter",
            to_user_id=members[1].pk,
            presentation=case,
        )
        services.answer_swap(user=members[1], offer_id=offer.pk, accept=False)
        services.flag_recognition(user=members[2], presentation_id=case.pk)
        from meetings import services as meeting_services

        meeting_services.cancel_meeting(actor=organizer, meeting=meeting, message="Snow")
    meeting.refresh_from_db()
    ics = build_calendar(
        Meeting.objects.filter(pk=meeting.pk).prefetch_related("segments"),
        name="x",
        member=True,
        alarm_minutes=60,
    ).decode()
    admin = AdminFactory()
    client.force_login(admin)
    admin_list = client.get(reverse("admin:presentations_presentation_changelist"))
    audit_list = client.get(reverse("admin:members_auditentry_changelist"))
    haystacks = {
        "mail": " ".join(
            m.body + str(m.subject) + "".join(str(a) for a in m.alternatives) for m in mailoutbox
        ),
        "ics": ics,
        "audit": " ".join(str(e.data) for e in AuditEntry.objects.all()),
        "logs": caplog.text,
        "admin presentations": admin_list.content.decode(),
        "admin audit": audit_list.content.decode(),
    }
    assert len(mailoutbox) >= 3
    for name, text in haystacks.items():
        for secret in (SECRET, CASE["case_question"], CASE["case_tried"]):
            assert secret not in text, name
    assert admin_list.status_code == 200
    assert Presentation.objects.get().case_background == SECRET
