"""Browse, filters for fit (issue 18, part 2): format, size, orientation, time of day on the
viewer's clock, and a free-text search that also covers orientation, focus and city."""

import importlib
from datetime import time
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models.functions import Mod
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from groups.enums import GroupFormat, Language, Orientation
from groups.filters import GroupFilter
from groups.models import Group
from meetings.selectors import browsable_groups
from members.timezones import viewer_zone
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    ProfileFactory,
    SpecialtyFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("groups:browse")
orientation_migration = importlib.import_module("groups.migrations.0014_group_orientation")


def _names(response) -> list[str]:
    return sorted(group.name for group in response.context["page"].object_list)


def _text(response) -> str:
    return " ".join(response.content.decode().split())


# --- format, size, orientation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("structured", ["Agenda circle"]),
        ("informal", ["Open table"]),
        ("", ["Agenda circle", "Open table"]),
    ],
)
def test_format_filter_lists_the_groups_of_that_format(client, value, expected):
    GroupFactory(name="Agenda circle", format=GroupFormat.STRUCTURED)
    GroupFactory(name="Open table", format=GroupFormat.INFORMAL)

    response = client.get(URL, {"format": value})

    assert _names(response) == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("small", ["Cap 03", "Cap 04"]),
        ("medium", ["Cap 05", "Cap 06"]),
        ("large", ["Cap 07", "Cap 30"]),
    ],
)
def test_size_filter_goes_by_capacity(client, size, expected):
    for capacity in (3, 4, 5, 6, 7, 30):
        GroupFactory(name=f"Cap {capacity:02d}", capacity=capacity)

    response = client.get(URL, {"size": size})

    assert _names(response) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("secular", ["Secular circle"]),
        ("faith_integrated", ["Faith circle"]),
        ("any", ["Faith circle", "Secular circle", "Unstated circle"]),
        ("", ["Faith circle", "Secular circle", "Unstated circle"]),
    ],
)
def test_orientation_filter_reads_the_groups_choice(client, value, expected):
    GroupFactory(name="Secular circle", orientation=Orientation.SECULAR)
    GroupFactory(name="Faith circle", orientation=Orientation.FAITH_INTEGRATED)
    # The note alone does not make a group secular: the filter reads the group's choice.
    GroupFactory(name="Unstated circle", orientation_note="Secular-ish, we think")

    response = client.get(URL, {"orientation": value})

    assert _names(response) == expected
    assert response.context["filter"].form.errors == {}


def test_the_new_filters_combine_with_each_other_and_with_language(client):
    fit = {
        "format": GroupFormat.STRUCTURED,
        "capacity": 4,
        "orientation": Orientation.SECULAR,
        "language": Language.ES,
        "usual_time": time(9, 30),
        "time_zone": "America/Denver",
    }
    GroupFactory(name="Fits", **fit)
    GroupFactory(name="Informal", **{**fit, "format": GroupFormat.INFORMAL})
    GroupFactory(name="Bigger", **{**fit, "capacity": 6})
    GroupFactory(name="Faith", **{**fit, "orientation": Orientation.FAITH_INTEGRATED})
    GroupFactory(name="English", **{**fit, "language": Language.EN})
    GroupFactory(name="Evening", **{**fit, "usual_time": time(19)})

    response = client.get(
        URL,
        {
            "format": "structured",
            "size": "small",
            "orientation": "secular",
            "language": "es",
            "time_of_day": "morning",
        },
    )

    assert _names(response) == ["Fits"]


def test_the_new_filters_are_in_the_sidebar_with_labels_and_stay_selected(client):
    response = client.get(URL, {"format": "structured", "size": "medium", "orientation": "secular"})

    page = _text(response)
    for name, label in [
        ("format", "Format"),
        ("size", "Size"),
        ("orientation", "Orientation"),
        ("time_of_day", "Time of day"),
    ]:
        assert f'<label for="id_{name}" class="form-label"> {label} </label>' in page
    assert '<option value="structured" selected>Structured</option>' in page
    assert '<option value="medium" selected>Medium (5 or 6)</option>' in page
    assert '<option value="secular" selected>Secular</option>' in page
    assert f'<a class="btn btn-link" href="{URL}">Clear filters</a>' in page


