"""The consultation-hours ledger, attendance certificates and their public verification page."""

import html
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from config.errors import NotAllowed
from meetings import ledger
from meetings.certificates import (
    issue_certificate,
    licence_line,
    render_certificate_pdf,
    revoke_certificate,
)
from meetings.enums import AttendanceStatus, MeetingStatus
from meetings.models import Certificate, OutsideHours, RenewalPlan
from members.models import AuditEntry, TherapistProfile
from tests.factories import (
    AdminFactory,
    AttendanceFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def group():
    return GroupFactory(name="Front Range Consult", time_zone="America/Denver")


@pytest.fixture
def other_group():
    return GroupFactory(name="Trauma Study Circle", time_zone="America/Denver")


@pytest.fixture
def member(group):
    user = UserFactory(
        email="mia.private@example.com",
        profile__display_name="Mia Member",
        profile__credential_type="lcsw",
        profile__licence_number="12345",
        profile__licence_region="Colorado",
        profile__time_zone="UTC",
    )
    MembershipFactory(group=group, user=user)
    return user


@pytest.fixture
def facilitator(group):
    user = UserFactory(profile__display_name="Fay Facilitator")
    MembershipFactory(group=group, user=user)
    return user


def _at(group, start: datetime, minutes: int = 90, **kwargs):
    return MeetingFactory(
        group=group, starts_at=start, ends_at=start + timedelta(minutes=minutes), **kwargs
    )


def _attend(user, group, start: datetime, minutes: int = 90, status=AttendanceStatus.PRESENT, **kw):
    meeting = _at(group, start, minutes, **kw)
    AttendanceFactory(meeting=meeting, user=user, status=status)
    return meeting


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def _rows(tallies) -> list[tuple]:
    return [(t.label, t.meetings, t.minutes) for t in tallies]


def _days_ago(days: int) -> datetime:
    return (timezone.now() - timedelta(days=days)).replace(microsecond=0)


def _certificate(user, group, **kwargs) -> Certificate:
    defaults = {
        "holder_name": "Mia Member",
        "credential": "LCSW (Licensed Clinical Social Worker)",
        "licence": "LCSW 12345 (Colorado)",
        "group_name": group.name,
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 3, 31),
        "meetings": [
            {"date": "2026-01-08", "minutes": 90, "facilitator": "Fay Facilitator"},
            {"date": "2026-02-12", "minutes": 120, "facilitator": "Fay Facilitator"},
        ],
        "total_minutes": 210,
    }
    return Certificate.objects.create(user=user, group=group, **{**defaults, **kwargs})


# --- the ledger ---------------------------------------------------------------------------


def test_ledger_sums_present_attendance_by_group_month_and_year(member, group, other_group):
    _attend(member, group, _utc(2025, 11, 6, 18))  # 90
    _attend(member, group, _utc(2026, 1, 8, 18), minutes=120)
    _attend(member, group, _utc(2026, 1, 22, 18), minutes=60)
    _attend(member, other_group, _utc(2026, 1, 15, 18), minutes=45)
    _attend(member, other_group, _utc(2026, 2, 5, 18), minutes=100)
    _attend(member, group, _utc(2026, 2, 12, 18), status=AttendanceStatus.ABSENT)
    _attend(member, group, _utc(2026, 2, 19, 18), status=AttendanceStatus.EXCUSED)
    cancelled = _at(group, _utc(2026, 2, 26, 18), status=MeetingStatus.CANCELLED)
    AttendanceFactory(meeting=cancelled, user=member)
    _attend(UserFactory(), group, _utc(2026, 1, 8, 18))  # someone else's hours

    result = ledger.ledger_for_user(member, tz=UTC, today=date(2026, 2, 28))

    assert (result.meetings, result.minutes, result.hours) == (5, 415, 6.92)
    assert _rows(result.by_group) == [
        ("Front Range Consult", 3, 270),
        ("Trauma Study Circle", 2, 145),
    ]
    assert _rows(result.by_month) == [
        ("February 2026", 1, 100),
        ("January 2026", 3, 225),
        ("November 2025", 1, 90),
    ]
    assert _rows(result.by_year) == [("2026", 4, 325), ("2025", 1, 90)]
    assert [t.hours for t in result.by_year] == [5.42, 1.5]


