"""The "we miss you" note (issue 17, part 2): an organizer writes to a member who has stopped
coming; one e-mail to that member only, guarded, at most one a month, audited."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given

from config.errors import DomainError, NotAllowed
from groups.enums import Role
from members.models import AuditEntry, Delivery
from portal import nudges
from portal.forms import WeMissYouForm, we_miss_you_text
from tests.factories import (
    AdminFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)
from tests.support.fuzz import client_for, fuzz_settings, post_and_check, strategy_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return GroupFactory(name="Front Range Consult", slug="front-range", time_zone="America/Denver")


def _member(group, name, role=Role.MEMBER):
    user = UserFactory(profile__display_name=name, email=f"{name.split()[0].lower()}@example.com")
    return MembershipFactory(
        group=group,
        user=user,
        role=role,
        rules_version=group.rules_versions.first(),
        rules_accepted_at=timezone.now(),
    )


@pytest.fixture
def olga(group):
    return _member(group, "Olga Organizer", Role.ORGANIZER).user


@pytest.fixture
def ned(group):
    return _member(group, "Ned Newer")


def test_an_organizer_sends_one_note_to_the_member_only(
    group, olga, ned, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = nudges.send_we_miss_you(
            actor=olga,
            group=group,
            membership_id=ned.pk,
            message="We miss you, Ned. Come back soon.",
        )

    assert Delivery.objects.filter(template="we_miss_you").count() == 1
    assert (delivery.recipient_id, delivery.template) == (ned.user_id, "we_miss_you")
    assert [(m.to, m.subject, m.reply_to) for m in mailoutbox] == [
        (["ned@example.com"], "[PeerCircle] Front Range Consult misses you", ["olga@example.com"])
    ]
    assert "We miss you, Ned. Come back soon." in mailoutbox[0].body
    entry = AuditEntry.objects.get(verb="member.missed_you")
    assert (entry.actor, entry.subject, entry.group, entry.data) == (
        olga,
        ned.user,
        group,
        {"length": 33},
    )


def test_a_second_note_within_a_month_is_refused_whoever_writes(group, olga, ned):
    other = _member(group, "Cora Coorganizer", Role.CO_ORGANIZER).user
    nudges.send_we_miss_you(actor=olga, group=group, membership_id=ned.pk, message="Hello Ned.")

    with pytest.raises(DomainError) as refused:
        nudges.send_we_miss_you(actor=other, group=group, membership_id=ned.pk, message="Hi!")

    today = timezone.localdate(timezone=UTC)
    assert str(refused.value) == (
        f"Ned Newer was sent a note from the group on {today.day} {today:%B %Y}. One a month is "
        f"plenty: you can write again from {_day(today + timedelta(days=30))}."
    )
    assert Delivery.objects.filter(template="we_miss_you").count() == 1


def _day(day) -> str:
    return f"{day.day} {day:%B %Y}"


def test_a_note_a_month_later_is_sent(group, olga, ned):
    first = nudges.send_we_miss_you(actor=olga, group=group, membership_id=ned.pk, message="Hi.")
    Delivery.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=31))

    nudges.send_we_miss_you(actor=olga, group=group, membership_id=ned.pk, message="Hi again.")

    assert Delivery.objects.filter(template="we_miss_you").count() == 2


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("member", NotAllowed),
        ("outsider", NotAllowed),
        ("admin", NotAllowed),
        ("self", DomainError),
    ],
)
def test_only_organizers_write_and_not_to_themselves(group, olga, ned, who, error):
    actor = {
        "member": _member(group, "Mia Member").user,
        "outsider": UserFactory(),
        "admin": AdminFactory(),
        "self": olga,
    }[who]
    target = _member(group, "Pat Peer") if who != "self" else group.memberships.get(user=olga)

    with pytest.raises(error):
        nudges.send_we_miss_you(actor=actor, group=group, membership_id=target.pk, message="Hi.")

    assert Delivery.objects.filter(template="we_miss_you").count() == 0


def test_a_member_of_another_group_or_an_empty_note_is_refused(group, olga):
    elsewhere = _member(GroupFactory(), "Zed Elsewhere")

    with pytest.raises(DomainError):
        nudges.send_we_miss_you(actor=olga, group=group, membership_id=elsewhere.pk, message="Hi.")
    with pytest.raises(ValidationError):
        nudges.send_we_miss_you(
            actor=olga, group=group, membership_id=_member(group, "Amy A").pk, message="  "
        )
    assert Delivery.objects.filter(template="we_miss_you").count() == 0


def test_the_note_starts_warm_and_names_the_next_meeting(group, olga, ned):
    starts = datetime(2031, 1, 15, 2, 30, tzinfo=UTC)

    text = we_miss_you_text(member=ned.user, group=group, sender=olga, next_meeting_at=starts)

    assert text == (
        "Hello Ned,\n\nWe have missed you at Front Range Consult lately, and I hope you are well.\n"
        "Our next meeting is on Tuesday 14 January 2031, 19:30 Denver time.\n"
        "No need to explain anything: we would be glad to see you whenever you can come.\n\n"
        "Olga Organizer"
    )


# --- the page ---------------------------------------------------------------------------------


def _url(group, membership):
    return reverse("groups:we_miss_you", args=[group.slug, membership.pk])


def test_page_offers_the_note_and_sending_goes_back_to_group_health(
    client, group, olga, ned, mailoutbox, django_capture_on_commit_callbacks
):
    MeetingFactory(group=group)
    client.force_login(olga)

    page = client.get(_url(group, ned)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(group, ned), {"message": "Hello Ned, we miss you. Olga"})

    assert "We have missed you at Front Range Consult lately" in page
    assert response.url == reverse("groups:health", args=[group.slug])
    assert [m.to for m in mailoutbox] == [["ned@example.com"]]


def test_an_identifying_note_is_held_back_with_the_guards_findings(client, group, olga, ned):
    client.force_login(olga)

    response = client.post(
        _url(group, ned),
        {"message": "Ned, my client Jane Doe (DOB 03/14/1987) asked about you."},
    )

    assert response.status_code == 200
    assert "findings" in response.content.decode()
    assert Delivery.objects.filter(template="we_miss_you").count() == 0


def test_a_refusal_keeps_the_note_on_the_page(client, group, olga, ned):
    nudges.send_we_miss_you(actor=olga, group=group, membership_id=ned.pk, message="Hi.")
    client.force_login(olga)

    response = client.post(_url(group, ned), {"message": "Hello again, Ned."})

    body = response.content.decode()
    assert response.status_code == 200
    assert "One a month is plenty" in body and "Your note is still here." in body
    assert "Hello again, Ned." in body


@pytest.mark.parametrize("who", ["member", "outsider", "admin"])
def test_page_is_404_to_anyone_but_organizers(client, group, olga, ned, who):
    viewer = {"member": ned.user, "outsider": UserFactory(), "admin": AdminFactory()}[who]
    client.force_login(viewer)

    assert client.get(_url(group, ned)).status_code == 404


def test_page_for_a_member_of_another_group_is_404(client, group, olga):
    client.force_login(olga)

    assert client.get(_url(group, _member(GroupFactory(), "Zed Elsewhere"))).status_code == 404


@given(post=strategy_for(WeMissYouForm()))
@fuzz_settings(15)
def test_fuzz_we_miss_you(post, group, olga, ned):
    """Hostile notes: never a 500; a refused one shows its errors and sends nothing; a sent one
    goes back to group health (then the month's limit refuses the rest, also without a 500)."""
    response, _, _ = post_and_check(client_for(olga), _url(group, ned), post)
    if response.status_code == 302:
        assert response.url == reverse("groups:health", args=[group.slug])
