"""Admin for consultation requests, read-only. What members wrote is confidential: it is not
shown here. Requests, replies and thanks change on the site, through consultations.services."""

from django.contrib import admin

from consultations.models import ConsultationReply, ConsultationRequest, ConsultationThanks
from members.admin import ReadOnlyAdminMixin


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "group", "urgency", "status", "created_at", "expires_at"]
    list_filter = ["status", "urgency"]
    search_fields = ["group__name", "asker__email"]
    list_select_related = ["group"]
    raw_id_fields = ["group", "asker", "huddle"]
    exclude = ["question", "background", "tried", "help_wanted"]


@admin.register(ConsultationReply)
class ConsultationReplyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "created_at", "edited_at"]
    raw_id_fields = ["request", "author"]
    exclude = ["body"]


@admin.register(ConsultationThanks)
class ConsultationThanksAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "created_at"]
    raw_id_fields = ["request", "member"]