def test_ledger_month_follows_the_viewers_time_zone(member, group):
    _attend(member, group, _utc(2026, 1, 31, 23, 30))  # already 1 February in Berlin
    _attend(member, group, _utc(2025, 12, 31, 23, 30))  # already 2026 in Berlin

    in_berlin = ledger.ledger_for_user(member, tz=BERLIN, today=date(2026, 2, 10))
    in_utc = ledger.ledger_for_user(member, tz=UTC, today=date(2026, 2, 10))

    assert _rows(in_berlin.by_month) == [("February 2026", 1, 90), ("January 2026", 1, 90)]
    assert _rows(in_berlin.by_year) == [("2026", 2, 180)]
    assert _rows(in_utc.by_month) == [("January 2026", 1, 90), ("December 2025", 1, 90)]
    assert _rows(in_utc.by_year) == [("2026", 1, 90), ("2025", 1, 90)]


def test_ledger_page_uses_the_time_zone_of_the_viewers_profile(client, member, group):
    TherapistProfile.objects.filter(user=member).update(time_zone="Europe/Berlin")
    _attend(member, group, _utc(2026, 1, 31, 23, 30))
    client.force_login(member)

    response = client.get(reverse("meetings:hours"))

    assert _rows(response.context["ledger"].by_month) == [("February 2026", 1, 90)]
    assert "Months and years follow your time zone, Berlin time." in _text(response)


