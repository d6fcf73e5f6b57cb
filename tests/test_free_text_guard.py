"""One guard for every free text that could carry clinical detail (config/guard.py).

Every form of the project is enumerated; a free-text field that can reach other people must be
a ``GuardedCharField`` on a form with ``DeidentifiedFormMixin``, or be listed in ``EXEMPT`` with
the reason it cannot carry clinical detail. Each guarded form refuses a client's full name and
date of birth, with the findings beside the field, and accepts the text once each finding is
confirmed.
"""

import importlib
import inspect

import pytest
from django import forms
from django.urls import reverse

from config.guard import CONFIRM_SUFFIX, DeidentifiedFormMixin, is_guarded
from tests.factories import (
    ApplicationQuestionFactory,
    GroupFactory,
    MeetingFactory,
)

FORM_MODULES = (
    "members.forms",
    "groups.forms",
    "meetings.forms",
    "presentations.forms",
    "board.forms",
    "consultations.forms",
    "polls.forms",
    "alerts.forms",
)
EXTRA_FORMS = ("portal.views.data.DeleteAccountForm",)

PUBLIC_GROUP_TEXT = "public text about the group itself (marketing and logistics), not clinical"
EXEMPT = {
    "members.forms.SignupExtraForm.display_name": "the therapist's own name",
    "members.forms.ProfileForm.display_name": "the therapist's own name",
    "members.forms.ProfileForm.pronouns": "the therapist's own pronouns",
    "members.forms.ProfileForm.licence_number": "the therapist's own licence, seen by admins only",
    "members.forms.ProfileForm.licence_region": "the therapist's own licence state",
    "members.forms.ProfileForm.licence_evidence": "where to find the therapist's own licence "
    "record, read only by the site admins who check it",
    "members.forms.ProfileForm.city": "where the therapist practises, by design",
    "members.forms.ProfileForm.region": "where the therapist practises, by design",
    "members.forms.ProfileForm.bio": "the therapist's own introduction: names them and their "
    "practice by design, so the identifier check would flag every bio",
    "groups.forms.GroupForm.name": PUBLIC_GROUP_TEXT,
    "groups.forms.GroupForm.tagline": PUBLIC_GROUP_TEXT,
    "groups.forms.GroupForm.description": PUBLIC_GROUP_TEXT,
    "groups.forms.GroupForm.orientation_note": PUBLIC_GROUP_TEXT,
    "groups.forms.GroupForm.eligibility_criteria": PUBLIC_GROUP_TEXT,
    "groups.forms.GroupForm.venue_name": "the group's venue: a place named by design",
    "groups.forms.GroupForm.street_address": "the group's venue address, by design",
    "groups.forms.GroupForm.city": PUBLIC_GROUP_TEXT,
    "groups.forms.GroupForm.region": PUBLIC_GROUP_TEXT,
    "groups.forms.GroupForm.ground_rules": "the group's rules of conduct, written for all members",
    "groups.forms.GroupForm.welcome_message": "the organizers' welcome to every newcomer, about "
    "the group and how it runs, written for all members like the ground rules",
    "groups.forms.QuestionForm.text": "a question the organizers ask every applicant",
    "groups.forms.ResourceFilterForm.q": "a search box: never stored or shown to others",
    "meetings.forms.OutsideHoursForm.provider": "the member's own record of hours, seen by "
    "them alone (and in their own downloads)",
    "meetings.forms.OutsideHoursForm.title": "the member's own record of hours, seen by them alone",
    "meetings.forms.MeetingEditForm.venue_name": "the meeting's venue: a place named by design",
    "meetings.forms.MeetingEditForm.street_address": "the meeting's venue address, by design",
    "presentations.forms.TopicForm.topic_links": "web addresses of published resources, each "
    "validated as a URL (the URL detector would flag every one)",
    "presentations.forms.ElectionForm.title": "the name of a role, such as “Group leader”",
    "alerts.forms.SavedSearchForm.name": "a saved search's name: its owner's own label, shown "
    "to them alone (their pages, their e-mails, their data), never to anyone else",
}

