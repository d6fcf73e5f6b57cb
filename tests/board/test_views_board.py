"""The board pages: the list, a new topic, a thread, replying and marking read."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from board import services
from board.models import BoardVisit, ReadMark, Reply, Topic
from groups.enums import Role
from groups.models import GroundRulesVersion
from groups.services import leave_group
from members.models import AuditEntry
from tests.board.factories import ReplyFactory, TopicFactory
from tests.board.helpers import IDENTIFYING, messages_of, text_of, url
from tests.factories import AdminFactory, ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return [t.title for t in response.context["page"].object_list]


def _discussion(group, author, title="Pacing trauma work", body="How do you pace it?"):
    return services.start_discussion(actor=author, group=group, title=title, body=body)


# --- who may see the board ----------------------------------------------------------------------


def test_board_anonymous_redirects_to_login(client, group):
    response = client.get(url("index", group))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url('index', group)}"


@pytest.mark.parametrize("who", ["outsider", "applicant", "site_admin", "former_member"])
def test_every_board_page_is_404_to_non_members(client, group, member, other_member, who):
    topic = _discussion(group, other_member)
    reply = services.post_reply(actor=other_member, topic=topic, body="Slowly")
    report = services.report_post(actor=other_member, post=_discussion(group, member, "Mine"))
    if who == "applicant":
        viewer = ApplicationFactory(group=group).applicant
    elif who == "site_admin":
        viewer = AdminFactory()
    elif who == "former_member":
        viewer = member
        leave_group(user=member, group=group)
    else:
        viewer = UserFactory()
    client.force_login(viewer)
    before = (Topic.objects.count(), Reply.objects.count(), ReadMark.objects.count())

    responses = [
        client.get(url("index", group)),
        client.get(url("new", group)),
        client.post(url("new", group), {"title": "Hi", "body": "There"}),
        client.get(url("topic", group, topic.pk)),
        client.post(url("reply", group, topic.pk), {"body": "Me too"}),
        client.post(url("mark_read", group)),
        client.get(url("edit", group, "topic", topic.pk)),
        client.get(url("delete", group, "reply", reply.pk)),
        client.post(url("delete", group, "reply", reply.pk)),
        client.get(url("report", group, "topic", topic.pk)),
        client.get(url("moderate", group, "reply", reply.pk)),
        client.post(url("moderate", group, "topic", topic.pk), {"action": "pin"}),
        client.post(url("resolve_report", group, report.pk)),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert (Topic.objects.count(), Reply.objects.count(), ReadMark.objects.count()) == before
    assert Topic.objects.filter(pinned=True).count() == 0


@pytest.mark.parametrize("role", [Role.MEMBER, Role.CO_ORGANIZER, Role.ORGANIZER])
def test_board_is_open_to_members(client, group, other_member, role):
    _discussion(group, other_member)
    client.force_login(group.memberships.filter(role=role).first().user)

    response = client.get(url("index", group))

    assert response.status_code == 200
    assert (response.context["group"], _titles(response)) == (group, ["Pacing trauma work"])


def test_board_member_with_new_ground_rules_is_sent_to_accept_them(client, group, member):
    GroundRulesVersion.objects.create(group=group, number=2, text="New rules.")
    client.force_login(member)

    response = client.get(url("index", group))

    assert response.status_code == 302
    assert response.url.startswith(reverse("groups:accept_rules", args=[group.slug]))


def test_a_topic_of_another_group_is_404(client, group, member):
    elsewhere = TopicFactory()
    client.force_login(member)

    assert client.get(url("topic", group, elsewhere.pk)).status_code == 404
    assert client.get(url("edit", group, "topic", elsewhere.pk)).status_code == 404
    assert client.get(url("report", group, "reply", ReplyFactory().pk)).status_code == 404


# --- the list -----------------------------------------------------------------------------------


def test_board_lists_pinned_first_then_by_latest_activity(client, group, member, organizer):
    now = timezone.now()
    for title, hours, pinned in (("Old pinned", 9, True), ("Quiet", 5, False), ("Busy", 1, False)):
        TopicFactory(
            group=group,
            author=organizer,
            title=title,
            pinned=pinned,
            created_at=now - timedelta(hours=hours),
        )
    client.force_login(member)

    response = client.get(url("index", group))

    assert _titles(response) == ["Old pinned", "Busy", "Quiet"]


def test_board_filters_announcements_or_discussions(client, group, member, organizer):
    services.post_announcement(actor=organizer, group=group, title="Room change", body="Up")
    _discussion(group, member, title="Fees")
    client.force_login(member)

    assert _titles(client.get(url("index", group, kind="announcement"))) == ["Room change"]
    assert _titles(client.get(url("index", group, kind="discussion"))) == ["Fees"]
    assert sorted(_titles(client.get(url("index", group, kind="nonsense")))) == [
        "Fees",
        "Room change",
    ]


def test_board_marks_unread_topics_and_those_new_since_the_last_visit(
    client, group, member, other_member
):
    read = _discussion(group, other_member, title="Read already")
    services.mark_read(actor=member, topic=read)
    BoardVisit.objects.create(
        user=member, group=group, visited_at=timezone.now() - timedelta(hours=2)
    )
    ReadMark.objects.filter(user=member, topic=read).update(read_at=timezone.now())
    _discussion(group, other_member, title="Fresh")
    client.force_login(member)

    response = client.get(url("index", group))

    flags = {t.title: (t.unread, t.is_new) for t in response.context["page"].object_list}
    assert flags == {"Read already": (False, True), "Fresh": (True, True)}
    assert "2 topics on this page have something new since your last visit" in text_of(response)


def test_board_before_joining_counts_as_read(client, group, member, other_member):
    TopicFactory(
        group=group,
        author=other_member,
        title="Old news",
        created_at=timezone.now() - timedelta(days=60),
    )
    client.force_login(member)

    response = client.get(url("index", group))

    assert [t.unread for t in response.context["page"].object_list] == [False]
    assert "1 topic on the board." in text_of(response)


def test_own_posts_are_never_unread(client, group, member, other_member):
    topic = _discussion(group, member)
    services.post_reply(actor=member, topic=topic, body="And more")
    client.force_login(member)

    response = client.get(url("index", group))

    assert [t.unread for t in response.context["page"].object_list] == [False]


def test_board_paginates_by_twenty(client, group, member, other_member):
    for n in range(21):
        TopicFactory(group=group, author=other_member, title=f"T{n:02}")
    client.force_login(member)

    first = client.get(url("index", group))
    second = client.get(url("index", group, page=2))

    assert (len(_titles(first)), len(_titles(second))) == (20, 1)


def test_hidden_topics_show_to_organizers_and_their_author_only(
    client, group, member, other_member, organizer
):
    topic = _discussion(group, member, title="Hidden one")
    services.hide_post(actor=organizer, post=topic)

    seen = {}
    for who in (member, other_member, organizer):
        client.force_login(who)
        seen[str(who)] = _titles(client.get(url("index", group)))

    assert seen == {
        "Mia Member": ["Hidden one"],
        "Max Member": [],
        "Olga Organizer": ["Hidden one"],
    }


def test_deleted_topic_stays_only_while_it_has_replies(client, group, member, other_member):
    lonely = _discussion(group, member, title="Lonely")
    answered = _discussion(group, member, title="Answered")
    services.post_reply(actor=other_member, topic=answered, body="Keep")
    services.delete_post(actor=member, post=lonely)
    services.delete_post(actor=member, post=answered)
    client.force_login(other_member)

    response = client.get(url("index", group))

    assert [t.pk for t in response.context["page"].object_list] == [answered.pk]
    assert "A topic deleted by its author" in text_of(response)


def test_organizers_see_open_reports_members_do_not(client, group, member, other_member, organizer):
    report = services.report_post(
        actor=other_member, post=_discussion(group, member), reason="Too detailed"
    )

    client.force_login(organizer)
    as_organizer = client.get(url("index", group))
    client.force_login(member)
    as_member = client.get(url("index", group))

    assert as_organizer.context["reports"] == [report]
    assert "“Too detailed”" in text_of(as_organizer)
    assert as_member.context["reports"] == []
    assert "Too detailed" not in text_of(as_member)


def test_announce_button_only_for_organizers(client, group, member, organizer):
    announce = url("new", group) + "?kind=announcement"
    client.force_login(member)
    as_member = client.get(url("index", group)).content.decode()
    client.force_login(organizer)
    as_organizer = client.get(url("index", group)).content.decode()

    assert (announce in as_member, announce in as_organizer) == (False, True)


@pytest.mark.parametrize("count", [1, 20])
def test_board_query_count_is_constant(
    client, group, member, other_member, organizer, django_assert_num_queries, count
):
    authors = [member, other_member, organizer]
    for n in range(count):
        topic = TopicFactory(group=group, author=authors[n % 3], title=f"T{n}", pinned=n % 5 == 0)
        ReplyFactory(topic=topic, author=authors[(n + 1) % 3])
        services.report_post(actor=authors[(n + 2) % 3], post=topic)
    client.force_login(organizer)

    with django_assert_num_queries(9):
        response = client.get(url("index", group))

    assert len(_titles(response)) == count
    assert len(response.context["reports"]) == count


# --- starting a topic ---------------------------------------------------------------------------


def test_new_discussion_is_saved_and_opens_its_thread(client, group, member):
    client.force_login(member)

    response = client.post(url("new", group), {"title": "Fees", "body": "Sliding *scales*?"})

    topic = Topic.objects.get()
    assert response.status_code == 302
    assert response.url == topic.get_absolute_url()
    assert (topic.author, topic.kind, topic.title, topic.body) == (
        member,
        "discussion",
        "Fees",
        "Sliding *scales*?",
    )
    assert messages_of(response) == ["Your discussion is on the board."]


def test_new_announcement_by_an_organizer_emails_the_group(
    client, group, organizer, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("new", group) + "?kind=announcement", {"title": "Room change", "body": "Up"}
        )

    assert Topic.objects.get().kind == "announcement"
    assert len(mailoutbox) == 3
    assert messages_of(response) == ["Your announcement is posted and on its way to the group."]


def test_new_announcement_by_a_member_is_refused_with_a_reason(client, group, member):
    client.force_login(member)

    shown = client.get(url("new", group) + "?kind=announcement")
    posted = client.post(url("new", group) + "?kind=announcement", {"title": "Hi", "body": "x"})

    assert shown.status_code == 403
    assert "organizers can post announcements." in text_of(shown)
    assert posted.status_code == 303
    assert Topic.objects.count() == 0


def test_new_topic_form_shows_the_announcement_wording(client, group, organizer):
    client.force_login(organizer)

    response = client.get(url("new", group) + "?kind=announcement")

    assert response.context["announcing"] is True
    assert "Post an announcement" in text_of(response)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "body": "x"}, "title", "Give the topic a title."),
        ({"title": "Hi", "body": ""}, "body", "Write something first."),
        ({"title": "x" * 151, "body": "x"}, "title", "Keep the title to 150 characters."),
    ],
)
def test_new_topic_invalid_shows_the_error_beside_the_field(
    client, group, member, data, field, message
):
    client.force_login(member)

    response = client.post(url("new", group), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Topic.objects.count() == 0


@pytest.mark.parametrize("field", ["title", "body"])
def test_new_topic_with_identifiers_is_refused_beside_the_field_until_confirmed(
    client, group, member, field
):
    client.force_login(member)
    data = {"title": "Fees", "body": "Sliding scales", field: IDENTIFYING}

    refused = client.post(url("new", group), data)

    assert refused.status_code == 200
    assert "This may identify a client" in str(refused.context["form"].errors[field])
    assert Topic.objects.count() == 0
    keys = [f.key for f in refused.context["form"].guard_findings[field]]
    confirmed = client.post(url("new", group), {**data, f"{field}__confirm": keys})
    assert confirmed.status_code == 302
    assert getattr(Topic.objects.get(), field) == IDENTIFYING
    entry = AuditEntry.objects.get(verb="text.identifiers_confirmed")
    assert (entry.data["in"], entry.data["confirmed_findings"]) == ("board topic", 3)


def test_new_topic_refused_by_the_service_shows_why(client, group, member, monkeypatch):
    def closed(**kwargs):
        raise services.BoardError("The board is closed for repairs.")

    monkeypatch.setattr(services, "start_discussion", closed)
    client.force_login(member)

    response = client.post(url("new", group), {"title": "Fees", "body": "x"})

    assert response.context["form"].non_field_errors() == ["The board is closed for repairs."]


# --- the thread ---------------------------------------------------------------------------------


def test_thread_shows_topic_and_replies_and_marks_it_read(client, group, member, other_member):
    topic = _discussion(group, other_member, body="**Bold** question")
    services.post_reply(actor=other_member, topic=topic, body="First answer")
    client.force_login(member)

    response = client.get(url("topic", group, topic.pk))

    html = response.content.decode()
    assert response.context["topic"] == topic
    assert [r.body for r in response.context["replies"]] == ["First answer"]
    assert "<strong>Bold</strong>" in html
    assert 'class="badge text-bg-primary mb-1">New<' in html
    assert ReadMark.objects.get(user=member, topic=topic).read_at >= topic.last_activity_at


def test_thread_shows_edited_deleted_and_former_members(client, group, member, other_member):
    topic = _discussion(group, member)
    gone = services.post_reply(actor=other_member, topic=topic, body="Bye")
    Reply.objects.filter(pk=gone.pk).update(author=None)
    edited = services.post_reply(actor=member, topic=topic, body="Draft")
    services.edit_post(actor=member, post=edited, body="Final")
    removed = services.post_reply(actor=member, topic=topic, body="Oops")
    services.delete_post(actor=member, post=removed)
    client.force_login(other_member)

    page = text_of(client.get(url("topic", group, topic.pk)))

    assert "Former member" in page
    assert "edited" in page
    assert "This reply was deleted by its author." in page
    assert "Oops" not in page


def test_thread_hidden_reply_shows_to_organizers_and_author_marked_hidden(
    client, group, member, other_member, organizer
):
    topic = _discussion(group, member)
    reply = services.post_reply(actor=other_member, topic=topic, body="Hidden words")
    services.hide_post(actor=organizer, post=reply)

    seen = {}
    for who in (member, other_member, organizer):
        client.force_login(who)
        seen[str(who)] = "Hidden words" in text_of(client.get(url("topic", group, topic.pk)))
    client.force_login(organizer)
    page = text_of(client.get(url("topic", group, topic.pk)))

    assert seen == {"Mia Member": False, "Max Member": True, "Olga Organizer": True}
    assert "Hidden by the organizers" in page


def test_thread_of_a_hidden_topic_is_404_to_other_members(
    client, group, member, other_member, organizer
):
    topic = _discussion(group, member)
    services.hide_post(actor=organizer, post=topic)
    client.force_login(other_member)

    assert client.get(url("topic", group, topic.pk)).status_code == 404
    assert client.post(url("reply", group, topic.pk), {"body": "x"}).status_code == 404
    assert client.get(url("report", group, "topic", topic.pk)).status_code == 404


@pytest.mark.parametrize("count", [1, 20])
def test_thread_query_count_is_constant(
    client, group, member, other_member, organizer, django_assert_num_queries, count
):
    topic = TopicFactory(group=group, author=member)
    authors = [member, other_member, organizer]
    for n in range(count):
        ReplyFactory(
            topic=topic, author=authors[n % 3], hidden_at=timezone.now() if n % 4 else None
        )
    client.force_login(organizer)

    with django_assert_num_queries(6):
        response = client.get(url("topic", group, topic.pk))

    assert len(response.context["replies"]) == count


# --- replying -----------------------------------------------------------------------------------


def test_reply_is_saved_and_shown_in_the_thread(client, group, member, other_member):
    topic = _discussion(group, member)
    client.force_login(other_member)

    response = client.post(url("reply", group, topic.pk), {"body": "Slowly, in my experience."})

    reply = Reply.objects.get()
    assert response.url == f"{topic.get_absolute_url()}#reply-{reply.pk}"
    assert (reply.author, reply.body) == (other_member, "Slowly, in my experience.")
    assert messages_of(response) == ["Your reply is posted."]


def test_reply_empty_shows_the_error_beside_the_field(client, group, member):
    topic = _discussion(group, member)
    client.force_login(member)

    response = client.post(url("reply", group, topic.pk), {"body": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["body"] == ["Write something first."]
    assert Reply.objects.count() == 0


def test_reply_with_identifiers_is_refused_beside_the_field(client, group, member):
    topic = _discussion(group, member)
    client.force_login(member)

    response = client.post(url("reply", group, topic.pk), {"body": IDENTIFYING})

    assert "This may identify a client" in str(response.context["form"].errors["body"])
    assert "Jane Smith" in response.content.decode()  # highlighted beside the field
    assert Reply.objects.count() == 0


def test_reply_to_a_locked_topic_says_so_and_saves_nothing(client, group, member, organizer):
    topic = _discussion(group, member)
    services.lock_topic(actor=organizer, topic=topic, locked=True)
    client.force_login(member)

    shown = client.get(url("topic", group, topic.pk))
    response = client.post(url("reply", group, topic.pk), {"body": "Late"})

    assert "The organizers closed this topic to replies." in text_of(shown)
    assert response.context["form"].non_field_errors() == ["This topic is closed to replies."]
    assert Reply.objects.count() == 0


def test_reply_is_post_only(client, group, member):
    topic = _discussion(group, member)
    client.force_login(member)

    assert client.get(url("reply", group, topic.pk)).status_code == 405


# --- marking the board read ---------------------------------------------------------------------


def test_mark_read_marks_everything_read(client, group, member, other_member):
    _discussion(group, other_member, title="A")
    _discussion(group, other_member, title="B")
    client.force_login(member)

    response = client.post(url("mark_read", group))
    after = client.get(url("index", group))

    assert response.url == url("index", group)
    assert messages_of(response) == ["Everything on the board is marked as read."]
    assert [t.unread for t in after.context["page"].object_list] == [False, False]