def test_ledger_chart_has_a_bar_for_each_of_the_last_twelve_months(member, group):
    _attend(member, group, _utc(2025, 3, 20, 18))  # thirteen months back: not drawn
    _attend(member, group, _utc(2025, 4, 10, 18), minutes=60)
    _attend(member, group, _utc(2026, 3, 5, 18), minutes=120)
    _attend(member, group, _utc(2026, 3, 12, 18), minutes=120)

    bars = ledger.ledger_for_user(member, tz=UTC, today=date(2026, 3, 15)).chart

    assert [bar.month for bar in bars] == ledger.last_months(date(2026, 3, 15))
    assert (bars[0].month, bars[-1].month) == (date(2025, 4, 1), date(2026, 3, 1))
    assert [bar.minutes for bar in bars] == [60] + [0] * 10 + [240]
    plot = ledger.CHART_HEIGHT - ledger.CHART_TOP - ledger.CHART_BOTTOM
    assert [bars[0].height, bars[1].height, bars[-1].height] == [plot // 4, 0, plot]
    assert bars[-1].y == ledger.CHART_TOP
    assert bars[0].y + bars[0].height == bars[-1].y + bars[-1].height  # one baseline
    assert [bars[0].label, bars[9].label] == ["Apr", "Jan 2026"]
    # The phone's drawing: a row per month, in order, the longest bar filling the room.
    room = ledger.ROW_CHART_WIDTH - ledger.ROW_LABEL_WIDTH - ledger.ROW_VALUE_WIDTH
    assert [bar.row for bar in bars] == list(range(12))
    assert [bars[0].length, bars[1].length, bars[-1].length] == [room // 4, 0, room]


def test_ledger_page_draws_an_accessible_chart_without_inline_styles_or_scripts(
    client, member, group
):
    _attend(member, group, _days_ago(3), minutes=150)
    client.force_login(member)

    response = client.get(reverse("meetings:hours"))

    assert response.status_code == 200
    page = response.content.decode()
    svg = re.search(r"<svg role=\"img\".*?</svg>", page, re.S).group(0)
    assert (
        '<title id="hours-chart-title">Contact hours per month, the last 12 months</title>' in svg
    )
    assert 'aria-labelledby="hours-chart-title hours-chart-desc"' in svg
    assert svg.count("<rect ") == 1
    assert ">2.5</text>" in svg
    rows = re.search(r'<svg role="img"[^>]*class="chart-rows">.*?</svg>', page, re.S).group(0)
    assert (rows.count("<rect "), ">2.5</text>" in rows) == (1, True)  # the phone's drawing
    table = re.search(r'<div class="visually-hidden">\s*<table>.*?</table>', page, re.S).group(0)
    this_month = f"{timezone.localdate(_days_ago(3), timezone=UTC):%B %Y}"
    assert f"{this_month}</th>" in table
    assert table.count("<tr>") == 13  # a header and twelve months
    assert "<td>2.50</td>" in table
    assert " style=" not in page
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []


def test_ledger_page_requires_sign_in(client):
    response = client.get(reverse("meetings:hours"))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={reverse('meetings:hours')}"


def test_ledger_page_without_attendance_says_so(client, member):
    client.force_login(member)

    response = client.get(reverse("meetings:hours"))

    assert "No contact hours yet." in _text(response)
    assert "<svg" not in response.content.decode()


@pytest.mark.parametrize("count", [1, 20])
def test_ledger_page_query_count_does_not_grow(
    client, member, group, other_group, count, django_assert_num_queries
):
    today = timezone.localdate()
    RenewalPlan.objects.create(
        user=member, starts_on=today - timedelta(days=700), ends_on=today, required_total=40
    )
    for i in range(count):
        _attend(member, group if i % 2 else other_group, _days_ago(3 + 20 * i))
        _certificate(member, group)
        OutsideHours.objects.create(
            user=member, day=today - timedelta(days=i), category="ce", provider="CE Co", hours=2
        )
    client.force_login(member)

    with django_assert_num_queries(9):
        response = client.get(reverse("meetings:hours"))

    assert response.context["ledger"].meetings == count
    assert len(response.context["certificates"]) == count
    assert len(response.context["entries"]) == count
    assert response.context["progress"][-1].reported == 2 * count


def test_ledger_totals_show_on_the_page(client, member, group, other_group):
    _attend(member, group, _utc(2026, 1, 8, 18), minutes=120)
    _attend(member, other_group, _utc(2026, 1, 15, 18), minutes=45)
    client.force_login(member)

    body = _text(client.get(reverse("meetings:hours")))

    assert "Contact hours in all 2.75 Meetings attended 2" in body
    assert "Front Range Consult 1 2 " in body
    assert "Trauma Study Circle 1 0.75" in body
    assert "January 2026 2 2.75" in body


# --- issuing certificates -----------------------------------------------------------------


def test_certificate_form_offers_only_groups_with_present_attendance(
    client, member, group, other_group
):
    _attend(member, group, _days_ago(10))
    _attend(member, other_group, _days_ago(10), status=AttendanceStatus.ABSENT)
    MembershipFactory(group=GroupFactory(name="Joined, never went"), user=member)
    client.force_login(member)

    form = client.get(reverse("meetings:hours")).context["form"]

    assert list(form.fields["group"].queryset) == [group]


def test_issue_certificate_snapshots_the_facts(member, group, facilitator):
    # 02:00 UTC on 1 March is still 28 February in Denver, the group's zone.
    _attend(member, group, _utc(2026, 3, 1, 2), minutes=90, facilitator=facilitator)
    _attend(member, group, _utc(2026, 2, 5, 19), minutes=120)
    _attend(member, group, _utc(2026, 2, 12, 19), status=AttendanceStatus.ABSENT)
    _attend(member, group, _utc(2026, 3, 1, 19))  # 1 March in Denver: outside the period

    certificate = issue_certificate(
        user=member, group=group, start=date(2026, 2, 1), end=date(2026, 2, 28)
    )

    certificate.refresh_from_db()
    assert certificate.user == member
    assert certificate.holder_name == "Mia Member"
    assert certificate.credential == "LCSW (Licensed Clinical Social Worker)"
    assert certificate.licence == "LCSW 12345 (Colorado)"
    assert certificate.group_name == "Front Range Consult"
    assert (certificate.period_start, certificate.period_end) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert certificate.meetings == [
        {"date": "2026-02-05", "minutes": 120, "facilitator": ""},
        {"date": "2026-02-28", "minutes": 90, "facilitator": "Fay Facilitator"},
    ]
    assert (certificate.total_minutes, certificate.total_hours) == (210, 3.5)
    assert re.fullmatch(r"[0-9A-F]{12}", certificate.code)
    entry = AuditEntry.objects.get(verb="certificate.issued")
    assert (entry.actor, entry.subject, entry.group) == (member, member, group)
    assert entry.object_id == str(certificate.pk)
    assert entry.data == {
        "code": certificate.code,
        "period": ["2026-02-01", "2026-02-28"],
        "meetings": 2,
        "total_minutes": 210,
    }


@pytest.mark.parametrize(
    ("credential_type", "number", "region", "expected"),
    [
        ("lcsw", "12345", "Colorado", "LCSW 12345 (Colorado)"),
        ("lcsw", "LCSW-12345", "Colorado", "LCSW-12345 (Colorado)"),
        ("lmft", "777", "", "LMFT 777"),
        ("other", "A-1", "Ontario", "A-1 (Ontario)"),
        ("", "A-1", "Ontario", "A-1 (Ontario)"),
        ("lcsw", "", "Colorado", ""),
    ],
)
def test_licence_line_reads_like_a_licence(credential_type, number, region, expected):
    profile = TherapistProfile(
        credential_type=credential_type, licence_number=number, licence_region=region
    )

    assert licence_line(profile) == expected


def test_certificate_post_issues_and_redirects_to_the_pdf(client, member, group):
    _attend(member, group, _days_ago(10))
    client.force_login(member)
    start, end = timezone.localdate() - timedelta(days=30), timezone.localdate() - timedelta(days=1)

    response = client.post(
        reverse("meetings:certificate_new"),
        {"group": group.pk, "start": start.isoformat(), "end": end.isoformat()},
    )

    certificate = Certificate.objects.get()
    pdf_url = reverse("meetings:certificate_pdf", args=[certificate.code])
    assert response.status_code == 302
    assert response.url == pdf_url
    assert pdf_url == f"/me/hours/certificates/{certificate.code}.pdf"
    download = client.get(pdf_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    assert download["Content-Disposition"] == (
        f'attachment; filename="peercircle-certificate-{certificate.code}.pdf"'
    )
    assert download["Cache-Control"] == "private, no-store"


def _post_certificate(client, user, **data):
    client.force_login(user)
    return client.post(reverse("meetings:certificate_new"), data)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"start": "2026-02-28", "end": "2026-02-01"},
            "end",
            "The last day cannot be before the first day.",
        ),
        ({"start": "", "end": ""}, "start", "Enter the first day of the period."),
        ({"start": "2026-02-01", "end": ""}, "end", "Enter the last day of the period."),
        ({"start": "not a date", "end": "2026-02-28"}, "start", "Enter a valid date."),
        (
            {"start": "2025-06-01", "end": "2025-06-30"},
            "start",
            "You were not marked present at any Front Range Consult meeting in this period.",
        ),
        (
            {"start": "2026-02-01", "end": "2099-12-31"},
            "end",
            "The period cannot end after today",
        ),
    ],
)
def test_certificate_bad_period_is_a_field_error(client, member, group, data, field, message):
    _attend(member, group, _utc(2026, 2, 5, 19))

    response = _post_certificate(client, member, group=group.pk, **data)

    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(error.startswith(message) for error in errors), errors
    assert message.split(" (")[0] in html.unescape(response.content.decode())
    assert Certificate.objects.count() == 0
    assert not AuditEntry.objects.filter(verb="certificate.issued").exists()