NOT_FREE_TEXT_WIDGETS = (
    forms.PasswordInput,
    forms.EmailInput,
    forms.URLInput,
    forms.NumberInput,
    forms.HiddenInput,
    forms.Select,
    forms.CheckboxInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
)
NOT_FREE_TEXT_FIELDS = (forms.EmailField, forms.URLField, forms.SlugField, forms.UUIDField)


def project_forms():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                yield f"{module_name}.{cls.__name__}", cls
    for path in EXTRA_FORMS:
        module_name, _, name = path.rpartition(".")
        yield path, getattr(importlib.import_module(module_name), name)


def is_free_text(field: forms.Field) -> bool:
    if not isinstance(field, forms.CharField) or isinstance(field, NOT_FREE_TEXT_FIELDS):
        return False
    widget = field.widget
    if isinstance(widget, NOT_FREE_TEXT_WIDGETS):
        return False
    return widget.attrs.get("type") not in {"search", "email", "url", "number", "password"}


def free_text_fields():
    for path, cls in project_forms():
        for name, field in cls.base_fields.items():
            if is_free_text(field):
                yield f"{path}.{name}", cls, field


def test_every_free_text_field_is_guarded_or_exempt():
    unguarded = sorted(
        key
        for key, cls, field in free_text_fields()
        if key not in EXEMPT and not (is_guarded(field) and issubclass(cls, DeidentifiedFormMixin))
    )
    assert unguarded == []


def test_exemptions_name_real_fields_that_are_not_guarded():
    seen = {key: field for key, _, field in free_text_fields()}
    stale = sorted(key for key in EXEMPT if key not in seen or is_guarded(seen[key]))
    assert stale == []


@pytest.mark.django_db
def test_application_questions_are_guarded():
    from groups.forms import ApplicationForm

    question = ApplicationQuestionFactory()
    form = ApplicationForm(questions=[question])
    assert is_guarded(form.fields[f"question_{question.pk}"]) is True


# --- each guarded form refuses a client's name and date of birth, then accepts it confirmed ----

IDENTIFYING = "My client Jennifer Martinez, born 03/14/1987, asked about this."


def _valid(form_key, db):
    """(form class, constructor kwargs, valid data, the guarded field to put the text in)."""
    from groups.forms import ApplicationForm, DecisionForm, RemoveMemberForm, ResourceForm
    from meetings.forms import CancelForm, MeetingCreateForm, MeetingEditForm, RsvpForm
    from members.forms import ColleagueMessageForm
    from presentations.forms import TopicForm

    if form_key == "colleague_message":
        return ColleagueMessageForm, {}, {"message": "Hello"}, "message"
    if form_key == "rsvp_note":
        return RsvpForm, {}, {"answer": "going", "note": "ok"}, "note"
    if form_key in ("resource_title", "resource_note"):
        data = {"title": "Reading", "url": "https://example.org/a", "category": "article"}
        return ResourceForm, {}, data, form_key.split("_")[1]
    if form_key == "cancel_message":
        return CancelForm, {}, {"message": ""}, "message"
    if form_key in ("edit_message", "edit_title"):
        meeting = MeetingFactory()
        data = {
            "title": "Group meeting",
            "date": "2031-05-01",
            "start_time": "18:30",
            "duration_minutes": "90",
            "venue_kind": "",
        }
        kwargs = {"meeting": meeting, "members": []}
        return MeetingEditForm, kwargs, data, form_key.split("_")[1]
    if form_key == "create_title":
        group = GroupFactory()
        data = {
            "title": "x",
            "kind": "once",
            "starts_on": "2031-05-01",
            "start_time": "18:30",
            "duration_minutes": "90",
        }
        return MeetingCreateForm, {"group": group}, data, "title"
    if form_key == "application_note":
        data = {"consent": "on", "accept_rules": "on"}
        return ApplicationForm, {}, data, "note"
    if form_key == "application_answer":
        question = ApplicationQuestionFactory()
        data = {"consent": "on", "accept_rules": "on"}
        return ApplicationForm, {"questions": [question]}, data, f"question_{question.pk}"
    if form_key == "decision_message":
        return DecisionForm, {}, {"decision": "decline"}, "message"
    if form_key == "remove_reason":
        return RemoveMemberForm, {}, {}, "reason"
    if form_key in ("topic_title", "topic_summary"):
        return TopicForm, {}, {"topic_title": "Billing"}, form_key
    raise AssertionError(form_key)


