"""Admin for presentations. Case content is confidential: it is not shown or editable here."""

from django.contrib import admin

from presentations.models import (
    Ballot,
    Election,
    LeadershipTerm,
    Nomination,
    Presentation,
    RecognitionFlag,
    SwapOffer,
)
from presentations.services.cases import CASE_FIELDS


@admin.register(Presentation)
class PresentationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "status", "claimed_at", "case_saved_at", "case_purged_at"]
    list_filter = ["status", "segment__kind"]
    search_fields = ["presenter__email", "meeting__group__name"]
    list_select_related = ["segment", "meeting__group", "presenter__profile"]
    raw_id_fields = ["segment", "meeting", "presenter"]
    exclude = [*CASE_FIELDS, "case_help_wanted", "case_confirmed_findings"]
    readonly_fields = ["case_saved_at", "case_purged_at"]


@admin.register(SwapOffer)
class SwapOfferAdmin(admin.ModelAdmin):
    list_display = ["meeting", "role", "from_user", "to_user", "status", "created_at"]
    list_filter = ["role", "status"]
    list_select_related = ["meeting__group", "from_user__profile", "to_user__profile"]
    raw_id_fields = ["meeting", "presentation", "from_user", "to_user"]


@admin.register(RecognitionFlag)
class RecognitionFlagAdmin(admin.ModelAdmin):
    """Who flagged is kept from the presenter; admins see only that a flag exists."""

    list_display = ["presentation", "created_at"]
    exclude = ["user"]
    raw_id_fields = ["presentation"]


class NominationInline(admin.TabularInline):
    model = Nomination
    extra = 0
    raw_id_fields = ["nominee", "nominated_by"]


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "nominations_close_at", "voting_closes_at", "winner"]
    list_select_related = ["group", "winner__profile"]
    raw_id_fields = ["group", "opened_by", "winner"]
    inlines = [NominationInline]
    readonly_fields = ["results", "result_note", "closed_at"]


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    list_display = ["election", "voter"]
    list_select_related = ["election", "voter__profile"]


@admin.register(LeadershipTerm)
class LeadershipTermAdmin(admin.ModelAdmin):
    list_display = ["group", "leader", "starts_on", "ends_on"]
    list_select_related = ["group", "leader__profile"]
    raw_id_fields = ["group", "leader", "election"]
