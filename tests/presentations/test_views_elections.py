"""Elections as members and organizers see them: opening one, nominating, voting, results."""

import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from groups import services as group_services
from groups.enums import Role
from groups.models import Group, Membership
from presentations.models import Ballot, Election, Nomination, VoteTally
from tests.factories import AdminFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")  # the time zone of every factory-made profile
FORMAT = "%Y-%m-%dT%H:%M"


def _text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _create_url(group) -> str:
    return reverse("presentations:election_create", args=[group.slug])


def _url(election, name="election") -> str:
    return reverse(f"presentations:{name}", args=[election.pk])


@pytest.fixture
def elected(group):
    group.leadership_model = "elected"
    group.save(update_fields=["leadership_model"])
    return group


@pytest.fixture
def election(elected, organizer, members):
    """Opened after the group's members joined: they are its electorate."""
    now = timezone.now()
    today = timezone.localdate()
    return Election.objects.create(
        group=elected,
        term_starts_on=today + timedelta(days=10),
        term_ends_on=today + timedelta(days=190),
        nominations_close_at=now + timedelta(days=2),
        voting_closes_at=now + timedelta(days=4),
        opened_by=organizer,
    )


def _to_voting(election):
    Election.objects.filter(pk=election.pk).update(
        nominations_close_at=timezone.now() - timedelta(minutes=1)
    )


def _to_after_voting(election):
    now = timezone.now()
    Election.objects.filter(pk=election.pk).update(
        nominations_close_at=now - timedelta(hours=2), voting_closes_at=now - timedelta(minutes=1)
    )


def _nominate(election, *users) -> list[Nomination]:
    return [Nomination.objects.create(election=election, nominee=u, nominated_by=u) for u in users]


def _form(**overrides) -> dict:
    now = timezone.now().astimezone(NY)
    today = now.date()
    return {
        "title": "Group leader",
        "term_starts_on": (today + timedelta(days=10)).isoformat(),
        "term_ends_on": (today + timedelta(days=190)).isoformat(),
        "nominations_close_at": (now + timedelta(days=2)).strftime(FORMAT),
        "voting_closes_at": (now + timedelta(days=4)).strftime(FORMAT),
        **overrides,
    }


# --- opening an election ------------------------------------------------------------------------


def test_election_create_plain_member_is_404(client, elected, members):
    client.force_login(members[0])

    assert client.get(_create_url(elected)).status_code == 404
    assert client.post(_create_url(elected), _form()).status_code == 404
    assert Election.objects.count() == 0


def test_election_create_outsider_is_404(client, elected):
    client.force_login(UserFactory())

    assert client.get(_create_url(elected)).status_code == 404


def test_election_create_organizer_sees_the_form(client, elected, organizer):
    client.force_login(organizer)

    response = client.get(_create_url(elected))

    assert response.status_code == 200
    assert (response.context["group"], response.context["elections"]) == (elected, [])
    assert set(response.context["form"].fields) == {
        "title",
        "term_starts_on",
        "term_ends_on",
        "nominations_close_at",
        "voting_closes_at",
    }
    assert "This group has not held an election yet." in _text(response)


def test_election_create_valid_post_opens_the_election(client, elected, organizer):
    client.force_login(organizer)
    data = _form(title="  Convener ")

    response = client.post(_create_url(elected), data)

    election = Election.objects.get()
    assert response.status_code == 302
    assert response.url == _url(election)
    assert _messages(response) == ["The election is open for nominations."]
    assert (
        election.group,
        election.title,
        election.opened_by,
        election.term_starts_on.isoformat(),
        election.term_ends_on.isoformat(),
        election.nominations_close_at,
        election.voting_closes_at,
        election.closed_at,
    ) == (
        elected,
        "Convener",
        organizer,
        data["term_starts_on"],
        data["term_ends_on"],
        datetime.strptime(data["nominations_close_at"], FORMAT).replace(tzinfo=NY),
        datetime.strptime(data["voting_closes_at"], FORMAT).replace(tzinfo=NY),
        None,
    )


def test_election_create_voting_before_nominations_is_a_field_error(client, elected, organizer):
    client.force_login(organizer)
    now = timezone.now().astimezone(NY)
    data = _form(
        nominations_close_at=(now + timedelta(days=4)).strftime(FORMAT),
        voting_closes_at=(now + timedelta(days=2)).strftime(FORMAT),
    )

    response = client.post(_create_url(elected), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "voting_closes_at": ["Voting must close after nominations close."]
    }
    assert Election.objects.count() == 0


