"""One meaning of "free seat": capacity minus members minus everyone on the waitlist.

A seat held by an open offer is not free, and while anybody waits, a seat is theirs before it is a
newcomer's. The group page, the join page, browse cards, the "open seats" filter, the seat sort and
the services all give the same answer, so no page promises a seat the service then refuses.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from groups import services
from groups.enums import GroupStatus, Role, WaitlistStatus
from groups.models import Group, Membership, WaitlistEntry
from groups.services.base import lock_group, seats_free
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSE = reverse("groups:browse")


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _group(name: str, capacity: int, members: int) -> tuple[Group, Membership]:
    group = GroupFactory(name=name, capacity=capacity)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER)
    for _ in range(members - 1):
        MembershipFactory(group=group)
    return group, organizer


@pytest.fixture
def offered_group():
    """Capacity 3, 2 members, the third seat offered to Wanda, Walt waiting behind her."""
    group, _organizer = _group("Offer Circle", capacity=3, members=3)
    wanda, walt = UserFactory(email="wanda@example.com"), UserFactory(email="walt@example.com")
    services.join_group(user=wanda, group=group, accepted_rules=True)
    services.join_group(user=walt, group=group, accepted_rules=True)
    leaver = Membership.objects.filter(group=group, role=Role.MEMBER).first().user
    services.leave_group(user=leaver, group=group)
    group.refresh_from_db()
    assert dict(WaitlistEntry.objects.filter(group=group).values_list("user__email", "status")) == {
        "wanda@example.com": WaitlistStatus.OFFERED,
        "walt@example.com": WaitlistStatus.WAITING,
    }
    assert (group.capacity, group.member_count) == (3, 2)
    return group


@pytest.fixture
def waiting_group():
    """Capacity 2 and 1 member, but Walter waits: the seat came free while the group was paused,
    so nobody offered it to him yet."""
    group, organizer = _group("Waiting Circle", capacity=2, members=2)
    walt = UserFactory(email="walter@example.com")
    services.join_group(user=walt, group=group, accepted_rules=True)
    services.update_group(actor=organizer.user, group=group, data={"status": GroupStatus.PAUSED})
    leaver = Membership.objects.filter(group=group, role=Role.MEMBER).first().user
    services.leave_group(user=leaver, group=group)
    services.update_group(actor=organizer.user, group=group, data={"status": GroupStatus.ACTIVE})
    group.refresh_from_db()
    assert WaitlistEntry.objects.get(group=group).status == WaitlistStatus.WAITING
    assert (group.capacity, group.member_count) == (2, 1)
    return group


# --- the definition -----------------------------------------------------------------------


def test_seats_left_counts_offers_and_people_waiting(offered_group, waiting_group):
    assert offered_group.seats_left == 0
    assert waiting_group.seats_left == 0


def test_seats_left_counts_members_only_when_nobody_waits():
    group, _ = _group("Roomy", capacity=5, members=2)

    assert group.seats_left == 3


def test_seats_free_service_agrees_with_the_page(offered_group, waiting_group):
    assert seats_free(lock_group(offered_group.pk)) == 0
    assert seats_free(lock_group(waiting_group.pk)) == 0


def test_waitlist_count_follows_every_waitlist_change(offered_group):
    wanda = WaitlistEntry.objects.get(user__email="wanda@example.com")
    walt = WaitlistEntry.objects.get(user__email="walt@example.com")

    def count():
        offered_group.refresh_from_db()
        return offered_group.waitlist_count

    assert count() == 2
    services.decline_offer(user=wanda.user, entry_id=wanda.pk)  # Walt gets the offer
    assert count() == 1
    services.accept_offer(user=walt.user, entry_id=walt.pk)
    assert count() == 0
    assert offered_group.seats_left == 0
    assert offered_group.member_count == 3


# --- the services -------------------------------------------------------------------------


def test_join_with_an_offer_outstanding_goes_to_the_waitlist(offered_group):
    result = services.join_group(user=UserFactory(), group=offered_group, accepted_rules=True)

    assert (result.joined, result.position) == (False, 3)
    offered_group.refresh_from_db()
    assert (offered_group.member_count, offered_group.waitlist_count) == (2, 3)


def test_join_while_someone_waits_offers_them_the_seat_first(
    waiting_group, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.join_group(user=UserFactory(), group=waiting_group, accepted_rules=True)

    assert (result.joined, result.position) == (False, 2)
    assert WaitlistEntry.objects.get(user__email="walter@example.com").status == (
        WaitlistStatus.OFFERED
    )
    assert [m.to for m in mailoutbox] == [["walter@example.com"]]


def test_join_when_seats_outnumber_the_queue_admits_the_newcomer(waiting_group):
    organizer = Membership.objects.get(group=waiting_group, role=Role.ORGANIZER).user
    services.update_group(actor=organizer, group=waiting_group, data={"capacity": 4})
    waiting_group.refresh_from_db()
    assert waiting_group.seats_left == 2  # Walt was offered one of the three free seats

    result = services.join_group(user=UserFactory(), group=waiting_group, accepted_rules=True)

    assert result.joined
    waiting_group.refresh_from_db()
    assert (waiting_group.member_count, waiting_group.seats_left) == (2, 1)


def test_expire_offers_offers_seats_left_free_while_people_wait(
    waiting_group, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.expire_offers()
        services.expire_offers()

    assert WaitlistEntry.objects.get().status == WaitlistStatus.OFFERED
    assert [m.to for m in mailoutbox] == [["walter@example.com"]]


# --- the pages ----------------------------------------------------------------------------


def test_group_page_does_not_promise_an_offered_seat(client, offered_group):
    client.force_login(UserFactory())

    response = client.get(offered_group.get_absolute_url())

    text = _text(response)
    assert response.context["group"].seats_left == 0
    assert "2 of 3 seats taken (full — waitlist open)" in text
    assert "1 seat left" not in text
    assert "Join the waitlist" in text


def test_group_page_does_not_promise_a_seat_owed_to_someone_waiting(client, waiting_group):
    client.force_login(UserFactory())

    response = client.get(waiting_group.get_absolute_url())

    text = _text(response)
    assert "1 of 2 seats taken (full — waitlist open)" in text
    assert "1 seat left" not in text


@pytest.mark.parametrize("fixture", ["offered_group", "waiting_group"])
def test_join_page_says_waitlist_and_the_post_puts_you_there(client, request, fixture):
    group = request.getfixturevalue(fixture)
    user = UserFactory()
    client.force_login(user)
    url = reverse("groups:join", args=[group.slug])

    page = _text(client.get(url))
    response = client.post(url, {"accept_rules": "on"})

    assert "seat left" not in page
    assert "The group is full right now" in page
    assert "Join the waitlist </button>" in page
    assert not Membership.objects.filter(group=group, user=user).exists()
    assert WaitlistEntry.objects.get(group=group, user=user).status == WaitlistStatus.WAITING
    assert "waitlist" in _messages(response)[0]


def test_join_page_with_a_free_seat_promises_it_and_keeps_the_promise(client):
    group, _ = _group("Roomy", capacity=3, members=2)
    user = UserFactory()
    client.force_login(user)
    url = reverse("groups:join", args=[group.slug])

    page = _text(client.get(url))
    client.post(url, {"accept_rules": "on"})

    assert "There is 1 seat left." in page
    assert "Join the group </button>" in page
    assert Membership.objects.filter(group=group, user=user).exists()


def test_browse_card_and_open_seats_filter_leave_out_offered_and_owed_seats(
    client, offered_group, waiting_group
):
    _group("Roomy", capacity=4, members=2)

    everything = client.get(BROWSE, {"sort": "name"})
    with_seats = client.get(BROWSE, {"has_seats": "on", "sort": "name"})

    cards = {g.name: g.seats_left for g in everything.context["page"].object_list}
    assert cards == {"Offer Circle": 0, "Roomy": 2, "Waiting Circle": 0}
    assert _text(everything).count("Full · waitlist") == 2
    assert "2 seats left" in _text(everything)
    assert [g.name for g in with_seats.context["page"].object_list] == ["Roomy"]


def test_browse_sorts_by_free_seats_counting_the_waitlist(client, offered_group):
    _group("Small", capacity=3, members=2)  # 1 free
    _group("Big", capacity=6, members=4)  # 2 free

    response = client.get(BROWSE, {"sort": "seats"})

    names = [g.name for g in response.context["page"].object_list]
    assert names == ["Big", "Small", "Offer Circle"]


def test_leaving_every_waitlist_passes_offers_on_and_keeps_the_count(offered_group):
    from groups.services.waitlist import leave_all_waitlists

    wanda = UserFactory._meta.model.objects.get(email="wanda@example.com")

    assert leave_all_waitlists(user=wanda) == 1
    assert leave_all_waitlists(user=wanda) == 0

    offered_group.refresh_from_db()
    assert offered_group.waitlist_count == 1
    assert dict(
        WaitlistEntry.objects.filter(group=offered_group).values_list("user__email", "status")
    ) == {"wanda@example.com": WaitlistStatus.LEFT, "walt@example.com": WaitlistStatus.OFFERED}


def test_expire_offers_heals_a_waitlist_count_left_behind_by_a_bulk_update(
    offered_group, mailoutbox, django_capture_on_commit_callbacks
):
    # As portal.privacy.delete_account does today: a bulk update that skips the services.
    WaitlistEntry.objects.filter(user__email="wanda@example.com").update(status=WaitlistStatus.LEFT)

    with django_capture_on_commit_callbacks(execute=True):
        services.expire_offers()

    offered_group.refresh_from_db()
    assert offered_group.waitlist_count == 1
    assert WaitlistEntry.objects.get(user__email="walt@example.com").status == (
        WaitlistStatus.OFFERED
    )
    assert [m.to for m in mailoutbox] == [["walt@example.com"]]
