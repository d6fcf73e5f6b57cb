"""Names vulture cannot see used: each is used by Django, Celery, django-rules or a template.

vulture reads this file with the apps (pyproject.toml [tool.vulture] paths); it is never run.
Whole Django conventions (AppConfig, middleware, commands, Meta options, admin and form hooks)
are patterns in [tool.vulture] ignore_names instead. A name goes here with the one who uses it;
a name nothing uses is deleted, not listed.
"""

# ruff: noqa: B018 - every line is a bare use, which is the point

from crispy_forms.helper import FormHelper
from django.contrib import admin
from django.http import HttpResponse

from alerts.models import AlertMatch, SavedSearch
from board.models import DigestPreference, Post, ReadMark, Report, Topic
from board.urls import PostConverter
from config import access, django_strings
from config.cache import DegradingRedisCache, ReusingRedisCacheClient
from config.context_processors import two_step
from config.guard import GuardedCharField
from config.mail import ReadableConsoleEmailBackend
from config.mfa import AddSecurityKeyForm, EditSecurityKeyForm
from config.sentry import init_sentry
from config.uploads import CheckedFileField
from consultations.models import ConsultationRequest
from groups.document_forms import GuardedFileInput
from groups.enums import Language, LeadershipModel, ResourceCategory, Weekday
from groups.filters import EqualsAny, GroupFilter, PlaceFilter
from groups.forms import DecisionForm, GroupForm
from groups.models import (
    Application,
    CityKeyField,
    DocumentVersion,
    GroundRulesVersion,
    Group,
    Invitation,
    Membership,
    WaitlistEntry,
)
from groups.views.ground_rules import accept_rules
from meetings.enums import HoursCategory, SegmentKind
from meetings.ledger import Bar, Ledger, Tally
from meetings.models import (
    ActionItem,
    AgendaSegment,
    Attendance,
    Certificate,
    Meeting,
    MeetingNotes,
    MeetingSeries,
)
from meetings.notes import NotesSummary
from meetings.outside_hours import Progress
from members.adapters import AccountAdapter, MFAAdapter
from members.enums import CredentialType, PracticeSetting
from members.filters import ColleagueFilter
from members.forms import ProfileForm, SignupExtraForm, TimeZoneField
from members.models import Delivery, LicenceCheck, TherapistProfile, User
from members.places import BoundingBox, distance_km
from polls.forms import PollForm
from polls.selectors import OptionResult
from portal.health import Bar as HealthBar
from portal.health import Chart, Health
from portal.health import Row as HealthRow
from portal.sitemaps import GroupSitemap, PublicPagesSitemap
from portal.views.data import DeleteAccountForm
from presentations.enums import HelpWanted
from presentations.forms import DiscardDraftForm, FacilitatorForm
from presentations.models import (
    Ballot,
    CaseDraft,
    Election,
    FollowUp,
    FollowUpReason,
    Nomination,
    Presentation,
    RecognitionFlag,
    SwapOffer,
)

# --- Loaded by Django or allauth from settings (config/settings is not scanned) ---------------
DegradingRedisCache  # CACHES["default"]["BACKEND"]
two_step  # TEMPLATES context_processors
AccountAdapter  # ACCOUNT_ADAPTER
MFAAdapter  # MFA_ADAPTER
SignupExtraForm  # ACCOUNT_SIGNUP_FORM_CLASS
SignupExtraForm.signup  # allauth calls it after saving the new user, and requires it
AddSecurityKeyForm  # MFA_FORMS["add_webauthn"]
EditSecurityKeyForm  # MFA_FORMS["edit_webauthn"]
init_sentry  # config/settings/production.py

# --- Hooks Django or allauth call on our subclasses ---------------------------------------------
ReusingRedisCacheClient.get_client  # django.core.cache.backends.redis.RedisCache._cache
DegradingRedisCache._class  # the client class RedisCache instantiates
GuardedCharField.get_bound_field  # forms.Form.__getitem__
MFAAdapter._get_site_name  # names PeerCircle as the security keys' relying party
admin.site.site_header  # config/urls.py: the admin's own templates read these
admin.site.site_title
HttpResponse.status_code  # config.middleware.DomainErrorMiddleware answers 303, not 302

