"""Between meetings, end to end in Chromium on the live server (issue 15).

An organizer posts an announcement on the group's board; a member sees the board marked new,
reads it, replies in a colleague's discussion, asks the group for a consultation (the guard
first flags a client's name and birth date beside the field), and calls a huddle; the organizer
writes the notes of the last meeting with an action item for the member, who marks it done from
the dashboard. Every page visited is checked with axe-core (serious and critical findings fail
the test at the end), the board is checked once at phone width, and every e-mail the journey
sent carries titles and links only, never what members wrote.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from board.enums import TopicKind
from board.models import Reply, Topic
from board.services import start_discussion
from consultations.models import ConsultationRequest
from groups.enums import Role
from meetings.models import ActionItem, Meeting, MeetingNotes
from members.models import Delivery
from tests.browser.support import PHONE, A11yAudit, log_in, log_out, screenshots
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUP = "Front Range Peer Consultation"
ANNOUNCEMENT_TITLE = "Our new meeting room"
ANNOUNCEMENT_BODY = (
    "From now on we meet in the **garden room**, upstairs.\n\n"
    "- Bring your own mug\n"
    "- The side door stays open until seven"
)
DISCUSSION_TITLE = "Reading on compassion fatigue?"
REPLY_BODY = "The book *Trauma Stewardship* helped me more than anything else."
QUESTION = "How do I keep the work going with a client who cancels every other session?"
IDENTIFYING = "Jane Smith, born 03/04/1980, cancels every other session since the spring."
BACKGROUND = "Client A, in her thirties, cancels every other session since the spring."
NOTES_DISCUSSED = "We talked about **gentle pacing** and about rest between sessions."
ITEM_TEXT = "Share the reading list on compassion fatigue"

# What members wrote: none of it may travel in an e-mail (titles and links only).
WRITTEN = [
    "garden room",
    "Bring your own mug",
    "Trauma Stewardship",
    QUESTION,
    "Jane Smith",
    "03/04/1980",
    "Client A",
    "gentle pacing",
    ITEM_TEXT,
]


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


def member_of(group, user, role=Role.MEMBER):
    """A membership that has accepted the group's current ground rules."""
    return MembershipFactory(
        group=group,
        user=user,
        role=role,
        rules_version=group.rules_versions.order_by("-number").first(),
        rules_accepted_at=timezone.now(),
    )


def _mail_texts(message) -> str:
    parts = [message.subject, message.body]
    parts += [content for content, _mime in getattr(message, "alternatives", [])]
    return "\n".join(str(part) for part in parts)


def _assert_no_written_text_in_mail() -> None:
    for message in mail.outbox:
        text = _mail_texts(message)
        leaked = [phrase for phrase in WRITTEN if phrase.lower() in text.lower()]
        assert not leaked, f"{message.subject!r} to {message.to} carries {leaked}"
    for context in Delivery.objects.values_list("context", flat=True):
        assert not any(phrase in str(context) for phrase in WRITTEN)


def _recipients(template: str) -> set[str]:
    return set(Delivery.objects.filter(template=template).values_list("email", flat=True))


