"""Admin for scheduling polls, read-only: polls change on the site, through polls.services. The
note an organizer wrote to their group is not shown here."""

from django.contrib import admin

from members.admin import ReadOnlyAdminMixin
from polls.models import Poll


@admin.register(Poll)
class PollAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "group", "closes_at", "closed_at", "scheduled_at"]
    list_select_related = ["group"]
    search_fields = ["group__name", "title"]
    raw_id_fields = ["group", "created_by", "chosen", "meeting", "series"]
    exclude = ["note"]
