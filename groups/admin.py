from django.contrib import admin

from groups.models import (
    Application,
    ApplicationQuestion,
    GroundRulesVersion,
    Group,
    Invitation,
    Membership,
    Resource,
    WaitlistEntry,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "joined_at", "rules_accepted_at"]
    readonly_fields = ["joined_at", "rules_accepted_at"]


class QuestionInline(admin.TabularInline):
    model = ApplicationQuestion
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "membership_policy",
        "venue_kind",
        "city",
        "cadence",
        "member_count",
        "capacity",
        "status",
        "created_at",
    ]
    list_filter = [
        "status",
        "membership_policy",
        "venue_kind",
        "cadence",
        "language",
        "purpose_support",
        "purpose_consultation",
        "purpose_collaboration",
    ]
    search_fields = ["name", "slug", "tagline", "city"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["member_count", "created_at", "updated_at"]
    filter_horizontal = ["focus_specialties"]
    inlines = [MembershipInline, QuestionInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__profile__display_name", "group__name"]
    list_select_related = ["user__profile", "group"]
    raw_id_fields = ["user", "group", "rules_version"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "status", "created_at", "offer_expires_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "group__name"]
    list_select_related = ["user__profile", "group"]
    raw_id_fields = ["user", "group", "rules_version"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["applicant", "group", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["applicant__email", "applicant__profile__display_name", "group__name"]
    list_select_related = ["applicant__profile", "group", "decided_by__profile"]
    raw_id_fields = ["applicant", "group", "decided_by"]
    readonly_fields = ["created_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "group", "invited_by", "created_at", "expires_at", "used_at"]
    search_fields = ["email", "group__name"]
    list_select_related = ["group", "invited_by__profile"]
    raw_id_fields = ["group", "invited_by", "used_by"]
    exclude = ["token"]


@admin.register(GroundRulesVersion)
class GroundRulesVersionAdmin(admin.ModelAdmin):
    list_display = ["group", "number", "created_at", "created_by"]
    list_select_related = ["group", "created_by__profile"]
    search_fields = ["group__name"]
    raw_id_fields = ["group", "created_by"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "category", "pinned", "added_by", "created_at"]
    list_filter = ["category", "pinned"]
    search_fields = ["title", "note", "url", "group__name"]
    list_select_related = ["group", "added_by__profile"]
    raw_id_fields = ["group", "added_by"]
    readonly_fields = ["created_at"]