def test_election_create_nominations_in_the_past_is_a_field_error(client, elected, organizer):
    client.force_login(organizer)
    past = (timezone.now().astimezone(NY) - timedelta(hours=1)).strftime(FORMAT)

    response = client.post(_create_url(elected), _form(nominations_close_at=past))

    assert response.context["form"].errors == {
        "nominations_close_at": ["Choose a time in the future."]
    }
    assert Election.objects.count() == 0


def test_election_create_in_a_group_that_does_not_elect_is_404(client, group, organizer):
    """Only a group that elects its leader holds elections: for any other, the page is not
    there (the group page offers no link to it), and nothing is opened."""
    client.force_login(organizer)

    page = client.get(_create_url(group))
    posted = client.post(_create_url(group), _form())

    assert (page.status_code, posted.status_code) == (404, 404)
    assert Election.objects.count() == 0


def test_election_create_while_one_is_open_is_refused(client, election, organizer):
    client.force_login(organizer)

    response = client.post(_create_url(election.group), _form())

    assert response.context["form"].non_field_errors() == [
        "An election is already under way in this group."
    ]
    assert list(Election.objects.all()) == [election]
    assert list(response.context["elections"]) == [election]


# --- the election page --------------------------------------------------------------------------


def test_election_page_outsider_is_404(client, election):
    client.force_login(UserFactory())

    assert client.get(_url(election)).status_code == 404


def test_election_page_member_of_another_group_is_404(client, election):
    client.force_login(MembershipFactory().user)

    assert client.get(_url(election)).status_code == 404


def test_election_page_anonymous_is_sent_to_sign_in(client, election):
    response = client.get(_url(election))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={_url(election)}"


def test_election_page_while_nominating_offers_every_member_not_yet_nominated(
    client, election, organizer, members
):
    _nominate(election, members[0])
    client.force_login(members[1])

    response = client.get(_url(election))

    assert response.context["phase"] == "nominating"
    assert [n.nominee for n in response.context["nominations"]] == [members[0]]
    choices = [v for v, _label in response.context["nominate_form"].fields["user"].choices]
    assert sorted(choices) == sorted(u.pk for u in [organizer, *members[1:]])
    assert f"{members[0]} · self-nominated" in _text(response)


def test_nominate_member_creates_nomination(client, election, members):
    client.force_login(members[0])

    response = client.post(_url(election, "nominate"), {"user": members[1].pk})

    assert response.status_code == 302
    assert response.url == _url(election)
    assert list(Nomination.objects.values_list("election", "nominee", "nominated_by")) == [
        (election.pk, members[1].pk, members[0].pk)
    ]
    assert _messages(response) == ["The nomination is recorded."]


def test_nominate_non_member_is_refused(client, election, members):
    outsider = UserFactory()
    client.force_login(members[0])

    response = client.post(_url(election, "nominate"), {"user": outsider.pk})

    assert response.url == _url(election)
    assert _messages(response) == ["You can only nominate a member of the group."]
    assert Nomination.objects.count() == 0


def test_nominate_twice_is_refused(client, election, members):
    _nominate(election, members[1])
    client.force_login(members[0])

    response = client.post(_url(election, "nominate"), {"user": members[1].pk})

    assert _messages(response) == [f"{members[1]} is already nominated."]
    assert Nomination.objects.count() == 1


def test_nominate_after_nominations_close_is_refused(client, election, members):
    _to_voting(election)
    client.force_login(members[0])

    response = client.post(_url(election, "nominate"), {"user": members[1].pk})

    assert _messages(response) == ["Nominations are closed."]
    assert Nomination.objects.count() == 0


def test_nominate_outsider_is_404(client, election, members):
    client.force_login(UserFactory())

    response = client.post(_url(election, "nominate"), {"user": members[1].pk})

    assert response.status_code == 404
    assert Nomination.objects.count() == 0


