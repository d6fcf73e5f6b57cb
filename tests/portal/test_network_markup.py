"""The referral finder draws what it drew before it was made cheaper: the filter fields written
out as crispy renders them, and each card's terms read in one query as the prefetches gave them."""

import pytest
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import translation

from members.filters import ColleagueFilter
from members.models import Specialty
from portal import colleagues
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    ModalityFactory,
    PopulationFactory,
    SpecialtyFactory,
    UserFactory,
)
from tests.markup import crispy, squeeze

pytestmark = pytest.mark.django_db

NETWORK = reverse("members:network")


def _filter_fields(body: str) -> str:
    """The filter form's fields on the page: between the panel's body and its buttons."""
    start = body.index('<div class="card-body">', body.index('role="search"'))
    end = body.index('<div class="d-flex flex-wrap gap-2">', start)
    return squeeze(body[start + len('<div class="card-body">') : end])


@pytest.fixture
def me():
    user = UserFactory(profile__display_name="Mara Me")
    group = GroupFactory()
    MembershipFactory(group=group, user=user)
    ada = UserFactory(profile__display_name="Ada Colleague")
    MembershipFactory(group=group, user=ada)
    SpecialtyFactory(name="Grief & loss", slug="grief-loss")
    SpecialtyFactory(name="Children's trauma", slug="childrens-trauma")
    ModalityFactory(name="EMDR", slug="emdr")
    PopulationFactory(name='"Teens"', slug="teens")
    return user


@pytest.mark.parametrize("language", ["en", "es"])
def test_unfiltered_page_draws_the_filter_fields_as_crispy_does(client, me, language):
    me.language = language
    me.save(update_fields=["language"])
    client.force_login(me)

    body = client.get(NETWORK).content.decode()

    with translation.override(language):
        expected = crispy(ColleagueFilter(None).form)
    assert _filter_fields(body) == expected
    assert "Grief &amp; loss" in expected


def test_filtered_page_still_draws_its_fields_with_crispy(client, me):
    client.force_login(me)

    body = client.get(NETWORK, {"city": "Portland", "specialty": "nope"}).content.decode()

    form = ColleagueFilter({"city": "Portland", "specialty": "nope"}).form
    form.is_valid()
    assert _filter_fields(body) == crispy(form)


def _profiles_with_terms():
    group = GroupFactory()
    terms = {
        "specialties": [SpecialtyFactory(name=n) for n in ("Trauma", "Anxiety", "Couples")],
        "modalities": [ModalityFactory(name=n) for n in ("IFS", "CBT")],
        "populations": [PopulationFactory(name=n) for n in ("Veterans", "Adults")],
    }
    profiles = []
    for i in range(4):
        user = UserFactory(profile__display_name=f"Colleague {i}")
        MembershipFactory(group=group, user=user)
        for kind, names in terms.items():
            getattr(user.profile, kind).add(*names[i % 2 :])  # the last has none of some kinds
        profiles.append(user.profile)
    profiles[3].modalities.clear()
    return profiles


def test_attach_terms_gives_each_profile_its_terms_in_name_order(django_assert_num_queries):
    profiles = _profiles_with_terms()

    with django_assert_num_queries(1):
        colleagues.attach_terms(profiles)

    for profile in profiles:
        assert [
            profile.specialty_names,
            profile.modality_names,
            profile.population_names,
        ] == [
            [str(t) for t in profile.specialties.all()],
            [str(t) for t in profile.modalities.all()],
            [str(t) for t in profile.populations.all()],
        ]
    assert profiles[0].specialty_names == ["Anxiety", "Couples", "Trauma"]
    assert profiles[3].modality_names == []


def test_attach_terms_of_no_profiles_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert colleagues.attach_terms([]) == []


