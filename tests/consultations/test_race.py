"""Two requests at once, on real PostgreSQL: the request's row lock makes a reply that waits
behind the asker's close, or a second close, see the request as it was left."""

import pytest

from consultations import services
from consultations.enums import RequestStatus
from consultations.models import ConsultationReply, ConsultationThanks
from consultations.services import ConsultationError
from tests.consultations.factories import ConsultationReplyFactory, ConsultationRequestFactory
from tests.race import behind_another_transaction, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REPLY = "Have you tried a written agreement about contact between sessions?"


@pytest.fixture
def request_(group, asker):
    return ConsultationRequestFactory(group=group, asker=asker)


def test_a_reply_waiting_behind_the_close_is_refused(request_, asker, mia):
    def close():
        services.close_request(actor=asker, request_id=request_.pk)

    def reply():
        with pytest.raises(ConsultationError) as refused:
            services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)
        return str(refused.value)

    message = behind_another_transaction(close, reply)

    assert message == "This request is closed: the colleague who asked marked it as answered."
    assert not ConsultationReply.objects.exists()
    request_.refresh_from_db()
    assert request_.status == RequestStatus.ANSWERED


def test_a_double_submitted_close_thanks_once(request_, asker, mia):
    ConsultationReplyFactory(request=request_, author=mia)

    results = race(
        lambda i: services.close_request(actor=asker, request_id=request_.pk, thanked_ids=[mia.pk]),
        threads=2,
    )

    assert sorted(type(result).__name__ for result in results) == [
        "ConsultationError",
        "ConsultationRequest",
    ]
    assert ConsultationThanks.objects.count() == 1