# --- time of day, on the viewer's clock -------------------------------------------------------


def _new_york_and_los_angeles_groups():
    GroupFactory(name="NY 10:00", time_zone="America/New_York", usual_time=time(10))
    GroupFactory(name="NY 14:00", time_zone="America/New_York", usual_time=time(14))
    GroupFactory(name="NY 19:00", time_zone="America/New_York", usual_time=time(19))
    GroupFactory(name="NY 21:00", time_zone="America/New_York", usual_time=time(21))
    GroupFactory(name="LA 16:59", time_zone="America/Los_Angeles", usual_time=time(16, 59))
    GroupFactory(name="LA 17:00", time_zone="America/Los_Angeles", usual_time=time(17))


def test_a_group_in_a_zone_no_group_was_in_is_found_by_time_of_day_at_once(
    client, django_capture_on_commit_callbacks
):
    """The zones groups are in are kept under browse's version: a new one counts at once."""
    _new_york_and_los_angeles_groups()
    client.force_login(ProfileFactory(time_zone="America/Los_Angeles").user)
    assert _names(client.get(URL, {"time_of_day": "evening"})) == ["LA 17:00", "NY 21:00"]
    with django_capture_on_commit_callbacks(execute=True):
        # 09:00 the next morning in Tokyo is 16:00 or 17:00 the evening before in Los Angeles.
        GroupFactory(name="Tokyo 10:00", time_zone="Asia/Tokyo", usual_time=time(10))

    names = _names(client.get(URL, {"time_of_day": "evening", "sort": "name"}))

    assert names == ["LA 17:00", "NY 21:00", "Tokyo 10:00"]


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ("morning", ["NY 10:00", "NY 14:00"]),  # 07:00 and 11:00 in Los Angeles
        ("afternoon", ["LA 16:59", "NY 19:00"]),  # 19:00 in New York is 16:00 there
        ("evening", ["LA 17:00", "NY 21:00"]),
    ],
)
def test_time_of_day_is_on_a_signed_in_viewers_clock(client, part, expected):
    _new_york_and_los_angeles_groups()
    client.force_login(ProfileFactory(time_zone="America/Los_Angeles").user)

    response = client.get(URL, {"time_of_day": part})

    assert _names(response) == expected
    assert "When the group usually starts, in Los Angeles time." in _text(response)


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ("morning", ["NY 10:00"]),
        ("afternoon", ["LA 16:59", "NY 14:00"]),
        ("evening", ["LA 17:00", "NY 19:00", "NY 21:00"]),
    ],
)
def test_time_of_day_for_a_visitor_whose_zone_is_not_known_is_each_groups_own_clock(
    client, part, expected
):
    _new_york_and_los_angeles_groups()

    response = client.get(URL, {"time_of_day": part})

    assert _names(response) == expected
    assert "When the group usually starts, in its own time zone." in _text(response)


