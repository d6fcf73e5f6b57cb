"""The world the sweep visits and the pages it visits in it, persona by persona.

The world is the demo (``manage.py seed_demo``) plus what the demo lacks for a page to show,
made through the services as people would: a pending invitation, a colleague's reply to a
consultation request, a report on a board post, a private case draft, a certificate, two-step
sign-in for a member. Each ``Visit`` names the page template(s) it must render; the sweep
fails if it did not, and ``test_every_page_template_is_visited`` fails for a page template no
visit names (tests/browser/sweep/inventory.py).
"""

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from alerts import services as alert_services
from alerts.notifications import unsubscribe_token as alert_unsubscribe_token
from board import services as board_services
from board.models import Topic
from consultations import services as consultation_services
from consultations.models import ConsultationRequest
from groups import services as group_services
from groups.models import Application, Group
from groups.services import documents as document_services
from meetings import certificates, outside_hours
from meetings.enums import SegmentKind
from meetings.models import ActionItem
from members.models import LicenceCheck, User
from members.notifications import unsubscribe_token
from polls.models import Poll
from portal.demo_documents import pdf_of
from portal.management.commands.seed_demo import DEMO_ADMIN_TOTP_SECRET, DEMO_PASSWORD
from presentations import services as presentation_services
from presentations.models import CaseDraft, Election, Presentation

FRONT_RANGE = "front-range-eating-disorder-consultation"
CIRCLE = "clinician-circle-burnout-and-well-being"
COLLABORATIVE = "private-practice-collaborative"
BROOKLYN = "brooklyn-trauma-consultation-group"
BAY_AREA = "bay-area-child-and-adolescent-peer-group"
MEMBER_SECRET = "PEERCIRCLESWEEPMEMBERKEY"

PERSONA_EMAILS = {
    "organizer": "organizer@example.com",
    "member": "member@example.com",
    "applicant": "applicant@example.com",
    "newcomer": "newcomer@example.com",
    "admin": "admin@example.com",
}


@dataclass(frozen=True)
class Visit:
    """One page: where to go, what it must render, and, for a page a form leads to, what to do
    there first (``act`` gets the page and the world)."""

    name: str
    templates: tuple[str, ...]
    path: Callable[["World"], str] | str
    act: Callable | None = None
    status: int = 200

    def url(self, world: "World") -> str:
        return self.path if isinstance(self.path, str) else self.path(world)


@dataclass
class World:
    users: dict[str, User]
    groups: dict[str, Group]
    ids: dict[str, object] = field(default_factory=dict)


