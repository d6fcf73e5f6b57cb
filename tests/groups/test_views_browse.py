from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.enums import Cadence, GroupStatus, Language, MembershipPolicy, VenueKind
from groups.models import weekday_mask
from tests.factories import GroupFactory, MembershipFactory, SpecialtyFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("groups:browse")


def _names(response) -> list[str]:
    return [group.name for group in response.context["page"].object_list]


def test_browse_anonymous_sees_active_groups_only(client):
    GroupFactory(name="Active circle")
    GroupFactory(name="Paused circle", status=GroupStatus.PAUSED)
    GroupFactory(name="Archived circle", status=GroupStatus.ARCHIVED)

    response = client.get(URL)

    assert response.status_code == 200
    assert _names(response) == ["Active circle"]
    assert response.context["result_count"] == 1
    body = response.content.decode()
    assert "Active circle" in body
    assert "Paused circle" not in body
    assert "Archived circle" not in body
    assert "1 group found" in body


@pytest.mark.parametrize("term", ["lantern", "LANTERN", "glowing", "beacon"])
def test_browse_search_matches_name_tagline_and_description(client, term):
    GroupFactory(name="Lantern circle", tagline="Other", description="Other")
    GroupFactory(name="Second", tagline="A glowing group", description="Other")
    GroupFactory(name="Third", tagline="Other", description="We are a beacon for new clinicians")
    GroupFactory(name="Unrelated", tagline="Nothing here", description="Nothing at all")

    response = client.get(URL, {"q": term})

    expected = {
        "lantern": ["Lantern circle"],
        "glowing": ["Second"],
        "beacon": ["Third"],
    }[term.lower()]
    assert _names(response) == expected
    assert response.context["result_count"] == 1


def test_browse_search_every_word_must_match(client):
    GroupFactory(name="Trauma consult Denver", tagline="x")
    GroupFactory(name="Trauma support", tagline="x")

    response = client.get(URL, {"q": "trauma consult"})

    assert _names(response) == ["Trauma consult Denver"]


@pytest.mark.parametrize(
    ("params", "factories_kwargs", "expected"),
    [
        (
            {"purpose": "support"},
            [
                {"name": "Support", "purpose_support": True, "purpose_consultation": False},
                {"name": "Consult", "purpose_consultation": True},
            ],
            ["Support"],
        ),
        (
            {"purpose": "collaboration"},
            [
                {"name": "Mixed", "purpose_collaboration": True, "purpose_consultation": True},
                {"name": "Consult", "purpose_consultation": True},
            ],
            ["Mixed"],
        ),
        (
            {"membership_policy": "closed"},
            [
                {"name": "Closed", "membership_policy": MembershipPolicy.CLOSED},
                {"name": "Open", "membership_policy": MembershipPolicy.OPEN},
            ],
            ["Closed"],
        ),
        (
            {"venue_kind": "online"},
            [
                {"name": "Online", "venue_kind": VenueKind.ONLINE, "city": ""},
                {"name": "Room", "venue_kind": VenueKind.IN_PERSON},
            ],
            ["Online"],
        ),
        (
            {"city": "bOULDER"},
            [{"name": "Boulder", "city": "Boulder"}, {"name": "Denver", "city": "Denver"}],
            ["Boulder"],
        ),
        (
            {"cadence": "weekly"},
            [
                {"name": "Weekly", "cadence": Cadence.WEEKLY},
                {"name": "Monthly", "cadence": Cadence.MONTHLY},
            ],
            ["Weekly"],
        ),
        (
            {"weekday": "2"},
            [
                {"name": "Mon and Wed", "weekdays": weekday_mask([0, 2])},
                {"name": "Tuesday", "weekdays": weekday_mask([1])},
                {"name": "No day", "weekdays": 0},
            ],
            ["Mon and Wed"],
        ),
        (
            {"weekday": "0"},
            [
                {"name": "Monday", "weekdays": weekday_mask([0])},
                {"name": "Sunday", "weekdays": weekday_mask([6])},
            ],
            ["Monday"],
        ),
        (
            {"language": "es"},
            [
                {"name": "Spanish", "language": Language.ES},
                {"name": "English", "language": Language.EN},
            ],
            ["Spanish"],
        ),
        (
            {"has_seats": "on"},
            [
                {"name": "Room left", "capacity": 3},
                {"name": "Full", "capacity": 2, "_members": 2},
            ],
            ["Room left"],
        ),
        (
            {},
            [
                {"name": "Room left", "capacity": 3},
                {"name": "Full", "capacity": 2, "_members": 2},
            ],
            ["Full", "Room left"],
        ),
    ],
)
def test_browse_filter_narrows_results(client, params, factories_kwargs, expected):
    for kwargs in factories_kwargs:
        kwargs = dict(kwargs)
        members = kwargs.pop("_members", 0)
        group = GroupFactory(**kwargs)
        for _ in range(members):
            MembershipFactory(group=group)

    response = client.get(URL, {**params, "sort": "name"})

    assert response.status_code == 200
    assert _names(response) == expected
    assert response.context["result_count"] == len(expected)