def test_time_of_day_for_a_visitor_is_on_their_browsers_clock_once_known(client):
    _new_york_and_los_angeles_groups()
    client.cookies["pc_tz"] = "America/Los_Angeles"

    response = client.get(URL, {"time_of_day": "afternoon"})

    assert _names(response) == ["LA 16:59", "NY 19:00"]
    assert "When the group usually starts, in Los Angeles time." in _text(response)


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        # Tokyo is 3½ hours ahead of Kolkata all year (neither changes its clocks).
        ("morning", ["Tokyo 03:30", "Tokyo 15:29"]),  # 00:00 and 11:59 in Kolkata
        ("afternoon", ["Tokyo 15:30", "Tokyo 20:29"]),  # 12:00 and 16:59
        ("evening", ["Tokyo 02:00", "Tokyo 03:29", "Tokyo 20:30"]),  # 22:30, 23:59, 17:00
    ],
)
def test_time_of_day_windows_wrap_past_midnight_and_keep_half_hour_offsets(client, part, expected):
    for clock in ("02:00", "03:29", "03:30", "15:29", "15:30", "20:29", "20:30"):
        hour, minute = (int(piece) for piece in clock.split(":"))
        GroupFactory(name=f"Tokyo {clock}", time_zone="Asia/Tokyo", usual_time=time(hour, minute))
    client.force_login(ProfileFactory(time_zone="Asia/Kolkata").user)

    response = client.get(URL, {"time_of_day": part})

    assert _names(response) == expected


def test_the_filter_sidebar_is_not_shared_between_viewers_in_different_zones(client):
    GroupFactory(name="Shared")
    client.get(URL, {"time_of_day": "evening"})  # a visitor's sidebar is cached
    client.force_login(ProfileFactory(time_zone="America/Los_Angeles").user)

    response = client.get(URL, {"time_of_day": "evening"})

    assert "in Los Angeles time" in _text(response)


# --- free-text search ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("secular", ["Chosen secular", "Noted secular"]),
        ("FAITH", ["Chosen faith"]),
        ("integrated", ["Chosen faith"]),
        ("affirming", ["Noted secular"]),
        ("grief", ["Two focus terms"]),
        ("boulder", ["In Boulder"]),
        ("grief boulder", []),
        ("secular affirming", ["Noted secular"]),
    ],
)
def test_search_covers_orientation_focus_and_city(client, q, expected):
    GroupFactory(name="Chosen secular", orientation=Orientation.SECULAR)
    GroupFactory(name="Chosen faith", orientation=Orientation.FAITH_INTEGRATED)
    GroupFactory(name="Noted secular", orientation_note="Secular, LGBTQ+-affirming")
    both = GroupFactory(name="Two focus terms", city="Denver")
    both.focus_specialties.add(
        SpecialtyFactory(name="Grief and loss"), SpecialtyFactory(name="Complicated grief")
    )
    GroupFactory(name="In Boulder", city="Boulder")
    GroupFactory(name="Nothing of it", city="Denver")

    response = client.get(URL, {"q": q})

    assert _names(response) == expected
    assert response.context["result_count"] == len(expected)


def test_search_lists_a_group_once_when_many_of_its_focus_terms_match(client):
    group = GroupFactory(name="Trauma circle", tagline="Trauma work")
    group.focus_specialties.add(
        SpecialtyFactory(name="Trauma"),
        SpecialtyFactory(name="Complex trauma"),
        SpecialtyFactory(name="Trauma-informed care"),
    )

    response = client.get(URL, {"q": "trauma"})

    assert [g.name for g in response.context["page"].object_list] == ["Trauma circle"]
    assert response.context["result_count"] == 1


def test_search_and_the_specialty_filter_still_combine(client):
    grief = SpecialtyFactory(name="Grief")
    GroupFactory(name="Grief in Boulder", city="Boulder").focus_specialties.add(grief)
    GroupFactory(name="Grief in Denver", city="Denver").focus_specialties.add(grief)

    response = client.get(URL, {"q": "boulder", "specialty": grief.slug})

    assert _names(response) == ["Grief in Boulder"]


# --- bad values ------------------------------------------------------------------------------


