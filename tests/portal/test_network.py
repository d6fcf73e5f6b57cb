"""The referral finder at /network/ and messages between colleagues."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.errors import NotAllowed
from members.enums import DeliveryStatus, NotificationKind
from members.models import AuditEntry, Delivery
from portal import colleagues
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    ModalityFactory,
    PopulationFactory,
    SpecialtyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NETWORK = reverse("members:network")


def contact_url(profile) -> str:
    return reverse("members:contact", args=[profile.pk])


def listed(response) -> list[str]:
    return [profile.display_name for profile in response.context["page"]]


@pytest.fixture
def me():
    return UserFactory(email="me@example.com", profile__display_name="Mara Me")


@pytest.fixture
def group(me):
    group = GroupFactory()
    MembershipFactory(group=group, user=me)
    return group


def colleague_in(group, name: str, **profile):
    user = UserFactory(
        profile__display_name=name, **{f"profile__{k}": v for k, v in profile.items()}
    )
    MembershipFactory(group=group, user=user)
    return user


# --- who appears -------------------------------------------------------------------------------


def test_network_lists_only_colleagues_who_share_a_group(client, me, group):
    colleague_in(group, "Ada Colleague")
    second_group = GroupFactory()
    MembershipFactory(group=second_group, user=me)
    colleague_in(second_group, "Ben Colleague")
    stranger = colleague_in(GroupFactory(), "Sam Stranger")
    UserFactory(profile__display_name="Lee Loner")
    client.force_login(me)

    response = client.get(NETWORK)

    assert response.status_code == 200
    assert listed(response) == ["Ada Colleague", "Ben Colleague"]
    assert response.context["result_count"] == 2
    body = response.content.decode()
    assert "2 colleagues found" in body
    assert "Sam Stranger" not in body
    assert "Lee Loner" not in body
    assert contact_url(stranger.profile) not in body


def test_network_excludes_myself(client, me, group):
    colleague_in(group, "Ada Colleague")
    client.force_login(me)
    response = client.get(NETWORK)
    assert listed(response) == ["Ada Colleague"]
    assert contact_url(me.profile) not in response.content.decode()


def test_network_lists_a_colleague_once_when_sharing_two_groups(client, me, group):
    ada = colleague_in(group, "Ada Colleague")
    other = GroupFactory()
    MembershipFactory(group=other, user=me)
    MembershipFactory(group=other, user=ada)
    client.force_login(me)
    assert listed(client.get(NETWORK)) == ["Ada Colleague"]


def test_network_leaves_out_deactivated_accounts(client, me, group):
    gone = colleague_in(group, "Gone Colleague")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    client.force_login(me)
    assert listed(client.get(NETWORK)) == []


def test_network_is_not_a_directory_even_for_site_admins(client, group):
    admin = UserFactory(is_staff=True, is_superuser=True)
    colleague_in(GroupFactory(), "Sam Stranger")
    client.force_login(admin)
    assert listed(client.get(NETWORK)) == []


def test_network_requires_login(client):
    response = client.get(NETWORK)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_network_empty_state_explains_who_appears(client, me):
    client.force_login(me)
    response = client.get(NETWORK)
    body = response.content.decode()
    assert listed(response) == []
    assert "0 colleagues found" in body
    assert "Colleagues appear here once you share a peer group with them." in body


def test_network_empty_state_with_filters_suggests_fewer(client, me, group):
    colleague_in(group, "Ada Colleague", city="Denver")
    client.force_login(me)
    response = client.get(NETWORK, {"city": "Boston"})
    assert listed(response) == []
    assert "No colleague matches these filters" in response.content.decode()


# --- filters -----------------------------------------------------------------------------------


@pytest.fixture
def two_colleagues(group):
    """Ada matches every filter below, Ben none of them."""
    trauma, grief = SpecialtyFactory(name="Trauma"), SpecialtyFactory(name="Grief")
    emdr, cbt = ModalityFactory(name="EMDR"), ModalityFactory(name="CBT")
    teens, elders = PopulationFactory(name="Teens"), PopulationFactory(name="Older adults")
    ada = colleague_in(
        group,
        "Ada Colleague",
        credential_type="lmft",
        city="Portland",
        region="OR",
        accepting_referrals=True,
    )
    ben = colleague_in(
        group,
        "Ben Colleague",
        credential_type="lcsw",
        city="Denver",
        region="CO",
        accepting_referrals=False,
    )
    ada.profile.specialties.add(trauma)
    ada.profile.modalities.add(emdr)
    ada.profile.populations.add(teens)
    ben.profile.specialties.add(grief)
    ben.profile.modalities.add(cbt)
    ben.profile.populations.add(elders)
    return ada, ben


@pytest.mark.parametrize(
    "params",
    [
        {"specialty": "trauma"},
        {"modality": "emdr"},
        {"population": "teens"},
        {"credential_type": "lmft"},
        {"city": "portland"},
        {"region": "or"},
        {"accepting_referrals": "on"},
        {"specialty": "trauma", "city": "Portland", "accepting_referrals": "on"},
    ],
)
def test_each_filter_narrows_the_list(client, me, two_colleagues, params):
    client.force_login(me)
    response = client.get(NETWORK, params)
    assert response.status_code == 200
    assert listed(response) == ["Ada Colleague"]


def test_no_filter_lists_both(client, me, two_colleagues):
    client.force_login(me)
    assert listed(client.get(NETWORK)) == ["Ada Colleague", "Ben Colleague"]


def test_filters_never_reach_strangers(client, me, two_colleagues):
    stranger = colleague_in(GroupFactory(), "Sam Stranger", city="Portland")
    stranger.profile.specialties.add(SpecialtyFactory(name="Trauma"))
    client.force_login(me)
    response = client.get(NETWORK, {"specialty": "trauma", "city": "Portland"})
    assert listed(response) == ["Ada Colleague"]


def test_card_shows_what_a_referrer_needs(client, me, two_colleagues):
    ada, _ = two_colleagues
    ada.profile.pronouns = "she/her"
    ada.profile.save(update_fields=["pronouns"])
    client.force_login(me)
    body = client.get(NETWORK, {"specialty": "trauma"}).content.decode()
    for text in (
        "Ada Colleague",
        "(she/her)",
        "LMFT (Licensed Marriage and Family Therapist)",
        "Portland",
        "OR",
        "Trauma",
        "EMDR",
        "Teens",
        "Accepting referrals",
        reverse("members:profile", args=[ada.profile.pk]),
        contact_url(ada.profile),
    ):
        assert text in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"specialty": "astrology"},
            "That specialty is not in our list. Please choose one from the list.",
        ),
        (
            {"modality": "nope"},
            "That modality is not in our list. Please choose one from the list.",
        ),
        (
            {"population": "nope"},
            "That population is not in our list. Please choose one from the list.",
        ),
        (
            {"credential_type": "wizard"},
            "That credential is not in our list. Please choose one from the list.",
        ),
    ],
)
def test_unknown_filter_value_explains_and_lists_nobody(
    client, me, two_colleagues, params, message
):
    client.force_login(me)
    response = client.get(NETWORK, params)
    assert response.status_code == 200
    assert response.context["invalid"] is True
    assert listed(response) == []
    assert message in response.content.decode()


def test_a_page_number_past_the_end_shows_the_last_page(client, me, two_colleagues):
    client.force_login(me)
    response = client.get(NETWORK, {"page": "99"})
    assert response.status_code == 200
    assert listed(response) == ["Ada Colleague", "Ben Colleague"]


# --- e-mail addresses ----------------------------------------------------------------------------


def test_network_shows_an_address_only_when_the_colleague_chose_to(client, me, group):
    colleague_in(group, "Open Colleague", show_email_to_colleagues=True)
    colleague_in(group, "Private Colleague", show_email_to_colleagues=False)
    open_email = "therapist-open@example.com"
    private_email = "therapist-private@example.com"
    from members.models import User

    User.objects.filter(profile__display_name="Open Colleague").update(email=open_email)
    User.objects.filter(profile__display_name="Private Colleague").update(email=private_email)
    client.force_login(me)

    body = client.get(NETWORK).content.decode()

    assert f'href="mailto:{open_email}"' in body
    assert private_email not in body


# --- sending a message ---------------------------------------------------------------------------


def send(client, profile, message, capture):
    with capture(execute=True):
        return client.post(contact_url(profile), {"message": message}, follow=True)


def test_contact_page_shows_the_form(client, me, group):
    ada = colleague_in(group, "Ada Colleague")
    client.force_login(me)
    response = client.get(contact_url(ada.profile))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_message"' in body
    assert "Write to Ada Colleague" in body
    assert ada.email not in body


def test_message_goes_to_the_colleague_with_my_address_and_not_theirs_to_me(
    client, me, group, mailoutbox, django_capture_on_commit_callbacks
):
    ada = colleague_in(group, "Ada Colleague", show_email_to_colleagues=False)
    client.force_login(me)

    response = send(
        client,
        ada.profile,
        "Hello Ada,\nDo you have room for a teen?",
        django_capture_on_commit_callbacks,
    )

    assert response.redirect_chain == [(f"{contact_url(ada.profile)}?sent=1", 302)]
    body = response.content.decode()
    assert "Your message to Ada Colleague is on its way" in body
    assert "me@example.com" in body
    assert ada.email not in body
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [ada.email]
    assert mail.reply_to == ["me@example.com"]
    assert mail.subject == "[PeerCircle] Mara Me sent you a message on PeerCircle"
    assert "Hello Ada,\nDo you have room for a teen?" in mail.body
    assert "Reply to me@example.com to answer Mara Me directly." in mail.body
    html = mail.alternatives[0].content
    assert "Hello Ada,<br>Do you have room for a teen?" in html
    assert 'href="mailto:me@example.com"' in html
    delivery = Delivery.objects.get()
    assert (delivery.kind, delivery.template, delivery.recipient, delivery.status) == (
        NotificationKind.COLLEAGUE_MESSAGE,
        "colleague_message",
        ada,
        DeliveryStatus.SENT,
    )
    audit = AuditEntry.objects.get(verb="colleague.messaged")
    assert (audit.actor, audit.subject, audit.data) == (me, ada, {"length": 39})


def test_confirmation_shows_the_colleague_address_when_they_chose_to(
    client, me, group, mailoutbox, django_capture_on_commit_callbacks
):
    ada = colleague_in(group, "Ada Colleague", show_email_to_colleagues=True)
    client.force_login(me)
    response = send(client, ada.profile, "Hello", django_capture_on_commit_callbacks)
    assert f'href="mailto:{ada.email}"' in response.content.decode()
    assert "You show your e-mail address to colleagues" in mailoutbox[0].body


def test_message_text_is_escaped_in_the_html_mail(
    client, me, group, mailoutbox, django_capture_on_commit_callbacks
):
    ada = colleague_in(group, "Ada Colleague")
    client.force_login(me)
    send(client, ada.profile, "<b>bold</b> & more", django_capture_on_commit_callbacks)
    mail = mailoutbox[0]
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in mail.alternatives[0].content
    assert "<b>bold</b> & more" in mail.body


@pytest.mark.parametrize("method", ["get", "post"])
def test_contacting_someone_who_shares_no_group_is_404(
    client, me, group, method, mailoutbox, django_capture_on_commit_callbacks
):
    stranger = colleague_in(GroupFactory(), "Sam Stranger")
    client.force_login(me)
    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, method)(contact_url(stranger.profile), {"message": "Hi"})
    assert response.status_code == 404
    assert stranger.email not in response.content.decode()
    assert (Delivery.objects.count(), mailoutbox) == (0, [])


def test_contacting_myself_or_nobody_is_404(client, me, group):
    client.force_login(me)
    assert client.get(contact_url(me.profile)).status_code == 404
    assert client.get(reverse("members:contact", args=[999999])).status_code == 404


def test_contact_requires_login(client, group):
    ada = colleague_in(group, "Ada Colleague")
    response = client.post(contact_url(ada.profile), {"message": "Hi"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert Delivery.objects.count() == 0


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("", "Please write a message before sending."),
        ("   \n  ", "Please write a message before sending."),
        ("x" * 3001, "Please keep your message to 3,000 characters or fewer (it has 3001)."),
    ],
)
def test_bad_message_explains_and_sends_nothing(
    client, me, group, message, error, mailoutbox, django_capture_on_commit_callbacks
):
    ada = colleague_in(group, "Ada Colleague")
    client.force_login(me)
    response = send(client, ada.profile, message, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert response.context["form"].errors["message"] == [error]
    assert error in response.content.decode()
    assert (Delivery.objects.count(), mailoutbox) == (0, [])


def test_a_message_of_exactly_3000_characters_is_sent(
    client, me, group, mailoutbox, django_capture_on_commit_callbacks
):
    ada = colleague_in(group, "Ada Colleague")
    client.force_login(me)
    send(client, ada.profile, "x" * 3000, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1


def test_service_refuses_someone_outside_my_groups(me, group):
    stranger = colleague_in(GroupFactory(), "Sam Stranger")
    with pytest.raises(NotAllowed, match="only write to colleagues who share a group"):
        colleagues.send_colleague_message(
            sender=me, recipient_profile=stranger.profile, message="Hi"
        )
    assert Delivery.objects.count() == 0


# --- rate limit ----------------------------------------------------------------------------------


def test_eleventh_message_in_an_hour_is_refused_with_a_clear_message(
    client, me, group, mailoutbox, django_capture_on_commit_callbacks
):
    ada = colleague_in(group, "Ada Colleague")
    for i in range(colleagues.COLLEAGUE_MESSAGE_LIMIT):
        colleagues.send_colleague_message(sender=me, recipient_profile=ada.profile, message=f"#{i}")
    client.force_login(me)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_url(ada.profile), {"message": "One more"})

    assert response.status_code == 429
    body = response.content.decode()
    assert "You have sent 10 messages in the last hour" in body
    assert "Your message has not been sent." in body
    assert "One more</textarea>" in body
    assert Delivery.objects.count() == 10
    assert mailoutbox == []


def test_messages_older_than_an_hour_do_not_count(
    client, me, group, mailoutbox, django_capture_on_commit_callbacks
):
    ada = colleague_in(group, "Ada Colleague")
    for i in range(colleagues.COLLEAGUE_MESSAGE_LIMIT):
        colleagues.send_colleague_message(sender=me, recipient_profile=ada.profile, message=f"#{i}")
    Delivery.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    client.force_login(me)

    response = send(client, ada.profile, "Fresh hour", django_capture_on_commit_callbacks)

    assert "is on its way" in response.content.decode()
    assert Delivery.objects.count() == 11
    assert [m.body.count("Fresh hour") for m in mailoutbox] == [1]


def test_other_peoples_messages_do_not_count_against_me(me, group):
    ada = colleague_in(group, "Ada Colleague")
    ben = colleague_in(group, "Ben Colleague")
    for i in range(colleagues.COLLEAGUE_MESSAGE_LIMIT):
        colleagues.send_colleague_message(
            sender=ben, recipient_profile=ada.profile, message=f"#{i}"
        )
    delivery = colleagues.send_colleague_message(
        sender=me, recipient_profile=ada.profile, message="Hi"
    )
    assert delivery.context == {"message": "Hi", "sender_id": me.pk}


# --- queries -------------------------------------------------------------------------------------


def _colleagues(me, count):
    """``count`` colleagues spread over small groups (five to a group), all of them mine."""
    trauma, emdr, teens = (
        SpecialtyFactory(name="Trauma"),
        ModalityFactory(name="EMDR"),
        PopulationFactory(name="Teens"),
    )
    group = None
    for i in range(count):
        if i % 5 == 0:
            group = GroupFactory()
            MembershipFactory(group=group, user=me)
        profile = colleague_in(group, f"Colleague {i:02}", accepting_referrals=True).profile
        profile.specialties.add(trauma, SpecialtyFactory(name=f"Extra {i}"))
        profile.modalities.add(emdr)
        profile.populations.add(teens)


@pytest.mark.parametrize("count", [1, 20])
def test_network_query_count_is_constant(client, me, count, django_assert_num_queries):
    _colleagues(me, count)
    client.force_login(me)
    with django_assert_num_queries(7):
        response = client.get(NETWORK, {"specialty": "trauma", "accepting_referrals": "on"})
    assert len(listed(response)) == count
