"""Members' pages kept in the cache (config.pagecache): a copy is the person's own, and every
write that changes what it shows makes it out of date at once."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from board import services as board_services
from board.enums import TopicKind
from board.models import BoardVisit, Reply, Topic
from config import pagecache
from groups import services as group_services
from groups.enums import Role
from groups.models import Membership
from meetings import services as meeting_services
from meetings.enums import RsvpAnswer
from members import services as member_services
from polls import services as poll_services
from presentations.services import slots
from tests.factories import (
    AdminFactory,
    AgendaSegmentFactory,
    MeetingFactory,
    RsvpFactory,
    UserFactory,
    group_of,
    person,
)

pytestmark = pytest.mark.django_db

CSRF = "a" * 32


@pytest.fixture
def group():
    return group_of(
        [
            ("Olga Organizer", Role.ORGANIZER),
            ("Mia Member", Role.MEMBER),
            ("Bo Member", Role.MEMBER),
        ],
        joined_at=timezone.now() - timedelta(days=30),
        name="Harbor Circle",
    )


def signed_in(client, user):
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF
    return client


def html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("page", ["group", "meeting", "polls", "dashboard"])
def test_the_second_load_is_the_kept_copy(client, group, page, django_assert_num_queries):
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2))
    url = {
        "group": group.get_absolute_url(),
        "meeting": meeting.get_absolute_url(),
        "polls": reverse("polls:list", kwargs={"slug": group.slug}),
        "dashboard": reverse("members:dashboard"),
    }[page]
    signed_in(client, person(group, "Mia Member"))
    first = html(client, url)
    with django_assert_num_queries(0):
        second = html(client, url)
    assert second == first


def test_nobody_else_gets_my_copy(client, group):
    url = group.get_absolute_url()
    mine = html(signed_in(client, person(group, "Mia Member")), url)
    client.logout()
    visitor = html(client, url)
    theirs = html(signed_in(client, person(group, "Bo Member")), url)
    assert len({mine, visitor, theirs}) == 3
    assert "Harbor Circle" in theirs


def test_an_rsvp_by_someone_else_shows_at_once(client, group):
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2))
    signed_in(client, person(group, "Mia Member"))
    assert "0 going" in html(client, meeting.get_absolute_url())
    meeting_services.set_rsvp(
        user=person(group, "Bo Member"), meeting=meeting, answer=RsvpAnswer.GOING
    )
    assert "1 going" in html(client, meeting.get_absolute_url())


def test_an_rsvp_shows_after_the_commit_too(client, group, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2))
    signed_in(client, person(group, "Mia Member"))
    assert "0 going" in html(client, meeting.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        RsvpFactory(meeting=meeting, user=person(group, "Bo Member"), answer=RsvpAnswer.GOING)
    assert "1 going" in html(client, meeting.get_absolute_url())


def test_leaving_the_group_takes_the_page_away_at_once(client, group):
    mia = person(group, "Mia Member")
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2))
    signed_in(client, mia)
    html(client, meeting.get_absolute_url())
    group_services.leave_group(user=mia, group=group)
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_new_ground_rules_close_the_members_pages_at_once(client, group):
    signed_in(client, person(group, "Mia Member"))
    polls = reverse("polls:list", kwargs={"slug": group.slug})
    html(client, polls)
    group_services.update_group(
        actor=person(group, "Olga Organizer"), group=group, data={"ground_rules": "Be brief."}
    )
    response = client.get(polls)
    assert response.status_code == 302
    assert reverse("groups:accept_rules", kwargs={"slug": group.slug}) in response.url


def test_a_write_without_a_signal_makes_every_copy_out_of_date(client, group):
    signed_in(client, person(group, "Mia Member"))
    before = pagecache.versions(["all"])
    Membership.objects.filter(group=group).update(facilitates=False)
    assert pagecache.versions(["all"]) != before


def test_a_colleague_renamed_shows_at_once(client, group):
    signed_in(client, person(group, "Mia Member"))
    assert "Bo Member" in html(client, group.get_absolute_url())
    bo = person(group, "Bo Member")
    member_services.update_profile(actor=bo, profile=bo.profile, data={"display_name": "Bo Kim"})
    page = html(client, group.get_absolute_url())
    assert "Bo Kim" in page
    assert "Bo Member" not in page


def test_a_new_poll_shows_on_the_list_at_once(client, group):
    signed_in(client, person(group, "Mia Member"))
    url = reverse("polls:list", kwargs={"slug": group.slug})
    assert "Which evening suits" not in html(client, url)
    soon = timezone.now() + timedelta(days=7)
    poll_services.create_poll(
        actor=person(group, "Olga Organizer"),
        group=group,
        title="Which evening suits",
        options=[soon, soon + timedelta(days=1)],
        closes_at=timezone.now() + timedelta(days=2),
    )
    assert "Which evening suits" in html(client, url)


def _everyday_action(name: str, group):
    """One of the organizers' everyday actions that write without model signals."""
    olga = person(group, "Olga Organizer")
    soon = timezone.now() + timedelta(days=7)
    meeting = MeetingFactory(group=group, starts_at=soon)
    segments = [AgendaSegmentFactory(meeting=meeting, position=i, minutes=20) for i in range(2)]
    return {
        "agenda": lambda: meeting_services.set_agenda(
            actor=olga,
            meeting=meeting,
            segments=[{"id": None, "kind": "discussion", "title": "Open floor", "minutes": 30}]
            + [{"id": s.pk, "kind": s.kind, "title": s.title, "minutes": 20} for s in segments],
        ),
        "reorder": lambda: slots.reorder_agenda(
            actor=olga, meeting=meeting, segment_ids=[s.pk for s in reversed(segments)]
        ),
        "series": lambda: meeting_services.create_series(
            actor=olga,
            group=group,
            title="Weekly",
            rule="FREQ=WEEKLY",
            starts_on=soon.date(),
            start_time=soon.time().replace(microsecond=0),
            duration_minutes=60,
        ),
        "rules": lambda: group_services.update_group(
            actor=olga, group=group, data={"ground_rules": "Start on time. Keep it here."}
        ),
        "poll": lambda: poll_services.create_poll(
            actor=olga,
            group=group,
            title="Which evening",
            options=[soon, soon + timedelta(days=1)],
            closes_at=timezone.now() + timedelta(days=2),
        ),
    }[name]


