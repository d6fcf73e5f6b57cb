"""Zones as people say them, and the time-zone picker (members/timezones.py, members/forms.py)."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from groups.forms import GroupForm
from members.forms import ProfileForm, SignupExtraForm
from members.timezones import (
    MINUS,
    OTHER_AREA,
    canonical_zone,
    display_zone,
    likely_zone,
    option_label,
    picker_zones,
    shown_zones_key,
    use_page_zone,
    viewer_zone,
    zone_choices,
    zone_from_languages,
    zone_label,
)
from tests.factories import GroupFactory, ProfileFactory

WINTER = datetime.datetime(2030, 1, 14, 12, 0, tzinfo=datetime.UTC)
SUMMER = datetime.datetime(2030, 7, 14, 12, 0, tzinfo=datetime.UTC)


def _values(choices) -> list[str]:
    values = []
    for value, label in choices:
        values.extend(v for v, _ in label) if isinstance(label, list) else values.append(value)
    return values


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("America/Denver", "Denver time"),
        ("America/New_York", "New York time"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
        ("America/Indiana/Knox", "Knox (Indiana) time"),
        ("America/St_Johns", "St. John's time"),
        ("America/Sao_Paulo", "São Paulo time"),
        ("Antarctica/DumontDUrville", "Dumont d'Urville time"),
        ("UTC", "UTC"),
        ("Etc/UTC", "UTC"),
        ("GMT", "UTC"),
        ("Etc/GMT+5", f"UTC{MINUS}05:00"),
        ("Etc/GMT-14", "UTC+14:00"),
        ("Asia/Calcutta", "Kolkata time"),
        ("US/Eastern", "New York time"),
        ("EST5EDT", "New York time"),
        (zoneinfo.ZoneInfo("Europe/Berlin"), "Berlin time"),
        ("", ""),
    ],
)
def test_zone_label_says_the_place(zone, label):
    assert zone_label(zone) == label


def test_zone_label_names_every_zone_the_picker_offers_by_a_place_or_an_offset():
    for key in picker_zones():
        label = zone_label(key)
        assert label == "UTC" or label.endswith(" time") or label.startswith("UTC"), key
        assert "_" not in label and "/" not in label, key


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("US/Eastern", "America/New_York"),
        ("US/Pacific", "America/Los_Angeles"),
        ("GMT+0", "UTC"),
        ("Etc/UTC", "UTC"),
        ("America/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("Europe/Oslo", "Europe/Oslo"),  # a place of its own in zone.tab, kept
        ("America/Denver", "America/Denver"),
        ("Etc/GMT+5", "Etc/GMT+5"),
        ("Mars/Olympus_Mons", None),
        ("", None),
    ],
)
def test_canonical_zone_maps_an_alias_to_the_zone_it_names(name, canonical):
    assert canonical_zone(name) == canonical


def test_the_picker_offers_no_obsolete_aliases():
    values = _values(zone_choices(first="America/Denver", at=WINTER))
    assert len(values) == len(set(values))
    for alias in ("Asia/Calcutta", "US/Eastern", "GMT+0", "GMT", "Etc/UTC", "Europe/Kiev"):
        assert alias not in values
    assert {"Asia/Kolkata", "America/New_York", "UTC", "Europe/Kyiv", "Etc/GMT+5"} <= set(values)
    assert set(values) == set(picker_zones())


def test_picker_options_begin_with_the_place_and_show_the_current_offset():
    assert option_label("America/Denver", at=WINTER) == (
        f"Denver time (UTC{MINUS}07:00) — United States, Mountain (most areas)"
    )
    assert option_label("America/Denver", at=SUMMER).startswith(f"Denver time (UTC{MINUS}06:00)")
    assert option_label("Asia/Kolkata", at=WINTER) == "Kolkata time (UTC+05:30) — India"
    assert option_label("Etc/GMT+5", at=WINTER) == f"UTC{MINUS}05:00"
    assert option_label("UTC", at=WINTER) == "UTC (Coordinated Universal Time)"


def test_the_likely_zone_comes_first_and_the_rest_is_grouped_and_sorted():
    choices = zone_choices(first="Europe/Berlin", at=WINTER)
    assert choices[0] == ("Europe/Berlin", "Berlin time (UTC+01:00) — Germany, most of Germany")
    areas = [area for area, options in choices[1:]]
    assert areas[0] == "Americas" and areas[-1] == OTHER_AREA
    europe = dict(choices[1:])["Europe"]
    labels = [label for _, label in europe]
    assert labels == sorted(labels)
    assert "Europe/Berlin" not in [value for value, _ in europe]  # only once, on top


def test_the_likely_zone_given_as_an_alias_comes_first_as_its_current_zone():
    assert zone_choices(first="Asia/Calcutta", at=WINTER)[0][0] == "Asia/Kolkata"


@pytest.mark.parametrize(
    ("header", "zone"),
    [
        ("en-US,en;q=0.9", "America/New_York"),
        ("en-GB", "Europe/London"),
        ("fr,de-DE;q=0.8", "Europe/Berlin"),
        ("en-CA", "America/Toronto"),
        ("en-AU", "Australia/Sydney"),
        ("fr", None),
        ("", None),
    ],
)
def test_zone_from_languages_guesses_from_the_first_country_named(header, zone):
    assert zone_from_languages(header) == zone


def test_likely_zone_is_the_signed_in_persons_own():
    with timezone.override(zoneinfo.ZoneInfo("Asia/Calcutta")), viewer_zone(known=True):
        assert likely_zone() == "Asia/Kolkata"


def test_likely_zone_of_a_visitor_is_the_browsers_then_the_languages_then_new_york():
    with viewer_zone(known=False, browser="Europe/Paris", languages="en-GB"):
        assert likely_zone() == "Europe/Paris"
    with viewer_zone(known=False, browser=None, languages="en-GB"):
        assert likely_zone() == "Europe/London"
    with viewer_zone(known=False):
        assert likely_zone() == "America/New_York"


def test_display_zone_prefers_the_viewers_then_the_fallback_then_the_pages():
    denver, berlin = zoneinfo.ZoneInfo("America/Denver"), zoneinfo.ZoneInfo("Europe/Berlin")
    with timezone.override(berlin), viewer_zone(known=True):
        assert display_zone("America/Denver") == berlin
    with viewer_zone(known=False):
        assert display_zone(None) == timezone.get_current_timezone()
        use_page_zone("Asia/Tokyo")
        assert display_zone(None) == zoneinfo.ZoneInfo("Asia/Tokyo")
        assert display_zone("America/Denver") == denver
    with viewer_zone(known=False):
        assert display_zone(None) == timezone.get_current_timezone()  # forgotten


def test_signup_form_starts_at_the_visitors_likely_zone():
    with viewer_zone(known=False, browser="Europe/Paris"):
        form = SignupExtraForm()
        assert form["time_zone"].value() == "Europe/Paris"
        assert form.fields["time_zone"].choices[0][0] == "Europe/Paris"
        assert form.fields["time_zone"].widget.attrs["data-detect-timezone"] == "true"


@pytest.mark.django_db
def test_profile_form_shows_a_stored_alias_as_its_current_zone_first():
    profile = ProfileFactory(time_zone="Asia/Calcutta")
    form = ProfileForm(instance=profile)
    assert form["time_zone"].value() == "Asia/Kolkata"
    assert form.fields["time_zone"].choices[0][0] == "Asia/Kolkata"
    assert 'value="Asia/Kolkata" selected' in str(form["time_zone"])
    assert "data-detect-timezone" not in str(form["time_zone"])


@pytest.mark.django_db
def test_a_submitted_alias_is_valid_and_cleaned_to_its_current_zone():
    field = SignupExtraForm().fields["time_zone"]
    assert field.clean("US/Eastern") == "America/New_York"
    assert field.clean("Etc/GMT+5") == "Etc/GMT+5"
    with pytest.raises(Exception, match="is not a time zone we know"):
        field.clean("Mars/Olympus_Mons")


@pytest.mark.django_db
def test_a_group_stored_under_an_alias_keeps_it_when_the_form_is_saved_unchanged():
    group = GroupFactory(time_zone="US/Eastern")
    form = GroupForm(instance=group)
    assert form["time_zone"].value() == "America/New_York"
    form.cleaned_data = {"time_zone": "America/New_York"}
    assert form.clean_time_zone() == "US/Eastern"
    form.cleaned_data = {"time_zone": "America/Chicago"}
    assert form.clean_time_zone() == "America/Chicago"


@pytest.mark.django_db
def test_a_new_group_defaults_to_a_capacity_within_the_advice():
    form = GroupForm()
    capacity = form.fields["capacity"]
    assert capacity.initial == 6
    assert "3 to 6" in capacity.help_text
    assert form.fields["description"].help_text.startswith("You can format it: *stars*")


def test_shown_zones_key_tells_a_known_zone_from_the_groups_own():
    with timezone.override(zoneinfo.ZoneInfo("UTC")), viewer_zone(known=True):
        assert shown_zones_key() == "viewer:UTC"
    with viewer_zone(known=False):
        assert shown_zones_key() == "group"
