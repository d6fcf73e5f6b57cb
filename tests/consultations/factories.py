"""Consultation requests and replies placed directly (no rule, no guard, no e-mail): a test's
starting point. Requests and replies made by a test of what happens go through the services."""

import factory
from django.utils import timezone

from consultations.models import ConsultationReply, ConsultationRequest
from tests.factories import GroupFactory, UserFactory


class ConsultationRequestFactory(factory.django.DjangoModelFactory):
    """An open, routine request (make the asker a member of the group yourself)."""

    class Meta:
        model = ConsultationRequest

    group = factory.SubFactory(GroupFactory)
    asker = factory.SubFactory(UserFactory)
    question = factory.Sequence(lambda n: f"How do I hold the boundary with Client {n}?")
    background = "Client A, in therapy for a year, asks for extra sessions every week."
    tried = "Naming the pattern in session."
    help_wanted = factory.LazyFunction(lambda: ["ideas"])
    created_at = factory.LazyFunction(timezone.now)


class ConsultationReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationReply

    request = factory.SubFactory(ConsultationRequestFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Idea {n}: try a written agreement about contact.")