@pytest.mark.parametrize("action", ["agenda", "reorder", "series", "rules", "poll"])
def test_everyday_actions_make_their_groups_copies_out_of_date_not_everyones(group, action):
    """Bulk inserts and queryset updates announce their group (``pagecache.announced``):
    every other group's kept pages stay kept."""
    run = _everyday_action(action, group)
    before = pagecache.versions([f"g:{group.pk}", "all"])
    run()
    after = pagecache.versions([f"g:{group.pk}", "all"])
    assert (after[0] != before[0], after[1] == before[1]) == (True, True)


def test_joining_another_group_shows_on_the_dashboard_at_once(client, group):
    mia = person(group, "Mia Member")
    other = group_of([("Ann Organizer", Role.ORGANIZER)], name="Second Circle")
    signed_in(client, mia)
    assert "Second Circle" not in html(client, reverse("members:dashboard"))
    group_services.join_group(user=mia, group=other, accepted_rules=True)
    assert "Second Circle" in html(client, reverse("members:dashboard"))


def test_a_board_visit_or_read_marks_leave_the_groups_copies_alone(group):
    mia = person(group, "Mia Member")
    versions = pagecache.versions([f"g:{group.pk}", f"u:{mia.pk}"])
    board_services.record_visit(actor=mia, group=group)
    topic = Topic.objects.create(
        group=group,
        author=person(group, "Bo Member"),
        title="T",
        body="B",
        kind=TopicKind.DISCUSSION,
    )
    group_version = pagecache.versions([f"g:{group.pk}"])
    board_services._mark_read(mia, [topic], timezone.now())
    after = pagecache.versions([f"g:{group.pk}", f"u:{mia.pk}"])
    assert after[0] == group_version[0]  # a new topic bumped the group, the marks did not
    assert after[1] != versions[1]
    assert BoardVisit.objects.filter(user=mia).exists()


