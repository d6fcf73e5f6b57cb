"""Every write about presentations, facilitation and elections."""

from presentations.services.agenda import HeldSlotsNeedConfirmation, edit_agenda
from presentations.services.base import PresentationError, PresentationNotAllowed
from presentations.services.cases import (
    DeidentificationRequired,
    discard_draft,
    flag_recognition,
    purge_expired_cases,
    purge_expired_drafts,
    release_presentation_content,
    save_case,
    save_topic,
)
from presentations.services.departures import end_roles, tell_organizers
from presentations.services.elections import (
    cast_vote,
    close_due_elections,
    close_election,
    nominate,
    open_election,
)
from presentations.services.rotation import (
    accept_rotation_invitation,
    assign_facilitators,
    decline_rotation_invitation,
    expire_rotation_invitations,
    fill_slots_from_queue,
    presenter_queue,
    rotate_facilitators,
)
from presentations.services.slots import (
    answer_swap,
    assign_slot,
    claim_slot,
    move_segment,
    offer_swap,
    reorder_agenda,
    set_facilitator,
    unassign_slot,
    withdraw_from_slot,
)

__all__ = [
    "DeidentificationRequired",
    "HeldSlotsNeedConfirmation",
    "PresentationError",
    "PresentationNotAllowed",
    "accept_rotation_invitation",
    "answer_swap",
    "assign_facilitators",
    "assign_slot",
    "cast_vote",
    "claim_slot",
    "close_due_elections",
    "close_election",
    "decline_rotation_invitation",
    "discard_draft",
    "edit_agenda",
    "end_roles",
    "expire_rotation_invitations",
    "fill_slots_from_queue",
    "flag_recognition",
    "move_segment",
    "nominate",
    "offer_swap",
    "open_election",
    "presenter_queue",
    "purge_expired_cases",
    "purge_expired_drafts",
    "release_presentation_content",
    "reorder_agenda",
    "rotate_facilitators",
    "save_case",
    "save_topic",
    "set_facilitator",
    "tell_organizers",
    "unassign_slot",
    "withdraw_from_slot",
]