def test_vote_during_voting_casts_a_secret_ballot(client, election, members):
    _first, second = _nominate(election, members[0], members[1])
    _to_voting(election)
    client.force_login(members[2])

    response = client.post(_url(election, "vote"), {"nomination": second.pk})

    assert response.url == _url(election)
    assert _messages(response) == ["Your vote is cast. It is secret: nobody can see how you voted."]
    assert list(Ballot.objects.values_list("election", "voter")) == [(election.pk, members[2].pk)]
    assert sorted(VoteTally.objects.values_list("election", "nomination", "votes")) == [
        (election.pk, _first.pk, 0),
        (election.pk, second.pk, 1),
    ]


def test_vote_second_time_is_refused(client, election, members):
    first, second = _nominate(election, members[0], members[1])
    _to_voting(election)
    client.force_login(members[2])
    client.post(_url(election, "vote"), {"nomination": first.pk})

    response = client.post(_url(election, "vote"), {"nomination": second.pk})

    assert "You have already voted in this election." in _messages(response)
    assert Ballot.objects.count() == 1
    assert sorted(VoteTally.objects.values_list("nomination", "votes")) == [
        (first.pk, 1),
        (second.pk, 0),
    ]


def test_vote_while_nominating_is_refused(client, election, members):
    (nomination,) = _nominate(election, members[0])
    client.force_login(members[1])

    response = client.post(_url(election, "vote"), {"nomination": nomination.pk})

    assert _messages(response) == ["Voting is not open."]
    assert (Ballot.objects.count(), VoteTally.objects.count()) == (0, 0)


def test_vote_for_nomination_of_another_election_is_refused(client, election, members):
    _nominate(election, members[0])
    _to_voting(election)
    other_group = MembershipFactory(user=members[1]).group
    now = timezone.now()
    other = Election.objects.create(
        group=other_group,
        term_starts_on=timezone.localdate(),
        term_ends_on=timezone.localdate() + timedelta(days=30),
        nominations_close_at=now - timedelta(hours=1),
        voting_closes_at=now + timedelta(days=1),
    )
    (foreign,) = _nominate(other, members[1])
    client.force_login(members[2])

    response = client.post(_url(election, "vote"), {"nomination": foreign.pk})

    assert _messages(response) == ["Choose one of the nominees."]
    assert (Ballot.objects.count(), VoteTally.objects.count()) == (0, 0)


def test_election_page_while_voting_shows_no_vote_counts(client, election, organizer, members):
    first, _second = _nominate(election, members[0], members[1])
    _to_voting(election)
    for voter in (members[2], members[3], organizer):
        client.force_login(voter)
        client.post(_url(election, "vote"), {"nomination": first.pk})
    client.force_login(organizer)

    response = client.get(_url(election))

    assert (response.context["phase"], response.context["has_voted"]) == ("voting", True)
    body = response.content.decode()
    assert "Votes for each nominee" not in body
    assert 'id="results-heading"' not in body
    assert "3 votes" not in body
    assert re.findall(r'<td class="text-end">', body) == []
    assert "You have voted. Your vote is secret." in _text(response)


def test_election_page_after_voting_before_counting_shows_no_counts(
    client, election, organizer, members
):
    (nomination,) = _nominate(election, members[0])
    VoteTally.objects.create(election=election, nomination=nomination, votes=1)
    _to_after_voting(election)
    client.force_login(members[1])

    response = client.get(_url(election))

    assert response.context["phase"] == "closed"
    text = _text(response)
    assert "Voting has closed; the votes will be counted shortly." in text
    assert "Count the votes now" not in text
    assert "Votes for each nominee" not in response.content.decode()


def test_close_as_organizer_counts_votes_and_shows_results(client, election, organizer, members):
    first, second = _nominate(election, members[0], members[1])
    _to_voting(election)
    for voter, nomination in [(members[2], first), (members[3], first), (organizer, second)]:
        client.force_login(voter)
        client.post(_url(election, "vote"), {"nomination": nomination.pk})
    _to_after_voting(election)
    client.force_login(organizer)
    assert "Count the votes now" in _text(client.get(_url(election)))

    response = client.post(_url(election, "close_election"))

    assert response.url == _url(election)
    assert _messages(response) == ["The votes are counted."]
    election.refresh_from_db()
    assert election.closed_at is not None
    assert (election.winner, election.results) == (
        members[0],
        [
            {"nominee": str(members[0]), "votes": 2, "nominee_id": members[0].pk},
            {"nominee": str(members[1]), "votes": 1, "nominee_id": members[1].pk},
        ],
    )
    client.force_login(members[1])
    page = client.get(_url(election))
    rows = re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<td class=\"text-end\">(\d+)</td>", page.content.decode()
    )
    assert [(html.unescape(name), int(votes)) for name, votes in rows] == [
        (str(members[0]), 2),
        (str(members[1]), 1),
    ]
    assert f"{members[0]} leads the group from" in _text(page)


