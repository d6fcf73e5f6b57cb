"""The hours page draws what it drew before it was made cheaper: its two empty forms written out
as crispy renders them, the certificate form's groups taken from the ledger, and the ledger's
meetings read from the meeting side."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone, translation

from meetings import ledger
from meetings.enums import AttendanceStatus, MeetingStatus
from meetings.forms import CertificateForm, OutsideHoursForm
from tests.factories import AttendanceFactory, GroupFactory, MeetingFactory, UserFactory
from tests.markup import crispy, squeeze

pytestmark = pytest.mark.django_db

HOURS = reverse("meetings:hours")


def _fields(body: str, action: str) -> str:
    """A form's fields on the page: after its CSRF input, before its button."""
    start = body.index(f'action="{action}"')
    start = body.index(">", body.index('name="csrfmiddlewaretoken"', start)) + 1
    return squeeze(body[start : body.index('<button type="submit"', start)])


def _attend(user, group, days_ago: int, **meeting):
    starts_at = timezone.now() - timedelta(days=days_ago)
    status = meeting.pop("attendance", AttendanceStatus.PRESENT)
    attended = MeetingFactory(
        group=group, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90), **meeting
    )
    AttendanceFactory(meeting=attended, user=user, status=status)


@pytest.fixture
def member():
    user = UserFactory(profile__time_zone="UTC")
    _attend(user, GroupFactory(name="Rock & Roll's <Circle>"), 3)
    _attend(user, GroupFactory(name="Aspen Consult"), 40)
    _attend(user, GroupFactory(name="Zebra Peers"), 70)
    return user


@pytest.mark.parametrize("language", ["en", "es"])
def test_empty_forms_are_drawn_as_crispy_draws_them(client, member, language):
    member.language = language
    member.save(update_fields=["language"])
    client.force_login(member)

    body = client.get(HOURS).content.decode()

    with translation.override(language):
        certificate_form = CertificateForm(groups=ledger.groups_with_attendance(member))
        expected_certificate = crispy(certificate_form)
        expected_log = crispy(OutsideHoursForm())
    assert _fields(body, reverse("meetings:certificate_new")) == expected_certificate
    assert _fields(body, reverse("meetings:hours_log")) == expected_log
    assert "Rock &amp; Roll&#x27;s &lt;Circle&gt;" in expected_certificate


def test_refused_log_form_is_drawn_by_crispy_with_its_errors(client, member):
    client.force_login(member)

    body = client.post(reverse("meetings:hours_log"), {"provider": "CE Co"}).content.decode()

    form = OutsideHoursForm({"provider": "CE Co"})
    form.is_valid()
    assert _fields(body, reverse("meetings:hours_log")) == crispy(form)
    assert "is-invalid" in _fields(body, reverse("meetings:hours_log"))


def test_groups_in_the_ledger_are_the_groups_with_attendance(member):
    absent_only, cancelled_only = GroupFactory(name="Absent"), GroupFactory(name="Cancelled")
    _attend(member, absent_only, 5, attendance=AttendanceStatus.ABSENT)
    _attend(member, cancelled_only, 5, status=MeetingStatus.CANCELLED)
    _attend(UserFactory(), GroupFactory(name="Someone else's"), 5)

    groups = list(ledger.groups_in(ledger.ledger_for_user(member)))

    assert groups == list(ledger.groups_with_attendance(member))
    assert [group.name for group in groups] == [
        "Aspen Consult",
        "Rock & Roll's <Circle>",
        "Zebra Peers",
    ]


def test_groups_in_an_empty_ledger_are_none():
    user = UserFactory()

    groups = ledger.groups_in(ledger.ledger_for_user(user))

    assert list(groups) == []


def test_present_meetings_are_the_meetings_of_present_attendance(member):
    group = GroupFactory(name="Mixed")
    _attend(member, group, 8, attendance=AttendanceStatus.ABSENT)
    _attend(member, group, 9, status=MeetingStatus.CANCELLED)
    _attend(member, group, 10)
    _attend(member, group, 10)  # two at the same time: ordered by key
    _attend(UserFactory(), group, 11)

    meetings = list(ledger.present_meetings(member))

    assert meetings == [mark.meeting for mark in ledger.present_attendance(member)]
    assert len(meetings) == 5
    assert [m.starts_at for m in meetings] == sorted(m.starts_at for m in meetings)


def test_present_meetings_of_a_visitor_are_none():
    assert list(ledger.present_meetings(AnonymousUser())) == []
