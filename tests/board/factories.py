"""Board rows for tests' starting points (placed directly; the services are tested on their own)."""

import factory
from django.utils import timezone

from board.enums import TopicKind
from board.models import Reply, Topic
from tests.factories import GroupFactory, UserFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    group = factory.SubFactory(GroupFactory)
    author = factory.SubFactory(UserFactory)
    kind = TopicKind.DISCUSSION
    title = factory.Sequence(lambda n: f"Pacing trauma work, part {n}")
    body = "How do you pace the first sessions? I find myself rushing."
    created_at = factory.LazyFunction(timezone.now)
    last_activity_at = factory.LazyAttribute(lambda o: o.created_at)


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    topic = factory.SubFactory(TopicFactory)
    author = factory.SubFactory(UserFactory)
    body = "Slower than feels natural, in my experience."
    created_at = factory.LazyFunction(timezone.now)