def _board(group, query: str = "") -> str:
    return reverse("board:index", kwargs={"slug": group.slug}) + query


def test_the_board_and_a_thread_are_kept_once_looking_again_writes_nothing(
    client, group, django_assert_num_queries
):
    bo = person(group, "Bo Member")
    topic = board_services.start_discussion(actor=bo, group=group, title="Pacing", body="How?")
    board_services.post_reply(actor=bo, topic=topic, body="First answer")
    signed_in(client, person(group, "Mia Member"))
    assert "Pacing" in html(client, _board(group))  # the first look is recorded: not kept
    first = html(client, topic.get_absolute_url())  # marks it read: not kept
    assert ">New<" in first
    for url in (_board(group), topic.get_absolute_url()):
        again = html(client, url)  # writes nothing: kept
        with django_assert_num_queries(0):
            assert html(client, url) == again
    assert ">New<" not in again


def test_a_reply_shows_on_the_thread_and_the_board_at_once(client, group):
    bo = person(group, "Bo Member")
    topic = board_services.start_discussion(actor=bo, group=group, title="Pacing", body="How?")
    signed_in(client, person(group, "Mia Member"))
    for _look in range(2):
        html(client, _board(group))
        html(client, topic.get_absolute_url())
    board_services.post_reply(actor=bo, topic=topic, body="A second thought")
    assert "1 reply" in html(client, _board(group))
    assert "A second thought" in html(client, topic.get_absolute_url())


def test_a_new_visit_shows_on_every_page_of_the_board_at_once(client, group, monkeypatch):
    board_services.start_discussion(
        actor=person(group, "Bo Member"), group=group, title="Pacing", body="How?"
    )
    signed_in(client, person(group, "Mia Member"))
    discussions = _board(group, "?kind=discussion")
    html(client, _board(group))  # the first visit
    html(client, discussions)
    assert "since your last visit" not in html(client, discussions)  # kept
    monkeypatch.setattr(board_services, "VISIT_GAP", timedelta(0))
    monkeypatch.setattr(board_services, "VISIT_TOUCH", timedelta(0))
    html(client, _board(group))  # a new visit: the one before is now "your last visit"
    assert "since your last visit" in html(client, discussions)


def test_a_page_with_a_message_waiting_is_neither_served_nor_kept(client, group):
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2))
    url = group.get_absolute_url()
    signed_in(client, person(group, "Mia Member"))
    html(client, url)  # kept
    client.post(reverse("meetings:rsvp", kwargs={"pk": meeting.pk}), {"answer": "going"})
    assert "your answer is saved" in html(client, url)
    assert "your answer is saved" not in html(client, url)


def test_site_admins_pages_are_never_kept(rf, group):
    request = rf.get(group.get_absolute_url())
    request.user = AdminFactory()
    request.session = {}
    request._messages = []
    assert pagecache.page_key(request) is None


def test_another_form_token_gets_another_copy(client, group):
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2))
    signed_in(client, person(group, "Mia Member"))
    first = html(client, meeting.get_absolute_url())
    client.cookies["csrftoken"] = "b" * 32
    second = html(client, meeting.get_absolute_url())
    assert first != second  # the forms carry a token of this browser's secret