def test_browse_filter_by_specialty_slug(client):
    trauma = SpecialtyFactory(name="Trauma")
    grief = SpecialtyFactory(name="Grief")
    trauma_group = GroupFactory(name="Trauma circle")
    trauma_group.focus_specialties.add(trauma, grief)
    GroupFactory(name="Grief circle").focus_specialties.add(grief)
    GroupFactory(name="No focus")

    response = client.get(URL, {"specialty": "trauma"})

    assert _names(response) == ["Trauma circle"]
    assert response.context["result_count"] == 1


def test_browse_filters_combine(client):
    GroupFactory(name="Weekly Boulder", city="Boulder", cadence=Cadence.WEEKLY)
    GroupFactory(name="Monthly Boulder", city="Boulder", cadence=Cadence.MONTHLY)
    GroupFactory(name="Weekly Denver", city="Denver", cadence=Cadence.WEEKLY)

    response = client.get(URL, {"city": "boulder", "cadence": "weekly"})

    assert _names(response) == ["Weekly Boulder"]
    assert response.context["has_filters"] is True


def test_browse_sorts_newest_first_by_default(client):
    now = timezone.now()
    GroupFactory(name="Old", created_at=now - timedelta(days=3))
    GroupFactory(name="Newest", created_at=now)
    GroupFactory(name="Middle", created_at=now - timedelta(days=1))

    assert _names(client.get(URL)) == ["Newest", "Middle", "Old"]
    assert _names(client.get(URL, {"sort": "newest"})) == ["Newest", "Middle", "Old"]


def test_browse_sorts_by_seats_left_then_name(client):
    GroupFactory(name="Bravo", capacity=4)
    GroupFactory(name="Alpha", capacity=4)
    roomy = GroupFactory(name="Roomy", capacity=10)
    MembershipFactory(group=roomy)
    tight = GroupFactory(name="Tight", capacity=3)
    MembershipFactory(group=tight)
    MembershipFactory(group=tight)

    response = client.get(URL, {"sort": "seats"})

    # seats left: Roomy 9, Alpha 4, Bravo 4, Tight 1
    assert _names(response) == ["Roomy", "Alpha", "Bravo", "Tight"]


def test_browse_sorts_by_name(client):
    now = timezone.now()
    GroupFactory(name="Charlie", created_at=now)
    GroupFactory(name="Alpha", created_at=now - timedelta(days=2))
    GroupFactory(name="Bravo", created_at=now - timedelta(days=1))

    assert _names(client.get(URL, {"sort": "name"})) == ["Alpha", "Bravo", "Charlie"]


def test_browse_paginates_by_twenty(client):
    for i in range(25):
        GroupFactory(name=f"Group {i:02d}")

    first = client.get(URL, {"sort": "name"})
    second = client.get(URL, {"sort": "name", "page": "2"})

    assert len(first.context["page"].object_list) == 20
    assert _names(second) == [f"Group {i:02d}" for i in range(20, 25)]
    assert second.context["result_count"] == 25
    assert first.context["query_string"] == "sort=name"
    body = first.content.decode()
    assert "Page 1 of 2" in body
    assert 'href="?sort=name&amp;page=2"' in body


