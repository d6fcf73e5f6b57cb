from django.urls import path

from presentations.enums import SwapRole
from presentations.views import content, elections, followups, slots

app_name = "presentations"

urlpatterns = [
    path("presentations/<int:pk>/", content.presentation_detail, name="detail"),
    path("presentations/<int:pk>/recognize/", content.flag_recognition, name="flag"),
    path("presentations/<int:pk>/follow-up/", followups.follow_up, name="follow_up"),
    path(
        "presentations/<int:pk>/follow-up/withdraw/",
        followups.withdraw_follow_up,
        name="withdraw_follow_up",
    ),
    path("presentations/drafts/", content.drafts, name="drafts"),
    path("presentations/drafts/<int:pk>/", content.draft_detail, name="draft"),
    path("presentations/drafts/<int:pk>/discard/", content.discard_draft, name="discard_draft"),
    path("meetings/<int:pk>/slots/<int:segment_id>/claim/", slots.claim, name="claim"),
    path("meetings/<int:pk>/slots/<int:segment_id>/withdraw/", slots.withdraw, name="withdraw"),
    path("meetings/<int:pk>/slots/<int:segment_id>/assign/", slots.assign, name="assign"),
    path("meetings/<int:pk>/slots/<int:segment_id>/unassign/", slots.unassign, name="unassign"),
    *(
        path(
            f"meetings/<int:pk>/slots/<int:segment_id>/{direction}/",
            slots.move,
            {"direction": direction},
            name=f"move_{direction}",
        )
        for direction in ("up", "down")
    ),
    *(
        path(
            f"meetings/<int:pk>/swap/{role}/",
            slots.offer_swap,
            {"role": role},
            name=f"offer_swap_{role}",
        )
        for role in SwapRole.values
    ),
    path("meetings/<int:pk>/swaps/<int:offer_id>/", slots.answer_swap, name="answer_swap"),
    path("meetings/<int:pk>/rotation/", slots.fill_from_queue, name="fill_from_queue"),
    path(
        "meetings/<int:pk>/invitations/<int:presentation_id>/",
        slots.answer_invitation,
        name="answer_invitation",
    ),
    path(
        "meetings/<int:pk>/follow-ups/<int:follow_up_id>/accept/",
        followups.accept_follow_up,
        name="accept_follow_up",
    ),
    path(
        "meetings/<int:pk>/follow-ups/<int:follow_up_id>/remove/",
        followups.remove_follow_up,
        name="remove_follow_up",
    ),
    path("meetings/<int:pk>/facilitator/", slots.set_facilitator, name="set_facilitator"),
    path("meetings/<int:pk>/facilitators/rotate/", slots.rotate_facilitators, name="rotate"),
    path("groups/<slug:slug>/elections/new/", elections.election_create, name="election_create"),
    path("elections/<int:pk>/", elections.election_detail, name="election"),
    path("elections/<int:pk>/nominate/", elections.nominate, name="nominate"),
    path("elections/<int:pk>/vote/", elections.vote, name="vote"),
    path("elections/<int:pk>/close/", elections.close, name="close_election"),
]