def test_each_row_bumps_its_group_and_people():
    group = group_of([("Olga Organizer", Role.ORGANIZER), ("Bo Member", Role.MEMBER)])
    olga, bo = person(group, "Olga Organizer"), person(group, "Bo Member")
    meeting = MeetingFactory(group=group)
    segment = AgendaSegmentFactory(meeting=meeting)
    rsvp = RsvpFactory(meeting=meeting, user=bo)
    topic = Topic.objects.create(
        group=group, author=olga, title="T", body="B", kind=TopicKind.DISCUSSION
    )
    reply = Reply.objects.create(topic=topic, author=bo, body="R")
    assert {f"g:{group.pk}", f"u:{bo.pk}"} <= pagecache.scope_of(rsvp)
    assert f"g:{group.pk}" in pagecache.scope_of(segment)
    assert {f"g:{group.pk}", f"u:{bo.pk}"} <= pagecache.scope_of(reply)
    assert pagecache.scope_of(bo.profile) == {f"u:{bo.pk}", "people"}
    visit = BoardVisit(user=bo, group=group, visited_at=timezone.now())
    assert pagecache.scope_of(visit) == {f"u:{bo.pk}"}
    assert pagecache.scope_of(UserFactory.build()) == {"u:None", "people"}


def test_every_model_of_the_project_bumps_versions_when_written():
    labels = {config.label for config in pagecache.project_apps()}
    assert {"members", "groups", "meetings", "presentations", "board", "polls"} <= labels
    assert {"account", "mfa", "portal", "alerts", "consultations"} <= labels
    assert not {"auth", "sessions", "admin"} & labels
    for config in pagecache.project_apps():
        for model in config.get_models():
            receivers = [
                r for r in post_save._live_receivers(model)[0] if r == pagecache._after_write
            ]
            assert receivers, model
            assert any(r == pagecache._after_write for r in post_delete._live_receivers(model)[0])


def test_signing_in_bumps_nothing():
    user = UserFactory()
    before = pagecache.versions([f"u:{user.pk}", "people"])
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert pagecache.versions([f"u:{user.pk}", "people"]) == before


def test_a_kept_copy_lives_a_minute(client, group, monkeypatch):
    kept = {}
    real_set = cache.set

    def spy(key, value, timeout=None, **kwargs):
        if str(key).startswith("page:"):
            kept[key] = timeout
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    signed_in(client, person(group, "Mia Member"))
    html(client, group.get_absolute_url())
    assert list(kept.values()) == [pagecache.PAGE_SECONDS] == [60]


def test_a_transaction_bumps_once_however_many_rows_it_writes(
    group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for _ in range(5):
            Membership.objects.filter(group=group).update(facilitates=False)
        MeetingFactory(group=group)
    bumps = [c for c in callbacks if isinstance(c, pagecache._Bump)]
    assert len(bumps) == 1
    assert {"pv:all", f"pv:g:{group.pk}"} <= bumps[0].keys


def _request(rf, user):
    request = rf.get("/some/page/")
    request.COOKIES["csrftoken"] = CSRF
    request.user = user
    request.session = {}
    request._messages = []
    return request


def test_a_copy_is_kept_and_served_without_running_the_view(rf, group):
    calls = []

    def view(request):
        calls.append(1)
        request.page_groups = [group.pk]
        return HttpResponse("the page")

    wrapped = pagecache.cached_member_page(view)
    mia = person(group, "Mia Member")
    assert wrapped(_request(rf, mia)).content == b"the page"
    assert wrapped(_request(rf, mia)).content == b"the page"
    assert len(calls) == 1


def test_a_copy_made_while_its_group_changed_is_not_kept(rf, group):
    calls = []

    def view(request):
        calls.append(1)
        pagecache.bump([f"g:{group.pk}"])  # someone writes while the page is being rendered
        request.page_groups = [group.pk]
        return HttpResponse("the page")

    wrapped = pagecache.cached_member_page(view)
    mia = person(group, "Mia Member")
    wrapped(_request(rf, mia))
    wrapped(_request(rf, mia))
    assert len(calls) == 2


def test_the_kept_pages_can_be_turned_off(client, group, settings):
    settings.MEMBER_PAGE_CACHE = False
    signed_in(client, person(group, "Mia Member"))
    html(client, group.get_absolute_url())
    assert not [key for key in cache._cache if ":page:" in key]


def test_a_page_without_a_form_token_cookie_is_not_kept(client, group):
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2))
    client.force_login(person(group, "Mia Member"))  # no csrftoken cookie yet
    client.cookies.pop("csrftoken", None)
    response = client.get(meeting.get_absolute_url())
    assert "csrftoken" in response.cookies  # the page brought its cookie
    assert not [key for key in cache._cache if ":page:" in key]


