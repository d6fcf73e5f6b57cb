"""Exports (issue 17, part 1): a group's roster, attendance register and hours per member for its
organizers; a meeting's sign-in sheet; each member's own hours and certificates. Each is read back
(CSV rows, PDF text), none carries case content, outsiders get 404, and the CSVs stream."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pypdf
import pytest
from django.urls import reverse
from hypothesis import given

from groups.enums import Role
from meetings import exports
from meetings.certificates import issue_certificate
from meetings.enums import AttendanceStatus, MeetingStatus
from meetings.forms import ExportPeriodForm
from presentations.models import Presentation
from tests.factories import (
    AgendaSegmentFactory,
    AttendanceFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)
from tests.support.fuzz import FUZZ, field, form_data

pytestmark = pytest.mark.django_db


CASE_TEXT = "Client Zebulon Quartermain, age 34, works at the Ridgeway bakery"
TOPIC = "Quartermain's panic at work"


def _at(day: int, hour: int = 1) -> datetime:
    """Day ``day`` of March 2026 at ``hour`` UTC: the evening before in Denver (UTC-7)."""
    return datetime(2026, 3, day, hour, 30, tzinfo=UTC)


@pytest.fixture
def group():
    return GroupFactory(name="Front Range Consult", slug="front-range", time_zone="America/Denver")


def _person(group, name: str, role=Role.MEMBER, credential="lcsw", **profile):
    user = UserFactory(
        profile__display_name=name,
        profile__credential_type=credential,
        **{f"profile__{key}": value for key, value in profile.items()},
    )
    joined = _at(1) - timedelta(days=30)  # 29 January in Denver
    MembershipFactory(
        group=group,
        user=user,
        role=role,
        joined_at=joined,
        rules_version=group.rules_versions.first(),
        rules_accepted_at=joined,
    )
    return user


@pytest.fixture
def people(group):
    return {
        "olga": _person(group, "Olga Organizer", Role.ORGANIZER, "lpc", licence_region="Colorado"),
        "mia": _person(group, "Mia Member", licence_number="LCSW-555", licence_region="Colorado"),
        "ned": _person(group, "Ned Newer", credential="lmft"),
    }


def _meeting(group, day: int, *, facilitator=None, status=MeetingStatus.SCHEDULED, title=None):
    return MeetingFactory(
        group=group,
        title=title or f"March {day} consult",
        starts_at=_at(day),
        ends_at=_at(day) + timedelta(minutes=90),
        facilitator=facilitator,
        status=status,
    )


def _mark(meeting, user, status=AttendanceStatus.PRESENT):
    return AttendanceFactory(meeting=meeting, user=user, status=status)


def _case(meeting, presenter):
    """A presented case with identifying text in it: no export may ever carry it."""
    segment = AgendaSegmentFactory(
        meeting=meeting, kind="case", title="Case presentation", minutes=40
    )
    return Presentation.objects.create(
        segment=segment,
        meeting=meeting,
        presenter=presenter,
        topic_title=TOPIC,
        case_question=CASE_TEXT,
        case_background=CASE_TEXT,
    )


def _rows(response) -> list[list[str]]:
    assert response.streaming is True
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _where(group) -> str:
    return ", ".join(
        part
        for part in (group.get_venue_kind_display(), group.venue_name, group.street_address)
        if part
    ) + (f", {group.city}" if group.street_address else "")


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def history(group, people):
    """Three meetings: Mia present twice, Ned present once and absent once, Olga excused once;
    the third meeting was cancelled (marked, but it counts for nothing)."""
    first = _meeting(group, 5, facilitator=people["olga"])
    second = _meeting(group, 12, facilitator=people["mia"])
    cancelled = _meeting(group, 19, status=MeetingStatus.CANCELLED)
    _mark(first, people["mia"])
    _mark(first, people["ned"])
    _mark(first, people["olga"], AttendanceStatus.EXCUSED)
    _mark(second, people["mia"])
    _mark(second, people["ned"], AttendanceStatus.ABSENT)
    _mark(cancelled, people["mia"])
    _case(first, people["mia"])
    return first, second, cancelled


# --- the rows ---------------------------------------------------------------------------------


def test_roster_lists_members_organizers_first_without_addresses_or_numbers(group, people, history):
    rows = list(exports.roster_rows(group))

    assert rows == [
        exports.ROSTER_HEADER,
        [
            "Olga Organizer",
            "LPC / LPCC",
            "Colorado",
            "Organizer",
            "2026-01-29",
            "2026-01-29",
            0,
            "0.00",
        ],
        ["Mia Member", "LCSW", "Colorado", "Member", "2026-01-29", "2026-01-29", 2, "3.00"],
        ["Ned Newer", "LMFT", "Colorado", "Member", "2026-01-29", "2026-01-29", 1, "1.50"],
    ]


def test_register_lists_every_mark_in_the_period_meeting_by_meeting(group, people, history):
    rows = list(exports.register_rows(group, exports.ExportPeriod()))

    assert rows == [
        [
            "Date",
            "Start (Denver time)",
            "End (Denver time)",
            "Meeting",
            "Facilitator",
            "Member",
            "Credential",
            "Attendance",
            "Contact minutes",
        ],
        [
            "2026-03-04",
            "18:30",
            "20:00",
            "March 5 consult",
            "Olga Organizer",
            "Mia Member",
            "LCSW",
            "Present",
            90,
        ],
        [
            "2026-03-04",
            "18:30",
            "20:00",
            "March 5 consult",
            "Olga Organizer",
            "Ned Newer",
            "LMFT",
            "Present",
            90,
        ],
        [
            "2026-03-04",
            "18:30",
            "20:00",
            "March 5 consult",
            "Olga Organizer",
            "Olga Organizer",
            "LPC / LPCC",
            "Excused",
            0,
        ],
        [
            "2026-03-11",
            "19:30",  # summer time in Denver since 8 March
            "21:00",
            "March 12 consult",
            "Mia Member",
            "Mia Member",
            "LCSW",
            "Present",
            90,
        ],
        [
            "2026-03-11",
            "19:30",  # summer time in Denver since 8 March
            "21:00",
            "March 12 consult",
            "Mia Member",
            "Ned Newer",
            "LMFT",
            "Absent",
            0,
        ],
        [
            "2026-03-18",
            "19:30",
            "21:00",
            "March 19 consult (cancelled)",
            "",
            "Mia Member",
            "LCSW",
            "Present",
            0,
        ],
    ]


def test_register_period_is_in_the_groups_days_both_ends_included(group, people, history):
    # 11 March in Denver is 12 March in UTC: the second meeting is inside, the first is not.
    period = exports.ExportPeriod(date(2026, 3, 11), date(2026, 3, 11))

    rows = list(exports.register_rows(group, period))

    assert [row[3] for row in rows[1:]] == ["March 12 consult", "March 12 consult"]


def test_hours_per_member_counts_present_marks_at_held_meetings_former_members_too(
    group, people, history
):
    people["ned"].memberships.all().delete()  # Ned left: his hours in the group still count

    rows = list(exports.hours_rows(group, exports.ExportPeriod()))

    assert rows == [
        exports.HOURS_HEADER,
        ["Mia Member", "LCSW", 2, "3.00", "2026-03-04", "2026-03-11"],
        ["Ned Newer", "LMFT", 1, "1.50", "2026-03-04", "2026-03-04"],
    ]


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_written_as_text(group):
    _person(group, '=HYPERLINK("http://evil.example","Click")')

    rows = list(csv.reader(io.StringIO("".join(exports.csv_lines(exports.roster_rows(group)))[1:])))

    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","Click")'


def test_sign_in_sheet_has_the_agenda_the_facilitator_and_a_line_per_member(group, people, history):
    first = history[0]
    AgendaSegmentFactory(meeting=first, kind="check_in", title="", minutes=15, position=0)

    text = _pdf_text(exports.sign_in_sheet_pdf(first))

    assert "Sign-in sheet: March 5 consult" in text
    assert "Wednesday 4 March 2026, 18:30\u201320:00 Denver time" in text
    assert f"Where {_where(group)}" in text
    assert "Facilitator Olga Organizer" in text
    assert "18:30 Check-in 15" in text
    assert "18:45 Case presentation 40" in text
    assert "# Name Credential Licence number Signature" in text
    assert "1 Olga Organizer LPC / LPCC 2 Mia Member LCSW 3 Ned Newer LMFT 4 5 6" in text
    assert text.endswith(
        "Signature 7 Sign only for yourself, and only if you attended. Do not write anything about clients or cases on this sheet."
    )
    assert "Do not write anything about clients or cases on this sheet." in text
    assert "LCSW-555" not in text  # members write their numbers themselves


def test_my_hours_rows_are_in_my_zone_and_say_they_were_recorded(group, people, history):
    from zoneinfo import ZoneInfo

    rows = list(exports.my_hours_rows(people["mia"], ZoneInfo("Europe/Berlin")))

    assert rows == [
        exports.my_hours_header(),
        [
            "2026-03-05",
            "02:30",
            "04:00",
            "Berlin time",
            "Front Range Consult",
            "March 5 consult",
            "Olga Organizer",
            90,
            "Peer consultation",
            "Recorded by PeerCircle",
            "",
        ],
        [
            "2026-03-12",
            "02:30",
            "04:00",
            "Berlin time",
            "Front Range Consult",
            "March 12 consult",
            "Mia Member",
            90,
            "Peer consultation",
            "Recorded by PeerCircle",
            "",
        ],
    ]


def test_my_certificates_rows_name_each_with_its_check_address(group, people, history, settings):
    settings.SITE_URL = "https://peercircle.example"
    certificate = issue_certificate(
        user=people["mia"], group=group, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )

    rows = list(exports.my_certificates_rows(people["mia"]))

    assert rows == [
        exports.CERTIFICATES_HEADER,
        [
            certificate.code,
            "Front Range Consult",
            "2026-03-01",
            "2026-03-31",
            2,
            "3.00",
            f"{certificate.issued_at:%Y-%m-%d}",
            "Valid",
            f"https://peercircle.example/verify/{certificate.code}/",
        ],
    ]


def test_hours_statement_totals_by_group_and_year_and_lists_each_meeting(group, people, history):
    from zoneinfo import ZoneInfo

    text = _pdf_text(
        exports.hours_statement_pdf(
            people["mia"], ZoneInfo("America/Denver"), today=date(2026, 4, 1)
        )
    )

    assert "Statement of peer consultation hours" in text
    assert "Name Mia Member" in text
    assert "Licence LCSW-555 (Colorado)" in text
    assert "Meetings attended 2 Total contact hours 3.00" in text
    assert "Front Range Consult 2 3.00" in text
    assert "2026 2 3.00" in text
    assert "2026-03-04 18:30\u201320:00 Front Range Consult Olga Organizer 90" in text
    assert "Times are in Denver time." in text


def test_no_export_carries_case_content(client, group, people, history, settings):
    settings.SITE_URL = "https://peercircle.example"
    olga, mia = people["olga"], people["mia"]
    issue_certificate(user=mia, group=group, start=date(2026, 3, 1), end=date(2026, 3, 31))
    client.force_login(olga)
    texts = [
        b"".join(client.get(reverse(name, args=[group.slug])).streaming_content).decode()
        for name in ("meetings:export_roster", "meetings:export_register", "meetings:export_hours")
    ]
    texts.append(
        _pdf_text(client.get(reverse("meetings:sign_in_sheet", args=[history[0].pk])).content)
    )
    client.force_login(mia)
    texts.append(b"".join(client.get(reverse("meetings:my_hours_csv")).streaming_content).decode())
    texts.append(
        b"".join(client.get(reverse("meetings:my_certificates_csv")).streaming_content).decode()
    )
    texts.append(_pdf_text(client.get(reverse("meetings:my_hours_pdf")).content))

    for text in texts:
        assert ("Quartermain" in text, "Zebulon" in text, "Ridgeway" in text) == (
            False,
            False,
            False,
        )
    assert len(texts) == 7


# --- the pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("meetings:export_roster", "front-range-roster.csv"),
        ("meetings:export_register", "front-range-attendance-all.csv"),
        ("meetings:export_hours", "front-range-hours-all.csv"),
    ],
)
def test_organizers_download_the_groups_records(client, group, people, history, name, filename):
    client.force_login(people["olga"])

    response = client.get(reverse(name, args=[group.slug]))

    assert (response.status_code, response["Content-Type"]) == (200, "text/csv; charset=utf-8")
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Cache-Control"] == "private, no-store"
    assert len(_rows(response)) > 1


@pytest.mark.parametrize(
    "name", ["meetings:export_roster", "meetings:export_register", "meetings:export_hours"]
)
@pytest.mark.parametrize("who", ["member", "outsider", "admin"])
def test_only_organizers_download_the_groups_records(client, group, people, name, who):
    from tests.factories import AdminFactory

    viewer = {"member": people["mia"], "outsider": UserFactory(), "admin": AdminFactory()}[who]
    client.force_login(viewer)

    assert client.get(reverse(name, args=[group.slug])).status_code == 404


def test_register_for_a_period_names_it_in_the_file(client, group, people, history):
    client.force_login(people["olga"])

    response = client.get(
        reverse("meetings:export_register", args=[group.slug]),
        {"start": "2026-03-10", "end": "2026-03-31"},
    )

    assert response["Content-Disposition"] == (
        'attachment; filename="front-range-attendance-2026-03-10-to-2026-03-31.csv"'
    )
    assert [row[3] for row in _rows(response)[1:]] == [
        "March 12 consult",
        "March 12 consult",
        "March 19 consult (cancelled)",
    ]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"start": "2026-03-31", "end": "2026-03-01"},
            "end",
            "The last day cannot be before the first day.",
        ),
        ({"start": "31/03/2026"}, "start", "Enter a valid date."),
        ({"end": "1850-01-01"}, "end", "Enter a date between the years 2000 and 2100."),
    ],
)
def test_a_bad_period_shows_the_page_with_the_error_beside_the_field(
    client, group, people, query, field, message
):
    client.force_login(people["olga"])

    response = client.get(reverse("meetings:export_hours", args=[group.slug]), query)

    assert (response.status_code, response["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert "Content-Disposition" not in response
    assert response.context["period_form"].errors[field] == [message]
    assert f'id="id_{field}_errors"' in response.content.decode()


def test_attendance_page_offers_the_downloads_to_organizers_only(client, group, people):
    from tests.factories import AdminFactory

    client.force_login(people["olga"])
    organizer_page = client.get(
        reverse("meetings:group_attendance", args=[group.slug])
    ).content.decode()
    client.force_login(AdminFactory())
    admin_page = client.get(
        reverse("meetings:group_attendance", args=[group.slug])
    ).content.decode()

    roster = reverse("meetings:export_roster", args=[group.slug])
    assert (roster in organizer_page, roster in admin_page) == (True, False)
    assert f'formaction="{reverse("meetings:export_hours", args=[group.slug])}"' in organizer_page


def test_sign_in_sheet_is_for_organizers_and_the_facilitator(client, group, people, history):
    second = history[1]  # Mia facilitates it
    url = reverse("meetings:sign_in_sheet", args=[second.pk])
    answers = {}
    for who, user in {**people, "outsider": UserFactory()}.items():
        client.force_login(user)
        answers[who] = client.get(url).status_code

    assert answers == {"olga": 200, "mia": 200, "ned": 404, "outsider": 404}
    client.force_login(people["olga"])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="front-range-sign-in-2026-03-11.pdf"'
    )


def test_meeting_page_links_the_sign_in_sheet_for_who_takes_attendance(client, group, people):
    meeting = _meeting(group, 26, facilitator=people["mia"])
    sheet = reverse("meetings:sign_in_sheet", args=[meeting.pk])
    seen = {}
    for who in ("olga", "mia", "ned"):
        client.force_login(people[who])
        seen[who] = sheet in client.get(meeting.get_absolute_url()).content.decode()

    assert seen == {"olga": True, "mia": True, "ned": False}


@pytest.mark.parametrize(
    ("name", "content_type", "filename"),
    [
        ("meetings:my_hours_csv", "text/csv; charset=utf-8", "peercircle-my-hours.csv"),
        ("meetings:my_hours_pdf", "application/pdf", "peercircle-my-hours.pdf"),
        (
            "meetings:my_certificates_csv",
            "text/csv; charset=utf-8",
            "peercircle-my-certificates.csv",
        ),
    ],
)
def test_members_download_their_own_records_only(
    client, group, people, history, name, content_type, filename
):
    issue_certificate(
        user=people["mia"], group=group, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    client.force_login(people["ned"])

    response = client.get(reverse(name))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = _pdf_text(body) if content_type == "application/pdf" else body.decode()

    assert (response.status_code, response["Content-Type"]) == (200, content_type)
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    # Ned's own records: his one meeting (Olga facilitated), never Mia's hours or certificate.
    assert ("Mia Member" in text, "LCSW-555" in text) == (False, False)
    client.logout()
    assert client.get(reverse(name)).status_code == 302  # to sign in


def test_hours_page_links_the_downloads(client, group, people, history):
    client.force_login(people["mia"])
    issue_certificate(
        user=people["mia"], group=group, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )

    page = client.get(reverse("meetings:hours")).content.decode()

    for name in ("meetings:my_hours_pdf", "meetings:my_hours_csv", "meetings:my_certificates_csv"):
        assert reverse(name) in page


# --- queries ----------------------------------------------------------------------------------


def _history_of(group, people, meetings: int):
    for day in range(meetings):
        meeting = MeetingFactory(
            group=group,
            starts_at=_at(1) + timedelta(days=day),
            ends_at=_at(1) + timedelta(days=day, minutes=60),
            facilitator=people["olga"],
        )
        for user in people.values():
            _mark(meeting, user)


@pytest.mark.parametrize("meetings", [1, 20])
@pytest.mark.parametrize(
    ("name", "queries"),
    [("meetings:export_roster", 4), ("meetings:export_register", 3), ("meetings:export_hours", 4)],
)
def test_group_exports_query_count_does_not_grow_with_rows(
    client, group, people, meetings, name, queries, django_assert_num_queries
):
    _history_of(group, people, meetings)
    client.force_login(people["olga"])

    with django_assert_num_queries(queries):
        rows = _rows(client.get(reverse(name, args=[group.slug])))

    assert len(rows) > 1


@pytest.mark.parametrize("meetings", [1, 20])
@pytest.mark.parametrize(
    ("name", "queries"), [("meetings:my_hours_csv", 3), ("meetings:my_certificates_csv", 2)]
)
def test_my_exports_query_count_does_not_grow_with_rows(
    client, group, people, meetings, name, queries, django_assert_num_queries
):
    _history_of(group, people, meetings)
    for n in range(meetings):
        issue_certificate(
            user=people["mia"],
            group=group,
            start=date(2026, 2, 28),  # the first meeting's day in Denver
            end=date(2026, 2, 28) + timedelta(days=n),
        )
    client.force_login(people["mia"])

    with django_assert_num_queries(queries):
        rows = _rows(client.get(reverse(name)))

    assert len(rows) > 1


# --- hostile periods ----------------------------------------------------------------------------


@given(query=form_data(start=field("2026-03-01"), end=field("2026-03-31")))
@FUZZ
def test_fuzz_export_period(client, group, people, query):
    """Hostile dates: a download when the form accepts them, else the page with its errors;
    never a 500, and nothing written (a GET)."""
    client.force_login(people["olga"])
    form = ExportPeriodForm(query)

    for name in ("meetings:export_register", "meetings:export_hours"):
        response = client.get(reverse(name, args=[group.slug]), query)
        downloaded = response.get("Content-Disposition", "").startswith("attachment")

        assert (response.status_code, downloaded) == (200, form.is_valid())
        if downloaded:
            assert _rows(response)[0][0] in ("Date", "Name")
        else:
            assert 'class="error-summary"' in response.content.decode()