@pytest.mark.parametrize("which", ["someone_elses", "absent_only", "missing", "nonsense"])
def test_certificate_for_a_group_that_is_not_yours_is_a_field_error(
    client, member, group, other_group, which
):
    _attend(member, group, _utc(2026, 2, 5, 19))
    _attend(UserFactory(), other_group, _utc(2026, 2, 6, 19))
    absent = GroupFactory()
    _attend(member, absent, _utc(2026, 2, 7, 19), status=AttendanceStatus.ABSENT)
    choice = {
        "someone_elses": other_group.pk,
        "absent_only": absent.pk,
        "missing": "",
        "nonsense": "x' OR 1=1",
    }[which]

    response = _post_certificate(client, member, group=choice, start="2026-02-01", end="2026-02-28")

    assert response.status_code == 200
    assert response.context["form"].errors["group"] in (
        ["Choose a group whose meetings you were at."],
        ["Choose the group the certificate is for."],
    )
    assert Certificate.objects.count() == 0


def test_certificate_with_the_longest_licence_is_still_issued(client, member, group):
    TherapistProfile.objects.filter(user=member).update(
        credential_type="prelicensed", licence_number="9" * 60, licence_region="R" * 80
    )
    _attend(member, group, _utc(2026, 2, 5, 19))

    response = _post_certificate(
        client, member, group=group.pk, start="2026-02-01", end="2026-02-28"
    )

    assert response.status_code == 302
    licence = Certificate.objects.get().licence
    assert licence.startswith("Pre-licensed / associate 999")
    assert len(licence) == 160