# --- Model fields: read by the ORM, forms (Meta.fields), the admin and templates ----------------
User.username  # None: AbstractUser's field dropped (also UserManager._create_user_object's arg)
User.first_name  # None: dropped
User.last_name  # None: dropped
TherapistProfile.pronouns
TherapistProfile.practice_setting
TherapistProfile.accepting_referrals
TherapistProfile.show_email_to_colleagues
TherapistProfile.bio
TherapistProfile.licence_verified_by
Delivery.queued_at
Group.tagline
Group.description
Group.orientation_note
Group.eligibility_criteria
Group.cadence
Group.language
Group.warn_low_rsvp
Group.case_retention_days
Group.created_by
GroundRulesVersion.created_by
Membership.facilitates
WaitlistEntry.offered_at  # written by groups.services.waitlist, shown only by the admin
WaitlistEntry.resolved_at  # written by groups.services.waitlist, shown only by the admin
Application.consent_to_share_profile
Application.decided_by
Invitation.invited_by
Invitation.used_by
Invitation.revoked_by
MeetingSeries.created_by
Meeting.backup_facilitator
Meeting.low_rsvp_warned_at
Attendance.marked_by
Attendance.marked_at
Certificate.revoked_by
Presentation.claimed_at
Presentation.case_saved_at
CaseDraft.author
RecognitionFlag.flagger_key
SwapOffer.answered_at  # written by presentations.services, shown only by the admin
Election.opened_by
Nomination.nominated_by
Ballot.voter

# --- Enum members: stored values, offered as choices --------------------------------------------
LeadershipModel.GROUP_LED
Weekday.MONDAY
Weekday.TUESDAY
Weekday.WEDNESDAY
Weekday.THURSDAY
Weekday.FRIDAY
Weekday.SATURDAY
Weekday.SUNDAY
Language.ES
Language.FR
Language.DE
Language.PT
Language.ZH
ResourceCategory.CONFERENCE
ResourceCategory.REFERRAL
SegmentKind.BUSINESS
SegmentKind.BREAK
CredentialType.LMHC
CredentialType.PSYCHIATRIST
CredentialType.PMHNP
PracticeSetting.HOSPITAL
PracticeSetting.SCHOOL
PracticeSetting.TELEHEALTH
HelpWanted.IDEAS
HelpWanted.VALIDATION
HelpWanted.ETHICS
HelpWanted.REFERRAL

# --- django-filter fields and methods (the FilterSet declares them, method= names them) -------
GroupFilter.specialty
GroupFilter.cadence
GroupFilter.language
GroupFilter.has_seats
GroupFilter.filter_purpose
GroupFilter.filter_weekday
GroupFilter.filter_has_seats
GroupFilter.sort_by  # the sort field orders in GroupFilter.qs; filtering on it does nothing
GroupFilter.within  # read by GroupFilter.filter_near
GroupFilter.filter_near
GroupFilter.read_by_near  # within and online filter nothing themselves
PlaceFilter.field_class  # django-filter makes the form field from it
ColleagueFilter.specialty
ColleagueFilter.modality
ColleagueFilter.population
ColleagueFilter.accepting_referrals
ColleagueFilter.filter_accepting

# --- Form fields: declared on the form, validated by Django, rendered by the template ---------
GroupForm.weekday_choices  # read as cleaned_data["weekday_choices"]
DecisionForm.decision  # read as cleaned_data["decision"]
DeleteAccountForm.confirm  # members/my_data.html: the required "cannot be undone" box
DiscardDraftForm.confirm  # templates/presentations/draft_discard.html
FacilitatorForm.backup  # read as cleaned_data["backup"]

