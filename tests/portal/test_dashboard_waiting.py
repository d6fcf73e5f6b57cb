"""The dashboard shows the therapist's own applications and places on waiting lists, and on a
phone the "Waiting for you" box comes first (first in the page's source; on a wide screen the
layout classes keep it in the right-hand column)."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from groups.enums import ApplicationStatus, MembershipPolicy, WaitlistStatus
from groups.models import Application, WaitlistEntry
from tests.factories import ApplicationFactory, GroupFactory, UserFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db


def _dashboard(client, user):
    client.force_login(user)
    return client.get(reverse("members:dashboard"))


def _text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def _section(response, heading_id: str) -> str:
    body = response.content.decode()
    start = body.index(f'id="{heading_id}"')
    end = body.index("</section>", start)
    return " ".join(html.unescape(strip_tags(body[start:end].split(">", 1)[1])).split())


def test_waiting_list_place_reads_position_of_total(client):
    group = GroupFactory(name="Mile High Consult")
    WaitlistEntryFactory(group=group)
    me = UserFactory()
    WaitlistEntryFactory(group=group, user=me)
    WaitlistEntryFactory(group=group)

    response = _dashboard(client, me)

    assert "You are 2nd of 3 waiting for Mile High Consult." in _text(response)
    assert [(e.group.name, e.position) for e in response.context["waitlists"]] == [
        ("Mile High Consult", 2)
    ]


def test_an_offer_shows_its_deadline_and_accepting_it_from_the_dashboard_makes_a_member(client):
    group = GroupFactory(name="Boulder Support", capacity=4)
    me = UserFactory()
    entry = WaitlistEntryFactory(group=group, user=me, offered=True)

    response = _dashboard(client, me)

    body = response.content.decode()
    accept = reverse("groups:waitlist_accept", args=[group.slug])
    assert body.count(f'action="{accept}"') == 2  # "Waiting for you" and "Waiting lists"
    assert "A seat in Boulder Support is yours until" in _text(response)
    assert [e.pk for e in response.context["offers"]] == [entry.pk]
    accepted = client.post(accept)
    assert accepted.url == reverse("groups:welcome", args=[group.slug])
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.ACCEPTED


def test_offers_come_first_then_places_by_when_joined(client):
    me = UserFactory()
    later = WaitlistEntryFactory(group=GroupFactory(name="B group"), user=me)
    earlier = WaitlistEntryFactory(group=GroupFactory(name="A group"), user=me)
    WaitlistEntry.objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    offer = WaitlistEntryFactory(group=GroupFactory(name="C group"), user=me, offered=True)
    WaitlistEntryFactory(group=GroupFactory(), user=me, status=WaitlistStatus.LEFT)

    response = _dashboard(client, me)

    assert [e.pk for e in response.context["waitlists"]] == [offer.pk, earlier.pk, later.pk]


def test_applications_show_group_date_status_and_a_withdraw_button_for_pending_ones(client):
    me = UserFactory()
    closed = {"membership_policy": MembershipPolicy.CLOSED}
    pending = ApplicationFactory(
        applicant=me, group=GroupFactory(name="Mile High Consult", **closed)
    )
    approved = ApplicationFactory(
        applicant=me,
        group=GroupFactory(name="Eating Disorders Circle", **closed),
        status=ApplicationStatus.APPROVED,
        decided_at=timezone.now(),
    )
    ApplicationFactory(  # decided long ago: off the dashboard
        applicant=me,
        group=GroupFactory(**closed),
        status=ApplicationStatus.DECLINED,
        decided_at=timezone.now() - timedelta(days=60),
    )
    ApplicationFactory(applicant=me, status=ApplicationStatus.WITHDRAWN)
    ApplicationFactory(group=pending.group)  # someone else's

    response = _dashboard(client, me)

    assert [a.pk for a in response.context["applications"]] == [approved.pk, pending.pk]
    section = _section(response, "pending-heading")
    assert "Mile High Consult · sent" in section
    assert "waiting for the organizers" in section
    assert "Eating Disorders Circle · sent" in section
    assert "accepted" in section
    body = response.content.decode()
    assert f'action="{reverse("groups:withdraw", args=[pending.group.slug])}"' in body
    assert f'action="{reverse("groups:withdraw", args=[approved.group.slug])}"' not in body
    client.post(reverse("groups:withdraw", args=[pending.group.slug]))
    assert Application.objects.get(pk=pending.pk).status == ApplicationStatus.WITHDRAWN


def test_nothing_pending_shows_no_section(client):
    response = _dashboard(client, UserFactory())

    assert 'id="pending-heading"' not in response.content.decode()
    assert (response.context["applications"], response.context["waitlists"]) == ([], [])


def test_waiting_for_you_comes_first_in_the_source_and_right_on_wide_screens(client):
    body = _dashboard(client, UserFactory()).content.decode()

    aside = re.search(r'<aside class="([^"]+)" aria-labelledby="awaiting-heading">', body)
    main = re.search(r'<div class="(col-lg-8[^"]*)">', body)
    assert aside.start() < main.start()
    assert "order-lg-last" in aside.group(1).split()
    assert "order-lg-first" in main.group(1).split()
    assert body.index("Waiting for you") < body.index("Upcoming meetings")


@pytest.mark.parametrize("count", [1, 20])
def test_dashboard_query_count_does_not_grow_with_applications_and_waiting_lists(
    client, count, django_assert_num_queries
):
    me = UserFactory()
    for i in range(count):
        group = GroupFactory(membership_policy=MembershipPolicy.CLOSED)
        ApplicationFactory(applicant=me, group=group)
        WaitlistEntryFactory(group=GroupFactory(), user=me, offered=bool(i % 2))
        WaitlistEntryFactory(group=GroupFactory(), user=me)
    client.force_login(me)

    with django_assert_num_queries(10):
        response = client.get(reverse("members:dashboard"))

    assert len(response.context["applications"]) == count
    assert len(response.context["waitlists"]) == 2 * count
