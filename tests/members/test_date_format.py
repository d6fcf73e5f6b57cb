"""Dates in one format across pages and e-mails: the filters (members/templatetags/when.py, the
functions of members/dates.py), and a check that nothing else formats dates for people."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.template import engines
from django.utils import timezone

from members import dates
from members.timezones import use_page_zone, viewer_zone

ROOT = Path(__file__).resolve().parents[2]
DENVER = zoneinfo.ZoneInfo("America/Denver")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# 02:30 UTC on Tuesday 15 January 2030: 19:30 on Monday the 14th in Denver, 03:30 in Berlin.
MOMENT = datetime.datetime(2030, 1, 15, 2, 30, 45, 123456, tzinfo=datetime.UTC)


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(
    ("source", "known", "expected"),
    [
        ("{{ t|when }}", "Europe/Berlin", "Tuesday 15 January 2030, 03:30 Berlin time"),
        ("{{ t|when_short }}", "Europe/Berlin", "Tue 15 Jan 2030, 03:30 Berlin time"),
        ("{{ t|day }}", "Europe/Berlin", "Tuesday 15 January 2030"),
        ("{{ t|date_only }}", "Europe/Berlin", "15 January 2030"),
        ("{{ t|month }}", "Europe/Berlin", "January 2030"),
        ("{{ t|clock }}", "Europe/Berlin", "03:30"),
        ("{{ t|clock_zone }}", "Europe/Berlin", "03:30 Berlin time"),
        ("{{ t|iso }}", "Europe/Berlin", "2030-01-15T03:30:45+01:00"),
        # The viewer's zone is known: a fallback does not change it.
        (
            "{{ t|when:'America/Denver' }}",
            "Europe/Berlin",
            "Tuesday 15 January 2030, 03:30 Berlin time",
        ),
        # Not known: the fallback (a group's zone), labelled; without one, UTC, labelled.
        ("{{ t|when:'America/Denver' }}", None, "Monday 14 January 2030, 19:30 Denver time"),
        ("{{ t|when_short:'America/Denver' }}", None, "Mon 14 Jan 2030, 19:30 Denver time"),
        ("{{ t|day:'America/Denver' }}", None, "Monday 14 January 2030"),
        ("{{ t|date_only:'America/Denver' }}", None, "14 January 2030"),
        ("{{ t|month:'America/Denver' }}", None, "January 2030"),
        ("{{ t|clock:'America/Denver' }}", None, "19:30"),
        ("{{ t|clock_zone:'America/Denver' }}", None, "19:30 Denver time"),
        ("{{ t|iso:'America/Denver' }}", None, "2030-01-14T19:30:45-07:00"),
        ("{{ t|when }}", None, "Tuesday 15 January 2030, 02:30 UTC"),
        ("{{ t|when:'Not/AZone' }}", None, "Tuesday 15 January 2030, 02:30 UTC"),
        ("{{ t|clock_zone }}", None, "02:30 UTC"),
    ],
)
def test_filters_on_an_aware_datetime(source, known, expected):
    zone = zoneinfo.ZoneInfo(known) if known else datetime.UTC
    with timezone.override(zone), viewer_zone(known=known is not None):
        assert render(source, t=MOMENT) == expected


def test_the_page_zone_stands_in_for_the_fallback_of_a_visitor():
    with timezone.override(datetime.UTC), viewer_zone(known=False):
        use_page_zone("America/Denver")
        assert render("{{ t|when }}", t=MOMENT) == "Monday 14 January 2030, 19:30 Denver time"
        assert render("{{ t|when:'Europe/Berlin' }}", t=MOMENT).endswith("03:30 Berlin time")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ d|when }}", "Tuesday 15 January 2030"),
        ("{{ d|when_short }}", "Tue 15 Jan 2030"),
        ("{{ d|day }}", "Tuesday 15 January 2030"),
        ("{{ d|date_only:'America/Denver' }}", "15 January 2030"),
        ("{{ d|month }}", "January 2030"),
        ("{{ d|iso }}", "2030-01-15"),
    ],
)
def test_filters_on_a_date_show_the_date_as_it_is(source, expected):
    with timezone.override(DENVER), viewer_zone(known=False):
        assert render(source, d=datetime.date(2030, 1, 15)) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ t|when }}", "Tuesday 15 January 2030, 02:30"),
        ("{{ t|clock_zone }}", "02:30"),
        ("{{ t|iso }}", "2030-01-15T02:30:45"),
    ],
)
def test_filters_on_a_naive_datetime_name_no_zone(source, expected):
    with viewer_zone(known=True):
        assert render(source, t=MOMENT.replace(tzinfo=None)) == expected


@pytest.mark.parametrize(
    "name", ["when", "when_short", "day", "date_only", "month", "clock", "clock_zone", "iso"]
)
def test_filters_on_nothing_say_nothing(name):
    assert render(f"{{{{ t|{name} }}}}|{{{{ e|{name}:'America/Denver' }}}}", t=None, e="") == "|"


def test_clock_on_a_time_of_day():
    assert render("{{ t|clock }}|{{ t|iso }}", t=datetime.time(19, 30, 5, 99)) == "19:30|19:30:05"


def test_zone_name():
    assert (
        render("{{ z|zone_name }}|{{ n|zone_name }}", z="America/Denver", n=None) == "Denver time|"
    )


def test_iso_is_a_valid_html_datetime_without_microseconds():
    # HTML's "valid global date and time string" with an offset, seconds optional, no fraction.
    pattern = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$")
    for zone in (DENVER, BERLIN, zoneinfo.ZoneInfo("Asia/Kolkata"), datetime.UTC):
        with timezone.override(zone), viewer_zone(known=True):
            value = render("{{ t|iso }}", t=MOMENT)
            assert pattern.match(value), value
            assert datetime.datetime.fromisoformat(value) == MOMENT.replace(microsecond=0)


def test_python_code_writes_the_same_format_as_the_filters():
    with timezone.override(BERLIN), viewer_zone(known=True):
        assert dates.when(MOMENT) == render("{{ t|when }}", t=MOMENT)
        assert dates.clock_zone(MOMENT) == "03:30 Berlin time"
    # A forced zone wins over the viewer's: a message every member of a group reads.
    assert dates.weekday(MOMENT, zone="America/Denver") == "Monday"
    assert dates.clock_zone(MOMENT, zone=DENVER) == "19:30 Denver time"


# --- nothing else formats dates for people --------------------------------------------------

TEMPLATE_FORMATS = re.compile(r"\|\s*(date|time)\b(?!_)|\{%\s*now\s")
PYTHON_FORMATS = re.compile(r"\bdate_format\(|\bstrftime\(|\{[^{}\"']+:%[a-zA-Z]")
# Machine formats, not for people to read, each with its reason.
PYTHON_ALLOWED = {
    # HTML input values: <input type="date|time|datetime-local"> need these exact formats.
    ("meetings/forms.py", 'DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")'),
    ("meetings/forms.py", 'TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")'),
    ("presentations/forms.py", 'DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")'),
    ("groups/forms.py", '"usual_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),'),
    # The month calendar's ?month=YYYY-MM links.
    ("meetings/layout.py", '"prev": f"{prev_month:%Y-%m}",'),
    ("meetings/layout.py", '"next": f"{next_month:%Y-%m}",'),
    # __str__ for the admin and logs, in UTC and saying so.
    ("meetings/models.py", 'return f"{self.title} · {self.starts_at:%Y-%m-%d %H:%M} UTC"'),
    # The hours chart's axis: a month's abbreviation under its bar, not a date.
    ("meetings/ledger.py", 'label=dateformat.format(month, "M" if month.month != 1 else "M Y"),'),
    # A terminal log line of the benchmark tool.
    ("bench/web.py", "print(f\"[{time.strftime('%H:%M:%S')}] {message}\", flush=True)"),
}


def _python_sources():
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        top = relative.split("/", 1)[0]
        if (
            top in {".venv", "tests", "members", "scripts", "node_modules"}
            or "/migrations/" in relative
        ):
            continue
        yield relative, path.read_text(encoding="utf-8")


def test_no_template_formats_a_date_itself():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.is_file() and path.suffix in {".html", ".txt"}:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if TEMPLATE_FORMATS.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "use the filters of members/templatetags/when.py:\n" + "\n".join(
        offenders
    )


def test_no_python_outside_members_formats_a_date_for_people():
    offenders = []
    for relative, text in _python_sources():
        for number, line in enumerate(text.splitlines(), 1):
            if PYTHON_FORMATS.search(line) and (relative, line.strip()) not in PYTHON_ALLOWED:
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "use members.dates (the filters' functions):\n" + "\n".join(offenders)


def test_the_allow_list_names_only_lines_that_exist():
    lines = {
        (relative, line.strip())
        for relative, text in _python_sources()
        for line in text.splitlines()
    }
    assert PYTHON_ALLOWED - lines == set()


def test_when_span_writes_a_meeting_in_one_phrase():
    end = MOMENT + datetime.timedelta(minutes=90)
    with timezone.override(DENVER), viewer_zone(known=True):
        assert render("{{ s|when_span:e }}", s=MOMENT, e=end) == (
            f"Monday 14 January 2030, 19:30{dates.EN_DASH}21:00 Denver time"
        )
        assert render("{{ s|when_short_span:e }}", s=MOMENT, e=end) == (
            f"Mon 14 Jan 2030, 19:30{dates.EN_DASH}21:00 Denver time"
        )
        assert render("{{ s|when_span:e }}", s=MOMENT, e=None) == (
            "Monday 14 January 2030, 19:30 Denver time"
        )
        late = MOMENT + datetime.timedelta(hours=5)
        assert dates.when_short_span(MOMENT, late) == (
            f"Mon 14 Jan 2030, 19:30{dates.EN_DASH}Tue 15 Jan 2030, 00:30 Denver time"
        )
    assert render("{{ s|when_span:e }}", s=None, e=None) == ""
