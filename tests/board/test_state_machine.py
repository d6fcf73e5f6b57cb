"""A model of the board's services (STYLE rule 15): Hypothesis drives random sequences of the
real services, by members, organizers, former members and outsiders, and checks after every
step what people rely on:

* what a person wrote is changed only by them (edit, delete) or by their account's erasure,
  never by someone else's action; a deleted post holds no text;
* refusals change nothing: an outsider or former member never gets a post in;
* nobody's own activity makes a topic unread for them;
* at most one open report per person and post; reports only about posts of their group;
* one action, one message: no e-mail about one's own action, none twice from one step.

The whole-service model (tests/test_state_machine.py) also posts, replies, edits, deletes, hides,
reports and erases, among every other feature; this one stays small and dense for what only it
does: pinning and locking, texts the identifier guard refuses, the unread marks, a co-organizer,
one open report per person and post. Its checks run only when what they read changed
(tests/state_machine/tracking.py).
"""

import os
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from board import selectors, services
from board.models import Reply, Report, Topic
from config.errors import DomainError
from config.guard import IdentifiersFound
from groups.enums import DepartureReason, Role
from groups.models import Group, Membership
from groups.services import leave_all_groups, leave_group
from members.models import Delivery
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.state_machine.tracking import Checks, TableWatch, when_changed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("STATEFUL_EXAMPLES", "25"))
STEPS = int(os.environ.get("STATEFUL_STEPS", "25"))
REFUSALS = (DomainError, ValidationError, IdentifiersFound)
index = st.integers(0, 50)
TEXTS = st.sampled_from(["Slowly.", "Sliding scales?", "Jane Smith, MRN 123456", "  "])


def pick(items, i):
    return items[i % len(items)] if items else None