def test_close_as_plain_member_is_404(client, election, members):
    _to_after_voting(election)
    client.force_login(members[0])

    response = client.post(_url(election, "close_election"))

    assert response.status_code == 404
    election.refresh_from_db()
    assert (election.closed_at, election.results) == (None, [])


def test_close_while_voting_is_refused(client, election, organizer):
    _to_voting(election)
    client.force_login(organizer)

    response = client.post(_url(election, "close_election"))

    assert _messages(response) == ["Voting is still open."]
    election.refresh_from_db()
    assert election.closed_at is None


@pytest.mark.parametrize("nominated", [1, 20])
def test_election_page_query_count_does_not_grow_with_nominations(
    client, election, members, nominated, django_assert_num_queries
):
    Group.objects.filter(pk=election.group_id).update(capacity=30)
    group = Group.objects.get(pk=election.group_id)
    nominees = [MembershipFactory(group=group).user for _ in range(20)]
    for nominee in nominees[:nominated]:
        Nomination.objects.create(election=election, nominee=nominee, nominated_by=members[0])
    client.force_login(members[1])

    with django_assert_num_queries(6):
        response = client.get(_url(election))

    assert [n.nominee for n in response.context["nominations"]] == nominees[:nominated]


# --- who may take part (issue 12, seam 3) ---------------------------------------------------------


def _late_joiner(election):
    return MembershipFactory(
        group=election.group, joined_at=election.created_at + timedelta(seconds=1)
    ).user


def test_election_page_offers_only_members_who_were_members_when_it_opened(
    client, election, organizer, members
):
    _late_joiner(election)
    client.force_login(members[0])

    response = client.get(_url(election))

    choices = [v for v, _label in response.context["nominate_form"].fields["user"].choices]
    assert sorted(choices) == sorted(u.pk for u in [organizer, *members])


def test_election_page_tells_a_late_joiner_why_they_cannot_take_part(client, election):
    late = _late_joiner(election)
    client.force_login(late)

    response = client.get(_url(election))

    assert response.context["eligible"] is False
    text = _text(response)
    assert "You joined the group after this election opened" in text
    assert "Nominate someone" not in text


def test_nominate_by_late_joiner_is_refused(client, election, members):
    late = _late_joiner(election)
    client.force_login(late)

    response = client.post(_url(election, "nominate"), {"user": members[0].pk})

    assert _messages(response) == [
        "Only those who were members when the election opened can nominate: you joined the "
        "group after it opened."
    ]
    assert Nomination.objects.count() == 0


# --- the group page: leader, term, elections --------------------------------------------------------


def _group_page(client, group):
    return client.get(reverse("groups:detail", args=[group.slug]))


def test_group_page_shows_the_current_leader_and_term(client, elected, members):
    from presentations.models import LeadershipTerm

    today = timezone.localdate()
    LeadershipTerm.objects.create(
        group=elected,
        leader=members[1],
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=20),
    )
    client.force_login(members[0])

    text = _text(_group_page(client, elected))

    start = (today - timedelta(days=10)).strftime("%-d %B %Y")
    end = (today + timedelta(days=20)).strftime("%-d %B %Y")
    assert f"Current leader: {members[1]}, from {start} to {end}" in text


def test_group_page_without_a_current_term_says_so(client, elected, members):
    client.force_login(members[0])

    assert "Nobody leads the group at the moment." in _text(_group_page(client, elected))


def test_group_page_lists_open_and_past_elections_with_links(client, election, members):
    now = timezone.now()
    past = Election.objects.create(
        group=election.group,
        title="Convener",
        term_starts_on=timezone.localdate() - timedelta(days=200),
        term_ends_on=timezone.localdate() - timedelta(days=20),
        nominations_close_at=now - timedelta(days=300),
        voting_closes_at=now - timedelta(days=290),
        closed_at=now - timedelta(days=290),
        winner=members[2],
        created_at=now - timedelta(days=301),
    )
    client.force_login(members[0])

    response = _group_page(client, election.group)

    body = response.content.decode()
    assert f'href="{_url(election)}"' in body
    assert f'href="{_url(past)}"' in body
    text = _text(response)
    assert "Group leader election · nominations open" in text
    assert f"Convener election · {members[2]} was elected" in text


