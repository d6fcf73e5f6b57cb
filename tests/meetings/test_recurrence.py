from datetime import date, time

import pytest

from meetings import recurrence
from meetings.enums import RecurrenceKind


def test_weekly_rule_every_other_week_on_two_days():
    rule = recurrence.build_rule(kind=RecurrenceKind.WEEKLY, interval=2, weekdays=[3, 0])
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"
    dates = recurrence.local_datetimes(
        rule=rule,
        starts_on=date(2027, 1, 4),
        start_time=time(19),
        window_start=date(2027, 1, 1),
        window_end=date(2027, 1, 31),
    )
    assert [d.date() for d in dates] == [
        date(2027, 1, 4),
        date(2027, 1, 7),
        date(2027, 1, 18),
        date(2027, 1, 21),
    ]


def test_first_and_third_thursday():
    rule = recurrence.build_rule(kind=RecurrenceKind.MONTHLY_NTH, ordinals=[1, 3], weekday=3)
    dates = recurrence.local_datetimes(
        rule=rule,
        starts_on=date(2027, 3, 1),
        start_time=time(18, 30),
        window_start=date(2027, 3, 1),
        window_end=date(2027, 4, 30),
    )
    assert [d.date() for d in dates] == [
        date(2027, 3, 4),
        date(2027, 3, 18),
        date(2027, 4, 1),
        date(2027, 4, 15),
    ]
    assert recurrence.describe(rule) == "Monthly on the 1st and 3rd Thursday"


def test_last_friday_and_day_of_month():
    last_friday = recurrence.build_rule(kind=RecurrenceKind.MONTHLY_NTH, ordinals=[-1], weekday=4)
    day_15 = recurrence.build_rule(kind=RecurrenceKind.MONTHLY_DAY, month_day=15)
    window = {
        "starts_on": date(2027, 1, 1),
        "start_time": time(12),
        "window_start": date(2027, 1, 1),
        "window_end": date(2027, 2, 28),
    }
    assert [d.date() for d in recurrence.local_datetimes(rule=last_friday, **window)] == [
        date(2027, 1, 29),
        date(2027, 2, 26),
    ]
    assert [d.date() for d in recurrence.local_datetimes(rule=day_15, **window)] == [
        date(2027, 1, 15),
        date(2027, 2, 15),
    ]


def test_seven_pm_stays_seven_pm_across_daylight_saving():
    rule = recurrence.build_rule(kind=RecurrenceKind.WEEKLY, weekdays=[3])
    dates = recurrence.local_datetimes(
        rule=rule,
        starts_on=date(2027, 3, 4),
        start_time=time(19),
        window_start=date(2027, 3, 4),
        window_end=date(2027, 3, 18),
    )
    aware = [recurrence.to_aware(d, "America/New_York") for d in dates]
    assert [a.hour for a in aware] == [19, 19, 19]
    # DST starts on 14 March 2027 in New York: 7 pm is 00:00 UTC before, 23:00 UTC after.
    assert [a.utcoffset().total_seconds() / 3600 for a in aware] == [-5, -5, -4]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": RecurrenceKind.WEEKLY, "weekdays": []}, "at least one weekday"),
        ({"kind": RecurrenceKind.MONTHLY_NTH, "ordinals": [1]}, "which weeks"),
        ({"kind": RecurrenceKind.MONTHLY_DAY, "month_day": 32}, "day of the month"),
        ({"kind": "fortnightly"}, "how the meetings repeat"),
    ],
)
def test_bad_rules_are_refused(kwargs, message):
    with pytest.raises(recurrence.RecurrenceError, match=message):
        recurrence.build_rule(**kwargs)


def test_a_rule_that_yields_nothing_is_refused():
    rule = recurrence.build_rule(kind=RecurrenceKind.MONTHLY_DAY, month_day=31)
    with pytest.raises(recurrence.RecurrenceError, match="no meeting at all"):
        recurrence.first_occurrence(
            rule=rule, starts_on=date(2027, 2, 1), start_time=time(9), ends_on=date(2027, 2, 28)
        )
