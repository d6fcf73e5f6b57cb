"""The secret ballot, attacked as someone reading the database would: by the transaction id
(``xmin``) that PostgreSQL stores on every row, by the physical and id order of the rows, and
by time. A ``Ballot`` says who voted; what they voted must not be linkable to it.

Runs on PostgreSQL, each vote in its own committed transaction, as on the site.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from presentations import services
from presentations.models import Ballot, Election, Nomination

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _vote_tables() -> list[type[models.Model]]:
    """Every table of the app that records votes: whatever points at a nomination."""
    return [
        model
        for model in apps.get_app_config("presentations").get_models()
        if model is not Nomination
        and any(
            getattr(field, "related_model", None) is Nomination
            for field in model._meta.get_fields()
            if field.concrete
        )
    ]


def _rows(model, election) -> list[dict]:
    """The vote rows of ``election`` with PostgreSQL's hidden columns, in physical order."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT xmin::text::bigint AS xid, ctid::text AS place, * FROM {table} "  # noqa: S608
            "WHERE election_id = %s ORDER BY ctid",
            [election.pk],
        )
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _ballots(election) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT xmin::text::bigint, id, voter_id FROM {Ballot._meta.db_table} "  # noqa: S608
            "WHERE election_id = %s ORDER BY id",
            [election.pk],
        )
        return [{"xid": x, "id": i, "voter_id": v} for x, i, v in cursor.fetchall()]


def link_by_xmin(election) -> dict[int, int]:
    """Voter -> nomination wherever the vote rows written in a ballot's transaction name a
    single nominee. That is the same ``xmin``, or the one just before: a savepoint is a
    subtransaction whose id follows its parent's."""
    links = {}
    for ballot in _ballots(election):
        for model in _vote_tables():
            same = [
                r for r in _rows(model, election) if r["xid"] in (ballot["xid"], ballot["xid"] - 1)
            ]
            if len({r["nomination_id"] for r in same}) == 1:
                links[ballot["voter_id"]] = same[0]["nomination_id"]
    return links


def link_by_order(election) -> dict[int, int] | None:
    """Voter -> nomination by pairing ballots (in id order) with vote rows in physical or in
    transaction order, when there is one vote row per ballot."""
    ballots = _ballots(election)
    for model in _vote_tables():
        rows = _rows(model, election)
        if len(rows) != len(ballots):
            continue
        for ordered in (rows, sorted(rows, key=lambda r: r["xid"])):
            guess = {
                b["voter_id"]: r["nomination_id"] for b, r in zip(ballots, ordered, strict=True)
            }
            return guess
    return None


@pytest.fixture
def election(group, organizer, members):
    type(group).objects.filter(pk=group.pk).update(leadership_model="elected")
    group.refresh_from_db()
    now = timezone.now()
    election = services.open_election(
        actor=organizer,
        group=group,
        term_starts_on=timezone.localdate(),
        term_ends_on=timezone.localdate() + timedelta(days=180),
        nominations_close_at=now + timedelta(days=2),
        voting_closes_at=now + timedelta(days=4),
    )
    services.nominate(user=members[0], election=election, nominee_id=members[0].pk)
    services.nominate(user=members[1], election=election, nominee_id=members[1].pk)
    services.nominate(user=organizer, election=election, nominee_id=organizer.pk)
    Election.objects.filter(pk=election.pk).update(
        nominations_close_at=timezone.now() - timedelta(minutes=1)
    )
    election.refresh_from_db()
    return election


@pytest.fixture
def voted(election, organizer, members):
    """Five members vote, each in a transaction of their own; returns who voted for whom."""
    nominations = {n.nominee_id: n.pk for n in election.nominations.all()}
    choices = {
        members[2].pk: nominations[members[0].pk],
        members[3].pk: nominations[members[1].pk],
        members[0].pk: nominations[members[0].pk],
        organizer.pk: nominations[organizer.pk],
        members[1].pk: nominations[members[1].pk],
    }
    voters = {u.pk: u for u in [organizer, *members]}
    for voter_id, nomination_id in choices.items():
        services.cast_vote(user=voters[voter_id], election=election, nomination_id=nomination_id)
    return choices


def test_there_is_a_vote_table_to_attack(voted, election):
    assert _vote_tables() != []
    assert len(_ballots(election)) == 5


def test_transaction_ids_do_not_link_ballots_to_votes(voted, election):
    assert link_by_xmin(election) == {}


def test_vote_rows_all_carry_one_transaction_id(voted, election):
    """Each vote rewrites the rows of every nominee alike, so their ``xmin`` is the same (the
    last vote's) and says nothing about which one that vote was for."""
    for model in _vote_tables():
        assert len({r["xid"] for r in _rows(model, election)}) == 1


def test_row_order_does_not_link_ballots_to_votes(voted, election):
    assert link_by_order(election) is None
    for model in _vote_tables():
        # One row per nominee, however many voted: nothing to pair with the ballots.
        assert len(_rows(model, election)) == election.nominations.count()


def test_vote_rows_carry_no_time_and_no_voter(voted):
    user_model = apps.get_model("members", "User")
    for model in _vote_tables():
        fields = [f for f in model._meta.get_fields() if f.concrete]
        assert [
            f.name for f in fields if isinstance(f, models.DateTimeField | models.DateField)
        ] == []
        assert [f.name for f in fields if getattr(f, "related_model", None) is user_model] == []


def test_the_count_is_right_after_all_that(voted, election, members, organizer):
    Election.objects.filter(pk=election.pk).update(
        voting_closes_at=timezone.now() - timedelta(seconds=1)
    )
    election.refresh_from_db()

    services.close_election(election=election)

    election.refresh_from_db()
    assert [(row["nominee_id"], row["votes"]) for row in election.results] == [
        (members[0].pk, 2),
        (members[1].pk, 2),
        (organizer.pk, 1),
    ]
    assert election.winner in (members[0], members[1])
