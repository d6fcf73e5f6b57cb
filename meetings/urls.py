from django.urls import path

from meetings.views import calendar, exports, meeting, notes
from meetings.views import ledger as ledger_views

app_name = "meetings"

urlpatterns = [
    path("meetings/<int:pk>/edit/", meeting.meeting_edit, name="edit"),
    path("meetings/<int:pk>/cancel/", meeting.meeting_cancel, name="cancel"),
    path("meetings/<int:pk>/rsvp/", meeting.rsvp, name="rsvp"),
    path("meetings/<int:pk>/attendance/", meeting.attendance, name="attendance"),
    path("meetings/<int:pk>/calendar.ics", calendar.meeting_ics, name="ics"),
    path("meetings/<int:pk>/notes/", notes.notes, name="notes"),
    path("meetings/<int:pk>/notes/edit/", notes.notes_edit, name="notes_edit"),
    path("action-items/<int:pk>/done/", notes.action_item_done, name="action_item_done"),
    path("action-items/<int:pk>/edit/", notes.action_item_edit, name="action_item_edit"),
    path("action-items/<int:pk>/remove/", notes.action_item_delete, name="action_item_delete"),
    path("groups/<slug:slug>/meetings/new/", meeting.meeting_create, name="create"),
    path("groups/<slug:slug>/agenda/", meeting.agenda_template, name="agenda_template"),
    path("groups/<slug:slug>/attendance/", calendar.group_attendance, name="group_attendance"),
    path("groups/<slug:slug>/export/roster.csv", exports.roster_csv, name="export_roster"),
    path("groups/<slug:slug>/export/attendance.csv", exports.register_csv, name="export_register"),
    path("groups/<slug:slug>/export/hours.csv", exports.hours_csv, name="export_hours"),
    path("meetings/<int:pk>/sign-in-sheet.pdf", exports.sign_in_sheet, name="sign_in_sheet"),
    path("me/calendar/", calendar.calendar_settings, name="calendar_settings"),
    path("me/calendar/new-address/", calendar.calendar_regenerate, name="calendar_regenerate"),
    path("me/attendance/", calendar.my_attendance, name="my_attendance"),
    path("me/action-items/", notes.my_action_items, name="my_action_items"),
    path("me/hours/", ledger_views.hours, name="hours"),
    path("me/hours/log/", ledger_views.hours_log, name="hours_log"),
    path("me/hours/log/<int:pk>/remove/", ledger_views.hours_remove, name="hours_remove"),
    path(
        "me/hours/log/<int:pk>/certificate/",
        ledger_views.hours_certificate,
        name="hours_certificate",
    ),
    path("me/hours/renewal/", ledger_views.renewal, name="renewal"),
    path("me/hours/hours.csv", exports.my_hours_csv, name="my_hours_csv"),
    path("me/hours/hours.pdf", exports.my_hours_pdf, name="my_hours_pdf"),
    path("me/hours/certificates.csv", exports.my_certificates_csv, name="my_certificates_csv"),
    path("me/hours/certificates/new/", ledger_views.certificate_new, name="certificate_new"),
    path(
        "me/hours/certificates/<str:code>.pdf", ledger_views.certificate_pdf, name="certificate_pdf"
    ),
    path("verify/", ledger_views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", ledger_views.verify, name="verify"),
    path("calendar/<str:token>.ics", calendar.personal_feed, name="feed"),
    path("calendar/<str:token>/<slug:slug>.ics", calendar.group_feed, name="group_feed"),
]