def test_certificate_without_a_profile_is_a_form_error(client, group):
    user = UserFactory(profile=False)
    _attend(user, group, _utc(2026, 2, 5, 19))

    response = _post_certificate(client, user, group=group.pk, start="2026-02-01", end="2026-02-28")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Add your name to your profile before asking for a certificate."
    ]
    assert Certificate.objects.count() == 0


def test_issue_certificate_refuses_a_group_without_attendance(member, group, other_group):
    _attend(member, group, _utc(2026, 2, 5, 19))

    with pytest.raises(ValidationError) as caught:
        issue_certificate(
            user=member, group=other_group, start=date(2026, 2, 1), end=date(2026, 2, 28)
        )

    assert caught.value.message_dict == {"group": ["Choose a group whose meetings you were at."]}
    assert Certificate.objects.count() == 0


def test_certificate_pdf_is_for_the_owner_only(client, member, group):
    certificate = _certificate(member, group)
    url = reverse("meetings:certificate_pdf", args=[certificate.code])

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(AdminFactory())
    assert client.get(url).status_code == 404
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("account_login"))
    client.force_login(member)
    assert client.get(url).content.startswith(b"%PDF")
    assert client.get(url.replace(".pdf", "0.pdf")).status_code == 404


def test_certificate_pdf_survives_markup_in_names(member, group):
    certificate = _certificate(
        member,
        group,
        holder_name="Mia <b>Member</b> & Co",
        group_name="Consult <para>",
        meetings=[{"date": "2026-01-08", "minutes": 90, "facilitator": "</para>&amp;"}],
        total_minutes=90,
    )
    revoke_certificate(actor=AdminFactory(), certificate=certificate)
    certificate.refresh_from_db()

    assert render_certificate_pdf(certificate).startswith(b"%PDF")


def test_ledger_page_lists_my_certificates_only(client, member, group):
    _attend(member, group, _days_ago(10))
    mine = _certificate(member, group)
    theirs = _certificate(UserFactory(), group, holder_name="Somebody Else")
    client.force_login(member)

    response = client.get(reverse("meetings:hours"))

    assert response.context["certificates"] == [mine]
    body = response.content.decode()
    assert reverse("meetings:certificate_pdf", args=[mine.code]) in body
    assert theirs.code not in body


# --- public verification -------------------------------------------------------------------


def test_verify_shows_the_certificates_own_facts_and_nothing_else(client, member, group):
    certificate = _certificate(member, group, issued_at=_utc(2026, 4, 2, 12))
    verify_url = reverse("meetings:verify", args=[certificate.code])
    assert verify_url == f"/verify/{certificate.code}/"

    response = client.get(verify_url)

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    body = _text(response)
    assert f"Certificate of attendance {certificate.code}" in body
    assert "Holder Mia Member" in body
    assert "Credential (as stated by the holder) LCSW (Licensed Clinical Social Worker)" in body
    assert "Group Front Range Consult" in body
    assert "Period 1 January 2026 \u2013 31 March 2026" in body
    assert "Meetings attended 2" in body
    assert "Total contact hours 3.50" in body
    assert "Issued 2 April 2026" in body
    assert "Revoked" not in body
    page = response.content.decode()
    for private in ("12345", "mia.private", "Fay Facilitator", "2026-01-08", "8 January"):
        assert private not in page
    assert group.get_absolute_url() not in page
    assert reverse("members:profile", args=[member.profile.pk]) not in page
    assert "/therapists/" not in page


def test_verify_shows_the_snapshot_not_the_live_profile(client, member, group):
    certificate = _certificate(member, group)
    TherapistProfile.objects.filter(user=member).update(display_name="Renamed Later")

    body = _text(client.get(reverse("meetings:verify", args=[certificate.code])))

    assert "Holder Mia Member" in body
    assert "Renamed Later" not in body


def test_verify_a_revoked_certificate_says_revoked(client, member, group):
    certificate = _certificate(member, group)
    revoke_certificate(actor=AdminFactory(), certificate=certificate)
    certificate.refresh_from_db()

    response = client.get(reverse("meetings:verify", args=[certificate.code]))

    assert response.status_code == 200
    # The day in the group's zone (Denver), as the page shows it: not UTC's after midnight UTC.
    revoked_on = f"{certificate.revoked_at.astimezone(ZoneInfo(group.time_zone)):%-d %B %Y}"
    assert f"Revoked on {revoked_on}. This certificate is no longer valid." in _text(response)


