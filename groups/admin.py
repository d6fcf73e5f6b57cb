"""Groups in the admin: read-only. Every change goes through groups.services (on the site, or
through the admin actions below), which keep the seat counts, the last-organizer rule, the
ground-rules versions and the audit log. A site admin edits a group on its own edit page."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from config.errors import DomainError
from groups import services
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
from members.admin import ReadOnlyAdminMixin


class MembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at", "rules_accepted_at"]


class QuestionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ApplicationQuestion
    extra = 0
    fields = ["position", "text", "required"]


@admin.register(Group)
class GroupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """No adding here: the site's form gives a new group its organizer and ground-rules version."""

    list_display = [
        "name",
        "membership_policy",
        "venue_kind",
        "city",
        "cadence",
        "member_count",
        "waitlist_count",
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
    readonly_fields = ["edit_on_site", "member_count", "waitlist_count", "created_at", "updated_at"]
    inlines = [MembershipInline, QuestionInline]

    @admin.display(description="Edit")
    def edit_on_site(self, obj):
        url = reverse("groups:edit", kwargs={"slug": obj.slug})
        return format_html('<a href="{}">Edit this group on the site</a>', url)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Joining, vetting, roles and removal happen on the site, where the rules apply."""

    list_display = ["user", "group", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__profile__display_name", "group__name"]
    list_select_related = ["user__profile", "group"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "group", "status", "created_at", "offer_expires_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "group__name"]
    list_select_related = ["user__profile", "group"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Site admins may vet, as on the site's vetting pages: the actions call the service."""

    list_display = ["applicant", "group", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["applicant__email", "applicant__profile__display_name", "group__name"]
    list_select_related = ["applicant__profile", "group", "decided_by__profile"]
    actions = ["approve_applications", "decline_applications"]

    def has_decide_permission(self, request):
        return request.user.has_perm("groups.change_application")

    @admin.action(description="Approve the selected applications", permissions=["decide"])
    def approve_applications(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description="Decline the selected applications", permissions=["decide"])
    def decline_applications(self, request, queryset):
        self._decide(request, queryset, approve=False)

    def _decide(self, request, queryset, *, approve: bool):
        done, refused = 0, []
        for application in queryset.select_related("group", "applicant__profile"):
            try:
                services.decide_application(
                    actor=request.user, application=application, approve=approve
                )
            except DomainError as exc:
                refused.append(f"{application} ({exc})")
            else:
                done += 1
        if done:
            verb = "Approved" if approve else "Declined"
            self.message_user(request, f"{verb} {done} application(s).", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not changed: " + "; ".join(refused), messages.WARNING)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["email", "group", "invited_by", "created_at", "expires_at", "used_at"]
    search_fields = ["email", "group__name"]
    list_select_related = ["group", "invited_by__profile"]
    exclude = ["token"]


@admin.register(GroundRulesVersion)
class GroundRulesVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["group", "number", "created_at", "created_by"]
    list_select_related = ["group", "created_by__profile"]
    search_fields = ["group__name"]


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "group", "category", "pinned", "added_by", "created_at"]
    list_filter = ["category", "pinned"]
    search_fields = ["title", "note", "url", "group__name"]
    list_select_related = ["group", "added_by__profile"]