def test_a_failed_save_does_not_silence_later_bulk_writes(group):
    from django.db import IntegrityError

    mia = person(group, "Mia Member")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(group=group, user=mia)  # she is a member already
    pagecache._forget_saves()  # what the next request or task starts with
    before = pagecache.versions(["all"])
    Membership.objects.filter(group=group).update(facilitates=False)
    assert pagecache.versions(["all"]) != before


def test_a_bulk_write_outside_a_transaction_bumps_after_it_ran(group, monkeypatch):
    order = []
    real_bump = pagecache.bump
    monkeypatch.setattr(pagecache, "bump", lambda names: (order.append("bump"), real_bump(names)))

    def execute(sql, params, many, context):
        order.append("write")

    pagecache._watch_writes(execute, 'UPDATE "groups_membership" SET x = 1', (), False, {})
    assert order == ["write", "bump"]


def test_a_case_page_is_kept_sealed_a_topic_page_in_clear(client, group, django_assert_num_queries):
    from presentations.models import Presentation

    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=2))
    bo = person(group, "Bo Member")
    case = Presentation.objects.create(
        meeting=meeting,
        segment=AgendaSegmentFactory(meeting=meeting, kind="case"),
        presenter=bo,
        case_question="How do I hold the frame?",
    )
    topic = Presentation.objects.create(
        meeting=meeting,
        segment=AgendaSegmentFactory(meeting=meeting, kind="topic", position=1),
        presenter=bo,
        topic_title="Telehealth",
    )
    signed_in(client, person(group, "Mia Member"))
    assert "How do I hold the frame?" in html(client, case.get_absolute_url())
    kept = [pickled for key, pickled in cache._cache.items() if ":page:" in key]
    assert len(kept) == 1
    assert b"hold the frame" not in kept[0]  # what the cache holds of it is sealed
    with django_assert_num_queries(0):
        assert "How do I hold the frame?" in html(client, case.get_absolute_url())
    Presentation.objects.filter(pk=case.pk).update(case_question="")  # purged
    assert "How do I hold the frame?" not in html(client, case.get_absolute_url())
    assert "Telehealth" in html(client, topic.get_absolute_url())
    assert len([key for key in cache._cache if ":page:" in key]) == 2


def test_a_sealed_copy_opens_only_under_its_own_key_and_secret(settings):
    sealed = pagecache.seal("page:1:abc", b"the case")
    assert pagecache.unseal("page:1:abc", sealed) == b"the case"
    assert pagecache.unseal("page:2:abc", sealed) is None
    settings.SECRET_KEY = "another secret key for this test only, long enough to be one"
    assert pagecache.unseal("page:1:abc", sealed) is None


def test_a_version_made_after_the_page_began_is_no_write_a_bump_is():
    import time

    started = time.time_ns()
    assert pagecache.stamp(["g:999999"], started=started) is not None  # first seen now
    pagecache.bump(["g:999999"])  # a write while the page was being made
    assert pagecache.stamp(["g:999999"], started=started) is None


def test_a_join_bumps_the_groups_version_not_everyones(group):
    before = pagecache.versions(["all", f"g:{group.pk}"])
    group_services.join_group(user=UserFactory(), group=group, accepted_rules=True)
    after = pagecache.versions(["all", f"g:{group.pk}"])
    assert after[0] == before[0]  # the member count is written for this group only
    assert after[1] != before[1]


def test_an_application_decided_shows_on_the_applicants_dashboard_at_once(client, group):
    from groups.models import Application
    from tests.factories import ApplicationFactory

    applicant = UserFactory()
    application = ApplicationFactory(group=group, applicant=applicant)
    signed_in(client, applicant)
    first = html(client, reverse("members:dashboard"))
    assert "Harbor Circle" in first
    Application.objects.filter(pk=application.pk).update(status="declined")
    assert html(client, reverse("members:dashboard")) != first
