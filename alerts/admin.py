"""Admin for saved searches, read-only: they change on the site, through alerts.services, by
their owner alone. A search's name is its owner's own label: not shown here."""

from django.contrib import admin

from alerts.models import AlertMatch, SavedSearch
from members.admin import ReadOnlyAdminMixin


@admin.register(SavedSearch)
class SavedSearchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "owner", "frequency", "created_at", "last_alert_at"]
    list_filter = ["frequency"]
    raw_id_fields = ["owner"]
    exclude = ["name"]


@admin.register(AlertMatch)
class AlertMatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "search", "group", "reason", "matched_at", "delivery_key"]
    list_filter = ["reason"]
    list_select_related = ["group"]
    raw_id_fields = ["search", "group"]
