"""Meetings in the admin: read-only. Schedules, agendas, RSVPs and attendance change on the
site, through meetings.services (sequence numbers, notices, presentations kept on the agenda);
certificates are revoked through their service."""

from django.contrib import admin

from config.access import allowed
from meetings.certificates import revoke_certificate
from meetings.models import (
    AgendaSegment,
    AgendaTemplateSegment,
    Attendance,
    CalendarFeedToken,
    Certificate,
    Meeting,
    MeetingSeries,
    Rsvp,
)
from members.admin import ReadOnlyAdminMixin


class AgendaSegmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgendaSegment
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "group", "starts_at", "status", "facilitator", "sequence"]
    list_filter = ["status", "venue_kind"]
    search_fields = ["title", "group__name"]
    list_select_related = ["group", "facilitator__profile"]
    raw_id_fields = ["group", "series", "facilitator", "backup_facilitator", "timekeeper"]
    date_hierarchy = "starts_at"
    inlines = [AgendaSegmentInline]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "group", "rule", "starts_on", "ends_on", "materialized_until"]
    search_fields = ["title", "group__name"]
    list_select_related = ["group"]
    raw_id_fields = ["group", "created_by"]


@admin.register(Rsvp)
class RsvpAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["meeting", "user", "answer", "updated_at"]
    list_filter = ["answer"]
    list_select_related = ["meeting__group", "user__profile"]
    raw_id_fields = ["meeting", "user"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["meeting", "user", "status", "marked_by", "marked_at"]
    list_filter = ["status"]
    list_select_related = ["meeting__group", "user__profile", "marked_by__profile"]
    raw_id_fields = ["meeting", "user", "marked_by"]


@admin.register(AgendaTemplateSegment)
class AgendaTemplateSegmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["group", "position", "kind", "title", "minutes"]
    list_select_related = ["group"]


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "created_at"]
    exclude = ["token"]
    raw_id_fields = ["user"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Certificates are snapshots: admins read and revoke them, never edit what they say."""

    list_display = [
        "code",
        "holder_name",
        "group_name",
        "period_start",
        "period_end",
        "total_hours",
        "issued_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "holder_name"]
    date_hierarchy = "issued_at"
    readonly_fields = [f.name for f in Certificate._meta.fields]
    actions = ["revoke_certificates"]

    def has_revoke_permission(self, request):
        return allowed(request.user, "meetings.revoke_certificate")

    @admin.action(description="Revoke the selected certificates", permissions=["revoke"])
    def revoke_certificates(self, request, queryset):
        revoked = 0
        for certificate in queryset.filter(revoked_at__isnull=True):
            revoke_certificate(actor=request.user, certificate=certificate)
            revoked += 1
        self.message_user(request, f"Revoked {revoked} certificate(s).", level="success")