def test_bad_values_show_the_unfiltered_list_with_a_message_beside_each_field(client):
    GroupFactory(name="One", capacity=3)
    GroupFactory(name="Two", capacity=12)

    response = client.get(URL, {"size": "huge", "time_of_day": "midnight"})

    assert response.status_code == 200
    assert _names(response) == ["One", "Two"]
    errors = response.context["filter"].form.errors
    assert sorted(errors) == ["size", "time_of_day"]
    page = _text(response)
    assert "Select a valid choice. huge is not one of the available choices." in page
    assert "Select a valid choice. midnight is not one of the available choices." in page


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"format": "chaotic"}, "format"),
        ({"size": "7"}, "size"),
        ({"orientation": "pagan"}, "orientation"),
        ({"time_of_day": "noon"}, "time_of_day"),
        ({"time_of_day": "Evening"}, "time_of_day"),
    ],
)
def test_a_bad_value_is_ignored_and_the_other_filters_still_apply(client, params, field):
    GroupFactory(name="Structured", format=GroupFormat.STRUCTURED)
    GroupFactory(name="Informal", format=GroupFormat.INFORMAL)
    query = {"format": "structured", **params}

    response = client.get(URL, query)

    assert response.status_code == 200
    assert list(response.context["filter"].form.errors) == [field]
    assert _names(response) == (["Informal", "Structured"] if field == "format" else ["Structured"])


def test_a_bad_value_for_a_signed_in_viewer_never_fails_either(client):
    GroupFactory(name="Only")
    client.force_login(ProfileFactory(time_zone="America/Los_Angeles").user)

    response = client.get(URL, {"time_of_day": ["evening", "x" * 500], "size": ""})

    assert response.status_code == 200


# --- the group's own choice: form, page, migration --------------------------------------------


def test_the_group_page_shows_the_choice_beside_the_note(client):
    group = GroupFactory(
        orientation=Orientation.FAITH_INTEGRATED, orientation_note="Christian, ecumenical"
    )

    page = _text(client.get(group.get_absolute_url()))

    assert (
        'Orientation</dt> <dd class="col-sm-8"> Faith-integrated · Christian, ecumenical </dd>'
        in page
    )


def test_the_edit_form_offers_the_choice_with_help(client):
    group = GroupFactory()
    organizer = MembershipFactory(group=group, role="organizer").user
    client.force_login(organizer)

    page = _text(client.get(reverse("groups:edit", args=[group.slug])))

    assert '<option value="" selected>Not stated</option>' in page
    assert '<option value="faith_integrated">Faith-integrated</option>' in page
    assert "can filter the group list by this" in page


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Secular", Orientation.SECULAR),
        ("secular, LGBTQ+-affirming", Orientation.SECULAR),
        ("Faith-integrated", Orientation.FAITH_INTEGRATED),
        ("CHRISTIAN counsellors", Orientation.FAITH_INTEGRATED),
        ("Jewish and Muslim clinicians welcome", Orientation.FAITH_INTEGRATED),
        ("Spiritually informed", Orientation.FAITH_INTEGRATED),
        ("Secular, but faith-friendly", Orientation.NOT_STATED),
        ("Non-faith-based", Orientation.NOT_STATED),
        ("not spiritual, not secular either", Orientation.NOT_STATED),
        ("LGBTQ+-affirming", Orientation.NOT_STATED),
        ("", Orientation.NOT_STATED),
    ],
)
def test_the_migration_reads_only_notes_that_clearly_say_one_thing(note, expected):
    assert orientation_migration.orientation_from_note(note) == expected


def test_the_migration_sets_existing_groups_from_their_notes():
    secular = GroupFactory(orientation_note="A secular group")
    faith = GroupFactory(orientation_note="Christian practitioners")
    unclear = GroupFactory(orientation_note="Open to all")
    chosen = GroupFactory(orientation=Orientation.SECULAR, orientation_note="Muslim clinicians")

    orientation_migration.set_from_notes(apps, None)

    assert dict(Group.objects.values_list("pk", "orientation")) == {
        secular.pk: Orientation.SECULAR,
        faith.pk: Orientation.FAITH_INTEGRATED,
        unclear.pk: Orientation.NOT_STATED,
        chosen.pk: Orientation.SECULAR,  # a group's own choice is kept
    }


# --- queries ---------------------------------------------------------------------------------

