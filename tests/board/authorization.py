"""This app's rows of the authorization matrix (tests/test_authorization_matrix.py).

A topic and a reply by the member, a topic by the organizer with an open report by the member.
Editing and deleting are the author's alone (the organizer gets 404 on the member's posts);
moderation and dismissing reports are the organizers'; everything else is the members'."""

from board import services


def _expected() -> dict:
    # Imported here: the matrix imports this module while it is itself being imported.
    from tests.test_authorization_matrix import (
        GET,
        POST,
        members_only,
        organizers_only,
        signed_in,
    )

    return {
        "board:index": (GET, members_only()),
        "board:new": (GET, members_only()),
        "board:topic": (GET, members_only()),
        "board:reply": (POST, members_only()),  # empty form: the thread again, with the error
        "board:mark_read": (POST, members_only(302)),
        "board:edit": (GET, members_only(organizer=404)),  # the member's own post
        "board:delete": (GET, members_only(organizer=404)),
        "board:report": (GET, members_only()),  # the organizer's topic
        "board:moderate": (GET, organizers_only()),
        "board:resolve_report": (POST, organizers_only(302)),
        "board:settings": (GET, signed_in()),
    }


EXPECTED: dict = _expected()


def build(world) -> dict:
    """URL name -> the kwargs to open it with, from objects made in the matrix's world."""
    group = world["objects"]["group"]
    member, organizer = world["users"]["member"], world["users"]["organizer"]
    mine = services.start_discussion(actor=member, group=group, title="Fees", body="Sliding?")
    services.post_reply(actor=member, topic=mine, body="Anyone?")
    theirs = services.post_announcement(actor=organizer, group=group, title="Room", body="Up")
    report = services.report_post(actor=member, post=theirs)
    at = {"slug": group.slug}
    return {
        "board:index": at,
        "board:new": at,
        "board:topic": {**at, "pk": mine.pk},
        "board:reply": {**at, "pk": mine.pk},
        "board:mark_read": at,
        "board:edit": {**at, "post_type": "topic", "pk": mine.pk},
        "board:delete": {**at, "post_type": "topic", "pk": mine.pk},
        "board:report": {**at, "post_type": "topic", "pk": theirs.pk},
        "board:moderate": {**at, "post_type": "topic", "pk": mine.pk},
        "board:resolve_report": {**at, "pk": report.pk},
        "board:settings": {},
    }