def build_world() -> World:
    """The demo, then the extras, all through the services."""
    call_command("seed_demo", stdout=_Quiet())
    users = {key: User.objects.get(email=email) for key, email in PERSONA_EMAILS.items()}
    groups = {g.slug: g for g in Group.objects.all()}
    world = World(users=users, groups=groups)
    organizer, member = users["organizer"], users["member"]
    newcomer, admin = users["newcomer"], users["admin"]
    front = groups[FRONT_RANGE]
    now = timezone.now()
    ids = world.ids

    # Groups: a pending invitation to revoke, one for the newcomer to open, the application.
    invited = group_services.invite_by_email(
        actor=organizer, group=front, email="invited.colleague@example.org"
    )
    ids["invitation"], ids["invitation_token"] = invited.pk, invited.token
    ids["newcomer_invitation"] = group_services.invite_by_email(
        actor=admin, group=groups[BROOKLYN], email=newcomer.email
    ).token
    ids["application"] = Application.objects.get(group=front, applicant=users["applicant"]).pk
    ids["member_membership"] = front.memberships.get(user=member).pk

    # Meetings: the next one (where the demo has the member present a case) and the last one
    # (with the demo's notes and action item), found from those rows, not from the clock.
    case = (
        Presentation.objects.filter(presenter=member, meeting__starts_at__gt=now)
        .select_related("meeting")
        .order_by("meeting__starts_at")
        .first()
    )
    ids["presentation"], ids["next_meeting"] = case.pk, case.meeting_id
    item = ActionItem.objects.filter(meeting__group=front).latest("pk")
    ids["action_item"], ids["last_meeting"] = item.pk, item.meeting_id

    # Presentations: a case the organizer took the member off (a private draft); his last
    # past presentation (its follow-up page); the election.
    upcoming = front.meetings.filter(starts_at__gt=case.meeting.starts_at).order_by("starts_at")
    later = upcoming.first()
    segment = later.segments.filter(kind=SegmentKind.CASE).order_by("position").first()
    taken = presentation_services.assign_slot(
        actor=organizer, segment_id=segment.pk, user_id=member.pk
    )
    presentation_services.save_case(
        user=member,
        presentation_id=taken.pk,
        data={
            "case_question": "How do I pace exposure work with a client who dissociates?",
            "case_background": "An adult client in weekly therapy for a year.",
            "case_tried": "Grounding skills first, then short exposures.",
            "case_help_wanted": ["ideas"],
        },
    )
    presentation_services.unassign_slot(actor=organizer, segment_id=segment.pk)
    ids["draft"] = CaseDraft.objects.filter(author=member).latest("pk").pk
    ids["past_presentation"] = (
        Presentation.objects.filter(presenter=member, meeting__ends_at__lte=now)
        .order_by("-meeting__starts_at")
        .first()
        .pk
    )
    ids["election"] = Election.objects.get(group=groups[CIRCLE]).pk

    # Between meetings: the member's reply to the organizer's request, a report on a post.
    request = ConsultationRequest.objects.get(group=front)
    ids["consultation"] = request.pk
    ids["reply"] = consultation_services.reply_to_request(
        actor=member, request_id=request.pk, body="A written agreement helped me once."
    ).pk
    announcement = Topic.objects.get(group=front, pinned=True)
    discussion = Topic.objects.filter(group=front, pinned=False).first()
    ids["announcement"] = announcement.pk
    ids["discussion"] = discussion.pk
    board_services.report_post(actor=member, post=announcement, reason="Out of date.")

    # Licences: a licence waiting for the admin's check (not their own).
    ids["licence_check"] = (
        LicenceCheck.objects.filter(status="pending").exclude(profile__user=admin).first().pk
    )

    # Documents: the demo's agreement; a handout of the member's that the organizer took out
    # of the library, kept for the member alone.
    ids["agreement"] = front.documents.get(is_agreement=True).pk
    handout = document_services.add_document(
        actor=member,
        group=front,
        title="Grounding handout",
        upload=SimpleUploadedFile("grounding.pdf", pdf_of("Grounding", ["Five things you see."])),
    )
    document_services.remove_document(actor=organizer, group=front, document_id=handout.pk)
    ids["kept_document"] = handout.pk

    # Find a time: the demo's open poll in the consultation group.
    ids["poll"] = Poll.objects.get(group=front).pk

    # Ledger: a certificate of the member's year.
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(front.time_zone))
    certificate = certificates.issue_certificate(
        user=member, group=front, start=today - timedelta(days=360), end=today
    )
    ids["certificate"] = certificate.code
    ids["unsubscribe"] = unsubscribe_token(member.pk, "meeting_reminder")
    # A saved search of the member's, for its pages and its e-mails' unsubscribe link.
    ids["saved_search"] = alert_services.save_search(
        actor=member, data={"venue_kind": "online", "time_of_day": "evening"}, name="Evenings"
    ).pk
    ids["alert_unsubscribe"] = alert_unsubscribe_token(member.pk, [ids["saved_search"]])
    # Hours from elsewhere and a renewal period, so the hours page shows both.
    ids["outside_entry"] = outside_hours.log_outside_hours(
        user=member,
        data={
            "day": today - timedelta(days=20),
            "category": "ce",
            "provider": "Front Range CE Institute",
            "title": "Ethics in eating-disorder care",
            "hours": Decimal("6"),
        },
    ).pk
    outside_hours.set_renewal_plan(
        user=member,
        data={
            "starts_on": today - timedelta(days=300),
            "ends_on": today + timedelta(days=430),
            "required_total": 40,
            "required_consultation": 10,
            "required_ce": 20,
            "required_ethics": 3,
        },
    )

    # Two-step sign-in for the member (TOTP and recovery codes), to see those pages as a
    # therapist would; the admin's is the demo's.
    TOTP.activate(member, MEMBER_SECRET)
    RecoveryCodes.activate(member)
    ids["admin_secret"] = DEMO_ADMIN_TOTP_SECRET
    ids["password"] = DEMO_PASSWORD
    return world