GUARDED = [
    "colleague_message",
    "rsvp_note",
    "resource_title",
    "resource_note",
    "cancel_message",
    "edit_message",
    "edit_title",
    "create_title",
    "application_note",
    "application_answer",
    "decision_message",
    "remove_reason",
    "topic_title",
    "topic_summary",
]


@pytest.mark.django_db
@pytest.mark.parametrize("form_key", GUARDED)
def test_guarded_form_refuses_name_and_birth_date_until_confirmed(form_key, db):
    cls, kwargs, data, name = _valid(form_key, db)
    text = IDENTIFYING[: cls(**kwargs).fields[name].max_length or None]
    form = cls(data={**data, name: text}, **kwargs)

    assert form.is_valid() is False
    assert form.errors[name][0].startswith("This may identify a client: “Jennifer Martinez” (name)")
    assert {(f.kind, f.text) for f in form.guard_findings[name]} == {
        ("name", "Jennifer Martinez"),
        ("date", "03/14/1987"),
    }
    rendered = str(form[name])
    assert "<mark" in rendered
    assert f'name="{form.add_prefix(name)}{CONFIRM_SUFFIX}"' in rendered

    keys = [f.key for f in form.guard_findings[name]]
    half = cls(data={**data, name: text, f"{name}{CONFIRM_SUFFIX}": keys[:1]}, **kwargs)
    assert half.is_valid() is False

    confirmed = cls(data={**data, name: text, f"{name}{CONFIRM_SUFFIX}": keys}, **kwargs)
    assert confirmed.is_valid() is True, confirmed.errors
    assert confirmed.guard_summary() == {
        "confirmed_findings": 2,
        "confirmed_kinds": {"date": 1, "name": 1},
    }


@pytest.mark.django_db
def test_guarded_form_clean_text_has_no_findings():
    from members.forms import ColleagueMessageForm

    form = ColleagueMessageForm(data={"message": "Client A is doing better with DBT and PHQ-9."})
    assert form.is_valid() is True
    assert form.guard_findings == {}


@pytest.mark.django_db
def test_confirmations_on_other_channels_are_recorded_without_the_text(client):
    """Confirming a finding in a colleague message leaves an audit entry with counts and kinds,
    never the text (as cases and topics do)."""
    from members.models import AuditEntry
    from tests.factories import GroupFactory, MembershipFactory

    group = GroupFactory()
    sender = MembershipFactory(group=group).user
    colleague = MembershipFactory(group=group).user
    client.force_login(sender)
    url = reverse("members:contact", args=[colleague.profile.pk])
    text = "Could you see my client Robert Chen, born 3 March 1961?"
    first = client.post(url, {"message": text})
    assert first.status_code == 200
    assert not AuditEntry.objects.filter(verb="text.identifiers_confirmed").exists()
    keys = [f.key for f in first.context["form"].guard_findings["message"]]
    second = client.post(url, {"message": text, "message__confirm": keys})

    assert second.status_code == 302
    entry = AuditEntry.objects.get(verb="text.identifiers_confirmed")
    assert (entry.actor, entry.data["in"]) == (sender, "colleague message")
    assert entry.data["confirmed_findings"] == len(keys) >= 2
    assert "Robert" not in str(entry.data)
