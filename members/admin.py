from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction

from members import services
from members.models import (
    AuditEntry,
    Delivery,
    Modality,
    NotificationPreference,
    Population,
    Specialty,
    TherapistProfile,
    User,
)
from members.notifications import queue_deliveries, resend


class ReadOnlyAdminMixin:
    """For models people write or that carry an invariant (seat counts, the last organizer,
    audit entries, sent e-mails): the admin shows them, and changes them only through admin
    actions that call the services, which check the rules and record the admin in the audit log.
    Works for model admins and inlines alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "profile__display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("profile")

    def has_delete_permission(self, request, obj=None):
        # Deleting an account ends roles, offers seats, keeps history: the person does it from
        # their settings page (members.privacy.delete_account), never a raw delete here.
        return False

    @admin.display(description="Name", ordering="profile__display_name")
    def display_name(self, obj):
        return getattr(getattr(obj, "profile", None), "display_name", "")


@admin.register(TherapistProfile)
class TherapistProfileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Therapists write their own profiles; admins verify licences, through the service."""

    list_display = [
        "display_name",
        "user",
        "credential_type",
        "licence_region",
        "licence_verified_at",
        "city",
        "accepting_referrals",
    ]
    list_filter = [
        ("licence_verified_at", admin.EmptyFieldListFilter),
        "credential_type",
        "practice_setting",
        "accepting_referrals",
        "licence_region",
    ]
    search_fields = ["display_name", "user__email", "licence_number", "city"]
    list_select_related = ["user"]
    readonly_fields = ["licence_verified_at", "licence_verified_by", "created_at", "updated_at"]
    # Where someone practises (their city's centre): private, so kept out of the admin too.
    exclude = ["latitude", "longitude"]
    filter_horizontal = ["specialties", "modalities", "populations"]
    raw_id_fields = ["user"]
    actions = ["verify_licences"]

    @admin.action(description="Verify the licences of the selected therapists")
    def verify_licences(self, request, queryset):
        verified, skipped = 0, []
        for profile in queryset:
            try:
                services.verify_licence(actor=request.user, profile=profile)
                verified += 1
            except services.ProfileError:
                skipped.append(str(profile))
        if verified:
            self.message_user(request, f"Verified {verified} licence(s).", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                "No licence number to verify for: " + ", ".join(skipped),
                messages.WARNING,
            )


@admin.register(Specialty, Modality, Population)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "verb", "actor", "subject", "group", "object_type"]
    list_filter = ["verb"]
    search_fields = ["verb", "actor__email", "subject__email", "group__name"]
    list_select_related = ["actor", "subject", "group"]
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """One row per e-mail, sent once: deleting a row would let it be sent again."""

    list_display = ["template", "email", "status", "due_at", "sent_at", "attempts", "short_error"]
    list_filter = ["status", "kind", "template"]
    search_fields = ["email", "template"]
    date_hierarchy = "due_at"
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["resend_deliveries"]

    @admin.display(description="Last error")
    def short_error(self, obj):
        return (obj.last_error or "")[:80]

    @admin.action(description="Send the selected deliveries again")
    def resend_deliveries(self, request, queryset):
        """Mark the rows pending again and, once that commits, hand them to the workers the way
        ``notify()`` does: no dispatcher and no SMTP inside the request. If the broker is down
        the rows stay pending and the next beat dispatch sends them."""
        ids = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            count = resend(ids)
            services.record_audit(
                actor=request.user,
                verb="deliveries.resent",
                data={"count": count, "ids": ids[:100]},
            )
            transaction.on_commit(lambda: queue_deliveries(ids))
        self.message_user(request, f"{count} deliveries queued to be sent again.", messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each person chooses their own, on their notification settings page."""

    list_display = ["user", "kind", "enabled", "digest", "updated_at"]
    list_filter = ["kind", "enabled"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
