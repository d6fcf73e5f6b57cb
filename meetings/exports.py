"""Exports: what organizers hand to agency sponsors and continuing-education providers, and what
members keep of their own hours.

The CSV exports are generators of rows (``csv_lines`` turns them into text a line at a time, so
a view can stream a register of any size). The sign-in sheet and the hours statement are PDFs.
None of them carries case content: names, credentials, dates, times, attendance marks and the
agenda's item labels only, never a presentation's topic or case fields.
"""

import csv
import zoneinfo
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from groups.enums import VenueKind
from groups.models import Group
from groups.selectors import members_of
from meetings.certificates import credential_abbreviation, licence_line
from meetings.enums import AttendanceStatus, MeetingStatus
from meetings.layout import agenda_with_times
from meetings.ledger import (
    certificates_for_user,
    hours,
    ledger_for_user,
    minutes_between,
    present_attendance,
)
from meetings.models import Attendance, Meeting, OutsideHours
from meetings.pdf import PdfDocument
from meetings.selectors import members_at, segments_of
from members import dates
from members.models import User
from members.timezones import zone_label

# What a spreadsheet would run as a formula if a cell started with it (OWASP "CSV injection"):
# such a value gets a leading apostrophe, which spreadsheets show as plain text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Rows fetched from the database at a time while a register streams.
CHUNK = 2000


class ExportPeriod:
    """The days an export covers, in the group's zone; both ends included, either may be open."""

    def __init__(self, start: date | None = None, end: date | None = None):
        self.start, self.end = start, end

    def bounds(self, tz: zoneinfo.ZoneInfo) -> Q:
        """The meetings that started within the period, as a filter on attendance rows."""
        query = Q()
        if self.start:
            query &= Q(meeting__starts_at__gte=datetime.combine(self.start, time.min, tzinfo=tz))
        if self.end:
            after = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz)
            query &= Q(meeting__starts_at__lt=after)
        return query

    def slug(self) -> str:
        """For the file name: "2026-01-01-to-2026-03-31", "from-2026-01-01", or "all"."""
        if self.start and self.end:
            return f"{self.start.isoformat()}-to-{self.end.isoformat()}"
        if self.start:
            return f"from-{self.start.isoformat()}"
        if self.end:
            return f"until-{self.end.isoformat()}"
        return "all"


def cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    """A file that hands back what is written to it: csv.writer then returns each line."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """Each row as a CSV line, after a byte-order mark so spreadsheets read UTF-8 names."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def _credential(user) -> str:
    profile = getattr(user, "profile", None)
    return credential_abbreviation(profile.credential_type) if profile else ""


def _hours_text(minutes: int) -> str:
    return f"{hours(minutes):.2f}"


def _present_at_held_meetings() -> Q:
    return Q(status=AttendanceStatus.PRESENT) & ~Q(meeting__status=MeetingStatus.CANCELLED)


LENGTH = ExpressionWrapper(
    F("meeting__ends_at") - F("meeting__starts_at"), output_field=DurationField()
)


