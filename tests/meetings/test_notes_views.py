"""The notes pages: reading (every member), writing (the facilitator and organizers), marking
action items done (the owner or an organizer), changing and removing them, and "My action
items". Outsiders and former members get a 404; bad input is told beside the field and nothing
is saved; the guard refuses client identifiers until each is confirmed."""

import html

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from config.guard import scan_fields
from groups.services.membership import leave_group
from meetings import notes
from meetings.enums import MeetingStatus
from meetings.models import ActionItem, MeetingNotes
from members.models import AuditEntry, Delivery
from tests.factories import MembershipFactory
from tests.meetings.notes_support import (
    IDENTIFYING,
    connect_departures,
    in_days,
    make_circle,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle():
    return make_circle()


def _url(name, pk):
    return reverse(f"meetings:{name}", args=[pk])


def _body(response) -> str:
    return html.unescape(response.content.decode())


def _notes(circle, **parts):
    data = {"discussed": "", "decisions": "", "case_notes": ""} | parts
    return notes.save_notes(actor=circle.organizer, meeting=circle.meeting, **data)


def _confirmations(field: str) -> list[str]:
    return [f.key.replace("t|", f"{field}|", 1) for f in scan_fields({"t": IDENTIFYING}, ["t"])]


def _refused_beside(response, field: str) -> None:
    assert response.status_code == 200
    body = _body(response)
    assert f'name="{field}__confirm"' in body
    assert "This may identify a client: “Jane Smith” (name)" in body


# --- reading ---------------------------------------------------------------------------------


def test_a_member_reads_the_notes_and_action_items(client, circle):
    _notes(
        circle,
        discussed="We talked about **pacing**.",
        decisions="Meet monthly\nRotate facilitation",
        case_notes="Client A: go slower.",
    )
    open_item = circle.item(text="Send the article", due_on=in_days(3))
    done_item = circle.item(text="Book the room", owner=circle.other)
    notes.set_action_item_done(actor=circle.other, item=done_item, done=True)
    client.force_login(circle.other)

    response = client.get(_url("notes", circle.meeting.pk))

    body = _body(response)
    assert response.status_code == 200
    assert "We talked about <strong>pacing</strong>." in body
    assert "<li>Meet monthly</li>" in body and "<li>Rotate facilitation</li>" in body
    assert "Client A: go slower." in body
    assert [item.pk for item in response.context["items"]] == [open_item.pk, done_item.pk]
    assert _url("notes_edit", circle.meeting.pk) not in body  # not a writer
    assert _url("action_item_edit", open_item.pk) not in body
    # The other member marks their own (done) item, not the member's.
    assert body.count('action="/action-items/') == 1
    assert _url("action_item_done", done_item.pk) in body


def test_a_writer_sees_the_edit_links(client, circle):
    item = circle.item()
    client.force_login(circle.facilitator)

    body = _body(client.get(_url("notes", circle.meeting.pk)))

    assert _url("notes_edit", circle.meeting.pk) in body
    assert _url("action_item_edit", item.pk) in body
    assert _url("action_item_delete", item.pk) in body
    assert _url("action_item_done", item.pk) not in body  # not theirs, not an organizer


def test_a_cancelled_meeting_offers_no_writing(client, circle):
    circle.meeting.status = MeetingStatus.CANCELLED
    circle.meeting.save(update_fields=["status"])
    client.force_login(circle.organizer)

    body = _body(client.get(_url("notes", circle.meeting.pk)))

    assert _url("notes_edit", circle.meeting.pk) not in body


def test_notes_not_written_yet_say_so(client, circle):
    client.force_login(circle.member)

    response = client.get(_url("notes", circle.meeting.pk))

    assert response.context["notes"] is None
    body = _body(response)
    assert "Nothing written yet." in body and "No action items yet." in body


def test_purged_case_notes_say_when_they_were_removed(client, circle):
    _notes(circle, discussed="Kept", case_notes="Client A")
    MeetingNotes.objects.update(case_notes="", case_notes_purged_at=timezone.now())
    client.force_login(circle.member)

    body = _body(client.get(_url("notes", circle.meeting.pk)))

    assert "Removed on" in body and "Kept" in body


def test_an_unowned_item_needs_an_owner(client, circle):
    circle.item(owner=None)
    client.force_login(circle.organizer)

    body = _body(client.get(_url("notes", circle.meeting.pk)))

    assert "Needs an owner" in body and "Give to someone" in body


@pytest.mark.parametrize("name", ["notes", "notes_edit"])
def test_outsiders_and_former_members_get_a_404(client, circle, name):
    url = _url(name, circle.meeting.pk)
    client.force_login(circle.outsider)
    assert client.get(url).status_code == 404

    leave_group(user=circle.facilitator, group=circle.group)
    client.force_login(circle.facilitator)
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, circle):
    response = client.get(_url("notes", circle.meeting.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_member_cannot_open_the_editor(client, circle):
    client.force_login(circle.member)

    assert client.get(_url("notes_edit", circle.meeting.pk)).status_code == 404


# --- writing the notes -----------------------------------------------------------------------


def _opened(circle) -> str:
    """The version a writer opening the editor now gets (what the form carries back)."""
    saved = MeetingNotes.objects.filter(meeting=circle.meeting).first()
    return saved.version if saved else ""


def _post_notes(client, circle, **data):
    """Post the notes form as if it had just been opened (``version`` as it is now)."""
    payload = {"part": "notes", "discussed": "", "decisions": "", "case_notes": ""}
    payload |= {"version": _opened(circle)} | data
    return client.post(_url("notes_edit", circle.meeting.pk), payload)


def test_the_facilitator_writes_the_notes(client, circle):
    _notes(circle, discussed="Old")
    client.force_login(circle.facilitator)

    page = client.get(_url("notes_edit", circle.meeting.pk))
    assert page.context["form"]["discussed"].value() == "Old"
    opened = page.context["form"]["version"].value()
    assert opened == MeetingNotes.objects.get().updated_at.isoformat()
    response = _post_notes(
        client, circle, discussed="New", decisions="One\nTwo", case_notes="Cases", version=opened
    )

    assert response.status_code == 302
    assert response["Location"] == _url("notes", circle.meeting.pk)
    saved = MeetingNotes.objects.get()
    assert (saved.discussed, saved.decisions, saved.case_notes, saved.updated_by) == (
        "New",
        "One\nTwo",
        "Cases",
        circle.facilitator,
    )


def test_a_save_over_someone_elses_newer_save_is_refused_and_nothing_is_lost(client, circle):
    _notes(circle, discussed="Old")
    client.force_login(circle.facilitator)
    opened = client.get(_url("notes_edit", circle.meeting.pk)).context["form"]["version"].value()
    _notes(circle, discussed="Old, and the organizer's part", decisions="Meet monthly")

    response = _post_notes(client, circle, discussed="Old, and mine", version=opened)

    assert response.status_code == 200
    form = response.context["form"]
    assert "Someone saved these notes after you opened this page" in form.non_field_errors()[0]
    assert form["discussed"].value() == "Old, and mine"  # what they typed, still there
    saved = MeetingNotes.objects.get()
    assert (saved.discussed, saved.updated_by) == (
        "Old, and the organizer's part",
        circle.organizer,
    )
    body = _body(response)
    assert f"Saved by {circle.organizer} on" in body
    assert "Old, and the organizer's part" in body and "Meet monthly" in body
    assert form["version"].value() == saved.version  # saving again goes over it, now seen

    again = _post_notes(client, circle, discussed="Old, and mine", version=saved.version)

    assert again.status_code == 302
    assert MeetingNotes.objects.get().discussed == "Old, and mine"


def test_an_editor_opened_before_the_first_save_is_refused_over_it(client, circle):
    client.force_login(circle.facilitator)
    opened = client.get(_url("notes_edit", circle.meeting.pk)).context["form"]["version"].value()
    assert opened == ""
    _notes(circle, discussed="The organizer's")

    response = _post_notes(client, circle, discussed="Mine", version=opened)

    assert response.status_code == 200
    assert MeetingNotes.objects.get().discussed == "The organizer's"
    assert response.context["form"].saved_meanwhile.discussed == "The organizer's"


@pytest.mark.parametrize("field", ["discussed", "decisions", "case_notes"])
def test_identifiers_in_the_notes_are_refused_until_confirmed(client, circle, field):
    client.force_login(circle.organizer)

    response = _post_notes(client, circle, **{field: IDENTIFYING})

    _refused_beside(response, field)
    assert MeetingNotes.objects.count() == 0

    response = _post_notes(
        client, circle, **{field: IDENTIFYING, f"{field}__confirm": _confirmations(field)}
    )
    assert response.status_code == 302
    assert getattr(MeetingNotes.objects.get(), field) == IDENTIFYING
    entry = AuditEntry.objects.get(verb="text.identifiers_confirmed")
    assert (entry.data["in"], entry.data["confirmed_findings"]) == ("meeting notes", 3)


def test_notes_too_long_are_told_beside_the_field(client, circle):
    client.force_login(circle.organizer)

    response = _post_notes(client, circle, decisions="x" * 4001)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["decisions"]
    assert MeetingNotes.objects.count() == 0


def test_a_cancelled_meeting_refuses_notes_on_the_form(client, circle):
    circle.meeting.status = MeetingStatus.CANCELLED
    circle.meeting.save(update_fields=["status"])
    client.force_login(circle.organizer)

    response = _post_notes(client, circle, discussed="Something")

    assert response.status_code == 200
    assert "cancelled" in response.context["form"].non_field_errors()[0]
    assert MeetingNotes.objects.count() == 0


def test_once_purged_the_case_notes_field_is_gone(client, circle):
    _notes(circle, case_notes="Client A")
    MeetingNotes.objects.update(case_notes="", case_notes_purged_at=timezone.now())
    client.force_login(circle.organizer)

    page = client.get(_url("notes_edit", circle.meeting.pk))
    assert "case_notes" not in page.context["form"].fields
    assert "can't be written again" in _body(page)

    _post_notes(client, circle, discussed="Later", case_notes="Client A again")
    saved = MeetingNotes.objects.get()
    assert (saved.discussed, saved.case_notes) == ("Later", "")


@pytest.mark.parametrize(
    ("days", "said"),
    [(30, "removed 30 days after the meeting"), (1, "removed 1 day after"), (0, "group keeps")],
)
def test_the_editor_says_how_long_case_notes_are_kept(client, circle, days, said):
    circle.group.case_retention_days = days
    circle.group.save(update_fields=["case_retention_days"])
    client.force_login(circle.organizer)

    page = client.get(_url("notes_edit", circle.meeting.pk))

    assert said in page.context["form"].fields["case_notes"].help_text


# --- adding action items ---------------------------------------------------------------------


def _post_item(client, circle, **data):
    payload = {
        "part": "item",
        "item-text": "Send the article",
        "item-owner": circle.member.pk,
        "item-due_on": in_days(5).isoformat(),
    } | data
    return client.post(_url("notes_edit", circle.meeting.pk), payload)


def test_a_writer_adds_an_action_item_and_the_owner_is_told(client, circle):
    client.force_login(circle.facilitator)

    response = _post_item(client, circle)

    assert response.status_code == 302
    assert response["Location"] == _url("notes_edit", circle.meeting.pk) + "#action-items"
    item = ActionItem.objects.get()
    assert (item.text, item.owner, item.due_on, item.created_by) == (
        "Send the article",
        circle.member,
        in_days(5),
        circle.facilitator,
    )
    assert list(Delivery.objects.values_list("email", flat=True)) == [circle.member.email]


def test_the_owner_list_offers_the_groups_members_only(client, circle):
    client.force_login(circle.organizer)

    page = client.get(_url("notes_edit", circle.meeting.pk))

    offered = {value for value, _label in page.context["item_form"].fields["owner"].choices}
    members = {
        circle.organizer,
        circle.co_organizer,
        circle.facilitator,
        circle.member,
        circle.other,
    }
    assert offered == {""} | {user.pk for user in members}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"item-owner": "outsider"}, "owner", "Choose a member of the group."),
        ({"item-owner": ""}, "owner", "Choose who does it."),
        ({"item-text": ""}, "text", "Say what is to be done."),
        ({"item-text": "x" * 301}, "text", "at most 300 characters"),
        ({"item-due_on": ""}, "due_on", "Choose the date it is due."),
        ({"item-due_on": "past"}, "due_on", "Choose a due date from today on."),
    ],
)
def test_bad_action_items_are_told_beside_the_field(client, circle, data, field, message):
    data = {
        key: {
            "outsider": circle.outsider.pk,
            "past": in_days(-3).isoformat(),
        }.get(value, value)
        for key, value in data.items()
    }
    client.force_login(circle.organizer)

    response = _post_item(client, circle, **data)

    assert response.status_code == 200
    errors = response.context["item_form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert (ActionItem.objects.count(), Delivery.objects.count()) == (0, 0)
    # The notes form is not touched by the item's post.
    assert not response.context["form"].is_bound


def test_identifiers_in_an_action_item_are_refused_until_confirmed(client, circle):
    client.force_login(circle.organizer)

    response = _post_item(client, circle, **{"item-text": IDENTIFYING})

    _refused_beside(response, "item-text")
    assert ActionItem.objects.count() == 0
    response = _post_item(
        client,
        circle,
        **{"item-text": IDENTIFYING, "item-text__confirm": _confirmations("text")},
    )
    assert response.status_code == 302
    assert ActionItem.objects.get().text == IDENTIFYING
    assert AuditEntry.objects.get(verb="text.identifiers_confirmed").data["in"] == "action item"


# --- marking done ----------------------------------------------------------------------------


def test_the_owner_marks_their_item_done_and_back(client, circle):
    item = circle.item()
    client.force_login(circle.member)
    mine = reverse("meetings:my_action_items")

    response = client.post(_url("action_item_done", item.pk), {"done": "1", "next": mine})
    assert response.status_code == 302 and response["Location"] == mine
    item.refresh_from_db()
    assert (item.is_done, item.done_by) == (True, circle.member)

    response = client.post(_url("action_item_done", item.pk), {"done": "0"})
    assert response["Location"] == _url("notes", circle.meeting.pk)
    item.refresh_from_db()
    assert item.done_at is None


def test_without_a_choice_marking_toggles(client, circle):
    item = circle.item()
    client.force_login(circle.organizer)

    client.post(_url("action_item_done", item.pk))
    item.refresh_from_db()
    assert item.done_by == circle.organizer
    client.post(_url("action_item_done", item.pk))
    item.refresh_from_db()
    assert item.done_at is None


def test_an_offsite_next_is_ignored(client, circle):
    item = circle.item()
    client.force_login(circle.member)

    response = client.post(
        _url("action_item_done", item.pk), {"done": "1", "next": "https://evil.example/"}
    )

    assert response["Location"] == _url("notes", circle.meeting.pk)


@pytest.mark.parametrize("who", ["other", "facilitator", "outsider"])
def test_someone_else_gets_a_404_and_nothing_changes(client, circle, who):
    item = circle.item()
    client.force_login(getattr(circle, who))

    assert client.post(_url("action_item_done", item.pk), {"done": "1"}).status_code == 404
    item.refresh_from_db()
    assert item.done_at is None


def test_a_former_owner_gets_a_404(client, circle):
    item = circle.item()
    leave_group(user=circle.member, group=circle.group)
    client.force_login(circle.member)

    assert client.post(_url("action_item_done", item.pk), {"done": "1"}).status_code == 404
    item.refresh_from_db()
    assert item.done_at is None


def test_an_item_that_does_not_exist_is_a_404(client, circle):
    client.force_login(circle.organizer)

    assert client.post(_url("action_item_done", 999999)).status_code == 404


def test_marking_done_needs_a_post(client, circle):
    item = circle.item()
    client.force_login(circle.member)

    assert client.get(_url("action_item_done", item.pk)).status_code == 405


# --- changing and removing -------------------------------------------------------------------


def test_an_organizer_gives_an_unowned_item_to_someone_else(client, circle):
    connect_departures()
    item = circle.item(due_on=in_days(-2))
    leave_group(user=circle.member, group=circle.group)
    client.force_login(circle.organizer)

    page = client.get(_url("action_item_edit", item.pk))
    assert "This item needs an owner" in _body(page)
    response = client.post(
        _url("action_item_edit", item.pk),
        {"text": item.text, "owner": circle.other.pk, "due_on": item.due_on.isoformat()},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.owner == circle.other
    assert list(Delivery.objects.values_list("email", flat=True)) == [circle.other.email]


def test_changing_an_item_to_a_past_date_is_told_beside_the_field(client, circle):
    item = circle.item()
    client.force_login(circle.facilitator)

    response = client.post(
        _url("action_item_edit", item.pk),
        {"text": item.text, "owner": circle.member.pk, "due_on": in_days(-1).isoformat()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"due_on": ["Choose a due date from today on."]}
    item.refresh_from_db()
    assert item.due_on == in_days(7)


def test_identifiers_in_a_changed_item_are_refused_until_confirmed(client, circle):
    item = circle.item()
    client.force_login(circle.organizer)
    data = {"text": IDENTIFYING, "owner": circle.member.pk, "due_on": item.due_on.isoformat()}

    _refused_beside(client.post(_url("action_item_edit", item.pk), data), "text")
    item.refresh_from_db()
    assert item.text != IDENTIFYING

    data["text__confirm"] = _confirmations("text")
    assert client.post(_url("action_item_edit", item.pk), data).status_code == 302
    item.refresh_from_db()
    assert item.text == IDENTIFYING


def test_changing_an_item_removed_meanwhile_is_told_on_the_form(client, circle):
    item = circle.item()
    client.force_login(circle.organizer)
    url = _url("action_item_edit", item.pk)
    client.get(url)
    data = {"text": "New", "owner": circle.member.pk, "due_on": item.due_on.isoformat()}
    ActionItem.objects.filter(pk=item.pk).delete()

    assert client.post(url, data).status_code == 404  # gone before the page loads it


@pytest.mark.parametrize("name", ["action_item_edit", "action_item_delete"])
def test_the_owner_cannot_change_or_remove_their_item(client, circle, name):
    item = circle.item()
    client.force_login(circle.member)

    assert client.get(_url(name, item.pk)).status_code == 404
    assert client.post(_url(name, item.pk), {"confirm": "on"}).status_code == 404
    assert ActionItem.objects.filter(pk=item.pk).exists()


def test_removing_an_item_asks_first(client, circle):
    item = circle.item(text="Send the article")
    client.force_login(circle.facilitator)

    page = client.get(_url("action_item_delete", item.pk))
    assert "“Send the article”" in _body(page)
    assert f"{circle.member} gets an e-mail saying it was removed" in _body(page)
    response = client.post(_url("action_item_delete", item.pk), {})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "confirm": ["Tick the box to confirm you want to remove it."]
    }
    assert ActionItem.objects.filter(pk=item.pk).exists()

    assert Delivery.objects.count() == 0  # not removed, nobody told

    response = client.post(_url("action_item_delete", item.pk), {"confirm": "on"})
    assert response["Location"] == _url("notes", circle.meeting.pk)
    assert not ActionItem.objects.filter(pk=item.pk).exists()
    assert list(Delivery.objects.values_list("email", "template")) == [
        (circle.member.email, "action_item_taken")
    ]


# --- my action items -------------------------------------------------------------------------


def test_my_action_items_are_my_open_ones_in_my_groups_overdue_first(client, circle):
    connect_departures()
    elsewhere = make_circle()
    MembershipFactory(group=elsewhere.group, user=circle.member)
    later = circle.item(due_on=in_days(9))
    overdue = elsewhere.item(owner=circle.member, due_on=in_days(-2))
    soon = circle.item(due_on=in_days(1))
    done = circle.item()
    notes.set_action_item_done(actor=circle.member, item=done, done=True)
    circle.item(owner=circle.other)  # someone else's
    left = make_circle()
    MembershipFactory(group=left.group, user=circle.member)
    gone = left.item(owner=circle.member)
    leave_group(user=circle.member, group=left.group)
    ActionItem.objects.filter(pk=gone.pk).update(owner=circle.member)  # even if still owned
    client.force_login(circle.member)

    response = client.get(reverse("meetings:my_action_items"))

    assert [item.pk for item in response.context["items"]] == [overdue.pk, soon.pk, later.pk]
    assert "Overdue" in _body(response)


def test_no_action_items_says_so(client, circle):
    client.force_login(circle.member)

    response = client.get(reverse("meetings:my_action_items"))

    assert response.context["items"] == []
    assert "you have no open action items" in _body(response)


def test_my_action_items_need_signing_in(client):
    response = client.get(reverse("meetings:my_action_items"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- query counts ----------------------------------------------------------------------------


def _items(circle, count: int) -> None:
    owners = [circle.member, circle.other, circle.facilitator]
    for n in range(count):
        item = circle.item(owner=owners[n % 3], due_on=in_days(n % 5 + 1))
        if n % 4 == 0:
            notes.set_action_item_done(actor=circle.organizer, item=item, done=True)


@pytest.mark.parametrize("count", [1, 20])
def test_the_notes_page_query_count_is_constant(client, circle, count, django_assert_num_queries):
    _notes(circle, discussed="Talked", decisions="One")
    _items(circle, count)
    client.force_login(circle.organizer)

    with django_assert_num_queries(5):
        response = client.get(_url("notes", circle.meeting.pk))

    assert len(response.context["items"]) == count


@pytest.mark.parametrize("count", [1, 20])
def test_the_notes_editor_query_count_is_constant(client, circle, count, django_assert_num_queries):
    _notes(circle, discussed="Talked", decisions="One")
    _items(circle, count)
    client.force_login(circle.facilitator)

    with django_assert_num_queries(6):
        response = client.get(_url("notes_edit", circle.meeting.pk))

    assert len(response.context["items"]) == count


@pytest.mark.parametrize("count", [1, 20])
def test_my_action_items_query_count_is_constant(client, count, django_assert_num_queries):
    circles = [make_circle(), make_circle()]
    user = circles[0].member
    MembershipFactory(group=circles[1].group, user=user)
    for n in range(count):
        circles[n % 2].item(owner=user, due_on=in_days(n - 3))
    client.force_login(user)

    with django_assert_num_queries(2):
        response = client.get(reverse("meetings:my_action_items"))

    assert len(response.context["items"]) == count


# --- the includes for the meeting page and the dashboard -------------------------------------


def test_the_notes_summary_for_the_meeting_page(circle, django_assert_num_queries):
    assert notes.notes_summary_for(circle.meeting) == notes.NotesSummary(
        written=False, decisions=0, items=0, open_items=0
    )
    _notes(circle, decisions="One\nTwo")
    circle.item()
    done = circle.item()
    notes.set_action_item_done(actor=circle.organizer, item=done, done=True)

    with django_assert_num_queries(1):
        summary = notes.notes_summary_for(circle.meeting)

    assert summary == notes.NotesSummary(written=True, decisions=2, items=2, open_items=1)
    rendered = render_to_string(
        "meetings/includes/_notes_summary.html",
        {"meeting": circle.meeting, "notes_summary": summary},
    )
    assert "with 2 decisions" in rendered and "2 action items, 1 still open" in rendered
    assert _url("notes", circle.meeting.pk) in rendered


def test_the_dashboard_list_of_my_action_items(circle, django_assert_num_queries):
    item = circle.item(text="Send the article", due_on=in_days(-1))
    request = RequestFactory().get("/")
    request.user = circle.member

    with django_assert_num_queries(1):
        items = list(notes.open_action_items_for(circle.member)[:5])
        names = [i.meeting.group.name for i in items]

    assert names == [circle.group.name]
    rendered = render_to_string(
        "meetings/includes/_action_items_dashboard.html", {"action_items": items}, request
    )
    assert "Send the article" in rendered and "Overdue" in rendered
    assert _url("notes", item.meeting_id) in rendered
    assert render_to_string("meetings/includes/_action_items_dashboard.html", {}).strip() == ""


def test_nobody_signed_out_has_action_items():
    assert list(notes.open_action_items_for(AnonymousUser())) == []