class BoardModel(RuleBasedStateMachine):
    def __init__(self, checks: Checks | None = None):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        # Each check runs again only when a table it read, or the model's record, changed.
        self.checks = (checks or Checks(TableWatch())).copy()
        self.checks.passed.clear()
        self.group = GroupFactory(capacity=10)
        self.people = [UserFactory() for _ in range(5)]  # the last is never a member
        roles = [Role.ORGANIZER, Role.CO_ORGANIZER, Role.MEMBER, Role.MEMBER]
        for user, role in zip(self.people, roles, strict=False):
            MembershipFactory(group=self.group, user=user, role=role)
        self.texts: dict[tuple[str, int], tuple[int | None, str]] = {}  # post -> (author, text)
        self.erased: set[int] = set()
        self.actor_id: int | None = None
        self.mark()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def mark(self):
        self.last_delivery = Delivery.objects.order_by("-pk").values_list("pk", flat=True).first()
        self.last_delivery = self.last_delivery or 0

    def call(self, user, service, **kwargs):
        self.actor_id = user.pk
        self.mark()
        try:
            with transaction.atomic():
                return service(actor=user, **kwargs)
        except REFUSALS:
            return None

    def remember(self, post):
        if post is not None:
            self.texts[(post.post_type, post.pk)] = (post.author_id, post.body)

    def posts(self) -> list:
        return [
            *Topic.objects.order_by("pk"),
            *Reply.objects.select_related("topic").order_by("pk"),
        ]

    def fresh_group(self) -> Group:
        """The group as a request loads it: the rules remember a viewer's role on the object
        they ask about, so an object kept from an earlier step would remember a member who
        has since left."""
        return Group.objects.get(pk=self.group.pk)

    def is_member(self, user) -> bool:
        return Membership.objects.filter(group=self.group, user=user).exists()

    # --- steps ---------------------------------------------------------------------------------

    @rule(
        u=index, title=st.sampled_from(["Fees", "Pacing", ""]), body=TEXTS, announce=st.booleans()
    )
    def post_topic(self, u, title, body, announce):
        user = pick(self.people, u)
        service = services.post_announcement if announce else services.start_discussion
        member = self.is_member(user)
        topic = self.call(user, service, group=self.fresh_group(), title=title, body=body)
        assert topic is None or member
        self.remember(topic)

    @rule(u=index, t=index, body=TEXTS)
    def reply(self, u, t, body):
        user, topic = pick(self.people, u), pick(list(Topic.objects.order_by("pk")), t)
        if topic is None:
            return
        member = self.is_member(user)
        answer = self.call(user, services.post_reply, topic=topic, body=body)
        assert answer is None or (member and not topic.locked and not topic.is_hidden)
        self.remember(answer)

    @rule(u=index, p=index, body=TEXTS)
    def edit(self, u, p, body):
        user, post = pick(self.people, u), pick(self.posts(), p)
        if post is not None:
            edited = self.call(user, services.edit_post, post=post, body=body)
            assert edited is None or edited.author_id == user.pk
            self.remember(edited)

    @rule(u=index, p=index)
    def delete(self, u, p):
        user, post = pick(self.people, u), pick(self.posts(), p)
        if post is not None:
            deleted = self.call(user, services.delete_post, post=post)
            assert deleted is None or deleted.author_id == user.pk
            self.remember(deleted)

    @rule(u=index, p=index, action=st.sampled_from(["hide", "unhide", "pin", "lock"]))
    def moderate(self, u, p, action):
        user, post = pick(self.people, u), pick(self.posts(), p)
        if post is None:
            return
        if action == "hide":
            self.call(user, services.hide_post, post=post)
        elif action == "unhide":
            self.call(user, services.unhide_post, post=post)
        elif post.post_type == "topic":
            flag = {"pin": "pinned", "lock": "locked"}[action]
            service = services.pin_topic if action == "pin" else services.lock_topic
            self.call(user, service, topic=post, **{flag: not getattr(post, flag)})

    @rule(u=index, p=index)
    def report(self, u, p):
        user, post = pick(self.people, u), pick(self.posts(), p)
        if post is not None:
            self.call(user, services.report_post, post=post, reason="Please look")

    @rule(u=index, r=index)
    def resolve(self, u, r):
        user, report = pick(self.people, u), pick(list(Report.objects.order_by("pk")), r)
        if report is not None:
            self.call(user, services.resolve_report, report=report)

    @rule(u=index)
    def read_everything(self, u):
        self.call(pick(self.people, u), services.mark_board_read, group=self.fresh_group())

    @rule(u=st.integers(2, 3))
    def leave(self, u):
        user = self.people[u]
        if self.is_member(user):
            self.actor_id = user.pk
            self.mark()
            leave_group(user=user, group=self.group)

    @rule(u=st.integers(2, 3))
    def erase(self, u):
        """Account deletion, as ``portal.privacy.delete_account`` does it: the person leaves
        every group, then what they wrote is erased; they never post again."""
        user = self.people[u]
        self.actor_id = None
        self.mark()
        leave_all_groups(user=user, reason=DepartureReason.ACCOUNT_DELETED)
        services.erase_author(user=user)
        self.erased.add(user.pk)

    # --- what must always hold ----------------------------------------------------------------

    @invariant()
    @when_changed(state=lambda self: (repr(self.texts), repr(self.erased)))
    def text_changes_only_by_its_author(self):
        for post in self.posts():
            author, text = self.texts[(post.post_type, post.pk)]
            if post.is_deleted:
                assert post.body == "" and getattr(post, "title", "") == ""
                assert post.author_id in (author, None)
                continue
            assert (post.author_id, post.body) == (author, text)
            assert author not in self.erased

    @invariant()
    @when_changed()
    def own_activity_never_unread(self):
        for user in self.people:
            if not self.is_member(user):
                continue
            for topic in selectors.latest_for_dashboard(user, limit=100):
                if topic.unread:
                    mine = topic.author_id == user.pk and not topic.replies.exists()
                    last = topic.replies.order_by("-created_at").first()
                    assert not mine
                    assert last is None or last.author_id != user.pk or topic.is_deleted

    @invariant()
    @when_changed()
    def one_open_report_per_person_and_post(self):
        repeated = (
            Report.objects.filter(resolved_at__isnull=True, reporter__isnull=False)
            .values("reporter", "topic", "reply")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        assert list(repeated) == []
        assert not Report.objects.exclude(group=self.group).exists()

    @invariant()
    @when_changed()
    def one_action_one_message_never_to_the_actor(self):
        new = list(
            Delivery.objects.filter(pk__gt=self.last_delivery).values_list("recipient", "template")
        )
        assert len(new) == len(set(new))
        assert self.actor_id is None or self.actor_id not in {r for r, _t in new}


def test_board_services_keep_their_promises():
    watch = TableWatch()
    with watch.installed():
        run_state_machine_as_test(
            partial(BoardModel, Checks(watch)),
            settings=settings(
                max_examples=EXAMPLES,
                stateful_step_count=STEPS,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
