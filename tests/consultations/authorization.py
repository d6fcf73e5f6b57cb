"""This app's rows of the authorization matrix (tests/test_authorization_matrix.py).

The world's member asked for a consultation in the closed group and replied to it: only they
may edit the reply and close the request; they or the organizer may call a huddle. Everything
is the members' own: 404 to everyone else, site admins included."""

from consultations.models import ConsultationReply, ConsultationRequest


def _expected() -> dict:
    # Imported here: the matrix imports this module while it is itself being imported.
    from tests.test_authorization_matrix import GET, LOGIN, POST, _everyone, members_only

    return {
        "consultations:list": (GET, members_only()),
        "consultations:new": (GET, members_only()),
        "consultations:detail": (GET, members_only()),
        "consultations:reply": (POST, members_only()),  # empty form: the page again
        "consultations:edit_reply": (GET, _everyone(404, anonymous=LOGIN, member=200)),
        "consultations:close": (GET, members_only(organizer=404)),  # the asker's alone
        "consultations:huddle": (GET, members_only()),  # the asker or an organizer
    }


EXPECTED: dict = _expected()


def build(world) -> dict:
    """URL name -> the kwargs to open it with, from objects made in the matrix's world."""
    group, member = world["objects"]["group"], world["users"]["member"]
    request = ConsultationRequest.objects.create(
        group=group,
        asker=member,
        question="How do I hold the boundary with Client A?",
        background="Client A, in therapy for a year.",
    )
    reply = ConsultationReply.objects.create(
        request=request, author=member, body="One more thing I tried."
    )
    on_request = {"slug": group.slug, "pk": request.pk}
    return {
        "consultations:list": {"slug": group.slug},
        "consultations:new": {"slug": group.slug},
        "consultations:detail": on_request,
        "consultations:reply": on_request,
        "consultations:edit_reply": {**on_request, "reply_id": reply.pk},
        "consultations:close": on_request,
        "consultations:huddle": on_request,
    }
