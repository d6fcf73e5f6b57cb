"""Admin for presentations, read-only. Case content is confidential: it is not shown here.
Slots, swaps, flags and elections change on the site, through presentations.services.

Recognition flags (“I may know this client”) have no admin page at all: a presentation shows
only how many it has. Who flagged is not in the database (a keyed hash), and the admin offers
no way to list, filter or search flags."""

from django.contrib import admin
from django.db.models import Count

from members.admin import ReadOnlyAdminMixin
from presentations.models import (
    Ballot,
    CaseDraft,
    Election,
    LeadershipTerm,
    Nomination,
    Presentation,
    SwapOffer,
)
from presentations.services.cases import CASE_FIELDS


@admin.register(Presentation)
class PresentationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "meeting",
        "status",
        "claimed_at",
        "case_saved_at",
        "case_purged_at",
        "recognition_flag_count",
    ]
    list_filter = ["status", "segment__kind"]
    search_fields = ["presenter__email", "meeting__group__name"]
    list_select_related = ["segment", "meeting__group", "presenter__profile"]
    raw_id_fields = ["segment", "meeting", "presenter"]
    exclude = [*CASE_FIELDS, "case_help_wanted", "case_confirmed_findings"]
    readonly_fields = ["case_saved_at", "case_purged_at", "recognition_flag_count"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(recognition_flag_count=Count("recognition_flags"))
        )

    @admin.display(description="recognition flags", ordering="recognition_flag_count")
    def recognition_flag_count(self, obj) -> int:
        return obj.recognition_flag_count


@admin.register(CaseDraft)
class CaseDraftAdmin(admin.ModelAdmin):
    """A member's private draft: admins see that it exists, never what it says, and cannot add
    or change one (drafts are made only by the services, for their author)."""

    list_display = ["__str__", "author", "group", "kind", "reason", "created_at"]
    list_filter = ["kind", "reason"]
    list_select_related = ["author__profile", "group"]
    search_fields = ["author__email"]
    fields = ["author", "group", "source_meeting", "kind", "reason", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SwapOffer)
class SwapOfferAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["meeting", "role", "from_user", "to_user", "status", "created_at"]
    list_filter = ["role", "status"]
    list_select_related = ["meeting__group", "from_user__profile", "to_user__profile"]
    raw_id_fields = ["meeting", "presentation", "from_user", "to_user"]


class NominationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Nomination
    extra = 0
    raw_id_fields = ["nominee", "nominated_by"]


@admin.register(Election)
class ElectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "group", "nominations_close_at", "voting_closes_at", "winner"]
    list_select_related = ["group", "winner__profile"]
    raw_id_fields = ["group", "opened_by", "winner"]
    inlines = [NominationInline]
    readonly_fields = ["results", "result_note", "closed_at"]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["election", "voter"]
    list_select_related = ["election", "voter__profile"]


@admin.register(LeadershipTerm)
class LeadershipTermAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["group", "leader", "starts_on", "ends_on"]
    list_select_related = ["group", "leader__profile"]
    raw_id_fields = ["group", "leader", "election"]