def test_browse_empty_state_when_nothing_matches(client):
    GroupFactory(name="Denver", city="Denver")

    response = client.get(URL, {"city": "Atlantis"})

    assert response.context["result_count"] == 0
    body = response.content.decode()
    assert "0 groups found" in body
    assert "No group matches yet" in body
    assert "Join PeerCircle to start a group" in body
    assert "Clear filters" in body


def test_browse_empty_state_offers_signed_in_user_to_start_a_group(client):
    client.force_login(UserFactory())

    response = client.get(URL)

    body = response.content.decode()
    assert "No group matches yet" in body
    assert f'href="{reverse("groups:create")}">Start a group</a>' in body.replace("\n", "")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"purpose": "bogus"}, "purpose"),
        ({"weekday": "9"}, "weekday"),
        ({"weekday": "monday"}, "weekday"),
        ({"membership_policy": "secret"}, "membership_policy"),
        ({"venue_kind": "moon"}, "venue_kind"),
        ({"cadence": "hourly"}, "cadence"),
        ({"language": "klingon"}, "language"),
        ({"specialty": "no-such-slug"}, "specialty"),
        ({"sort": "random"}, "sort"),
    ],
)
def test_browse_invalid_filter_value_shows_error_and_ignores_it(client, params, field):
    GroupFactory(name="Only group")

    response = client.get(URL, params)

    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert _names(response) == ["Only group"]


def test_browse_invalid_filter_still_applies_the_valid_ones(client):
    GroupFactory(name="Boulder", city="Boulder")
    GroupFactory(name="Denver", city="Denver")

    response = client.get(URL, {"city": "Boulder", "purpose": "bogus"})

    assert response.status_code == 200
    assert _names(response) == ["Boulder"]


@pytest.mark.parametrize(
    ("page", "expected_number"), [("abc", 1), ("", 1), ("0", 2), ("-1", 2), ("999", 2)]
)
def test_browse_bad_page_number_falls_back_to_a_real_page(client, page, expected_number):
    for i in range(25):
        GroupFactory(name=f"Group {i:02d}")

    response = client.get(URL, {"sort": "name", "page": page})

    assert response.status_code == 200
    # Django's Paginator.get_page: not a number -> first page, out of range -> last page.
    assert response.context["page"].number == expected_number


def test_browse_long_search_uses_only_first_words(client):
    GroupFactory(name="Alpha")

    response = client.get(URL, {"q": " ".join(["alpha"] * 8 + ["nomatch"] * 20)})

    assert response.status_code == 200
    assert _names(response) == ["Alpha"]


def _groups_with_focus(count: int) -> None:
    for i in range(count):
        group = GroupFactory(name=f"Group {i:02d}")
        group.focus_specialties.add(SpecialtyFactory(name=f"Focus {i:02d}"))
        MembershipFactory(group=group, role="organizer")


def test_browse_query_count_anonymous_one_group(client, django_assert_num_queries):
    _groups_with_focus(1)
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert response.context["result_count"] == 1


def test_browse_query_count_anonymous_twenty_groups(client, django_assert_num_queries):
    _groups_with_focus(20)
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert response.context["result_count"] == 20
    assert "Focus 19" in response.content.decode()


def test_browse_query_count_signed_in_one_group(client, django_assert_num_queries):
    _groups_with_focus(1)
    client.force_login(UserFactory())
    with django_assert_num_queries(5):
        response = client.get(URL, {"sort": "seats"})
    assert response.context["result_count"] == 1


def test_browse_query_count_signed_in_twenty_groups(client, django_assert_num_queries):
    _groups_with_focus(20)
    client.force_login(UserFactory())
    with django_assert_num_queries(5):
        response = client.get(URL, {"sort": "seats"})
    assert response.context["result_count"] == 20