def test_card_lists_terms_kind_by_kind(client):
    profiles = _profiles_with_terms()
    me = UserFactory()
    MembershipFactory(group=profiles[0].user.memberships.get().group, user=me)
    client.force_login(me)

    body = squeeze(client.get(NETWORK).content.decode())

    badges = '<span class="badge text-bg-light">'
    card = body[body.index(f'id="colleague-{profiles[0].pk}"') :]
    card = card[: card.index("</dl>")]
    assert card[card.index("<dl") :] == (
        '<dl class="small mb-2"><div><dt class="d-inline">Specialties:</dt><dd class="d-inline">'
        + "".join(f"{badges}{name}</span>" for name in ("Anxiety", "Couples", "Trauma"))
        + '</dd></div><div><dt class="d-inline">Modalities:</dt><dd class="d-inline">'
        + "".join(f"{badges}{name}</span>" for name in ("CBT", "IFS"))
        + '</dd></div><div><dt class="d-inline">Populations served:</dt><dd class="d-inline">'
        + "".join(f"{badges}{name}</span>" for name in ("Adults", "Veterans"))
        + "</dd></div>"
    )
    last = body[body.index(f'id="colleague-{profiles[3].pk}"') :]
    last = last[last.index("<dl") : last.index("</dl>")]
    assert "Modalities:" not in last
    assert "Specialties:" in last


def test_filter_vocabulary_is_the_filter_fields_choices(me):
    form = ColleagueFilter(None).form

    vocabulary = colleagues.filter_vocabulary()

    assert vocabulary == {
        kind: [(term.slug, term.name) for term in form.fields[field].queryset]
        for kind, field in (
            ("specialties", "specialty"),
            ("modalities", "modality"),
            ("populations", "population"),
        )
    }
    assert ("grief-loss", "Grief & loss") in vocabulary["specialties"]


@pytest.mark.parametrize("count", [1, 20])
def test_unfiltered_page_query_count_is_constant(client, count, django_assert_num_queries):
    me = UserFactory()
    specialty, modality = SpecialtyFactory(name="Trauma"), ModalityFactory(name="EMDR")
    group = None
    for i in range(count):
        if i % 5 == 0:  # five to a group, as groups stay small
            group = GroupFactory()
            MembershipFactory(group=group, user=me)
        user = UserFactory(profile__display_name=f"Colleague {i:02}")
        MembershipFactory(group=group, user=user)
        user.profile.specialties.add(specialty, SpecialtyFactory(name=f"Extra {i}"))
        user.profile.modalities.add(modality)
    client.force_login(me)

    with django_assert_num_queries(4):
        response = client.get(NETWORK)

    assert len(response.context["page"]) == count
    assert response.content.decode().count(">Trauma</span>") == count


def test_attach_links_gives_each_profile_its_card_links():
    profiles = _profiles_with_terms()

    colleagues.attach_links(profiles)

    assert [(p.profile_url, p.contact_url) for p in profiles] == [
        (reverse("members:profile", args=[p.pk]), reverse("members:contact", args=[p.pk]))
        for p in profiles
    ]


def _terms(size: int):
    for i in range(size):
        SpecialtyFactory(name=f"Term {i}")
    return Specialty.objects.filter(name__startswith="Term ").order_by("name")


@pytest.mark.parametrize("size", [0, 1, 3, 4, 7])
@pytest.mark.parametrize("number", [None, "", "1", "2", "3", "0", "abc", "99"])
def test_first_page_or_count_pages_as_get_page_does(size, number):
    terms = _terms(size)

    page = colleagues.first_page_or_count(Paginator(terms, 3), number)

    expected = Paginator(terms, 3).get_page(number)
    assert (page.number, list(page), page.paginator.count, page.paginator.num_pages) == (
        expected.number,
        list(expected),
        expected.paginator.count,
        expected.paginator.num_pages,
    )


def test_first_page_that_holds_everything_needs_no_count(django_assert_num_queries):
    terms = _terms(3)

    with django_assert_num_queries(1):
        page = colleagues.first_page_or_count(Paginator(terms, 3), None)
        shown = (list(page), page.paginator.count, page.has_next())

    assert shown == (list(terms), 3, False)