@pytest.mark.parametrize(
    "code", ["0123456789AB", "abc", "<script>alert(1)<script>", "%00", "FEEDFACE0001-x" * 40]
)
def test_verify_an_unknown_code_is_a_404_page(client, member, group, code):
    _certificate(member, group, code="FEEDFACE0001")

    response = client.get(f"/verify/{code}/")

    assert response.status_code == 404
    assert "No such certificate" in _text(response)
    assert "<script>alert" not in response.content.decode()
    assert "Certificate of attendance" not in _text(response)


def test_verify_accepts_the_code_in_lower_case(client, member, group):
    certificate = _certificate(member, group, code="FEEDFACE0001")

    response = client.get("/verify/feedface0001/")

    assert response.status_code == 200
    assert response.context["certificate"] == certificate


def test_verify_lookup_form_redirects_to_the_code(client):
    response = client.get(reverse("meetings:verify_lookup"), {"code": " feed-face 0001 "})

    assert response.status_code == 302
    assert response.url == "/verify/FEEDFACE0001/"


def test_verify_lookup_without_a_code_shows_the_form(client):
    empty = client.get(reverse("meetings:verify_lookup"))
    blank = client.get(reverse("meetings:verify_lookup"), {"code": " / "})

    assert empty.status_code == 200
    assert 'name="code"' in empty.content.decode()
    assert "Enter the code printed on the certificate." not in _text(empty)
    assert blank.status_code == 200
    assert "Enter the code printed on the certificate." in _text(blank)


def test_verify_page_query_count(client, member, group, django_assert_num_queries):
    certificate = _certificate(member, group)

    with django_assert_num_queries(1):
        client.get(reverse("meetings:verify", args=[certificate.code]))


# --- revoking -----------------------------------------------------------------------------


def test_revoke_certificate_marks_it_and_audits_once(member, group):
    admin = AdminFactory()
    certificate = _certificate(member, group)

    revoked = revoke_certificate(actor=admin, certificate=certificate)
    again = revoke_certificate(actor=admin, certificate=certificate)

    assert revoked.revoked_by == admin
    assert revoked.revoked_at is not None
    assert again.revoked_at == revoked.revoked_at
    entry = AuditEntry.objects.get(verb="certificate.revoked")
    assert (entry.actor, entry.subject, entry.group) == (admin, member, group)
    assert entry.data == {"code": certificate.code}


def test_revoke_certificate_is_for_site_admins_only(member, group):
    certificate = _certificate(member, group)

    with pytest.raises(NotAllowed) as refused:
        revoke_certificate(actor=member, certificate=certificate)

    assert str(refused.value) == "Only site admins revoke certificates."

    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert not AuditEntry.objects.filter(verb="certificate.revoked").exists()


def test_admin_action_revokes_the_selected_certificates(client, member, group):
    admin = AdminFactory()
    chosen = _certificate(member, group)
    left_alone = _certificate(member, group)
    client.force_login(admin)

    response = client.post(
        reverse("admin:meetings_certificate_changelist"),
        {"action": "revoke_certificates", "_selected_action": [chosen.pk]},
        follow=True,
    )

    assert response.status_code == 200
    chosen.refresh_from_db()
    left_alone.refresh_from_db()
    assert chosen.revoked_by == admin
    assert left_alone.revoked_at is None
    assert "Revoked 1 certificate(s)." in _text(response)
    assert AuditEntry.objects.filter(verb="certificate.revoked").count() == 1


def test_admin_searches_certificates_by_code_and_holder(client, member, group):
    wanted = _certificate(member, group, code="FEEDFACE0001", holder_name="Mia Member")
    other = _certificate(member, group, code="0123456789AB", holder_name="Otto Other")
    client.force_login(AdminFactory())
    url = reverse("admin:meetings_certificate_changelist")

    by_code = client.get(url, {"q": "FEEDFACE"})
    by_holder = client.get(url, {"q": "Otto"})

    assert list(by_code.context["cl"].result_list) == [wanted]
    assert list(by_holder.context["cl"].result_list) == [other]
