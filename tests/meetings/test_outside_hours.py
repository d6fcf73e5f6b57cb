"""Hours from elsewhere and the licence renewal (meetings/outside_hours.py): a member logs
consultation, supervision and continuing education themselves; their renewal shows progress
per category, recorded and self-reported told apart; the ledger, its chart and the downloads
include both, marked. Each entry is its owner's alone."""

import csv
import io
from datetime import UTC, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from meetings import exports, outside_hours
from meetings.enums import AttendanceStatus
from meetings.forms import OutsideHoursForm, RenewalPlanForm
from meetings.ledger import ledger_for_user
from meetings.models import Attendance, OutsideHours, RenewalPlan
from members.models import AuditEntry
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory
from tests.support.fuzz import client_for, fuzz_settings, post_and_check, strategy_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return UserFactory(profile__time_zone="UTC")


def _log(user, days_ago=1, category="ce", hours="3", provider="Mountain CE", title="Ethics 101"):
    return outside_hours.log_outside_hours(
        user=user,
        data={
            "day": timezone.localdate() - timedelta(days=days_ago),
            "category": category,
            "provider": provider,
            "title": title,
            "hours": Decimal(hours),
        },
    )


def _attend(user, days_ago, minutes=90):
    group = GroupFactory()
    MembershipFactory(group=group, user=user)
    starts = (timezone.now() - timedelta(days=days_ago)).replace(microsecond=0)
    meeting = MeetingFactory(
        group=group, starts_at=starts, ends_at=starts + timedelta(minutes=minutes)
    )
    Attendance.objects.create(meeting=meeting, user=user, status=AttendanceStatus.PRESENT)
    return meeting


def test_logging_and_removing_are_audited_without_the_provider(member):
    entry = _log(member)
    assert (entry.hours, entry.minutes) == (Decimal("3"), 180)
    logged = AuditEntry.objects.get(verb="hours.logged")
    assert logged.data == {"category": "ce", "hours": "3.00", "certificate": False}
    outside_hours.remove_outside_hours(user=member, entry_id=entry.pk)
    assert not OutsideHours.objects.exists()
    assert AuditEntry.objects.filter(verb="hours.removed").count() == 1