def test_between_meetings_board_consultation_huddle_notes_and_action_item(live_server, page):
    base = live_server.url
    audit = A11yAudit(page)
    group = GroupFactory(name=GROUP, online_link="https://video.example.com/front-range")
    organizer = UserFactory(email="organizer.bm@example.com", profile__display_name="Orla Oak")
    member = UserFactory(email="member.bm@example.com", profile__display_name="Mina Moss")
    colleague = UserFactory(email="colleague.bm@example.com", profile__display_name="Cleo Cedar")
    member_of(group, organizer, role=Role.ORGANIZER)
    member_of(group, member)
    member_of(group, colleague)
    last_meeting = MeetingFactory(
        group=group,
        title="March case circle",
        starts_at=(timezone.now() - timedelta(days=2)).replace(microsecond=0),
    )
    discussion = start_discussion(
        actor=colleague, group=group, title=DISCUSSION_TITLE, body="What helped you most?"
    )

    # --- the organizer posts an announcement (Markdown) --------------------------------------
    log_in(page, base, organizer.email)
    page.goto(f"{base}{group.get_absolute_url()}")
    audit.check("group page, organizer")
    page.get_by_role("link", name="Board", exact=True).click()
    page.wait_for_url(re.compile(rf"/groups/{group.slug}/board/$"))
    audit.check("board, organizer")
    page.get_by_role("link", name="Post an announcement").click()
    page.wait_for_url(re.compile(r"/board/new/\?kind=announcement$"))
    audit.check("new announcement")
    page.get_by_label("Title").fill(ANNOUNCEMENT_TITLE)
    page.get_by_label("Message").fill(ANNOUNCEMENT_BODY)
    page.get_by_role("button", name="Post and e-mail the group").click()
    page.wait_for_url(re.compile(rf"/groups/{group.slug}/board/\d+/$"))
    audit.check("announcement, organizer")
    announcement = Topic.objects.get(group=group, title=ANNOUNCEMENT_TITLE)
    assert announcement.kind == TopicKind.ANNOUNCEMENT
    body = page.locator(f"#topic-{announcement.pk} .board-text")
    assert body.locator("strong").inner_text() == "garden room"
    assert body.locator("li").all_inner_texts() == [
        "Bring your own mug",
        "The side door stays open until seven",
    ]
    assert "**" not in body.inner_text()
    assert _recipients("board_announcement") == {member.email, colleague.email}
    to_member = [m for m in mail.outbox if m.to == [member.email]]
    assert [m.subject for m in to_member] == [f"[PeerCircle] {GROUP}: {ANNOUNCEMENT_TITLE}"]
    assert f"{announcement.get_absolute_url()}" in to_member[0].body
    log_out(page, base)

    # --- a member sees the board marked new, reads, replies --------------------------------
    log_in(page, base, member.email)
    page.wait_for_url(re.compile(r"/me/$"))
    audit.check("dashboard, member")
    assert page.get_by_role("link", name="2 new on the board").is_visible()
    latest = page.locator("section[aria-labelledby=board-latest-heading]")
    assert latest.get_by_role("link", name=ANNOUNCEMENT_TITLE).is_visible()
    assert latest.get_by_text("Unread").count() == 2

    page.get_by_role("link", name=GROUP).first.click()
    page.wait_for_url(re.compile(rf"/groups/{group.slug}/$"))
    audit.check("group page, member")
    between = page.locator("section[aria-labelledby=members-heading]")
    board_link = between.get_by_role("link", name="Board", exact=True)
    badge = board_link.locator("xpath=..").locator(".badge")
    heard = " ".join(badge.text_content().split())  # what a screen reader announces
    assert heard == "2 new topics with something you have not read"
    board_link.click()
    page.wait_for_url(re.compile(rf"/groups/{group.slug}/board/$"))
    audit.check("board, member")
    assert page.get_by_role("status").inner_text().strip() == "2 topics on the board."
    assert page.locator(".badge", has_text="Unread").count() == 2

    page.get_by_role("link", name=ANNOUNCEMENT_TITLE).click()
    page.wait_for_url(re.compile(rf"/board/{announcement.pk}/$"))
    audit.check("announcement, member")
    assert page.locator(".board-text strong").first.inner_text() == "garden room"

    page.get_by_role("link", name=re.compile("Back to the board")).click()
    page.wait_for_url(re.compile(rf"/groups/{group.slug}/board/$"))
    page.get_by_role("link", name=DISCUSSION_TITLE).click()
    page.wait_for_url(re.compile(rf"/board/{discussion.pk}/$"))
    audit.check("discussion, member")
    page.get_by_label("Your reply").fill(REPLY_BODY)
    page.get_by_role("button", name="Post your reply").click()
    page.get_by_text("Your reply is posted.").wait_for()
    audit.check("discussion, after reply")
    assert page.locator("#replies-heading").inner_text() == "1 reply"
    reply = Reply.objects.get(topic=discussion)
    assert (reply.author, reply.body) == (member, REPLY_BODY)
    assert page.locator(f"#reply-{reply.pk} em").inner_text() == "Trauma Stewardship"

    # --- the member asks for a consultation; the guard flags identifiers first -----------------
    page.goto(f"{base}{group.get_absolute_url()}")
    page.get_by_role("link", name="Ask the group for a consultation").click()
    page.wait_for_url(re.compile(rf"/groups/{group.slug}/consultations/new/$"))
    audit.check("ask for a consultation")
    page.get_by_label("Consultation question: what would you like").fill(QUESTION)
    page.get_by_label("De-identified background").fill(IDENTIFYING)
    page.get_by_label("Ideas for what to try").check()
    page.get_by_role("button", name="Ask the group").click()
    findings = page.locator("#div_id_background .findings-alert")
    findings.wait_for()
    audit.check("ask for a consultation, identifiers flagged")
    flagged = findings.locator("mark").all_inner_texts()
    assert "03/04/1980" in flagged and "Jane Smith" in flagged
    assert page.locator("#div_id_question .findings-alert").count() == 0
    assert ConsultationRequest.objects.count() == 0

    page.get_by_label("De-identified background").fill(BACKGROUND)
    page.get_by_role("button", name="Ask the group").click()
    page.wait_for_url(re.compile(rf"/groups/{group.slug}/consultations/\d+/$"))
    audit.check("consultation request")
    consultation = ConsultationRequest.objects.get(group=group)
    assert (consultation.asker, consultation.question) == (member, QUESTION)
    assert consultation.background == BACKGROUND
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Consultation request from Mina Moss"
    )
    assert page.get_by_text(BACKGROUND).is_visible()

    page.get_by_role("link", name="Call a huddle").click()
    page.wait_for_url(re.compile(rf"/consultations/{consultation.pk}/huddle/$"))
    audit.check("call a huddle")
    assert page.get_by_label("Video link").input_value() == group.online_link
    page.get_by_role("button", name="Call the huddle").click()
    page.wait_for_url(re.compile(rf"/consultations/{consultation.pk}/$"))
    page.get_by_text("The huddle is planned.").wait_for()
    audit.check("consultation request, huddle planned")
    huddle = Meeting.objects.get(group=group, title="Consultation huddle")
    assert ConsultationRequest.objects.get(pk=consultation.pk).huddle == huddle
    page.get_by_role("link", name="Open the meeting page to RSVP").click()
    page.wait_for_url(re.compile(rf"/meetings/{huddle.pk}/$"))
    audit.check("huddle meeting page, member")
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Consultation huddle"
    assert page.get_by_role("link", name="Join the video meeting").get_attribute("href") == (
        group.online_link
    )
    assert _recipients("consultation_requested") == {organizer.email, colleague.email}
    assert _recipients("consultation_huddle") == {organizer.email, colleague.email}
    log_out(page, base)

    # --- the organizer writes the last meeting's notes with an action item ----------------------
    log_in(page, base, organizer.email)
    audit.check("dashboard, organizer")
    asked = page.locator("section[aria-labelledby=between-heading]")
    assert asked.get_by_role("link", name=f"Mina Moss asked {GROUP}").is_visible()
    page.goto(f"{base}{group.get_absolute_url()}")
    page.get_by_role("link", name=re.compile(r"· March case circle$")).click()
    page.wait_for_url(re.compile(rf"/meetings/{last_meeting.pk}/$"))
    audit.check("last meeting, organizer")
    message_group = page.get_by_role("link", name="Message the group")
    href = message_group.get_attribute("href")
    assert href.startswith(f"/groups/{group.slug}/board/new/?kind=announcement")
    assert page.locator("#notes-summary-heading + p").inner_text().strip() == "No notes yet."
    page.get_by_role("link", name="Read the notes and action items").click()
    page.wait_for_url(re.compile(rf"/meetings/{last_meeting.pk}/notes/$"))
    audit.check("notes, empty")
    page.get_by_role("link", name="Write the notes").click()
    page.wait_for_url(re.compile(rf"/meetings/{last_meeting.pk}/notes/edit/$"))
    audit.check("write the notes")
    due = timezone.localdate() + timedelta(days=7)
    page.get_by_label("What is to be done").fill(ITEM_TEXT)
    page.get_by_label("Who does it").select_option(label="Mina Moss")
    page.get_by_label("Due by").fill(due.isoformat())
    page.get_by_role("button", name="Add the action item").click()
    page.get_by_text("The action item is given to Mina Moss.").wait_for()
    audit.check("write the notes, item added")
    item = ActionItem.objects.get(meeting=last_meeting)
    assert (item.text, item.owner, item.due_on, item.done_at) == (ITEM_TEXT, member, due, None)

    page.get_by_label("What was discussed").fill(NOTES_DISCUSSED)
    page.get_by_label("Decisions").fill("Start ten minutes later in summer")
    page.get_by_role("button", name="Save the notes").click()
    page.wait_for_url(re.compile(rf"/meetings/{last_meeting.pk}/notes/$"))
    audit.check("notes, written")
    discussed = page.locator("section[aria-labelledby=discussed-heading]")
    assert discussed.locator("strong").inner_text() == "gentle pacing"
    row = page.get_by_role("row", name=re.compile(ITEM_TEXT))
    assert row.get_by_role("cell").first.inner_text().strip() == "Mina Moss"
    notes = MeetingNotes.objects.get(meeting=last_meeting)
    assert notes.discussed == NOTES_DISCUSSED
    assert _recipients("action_item_given") == {member.email}
    log_out(page, base)

    # --- the member sees the item on the dashboard and marks it done ---------------------------
    log_in(page, base, member.email)
    page.wait_for_url(re.compile(r"/me/$"))
    audit.check("dashboard, member with an action item")
    items = page.locator("section[aria-labelledby=my-action-items-heading]")
    assert items.get_by_role("link", name=ITEM_TEXT).is_visible()
    items.get_by_role("link", name="All my action items").click()
    page.wait_for_url(re.compile(r"/me/action-items/$"))
    audit.check("my action items")
    page.get_by_role("button", name=re.compile(rf"^Mark done\W+{ITEM_TEXT}$")).click()
    page.get_by_text("Marked as done. Thank you!").wait_for()
    audit.check("my action items, all done")
    assert page.get_by_text("Nothing to do: you have no open action items.").is_visible()
    item.refresh_from_db()
    assert (item.done_by, item.done_at is not None) == (member, True)
    page.goto(f"{base}/me/")
    assert page.locator("#my-action-items-heading").count() == 0

    # --- the board at phone width -------------------------------------------------------------
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/groups/{group.slug}/board/")
    audit.check("board at phone width")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the board scrolls sideways on a phone ({width}px)"
    assert page.get_by_role("link", name="Start a discussion").is_visible()
    screenshots(page, "journey-between-meetings-board")

    # --- e-mails: titles and links only --------------------------------------------------------
    assert mail.outbox, "the journey sent no e-mail at all"
    assert set(Delivery.objects.values_list("template", flat=True)) == {
        "board_announcement",
        "consultation_requested",
        "consultation_huddle",
        "action_item_given",
    }
    _assert_no_written_text_in_mail()
    audit.assert_clean()