# --- Read by templates ------------------------------------------------------------------------
Group.purpose_labels  # groups/detail.html, groups/includes/_group_card.html
Group.weekday_labels  # groups/detail.html, groups/includes/_group_card.html
Bar.center  # meetings/ledger.html (the chart)
Bar.value_y  # meetings/ledger.html (the chart)
Bar.row_bar_y  # meetings/ledger.html (the chart's rows on a phone)
Bar.row_text_y  # idem
Bar.row_value_x  # idem
Ledger.chart_hours  # meetings/ledger.html
Ledger.by_month  # meetings/ledger.html
Ledger.by_year  # meetings/ledger.html
Meeting.contact_hours  # meetings/attendance.html, meetings/my_attendance.html
Certificate.total_hours  # meetings/verify.html, meetings/ledger.html
Presentation.is_invited  # presentations/detail.html
Presentation.has_case_content  # presentations/detail.html, meetings/includes/_run_of_show.html
CaseDraft.heading  # presentations/detail.html, presentations/drafts.html

# --- Set for templates by selectors -----------------------------------------------------------
Meeting.my_rsvp_label  # presentations.selectors.upcoming_for_user -> members/dashboard.html
Meeting.my_roles  # presentations.selectors.upcoming_for_user -> members/dashboard.html

# --- Read by tests ----------------------------------------------------------------------------
access.declared  # tests/*/test_rules.py: every rule declared, each with its refusal
# groups.access.permission_required marks every view it wraps with its rule (any view will do)
accept_rules.permission_rule  # tests/groups/test_access.py reads it from the URL patterns

# --- Between meetings (issue 15): the board, consultations, notes, follow-ups -----------------
Post.hidden_by  # ORM field; board/includes/_post_body.html, board.services.hide_post
Topic.last_activity_at  # ORM: board.selectors ordering and unread; board/index.html
ReadMark.read_at  # ORM: board.selectors unread
Report.resolved_by  # ORM field set by board.services.resolve_report
DigestPreference.updated_at  # auto_now
PostConverter.regex  # Django URL converter protocol (board/urls.py)
PostConverter.to_python
PostConverter.to_url
ConsultationRequest.accepts_replies  # consultations/detail.html
ConsultationRequest.help_wanted_labels  # consultations/detail.html
ConsultationRequest.urgency_word  # consultations/list.html, detail.html
MeetingNotes.updated_by  # templates/meetings/notes.html
ActionItem.done_by  # templates/meetings/includes/_action_items_table.html
ActionItem.is_overdue  # meetings/notes_my_items.html, includes/_action_items_*.html
NotesSummary.open_items  # templates/meetings/includes/_notes_summary.html
FollowUpReason.FULL  # a removal reason organizers choose (_followup_decisions.html)
FollowUpReason.LATER  # idem
FollowUpReason.OUTSIDE  # idem
FollowUp.proposed_at  # written by presentations.services.followups, shown by the admin
FollowUp.ended_at  # idem; the check constraint followup_ended_when_removed requires it
FollowUp.reason_choices  # presentations/includes/_followup_decisions.html
AgendaSegment.case_follow_up  # presentations.services.follow_ups_on -> _followup_label.html
Membership.board_unread  # portal.views.home.dashboard -> members/dashboard.html

# --- Plain to use (issue 16) -------------------------------------------------------------------
ReadableConsoleEmailBackend  # config.settings.local EMAIL_BACKEND (make run)
ReadableConsoleEmailBackend.write_message  # Django's console backend calls it per message
GroupFilter.filter_venue  # django-filter: the "where" filter's method= on groups/filters.py
GroupFilter.filter_city  # idem, the city filter
CityKeyField.pre_save  # Django model field protocol: fills Group.city_key on save
TimeZoneField.prepare_value  # Django form field protocol (members/forms.py)
TimeZoneField.valid_value  # idem

# --- Group health (issue 17): read by templates/groups/health.html and includes/_bars.html ------
HealthBar.text_x
HealthBar.text_y
HealthRow.label_y
Chart.axis_x
Health.no_show_rate
Health.charts
Health.drifting
Health.drift_window