def test_group_page_organizer_of_elected_group_sees_hold_an_election(client, elected, organizer):
    client.force_login(organizer)

    body = _group_page(client, elected).content.decode()

    assert f'href="{_create_url(elected)}"' in body
    assert "Hold an election" in body


def test_group_page_hold_an_election_not_offered_to_plain_members(client, elected, members):
    client.force_login(members[0])

    assert "Hold an election" not in _group_page(client, elected).content.decode()


def test_group_page_hold_an_election_not_offered_where_leaders_are_not_elected(
    client, group, organizer
):
    client.force_login(organizer)

    body = _group_page(client, group).content.decode()

    assert "Hold an election" not in body
    assert "Current leader" not in body


def test_group_page_outsider_sees_no_elections(client, election):
    client.force_login(UserFactory())

    body = _group_page(client, election.group).content.decode()

    assert _url(election) not in body
    assert "Leadership" not in body


# --- the dashboard's "Waiting for you" ---------------------------------------------------------------


def _waiting(client) -> str:
    response = client.get(reverse("members:dashboard"))
    body = response.content.decode()
    start = body.index('id="awaiting-heading"')
    return html.unescape(strip_tags(body[start : body.index("</aside>", start)]))


def test_dashboard_lists_an_open_election_until_the_member_nominates(client, election, members):
    client.force_login(members[0])

    assert f"Nominate in the {election.group.name} election" in " ".join(_waiting(client).split())
    assert _url(election) in client.get(reverse("members:dashboard")).content.decode()

    client.post(_url(election, "nominate"), {"user": members[1].pk})

    assert election.group.name not in _waiting(client)


def test_dashboard_lists_voting_until_the_member_votes(client, election, members):
    (nomination,) = _nominate(election, members[1])
    _to_voting(election)
    client.force_login(members[0])

    assert f"Vote in the {election.group.name} election" in " ".join(_waiting(client).split())

    client.post(_url(election, "vote"), {"nomination": nomination.pk})

    assert election.group.name not in _waiting(client)


def test_dashboard_does_not_list_an_election_to_a_late_joiner(client, election):
    late = _late_joiner(election)
    client.force_login(late)

    assert election.group.name not in _waiting(client)
    assert "Nothing right now. All caught up." in _waiting(client)


# --- the same doors as every members' page --------------------------------------------------------


def test_election_pages_wait_until_the_member_accepts_new_ground_rules(
    client, election, organizer, members
):
    """Elections pass the ground-rules gate like every members' page: a member whose group
    changed its rules reads and accepts them first, and nothing they post counts meanwhile."""
    group = election.group
    Membership.objects.filter(group=group).update(rules_version=group.rules_versions.get())
    group_services.update_group(actor=organizer, group=group, data={"ground_rules": "Be kind."})
    client.force_login(members[0])
    accept = reverse("groups:accept_rules", args=[group.slug])

    page = client.get(_url(election))
    nominated = client.post(_url(election, "nominate"), {"user": members[1].pk})

    assert (page.status_code, nominated.status_code) == (302, 302)
    assert page.url.startswith(accept) and nominated.url.startswith(accept)
    assert Nomination.objects.count() == 0
    client.post(accept, {"accept_rules": "on"})
    assert client.get(_url(election)).status_code == 200


def test_election_create_site_admin_who_is_not_a_member_is_404(client, elected):
    client.force_login(AdminFactory())

    assert client.get(_create_url(elected)).status_code == 404


def test_election_page_offers_the_count_to_organizers_only(client, election, organizer, members):
    co_organizer = MembershipFactory(group=election.group, role=Role.CO_ORGANIZER).user
    _to_after_voting(election)

    def offered(user) -> bool:
        client.force_login(user)
        return "Count the votes now" in _text(client.get(_url(election)))

    assert [offered(u) for u in (organizer, co_organizer, members[0])] == [True, True, False]