ALL_NEW = {
    "q": "secular",
    "format": "structured",
    "size": "large",
    "orientation": "secular",
    "time_of_day": "evening",
    "language": "en",
}


def _fitting_groups(count: int) -> None:
    zones = ["America/New_York", "America/Los_Angeles", "America/Chicago"]
    for i in range(count):
        group = GroupFactory(
            name=f"Fit {i:02d}",
            format=GroupFormat.STRUCTURED,
            capacity=8,
            orientation=Orientation.SECULAR,
            usual_time=time(21),
            time_zone=zones[i % 3],
        )
        group.focus_specialties.add(SpecialtyFactory(name=f"Focus {i:02d}"))
        MembershipFactory(group=group, role="organizer")


@pytest.mark.parametrize("count", [1, 20])
def test_browse_query_count_with_every_new_filter_for_a_visitor(
    client, django_assert_num_queries, count
):
    _fitting_groups(count)
    with django_assert_num_queries(4):
        response = client.get(URL, ALL_NEW)
    assert response.context["result_count"] == count


@pytest.mark.parametrize("count", [1, 20])
def test_browse_query_count_with_every_new_filter_for_a_member_in_another_zone(
    client, django_assert_num_queries, count
):
    _fitting_groups(count)
    client.force_login(ProfileFactory(time_zone="America/Los_Angeles").user)
    with django_assert_num_queries(6):  # and one for the zones the groups are in
        response = client.get(URL, ALL_NEW)
    assert response.context["result_count"] == count


def _every(n: int, remainder: int):
    return Group.objects.annotate(bucket=Mod("id", n)).filter(bucket=remainder)


@pytest.mark.postgres
def test_the_fit_filters_and_the_wider_search_use_indexes():
    call_command("seed_demo", scale=3000, members_per_group=1, stdout=None)
    # Make the synthetic groups all informal, small, unstated and at 19:00, then spread them
    # as each case needs, and give a few of them words that a search finds in one place only.
    Group.objects.update(
        format=GroupFormat.INFORMAL,
        capacity=4,
        orientation=Orientation.NOT_STATED,
        orientation_note="",
        usual_time=time(19),
    )
    _every(2, 0).update(format=GroupFormat.STRUCTURED)
    _every(3, 0).update(capacity=8)
    _every(3, 1).update(usual_time=time(9))
    _every(3, 2).update(usual_time=time(13))
    _every(1000, 1).update(orientation=Orientation.SECULAR)
    _every(1000, 2).update(orientation_note="Secular humanist values")
    _every(1000, 3).update(city="Montpelier")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    cases = {
        "q=secular": [
            "group_name_trgm",
            "group_orientation_note_trgm",
            "group_city_trgm",
            "groups_group_pkey",  # the focus terms' groups
            "group_status_orientation",  # the orientation's label
        ],
        "q=humanist": ["group_orientation_note_trgm"],
        "q=montpelier": ["group_city_trgm"],
        "orientation=secular": ["group_status_orientation"],
        "format=structured&size=large&time_of_day=evening": ["group_status_created"],
        "time_of_day=morning&sort=name": ["group_status_name"],
    }
    for query, indexes in cases.items():
        plan = GroupFilter(QueryDict(query), queryset=browsable_groups()).qs[:20].explain()
        for index in indexes:
            assert index in plan, f"{query!r}:\n{plan}"
        assert "Seq Scan on groups_group " not in plan, f"{query!r}:\n{plan}"
    # On a viewer's clock: one condition per difference of offsets, still by the index.
    with timezone.override(ZoneInfo("Europe/London")), viewer_zone(known=True):
        page = GroupFilter(QueryDict("time_of_day=afternoon"), queryset=browsable_groups())
        plan = page.qs[:20].explain()
    assert "Index Scan Backward using group_status_created" in plan or (
        "Index Scan using group_status_created" in plan
    ), plan
    assert "time_zone" in plan and "Seq Scan on groups_group " not in plan, plan