# --- Scheduling polls (issue 17): read by templates/polls/*.html --------------------------------
PollForm.closes_on  # a form field (vulture reads class attributes as variables)
PollForm.closes_time  # idem
PollForm.option_rows  # templates/polls/new.html
OptionResult.columns  # templates/polls/detail.html
OptionResult.group_time  # set by polls.views._detail, shown by templates/polls/detail.html

# --- Welcoming newcomers (issue 17): read by templates/groups/welcome.html -----------------------
Group.welcome_message

# --- Licence checks (issue 17): form fields and attributes the templates read -----------------
ProfileForm.licence_evidence  # a form field, handed to members.services.update_profile
LicenceCheck.submitted_at  # the queue's order and its pages
LicenceCheck.lookup_url  # set by members.views.licences.licence_queue for the template
LicenceCheck.lookup_label  # idem

# --- Hours from elsewhere and the renewal (issue 17): read by templates/meetings/ledger.html ---
HoursCategory.SUPERVISION  # a choice members pick
Tally.reported_hours
Bar.reported_hours
Bar.reported_y
Bar.reported_x
Ledger.reported_hours
Ledger.chart_reported_hours
Progress.percent

# --- Members-only documents (issue 17): read by templates/groups/document*.html ---------------
CheckedFileField.default_error_messages  # read by Django's Field.__init__
DocumentVersion.uploaded_by  # the versions table; My data
DocumentVersion.is_image  # the document page offers "Download" beside "Open"
# A widget's interface, called by Django's forms:
GuardedFileInput.input_type
GuardedFileInput.needs_multipart_form
GuardedFileInput.format_value
GuardedFileInput.value_from_datadict
GuardedFileInput.value_omitted_from_data

# --- Filters for fit (issue 18, part 2) --------------------------------------------------------
Group.orientation  # the form's Meta.fields, the browse filter's Q(orientation=…), the templates
GroupFilter.orientation  # django-filter: declared on the FilterSet, rendered in the sidebar
GroupFilter.time_of_day  # idem
GroupFilter.filter_size  # django-filter: the size filter's method=
GroupFilter.filter_time_of_day  # idem, the time-of-day filter
EqualsAny.arg_joiner  # read by Django's Func.as_sql, like the output_field below
EqualsAny.output_field  # read by Django's expressions

# --- Near me (issue 18, part 1): the offline gazetteer, members/places.py ----------------------
# Its API that only tests/members/test_places.py calls: the browse filter measures in the
# database (groups.filters.distance_from) and reads the box's bounds itself.
distance_km
BoundingBox.contains  # a point in a box (min_lon > max_lon: wrapped), for Python callers

# --- The sitemaps (issue 18): read by django.contrib.sitemaps --------------------------------
PublicPagesSitemap.changefreq
PublicPagesSitemap.priority
PublicPagesSitemap.protocol
PublicPagesSitemap.location
GroupSitemap.changefreq
GroupSitemap.priority
GroupSitemap.protocol
GroupSitemap.lastmod

# --- Saved searches and their alerts (issue 18, part 3) ------------------------------------------
FormHelper.form_tag  # read by crispy's {% crispy %} tag (alerts.forms: the page writes the <form>)
SavedSearch.last_alert_at  # written by alerts.services, shown by templates/alerts/list.html
AlertMatch.matched_at  # the order alerts tell of groups in (Meta.ordering)
AlertMatch.delivery_key  # read through ORM lookups by alerts.services and alerts.notifications

# --- Spanish (issue 18, part 4): values the views give templates whole sentences with ---------
NotesSummary.written  # templates/meetings/includes/_notes_summary.html
Membership.newcomer_names  # "You are the buddy of …", one translatable sentence (dashboard)
django_strings.UNTRANSLATED_BY_DJANGO  # read by `make messages` (xgettext), not by Python