class _Quiet:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def g(slug: str, rest: str = "") -> str:
    return f"/groups/{slug}/{rest}"


def _submit_wrong_password(page, world):
    page.locator("#id_login").fill("organizer@example.com")
    page.locator("#id_password").fill("not-the-password")
    page.locator("form").filter(has=page.locator("#id_login")).locator(
        "button[type=submit]"
    ).first.click()
    page.wait_for_load_state("load")


def _admin_password(page, world):
    page.locator("#id_login").fill(world.users["admin"].email)
    page.locator("#id_password").fill(world.ids["password"])
    page.locator("form").filter(has=page.locator("#id_login")).locator(
        "button[type=submit]"
    ).first.click()
    page.wait_for_url(lambda url: "/2fa/authenticate/" in url)


def _add_security_key(page, world):
    """Chromium's virtual authenticator (DevTools WebAuthn domain) answers allauth's scripts,
    as in tests/browser/test_webauthn_journey.py; then the list of keys."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True}
    options |= {"hasUserVerification": True, "isUserVerified": True}
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    page.get_by_label("Name of the key").fill("Sweep key")
    page.get_by_role("button", name="Add this key").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    page.goto(page.url.split("/accounts/")[0] + "/accounts/2fa/webauthn/")


def _security_key(world) -> int:
    return Authenticator.objects.get(user=world.users["admin"], type="webauthn").pk


def _submit_blank(button: str):
    def act(page, world):
        page.locator("main form").filter(
            has=page.get_by_role("button", name=button)
        ).first.evaluate("form => form.noValidate = true")
        page.locator("main").get_by_role("button", name=button).first.click()
        page.wait_for_load_state("load")

    return act


def _rsvp_with_identifying_note(page, world):
    form = page.locator("form").filter(has=page.locator("input[name=note]")).first
    form.locator("input[name=answer]").first.check(force=True)
    form.locator("input[name=note]").fill(
        "Running late: picking up Jane Doe (DOB 03/04/1985) from her session at 555-123-4567."
    )
    form.get_by_role("button", name="Save my answer").click()
    page.wait_for_load_state("load")


def _hide_post(page, world):
    page.locator("button[name=action][value=hide]").click()
    page.wait_for_load_state("load")


def _unsubscribe(page, world):
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("load")


ANONYMOUS = [
    Visit("landing", ("landing.html",), "/"),
    Visit("sign-in", ("account/login.html",), "/accounts/login/"),
    Visit(
        "sign-in-wrong-password",
        ("account/login.html",),
        "/accounts/login/",
        act=_submit_wrong_password,
    ),
    Visit("sign-up", ("account/signup.html",), "/accounts/signup/"),
    Visit("password-reset", ("account/password_reset.html",), "/accounts/password/reset/"),
    Visit(
        "password-reset-sent",
        ("account/password_reset_done.html",),
        "/accounts/password/reset/done/",
    ),
    Visit(
        "password-reset-bad-key",
        ("account/password_reset_from_key.html",),
        "/accounts/password/reset/key/1-set-password/",
    ),
    Visit(
        "password-reset-done",
        ("account/password_reset_from_key_done.html",),
        "/accounts/password/reset/key/done/",
    ),
    Visit("verification-sent", ("account/verification_sent.html",), "/accounts/confirm-email/"),
    Visit(
        "confirm-email-bad-key",
        ("account/email_confirm.html",),
        "/accounts/confirm-email/not-a-key/",
    ),
    Visit("account-inactive", ("account/account_inactive.html",), "/accounts/inactive/"),
    Visit("browse", ("groups/browse.html",), "/groups/"),
    Visit("group-public", ("groups/detail.html",), g(FRONT_RANGE)),
    Visit("verify-lookup", ("meetings/verify.html",), "/verify/"),
    Visit(
        "verify-certificate",
        ("meetings/verify.html",),
        lambda w: f"/verify/{w.ids['certificate']}/",
    ),
    Visit("verify-missing", ("meetings/verify_missing.html",), "/verify/NOSUCHCODE/", status=404),
    Visit(
        "invitation-invalid",
        ("groups/invitation_invalid.html",),
        "/groups/invitations/no-such-token/",
        status=404,
    ),
    Visit(
        "unsubscribe",
        ("members/unsubscribe.html",),
        lambda w: f"/unsubscribe/{w.ids['unsubscribe']}/",
    ),
    Visit(
        "unsubscribe-done",
        ("members/unsubscribe_done.html",),
        lambda w: f"/unsubscribe/{w.ids['unsubscribe']}/",
        act=_unsubscribe,
    ),
    Visit(
        "unsubscribe-invalid", ("members/unsubscribe_invalid.html",), "/unsubscribe/x/", status=400
    ),
    Visit(
        "alerts-unsubscribe",
        ("alerts/unsubscribe.html",),
        lambda w: f"/alerts/unsubscribe/{w.ids['alert_unsubscribe']}/",
    ),
    Visit(
        "alerts-unsubscribe-done",
        ("alerts/unsubscribe_done.html",),
        lambda w: f"/alerts/unsubscribe/{w.ids['alert_unsubscribe']}/",
        act=_unsubscribe,
    ),
    Visit(
        "alerts-unsubscribe-invalid",
        ("alerts/unsubscribe_invalid.html",),
        "/alerts/unsubscribe/x/",
        status=400,
    ),
    Visit(
        "invitation-welcome",
        ("groups/invitation_welcome.html",),
        lambda w: f"/groups/invitations/{w.ids['invitation_token']}/",
    ),
    Visit("not-found", ("404.html",), "/no-such-page/", status=404),
]

ORGANIZER = [
    Visit("dashboard-organizer", ("members/dashboard.html",), "/me/"),
    Visit("group-organizer", ("groups/detail.html",), g(FRONT_RANGE)),
    Visit("group-edit", ("groups/form.html",), g(FRONT_RANGE, "edit/")),
    Visit(
        "group-new-errors", ("groups/form.html",), "/groups/new/", act=_submit_blank("Create group")
    ),
    Visit("manage-members", ("groups/manage_members.html",), g(FRONT_RANGE, "members/")),
    Visit(
        "remove-member",
        ("groups/remove_member.html",),
        lambda w: g(FRONT_RANGE, f"members/{w.ids['member_membership']}/remove/"),
    ),
    Visit("invite", ("groups/invite.html",), g(FRONT_RANGE, "invite/")),
    Visit(
        "invitation-revoke",
        ("groups/invitation_revoke.html",),
        lambda w: g(FRONT_RANGE, f"invite/{w.ids['invitation']}/revoke/"),
    ),
    Visit("questions", ("groups/questions.html",), g(FRONT_RANGE, "questions/")),
    Visit("audit", ("groups/audit.html",), g(FRONT_RANGE, "audit/")),
    Visit("agenda-template", ("meetings/agenda.html",), g(FRONT_RANGE, "agenda/")),
    Visit("meeting-new", ("meetings/create.html",), g(FRONT_RANGE, "meetings/new/")),
    Visit("group-attendance", ("meetings/group_attendance.html",), g(FRONT_RANGE, "attendance/")),
    Visit("group-health", ("groups/health.html",), g(FRONT_RANGE, "health/")),
    Visit("poll-new", ("polls/new.html",), g(FRONT_RANGE, "polls/new/")),
    Visit("documents", ("groups/documents.html",), g(FRONT_RANGE, "documents/")),
    Visit(
        "documents-errors",
        ("groups/documents.html",),
        g(FRONT_RANGE, "documents/"),
        act=_submit_blank("Add the document"),
    ),
    Visit(
        "document-agreement",
        ("groups/document.html",),
        lambda w: g(FRONT_RANGE, f"documents/{w.ids['agreement']}/"),
    ),
    Visit(
        "document-edit",
        ("groups/document_edit.html",),
        lambda w: g(FRONT_RANGE, f"documents/{w.ids['agreement']}/edit/"),
    ),
    Visit(
        "document-new-version",
        ("groups/document_version.html",),
        lambda w: g(FRONT_RANGE, f"documents/{w.ids['agreement']}/new-version/"),
    ),
    Visit(
        "document-remove",
        ("groups/document_remove.html",),
        lambda w: g(FRONT_RANGE, f"documents/{w.ids['agreement']}/remove/"),
    ),
    Visit(
        "poll-new-errors",
        ("polls/new.html",),
        g(FRONT_RANGE, "polls/new/"),
        act=_submit_blank("Open the poll"),
    ),
    Visit(
        "poll-schedule",
        ("polls/schedule.html",),
        lambda w: g(FRONT_RANGE, f"polls/{w.ids['poll']}/schedule/"),
    ),
    Visit(
        "we-miss-you",
        ("groups/we_miss_you.html",),
        lambda w: g(FRONT_RANGE, f"health/miss-you/{w.ids['member_membership']}/"),
    ),
    Visit(
        "meeting-organizer",
        ("meetings/detail.html",),
        lambda w: f"/meetings/{w.ids['next_meeting']}/",
    ),
    Visit(
        "meeting-agenda",
        ("meetings/agenda.html",),
        lambda w: f"/meetings/{w.ids['next_meeting']}/agenda/",
    ),
    Visit(
        "meeting-edit",
        ("meetings/edit.html",),
        lambda w: f"/meetings/{w.ids['next_meeting']}/edit/",
    ),
    Visit(
        "meeting-cancel",
        ("meetings/cancel.html",),
        lambda w: f"/meetings/{w.ids['next_meeting']}/cancel/",
    ),
    Visit(
        "attendance",
        ("meetings/attendance.html",),
        lambda w: f"/meetings/{w.ids['last_meeting']}/attendance/",
    ),
    Visit(
        "notes-edit",
        ("meetings/notes_edit.html",),
        lambda w: f"/meetings/{w.ids['last_meeting']}/notes/edit/",
    ),
    Visit(
        "action-item-edit",
        ("meetings/notes_item_edit.html",),
        lambda w: f"/action-items/{w.ids['action_item']}/edit/",
    ),
    Visit(
        "action-item-remove",
        ("meetings/notes_item_delete.html",),
        lambda w: f"/action-items/{w.ids['action_item']}/remove/",
    ),
    Visit(
        "election", ("presentations/election.html",), lambda w: f"/elections/{w.ids['election']}/"
    ),
    Visit(
        "board-edit",
        ("board/edit.html",),
        lambda w: g(FRONT_RANGE, f"board/topic/{w.ids['announcement']}/edit/"),
    ),
    Visit(
        "board-delete",
        ("board/delete.html",),
        lambda w: g(FRONT_RANGE, f"board/topic/{w.ids['announcement']}/delete/"),
    ),
    Visit(
        "board-moderate",
        ("board/moderate.html",),
        lambda w: g(FRONT_RANGE, f"board/topic/{w.ids['discussion']}/moderate/"),
    ),
    Visit(
        "board-hide-confirm",
        ("board/hide_confirm.html",),
        lambda w: g(FRONT_RANGE, f"board/topic/{w.ids['discussion']}/moderate/"),
        act=_hide_post,
    ),
    Visit(
        "consultation-close",
        ("consultations/close.html",),
        lambda w: g(FRONT_RANGE, f"consultations/{w.ids['consultation']}/close/"),
    ),
    Visit(
        "consultation-huddle",
        ("consultations/huddle.html",),
        lambda w: g(FRONT_RANGE, f"consultations/{w.ids['consultation']}/huddle/"),
    ),
    Visit("totp-activate", ("mfa/totp/activate_form.html",), "/accounts/2fa/totp/activate/"),
]

MEMBER = [
    Visit("dashboard-member", ("members/dashboard.html",), "/me/"),
    Visit("group-member", ("groups/detail.html",), g(FRONT_RANGE)),
    Visit("resources", ("groups/resources.html",), g(FRONT_RANGE, "resources/")),
    Visit("ground-rules", ("groups/accept_rules.html",), g(FRONT_RANGE, "ground-rules/")),
    Visit(
        "ground-rules-changes", ("groups/rules_diff.html",), g(FRONT_RANGE, "ground-rules/changes/")
    ),
    Visit("leave", ("groups/leave.html",), g(CIRCLE, "leave/")),
    Visit(
        "meeting-member", ("meetings/detail.html",), lambda w: f"/meetings/{w.ids['next_meeting']}/"
    ),
    Visit(
        "rsvp-review",
        ("meetings/rsvp_review.html",),
        lambda w: f"/meetings/{w.ids['next_meeting']}/",
        act=_rsvp_with_identifying_note,
    ),
    Visit("notes", ("meetings/notes.html",), lambda w: f"/meetings/{w.ids['last_meeting']}/notes/"),
    Visit("my-action-items", ("meetings/notes_my_items.html",), "/me/action-items/"),
    Visit("my-attendance", ("meetings/my_attendance.html",), "/me/attendance/"),
    Visit("calendar-settings", ("meetings/calendar_settings.html",), "/me/calendar/"),
    Visit("hours", ("meetings/ledger.html",), "/me/hours/"),
    Visit("renewal", ("meetings/renewal.html",), "/me/hours/renewal/"),
    Visit(
        "hours-remove",
        ("meetings/hours_remove.html",),
        lambda w: f"/me/hours/log/{w.ids['outside_entry']}/remove/",
    ),
    Visit(
        "presentation",
        ("presentations/detail.html",),
        lambda w: f"/presentations/{w.ids['presentation']}/",
    ),
    Visit("drafts", ("presentations/drafts.html",), "/presentations/drafts/"),
    Visit(
        "draft",
        ("presentations/draft_detail.html",),
        lambda w: f"/presentations/drafts/{w.ids['draft']}/",
    ),
    Visit(
        "draft-discard",
        ("presentations/draft_discard.html",),
        lambda w: f"/presentations/drafts/{w.ids['draft']}/discard/",
    ),
    Visit(
        "follow-up",
        ("presentations/followup.html",),
        lambda w: f"/presentations/{w.ids['past_presentation']}/follow-up/",
    ),
    Visit(
        "election-new",
        ("presentations/election_form.html",),
        g(COLLABORATIVE, "elections/new/"),
    ),
    Visit("board", ("board/index.html",), g(FRONT_RANGE, "board/")),
    Visit(
        "board-topic",
        ("board/topic.html",),
        lambda w: g(FRONT_RANGE, f"board/{w.ids['discussion']}/"),
    ),
    Visit("board-new", ("board/new.html",), g(FRONT_RANGE, "board/new/")),
    Visit(
        "board-report",
        ("board/report.html",),
        lambda w: g(FRONT_RANGE, f"board/topic/{w.ids['discussion']}/report/"),
    ),
    Visit("board-settings", ("board/settings.html",), "/groups/board/email/"),
    Visit("consultations", ("consultations/list.html",), g(FRONT_RANGE, "consultations/")),
    Visit("polls", ("polls/list.html",), g(FRONT_RANGE, "polls/")),
    Visit("welcome", ("groups/welcome.html",), g(FRONT_RANGE, "welcome/")),
    Visit("agreement", ("groups/accept_agreement.html",), g(FRONT_RANGE, "agreement/")),
    Visit(
        "kept-document",
        ("groups/document_kept.html",),
        lambda w: f"/groups/kept-documents/{w.ids['kept_document']}/",
    ),
    Visit("poll", ("polls/detail.html",), lambda w: g(FRONT_RANGE, f"polls/{w.ids['poll']}/")),
    Visit(
        "consultation",
        ("consultations/detail.html",),
        lambda w: g(FRONT_RANGE, f"consultations/{w.ids['consultation']}/"),
    ),
    Visit("consultation-new", ("consultations/new.html",), g(FRONT_RANGE, "consultations/new/")),
    Visit(
        "consultation-edit-reply",
        ("consultations/edit_reply.html",),
        lambda w: g(
            FRONT_RANGE, f"consultations/{w.ids['consultation']}/replies/{w.ids['reply']}/edit/"
        ),
    ),
]

# The member's own pages and account settings: a sweep of its own, so the two xdist workers
# share the member's pages.
MEMBER_SETTINGS = [
    Visit("network", ("members/network.html",), "/network/"),
    Visit(
        "contact",
        ("members/contact.html",),
        lambda w: f"/network/{w.users['organizer'].profile.pk}/contact/",
    ),
    Visit(
        "profile",
        ("members/profile_detail.html",),
        lambda w: f"/therapists/{w.users['organizer'].profile.pk}/",
    ),
    Visit("profile-edit", ("members/profile_edit.html",), "/me/profile/"),
    Visit("notifications", ("members/notifications.html",), "/me/notifications/"),
    Visit("saved-searches", ("alerts/list.html",), "/me/alerts/"),
    Visit("save-search", ("alerts/save.html",), "/me/alerts/save/?venue_kind=online&size=small"),
    Visit(
        "saved-search-edit",
        ("alerts/edit.html",),
        lambda w: f"/me/alerts/{w.ids['saved_search']}/",
    ),
    Visit(
        "saved-search-remove",
        ("alerts/remove.html",),
        lambda w: f"/me/alerts/{w.ids['saved_search']}/remove/",
    ),
    Visit("my-data", ("members/my_data.html",), "/me/data/"),
    Visit("email", ("account/email_change.html",), "/accounts/email/"),
    Visit("password-change", ("account/password_change.html",), "/accounts/password/change/"),
    Visit(
        "reauthenticate",
        ("account/reauthenticate.html", "account/base_reauthenticate.html"),
        "/accounts/reauthenticate/",
    ),
    Visit("two-step", ("mfa/index.html",), "/accounts/2fa/"),
    Visit("two-step-reauthenticate", ("mfa/reauthenticate.html",), "/accounts/2fa/reauthenticate/"),
    Visit("totp-deactivate", ("mfa/totp/deactivate_form.html",), "/accounts/2fa/totp/deactivate/"),
    Visit("recovery-codes", ("mfa/recovery_codes/index.html",), "/accounts/2fa/recovery-codes/"),
    Visit(
        "recovery-codes-generate",
        ("mfa/recovery_codes/generate.html",),
        "/accounts/2fa/recovery-codes/generate/",
    ),
    Visit("sign-out", ("account/logout.html",), "/accounts/logout/"),
]

NEWCOMER = [
    Visit("dashboard-newcomer", ("members/dashboard.html",), "/me/"),
    Visit("join", ("groups/join.html",), g(CIRCLE, "join/")),
    Visit("apply", ("groups/apply.html",), g(FRONT_RANGE, "apply/")),
    Visit(
        "apply-errors",
        ("groups/apply.html",),
        g(FRONT_RANGE, "apply/"),
        act=_submit_blank("Send application"),
    ),
    Visit(
        "invitation",
        ("groups/invitation.html",),
        lambda w: f"/groups/invitations/{w.ids['newcomer_invitation']}/",
    ),
]

APPLICANT = [
    Visit("dashboard-applicant", ("members/dashboard.html",), "/me/"),
    Visit("group-applicant", ("groups/detail.html",), g(FRONT_RANGE)),
]

ADMIN = [
    Visit("two-step-code", ("mfa/authenticate.html",), "/accounts/login/", act=_admin_password),
    Visit("vetting-queue", ("groups/vetting_queue.html",), "/groups/vetting/"),
    Visit("licence-queue", ("members/licence_queue.html",), "/staff/licences/"),
    Visit(
        "licence-check",
        ("members/licence_check.html",),
        lambda w: f"/staff/licences/{w.ids['licence_check']}/",
    ),
    Visit(
        "vetting-detail",
        ("groups/vetting_detail.html",),
        lambda w: f"/groups/vetting/{w.ids['application']}/",
    ),
    Visit("security-key-add", ("mfa/webauthn/add_form.html",), "/accounts/2fa/webauthn/add/"),
    Visit(
        "security-keys",
        ("mfa/webauthn/authenticator_list.html", "mfa/webauthn/base.html"),
        "/accounts/2fa/webauthn/add/",
        act=_add_security_key,
    ),
    Visit(
        "security-key-edit",
        ("mfa/webauthn/edit_form.html",),
        lambda w: f"/accounts/2fa/webauthn/keys/{_security_key(w)}/edit/",
    ),
    Visit(
        "security-key-remove",
        ("mfa/webauthn/authenticator_confirm_delete.html",),
        lambda w: f"/accounts/2fa/webauthn/keys/{_security_key(w)}/remove/",
    ),
    Visit(
        "security-key-reauthenticate",
        ("mfa/webauthn/reauthenticate.html",),
        "/accounts/2fa/webauthn/reauthenticate/",
    ),
]

# Each sweep is one test: who visits (a key of PERSONA_EMAILS, or "anonymous") and the pages,
# in order. Sweeps are about the same length, so that two xdist workers finish together.
SWEEPS = {
    "anonymous": [("anonymous", ANONYMOUS)],
    "organizer": [("organizer", ORGANIZER)],
    "member": [("member", MEMBER)],
    "member-settings": [("member", MEMBER_SETTINGS)],
    "newcomer-applicant-admin": [
        ("newcomer", NEWCOMER),
        ("applicant", APPLICANT),
        ("admin", ADMIN),
    ],
}