def test_an_entry_is_its_owners_alone(member, client):
    entry = _log(member)
    other = UserFactory()
    with pytest.raises(Exception, match="No such entry"):
        outside_hours.remove_outside_hours(user=other, entry_id=entry.pk)
    client.force_login(other)
    url = reverse("meetings:hours_remove", args=[entry.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert OutsideHours.objects.filter(pk=entry.pk).exists()


def test_renewal_progress_counts_recorded_and_self_reported_per_category_in_the_period(member):
    today = timezone.localdate()
    outside_hours.set_renewal_plan(
        user=member,
        data={
            "starts_on": today - timedelta(days=30),
            "ends_on": today + timedelta(days=300),
            "required_total": 40,
            "required_consultation": 10,
            "required_ce": 20,
            "required_ethics": 3,
        },
    )
    _attend(member, days_ago=5, minutes=120)  # 2 recorded hours of consultation
    _attend(member, days_ago=60)  # before the period: not counted
    _log(member, category="consultation", hours="1.5")
    _log(member, category="ce", hours="6")
    _log(member, category="ethics", hours="2")
    _log(member, category="supervision", hours="4")
    _log(member, days_ago=45, category="ce", hours="10")  # before the period
    lines = {line.label: line for line in outside_hours.renewal_progress(member, tz=UTC)}
    assert list(lines) == ["Consultation", "Continuing education", "Of which ethics", "In all"]
    assert (lines["Consultation"].recorded, lines["Consultation"].reported) == (2.0, 1.5)
    assert lines["Consultation"].left == 6.5 and lines["Consultation"].percent == 35
    assert (lines["Continuing education"].done, lines["Continuing education"].left) == (8.0, 12.0)
    assert (lines["Of which ethics"].done, lines["Of which ethics"].percent) == (2.0, 67)
    assert (lines["In all"].recorded, lines["In all"].reported, lines["In all"].done) == (
        2.0,
        13.5,
        15.5,
    )


def test_no_plan_no_progress(member):
    assert outside_hours.renewal_progress(member) == []


def test_the_ledger_and_its_chart_carry_self_reported_hours_apart(member):
    _attend(member, days_ago=2, minutes=60)
    _log(member, days_ago=2, hours="2.5")
    ledger = ledger_for_user(member, tz=UTC)
    assert (ledger.minutes, ledger.reported_minutes) == (60, 150)
    this_month = ledger.chart[-1] if ledger.chart[-1].minutes else ledger.chart[-2]
    assert (this_month.minutes, this_month.reported_minutes) == (60, 150)
    assert this_month.reported_height > 0 and this_month.total_hours == 3.5
    assert ledger.by_year[0].reported_minutes == 150


def test_my_hours_download_lists_self_reported_rows_marked(member):
    _attend(member, days_ago=3)
    _log(member, days_ago=1, category="supervision", hours="1.25", title="")
    rows = list(exports.my_hours_rows(member, ZoneInfo("UTC")))
    assert rows[0][-3:] == ["Kind", "Source", "Certificate"]
    assert [r[-2] for r in rows[1:]] == ["Recorded by PeerCircle", "Self-reported"]
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert rows[-1] == [
        day,
        "",
        "",
        "",
        "Mountain CE",
        "",
        "",
        75,
        "Supervision",
        "Self-reported",
        "",
    ]


def test_the_statement_pdf_lists_self_reported_hours_apart(member, client):

    _log(member, hours="2", title="Trauma CE")
    client.force_login(member)
    response = client.get(reverse("meetings:my_hours_pdf"))
    text = " ".join(
        " ".join(
            page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
        ).split()
    )
    assert "Hours from elsewhere (self-reported, not checked by PeerCircle)" in text
    assert "Mountain CE: Trauma CE" in text


def test_the_csv_download_reads_back(member, client):
    _log(member)
    client.force_login(member)
    response = client.get(reverse("meetings:my_hours_csv"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[-1][-2:] == ["Self-reported", ""]


# --- the pages ---------------------------------------------------------------------------------


def test_logging_from_the_page_and_bad_input_beside_the_field(member, client):
    client.force_login(member)
    url = reverse("meetings:hours_log")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        url, {"day": tomorrow, "category": "ce", "provider": "", "title": "", "hours": "0"}
    )
    errors = response.context["log_form"].errors
    assert errors["day"] == ["Log hours once they have happened: today or earlier."]
    assert errors["provider"] == ["This field is required."]
    assert "greater than or equal to 0.25" in errors["hours"][0]
    assert not OutsideHours.objects.exists()
    today = timezone.localdate().isoformat()
    response = client.post(
        url, {"day": today, "category": "ethics", "provider": "Board", "title": "", "hours": "1.5"}
    )
    assert response["Location"] == reverse("meetings:hours") + "#elsewhere"
    page = client.get(reverse("meetings:hours")).content.decode()
    assert "Self-reported" in page and "Board" in page


def test_renewal_page_saves_and_says_bad_periods_beside_the_field(member, client):
    client.force_login(member)
    url = reverse("meetings:renewal")
    data = {
        "starts_on": "2027-01-01",
        "ends_on": "2026-01-01",
        "required_total": "40",
        "required_consultation": "0",
        "required_ce": "20",
        "required_ethics": "3",
    }
    response = client.post(url, data)
    assert response.context["form"].errors["ends_on"] == ["The period must end after it starts."]
    assert not RenewalPlan.objects.exists()
    client.post(url, {**data, "ends_on": "2028-12-31"})
    plan = RenewalPlan.objects.get(user=member)
    assert (plan.required_total, plan.required_ce) == (40, 20)
    assert client.get(url).context["form"].initial["required_ethics"] == 3


def test_remove_confirms_then_removes(member, client):
    entry = _log(member)
    client.force_login(member)
    url = reverse("meetings:hours_remove", args=[entry.pk])
    assert "Remove these hours?" in client.get(url).content.decode()
    client.post(url)
    assert not OutsideHours.objects.exists()


@given(post=st.data())
@fuzz_settings(15)
def test_fuzz_logging(post):
    hours = st.sampled_from(["1.5", "0.25", "0", "-2", "300", "abc", "1e309", "NaN", ""])
    data = post.draw(strategy_for(OutsideHoursForm(), hours=hours))
    post_and_check(client_for(UserFactory()), reverse("meetings:hours_log"), data)


@given(post=st.data())
@fuzz_settings(15)
def test_fuzz_renewal(post):
    data = post.draw(strategy_for(RenewalPlanForm()))
    post_and_check(client_for(UserFactory()), reverse("meetings:renewal"), data)