def _minutes(duration: timedelta | None) -> int:
    return int(duration.total_seconds() // 60) if duration else 0


# --- organizers -------------------------------------------------------------------------------


ROSTER_HEADER = [
    gettext_lazy("Name"),
    gettext_lazy("Credential"),
    gettext_lazy("Licence region"),
    gettext_lazy("Role"),
    gettext_lazy("Joined"),
    gettext_lazy("Ground rules accepted"),
    gettext_lazy("Meetings attended"),
    gettext_lazy("Contact hours"),
]


def roster_rows(group: Group) -> Iterator[list]:
    """The group's members today, organizers first: who they are professionally and since
    when, and how many of the group's meetings they attended (no e-mail addresses, no licence
    numbers: the roster shows what the members page shows)."""
    tz = zoneinfo.ZoneInfo(group.time_zone)
    attended = {
        row["user_id"]: row
        for row in Attendance.objects.filter(_present_at_held_meetings(), meeting__group=group)
        .values("user_id")
        .annotate(meetings=Count("id"), length=Sum(LENGTH))
    }
    yield ROSTER_HEADER
    for membership in members_of(group):
        profile = getattr(membership.user, "profile", None)
        row = attended.get(membership.user_id, {"meetings": 0, "length": None})
        yield [
            str(membership.user),
            _credential(membership.user),
            profile.licence_region if profile else "",
            membership.get_role_display(),
            dates.iso_date(membership.joined_at, zone=tz),
            dates.iso_date(membership.rules_accepted_at, zone=tz)
            if membership.rules_accepted_at
            else "",
            row["meetings"],
            _hours_text(_minutes(row["length"])),
        ]


def register_header(group: Group) -> list[str]:
    zone = zone_label(group.time_zone)
    return [
        _("Date"),
        _("Start (%(zone)s)") % {"zone": zone},
        _("End (%(zone)s)") % {"zone": zone},
        _("Meeting"),
        _("Facilitator"),
        _("Member"),
        _("Credential"),
        _("Attendance"),
        _("Contact minutes"),
    ]


def register_rows(group: Group, period: ExportPeriod) -> Iterator[list]:
    """Every recorded attendance mark at the group's meetings in the period, meeting by meeting
    (oldest first), each member by name: the attendance register a sponsor asks for. Contact
    minutes count only for present marks at meetings that took place."""
    tz = zoneinfo.ZoneInfo(group.time_zone)
    marks = (
        Attendance.objects.filter(period.bounds(tz), meeting__group=group)
        .select_related("meeting__facilitator__profile", "user__profile")
        .order_by("meeting__starts_at", "meeting_id", "user__profile__display_name", "user_id")
    )
    yield register_header(group)
    for mark in marks.iterator(chunk_size=CHUNK):
        meeting = mark.meeting
        counted = (
            mark.status == AttendanceStatus.PRESENT and meeting.status != MeetingStatus.CANCELLED
        )
        yield [
            dates.iso_date(meeting.starts_at, zone=tz),
            dates.clock(meeting.starts_at, zone=tz),
            dates.clock(meeting.ends_at, zone=tz),
            _("%(meeting)s (cancelled)") % {"meeting": meeting.title}
            if meeting.status == MeetingStatus.CANCELLED
            else meeting.title,
            str(meeting.facilitator) if meeting.facilitator_id else "",
            str(mark.user),
            _credential(mark.user),
            mark.get_status_display(),
            minutes_between(meeting.starts_at, meeting.ends_at) if counted else 0,
        ]


HOURS_HEADER = [
    gettext_lazy("Name"),
    gettext_lazy("Credential"),
    gettext_lazy("Meetings attended"),
    gettext_lazy("Contact hours"),
    pgettext_lazy("the first meeting attended", "First"),
    pgettext_lazy("the last meeting attended", "Last"),
]


def hours_rows(group: Group, period: ExportPeriod) -> Iterator[list]:
    """Contact hours per person at the group's meetings in the period: everyone who was
    present, former members too (their hours were spent in the group), by name."""
    tz = zoneinfo.ZoneInfo(group.time_zone)
    totals = (
        Attendance.objects.filter(_present_at_held_meetings(), period.bounds(tz))
        .filter(meeting__group=group)
        .values("user_id")
        .annotate(
            meetings=Count("id"),
            length=Sum(LENGTH),
            first=Min("meeting__starts_at"),
            last=Max("meeting__starts_at"),
        )
    )
    totals = list(totals)
    people = User.objects.select_related("profile").in_bulk([row["user_id"] for row in totals])
    yield HOURS_HEADER
    for row in sorted(totals, key=lambda r: str(people[r["user_id"]]).casefold()):
        user = people[row["user_id"]]
        yield [
            str(user),
            _credential(user),
            row["meetings"],
            _hours_text(_minutes(row["length"])),
            dates.iso_date(row["first"], zone=tz),
            dates.iso_date(row["last"], zone=tz),
        ]


# --- the sign-in sheet ------------------------------------------------------------------------

# Lines left empty at the foot of the sheet for guests and members who joined since.
EXTRA_LINES = 4


def _name_or(user) -> str:
    return str(user) if user is not None else _("Not assigned")


def _place(meeting: Meeting) -> str:
    """ "In person, Wellness Center, 12 Main St, Denver" (no online link: the sheet is paper)."""
    kind = str(VenueKind(meeting.effective_venue_kind).label)
    address = meeting.effective_address
    city = meeting.group.city if address else ""
    return ", ".join(part for part in (kind, meeting.effective_venue_name, address, city) if part)


def sign_in_sheet_pdf(meeting: Meeting) -> bytes:
    """A printable sheet for one meeting, the kind CE sponsors ask for: the group, when and
    where, who facilitates, the agenda with its times, and a line per expected member (and a
    few empty ones) with room to write a licence number and sign. Times in the group's zone."""
    group = meeting.group
    tz = zoneinfo.ZoneInfo(group.time_zone)
    when = dates.when_span(meeting.starts_at, meeting.ends_at, zone=tz)
    pdf = PdfDocument(
        title=_("Sign-in sheet: %(group)s, %(day)s")
        % {"group": group.name, "day": dates.date_only(meeting.starts_at, zone=tz)},
        subject=_("Attendance at %(meeting)s") % {"meeting": meeting.title},
        landscape=True,
    )
    pdf.text(_("Sign-in sheet: %(meeting)s") % {"meeting": meeting.title}, "Title")
    pdf.table(
        [
            ["", ""],
            [_("Group"), group.name],
            [_("When"), when],
            [_("Where"), _place(meeting)],
            [_("Facilitator"), _name_or(meeting.facilitator)],
            [_("Backup facilitator"), _name_or(meeting.backup_facilitator)],
            [_("Timekeeper"), _name_or(meeting.timekeeper)],
        ],
        [45, None],
    )
    agenda = agenda_with_times(meeting, segments_of(meeting))
    if agenda:
        pdf.space(4)
        pdf.text(_("Agenda"), "Heading2")
        pdf.table(
            [[_("Time"), _("Item"), _("Minutes")]]
            + [
                [
                    dates.clock(row["starts_at"], zone=tz),
                    row["segment"].label,
                    row["segment"].minutes,
                ]
                for row in agenda
            ],
            [25, None, 25],
        )
    pdf.space(4)
    pdf.text(_("Attendance"), "Heading2")
    people = [membership.user for membership in members_at(meeting)]
    lines = [
        [str(number), str(user), _credential(user), "", ""]
        for number, user in enumerate(people, start=1)
    ]
    lines += [[str(len(people) + n), "", "", "", ""] for n in range(1, EXTRA_LINES + 1)]
    pdf.table(
        [["#", _("Name"), _("Credential"), _("Licence number"), _("Signature")], *lines],
        [10, 80, 30, 55, None],
        grid=True,
        height=11,
    )
    pdf.space(4)
    pdf.text(
        _(
            "Sign only for yourself, and only if you attended. Do not write anything about "
            "clients or cases on this sheet."
        ),
        "Italic",
    )
    return pdf.render()


# --- a member's own records ------------------------------------------------------------------


def my_hours_header() -> list[str]:
    return [
        _("Date"),
        _("Start"),
        _("End"),
        _("Time zone"),
        _("Group or provider"),
        _("Meeting, course or topic"),
        _("Facilitator"),
        _("Contact minutes"),
        _("Kind"),
        _("Source"),
        _("Certificate"),
    ]


SELF_REPORTED = gettext_lazy("Self-reported")
RECORDED = gettext_lazy("Recorded by PeerCircle")


def my_outside_rows(user) -> Iterator[list]:
    """The hours the person logged themselves, oldest first, marked self-reported; "yes" in
    the last column where they attached a certificate."""
    entries = OutsideHours.objects.filter(user=user).order_by("day", "pk")
    for entry in entries.iterator(chunk_size=CHUNK):
        yield [
            dates.iso_date(entry.day),
            "",
            "",
            "",
            entry.provider,
            entry.title,
            "",
            entry.minutes,
            entry.get_category_display(),
            str(SELF_REPORTED),
            pgettext("the entry has a certificate", "yes") if entry.has_certificate else "",
        ]


def my_hours_rows(user, tz: zoneinfo.ZoneInfo) -> Iterator[list]:
    """Each meeting the person was marked present at (cancelled ones never count), oldest
    first, in their own zone ("Recorded by PeerCircle"); then the hours they logged themselves
    ("Self-reported")."""
    marks = present_attendance(user).select_related(
        "meeting__group", "meeting__facilitator__profile"
    )
    yield my_hours_header()
    for mark in marks.iterator(chunk_size=CHUNK):
        meeting = mark.meeting
        yield [
            dates.iso_date(meeting.starts_at, zone=tz),
            dates.clock(meeting.starts_at, zone=tz),
            dates.clock(meeting.ends_at, zone=tz),
            zone_label(tz.key),
            meeting.group.name,
            meeting.title,
            str(meeting.facilitator) if meeting.facilitator_id else "",
            minutes_between(meeting.starts_at, meeting.ends_at),
            _("Peer consultation"),
            str(RECORDED),
            "",  # PeerCircle's own certificates cover a period: my_certificates_rows
        ]
    yield from my_outside_rows(user)


CERTIFICATES_HEADER = [
    gettext_lazy("Code"),
    gettext_lazy("Group"),
    gettext_lazy("From"),
    gettext_lazy("To"),
    gettext_lazy("Meetings"),
    gettext_lazy("Contact hours"),
    gettext_lazy("Issued"),
    gettext_lazy("Status"),
    gettext_lazy("Check at"),
]


def my_certificates_rows(user) -> Iterator[list]:
    """The person's certificates, newest first, each with the address anyone can check it at."""
    site = settings.SITE_URL.rstrip("/")
    yield CERTIFICATES_HEADER
    for certificate in certificates_for_user(user):
        status = (
            _("Revoked %(day)s") % {"day": dates.iso_date(certificate.revoked_at, zone=UTC)}
            if certificate.revoked_at
            else _("Valid")
        )
        yield [
            certificate.code,
            certificate.group_name,
            dates.iso_date(certificate.period_start),
            dates.iso_date(certificate.period_end),
            len(certificate.meetings),
            _hours_text(certificate.total_minutes),
            dates.iso_date(certificate.issued_at, zone=UTC),
            status,
            site + reverse("meetings:verify", kwargs={"code": certificate.code}),
        ]


def hours_statement_pdf(user, tz: zoneinfo.ZoneInfo, *, today: date) -> bytes:
    """The person's statement of contact hours: who they are (name, credential, licence), the
    totals by group and by year, and every meeting, in their own zone."""
    ledger = ledger_for_user(user, tz=tz, today=today)
    profile = getattr(user, "profile", None)
    pdf = PdfDocument(
        title=_("Peer consultation hours: %(name)s") % {"name": user},
        subject=_("Contact hours"),
    )
    pdf.text(_("Statement of peer consultation hours"), "Title")
    pdf.table(
        [
            ["", ""],
            [_("Name"), str(user)],
            [
                _("Credential"),
                profile.get_credential_type_display() if profile else _("Not given"),
            ],
            [_("Licence"), (licence_line(profile) if profile else "") or _("Not given")],
            [_("Meetings attended"), str(ledger.meetings)],
            [_("Total contact hours"), _hours_text(ledger.minutes)],
            [_("As of"), dates.date_only(today)],
        ],
        [50, None],
    )
    if ledger.meetings:
        pdf.space(4)
        pdf.text(_("By group"), "Heading2")
        pdf.table(
            [[_("Group"), _("Meetings"), _("Contact hours")]]
            + [[t.label, t.meetings, _hours_text(t.minutes)] for t in ledger.by_group],
            [None, 30, 35],
        )
        pdf.space(4)
        pdf.text(_("By year"), "Heading2")
        pdf.table(
            [[_("Year"), _("Meetings"), _("Contact hours")]]
            + [[t.label, t.meetings, _hours_text(t.minutes)] for t in ledger.by_year],
            [None, 30, 35],
        )
        pdf.space(4)
        pdf.text(_("Each meeting"), "Heading2")
        _header, *rows = my_hours_rows(user, tz)
        recorded = str(RECORDED)
        pdf.table(
            [[_("Date"), _("Time"), _("Group"), _("Facilitator"), _("Minutes")]]
            + [
                [r[0], f"{r[1]}\u2013{r[2]}", r[4], r[6] or _("Not recorded"), r[7]]
                for r in rows
                if r[9] == recorded
            ],
            [25, 28, None, 45, 20],
        )
    outside = list(my_outside_rows(user))
    if outside:
        pdf.space(4)
        pdf.text(_("Hours from elsewhere (self-reported, not checked by PeerCircle)"), "Heading2")
        pdf.table(
            [[_("Date"), _("Kind"), _("Provider"), _("Hours")]]
            + [
                [r[0], r[8], f"{r[4]}: {r[5]}" if r[5] else r[4], _hours_text(r[7])]
                for r in outside
            ],
            [25, 45, None, 20],
        )
    pdf.space(6)
    pdf.text(
        _(
            "Recorded by PeerCircle: the scheduled length of each meeting the holder was marked "
            "present at by the group's organizers. Times are in %(zone)s. This statement is not "
            "a certificate; certificates can be checked at %(url)s."
        )
        % {
            "zone": zone_label(tz.key),
            "url": f"{settings.SITE_URL.rstrip('/')}{reverse('meetings:verify_lookup')}",
        },
        "Italic",
    )
    return pdf.render()
