"""Every form with errors starts with the error summary (templates/includes/_form_errors.html).

Forms rendered by crispy (``|crispy``, ``{% crispy %}``) get it from templates/bootstrap5/errors.html,
which replaces crispy-bootstrap5's own; forms written out field by field include it themselves.
The static checks below fail when a new template renders fields by hand without it."""

import re
from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import get_template
from django.urls import reverse

from groups.enums import ResourceCategory, Role
from tests.factories import GroupFactory, MembershipFactory, UserFactory

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
SUMMARY = "includes/_form_errors.html"

# Signs that a template writes a form's fields out one by one, errors included.
HAND_RENDERED = re.compile(
    r"as_crispy_field|\{% crispy_field |\{% element field |\.errors|radio\.tag|checkbox\.tag"
)
# Templates that match but are not a form of their own, or whose form gets the summary elsewhere.
NOT_A_FORM_PAGE = {
    # The single-field element: its form (elements/fields.html or the page) has the summary.
    "allauth/elements/field.html",
    # Includes the summary's own markup.
    "includes/_form_errors.html",
    # The inputs of one radio or checkbox field; the form that includes it has the summary.
    "includes/_choice_inputs.html",
    # A field-by-field crispy form: {% crispy form %} renders bootstrap5/errors.html.
    "members/profile_edit.html",
    # A GET search form whose only error text says the search was ignored; nothing to correct.
    "groups/resources.html",
}


def _templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name.startswith(("emails/", "bootstrap5/")):
            continue
        yield name, path.read_text(encoding="utf-8")


# Ways a template gets the summary: its own include, or allauth's "fields" element
# (templates/allauth/elements/fields.html includes it).
HAS_SUMMARY = re.compile(re.escape(SUMMARY) + r"|\{% element fields ")


def test_hand_rendered_forms_include_the_error_summary():
    missing = [
        name
        for name, text in _templates()
        if HAND_RENDERED.search(text)
        and name not in NOT_A_FORM_PAGE
        and not HAS_SUMMARY.search(text)
    ]
    assert missing == []


def test_crispy_renders_the_site_error_summary():
    """The override is the template crispy finds, and it is the summary."""
    assert get_template("bootstrap5/errors.html").origin.name == str(
        TEMPLATES / "bootstrap5" / "errors.html"
    )
    assert SUMMARY in (TEMPLATES / "bootstrap5" / "errors.html").read_text(encoding="utf-8")


class _Form(forms.Form):
    name = forms.CharField(label="Your name")
    answer = forms.ChoiceField(
        label="Your answer", choices=[("y", "Yes"), ("n", "No")], widget=forms.RadioSelect
    )
    days = forms.MultipleChoiceField(
        label="Days", choices=[("1", "Mon"), ("2", "Tue")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField(label="I agree")
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Something about the whole form.")


def _summary_items(html: str) -> list[str]:
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary, html
    items = re.findall(r"<li>\s*(.*?)\s*</li>", summary.group(1), re.S)
    return [re.sub(r"\s+", " ", item) for item in items]


@pytest.mark.parametrize("source", ["{{ form|crispy }}", "{% crispy form %}"])
def test_a_crispy_form_with_errors_starts_with_the_summary(source):
    form = _Form(data={})
    html = Template("{% load crispy_forms_tags %}" + source).render(Context({"form": form}))

    assert html.index('class="error-summary"') < html.index('name="name"')
    assert 'role="alert" tabindex="-1" data-error-summary' in html
    assert "<h2>There is a problem</h2>" in html
    assert _summary_items(html) == [
        "Something about the whole form.",
        '<a href="#id_name">Your name: This field is required.</a>',
        '<a href="#id_answer_0">Your answer: This field is required.</a>',
        '<a href="#id_days_0">Days: This field is required.</a>',
        '<a href="#id_agree">I agree: This field is required.</a>',
        "This field is required.",
    ]


def test_a_form_without_errors_has_no_summary():
    form = _Form(data={"name": "A", "answer": "y", "days": ["1"], "agree": "on", "token": "t"})
    form.clean = lambda: form.cleaned_data
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))

    assert (form.is_valid(), "error-summary" in html) == (True, False)


def test_the_summary_links_to_prefixed_fields():
    form = _Form(data={}, prefix="add")
    html = get_template(SUMMARY).render({"form": form})

    assert '<a href="#id_add-name">Your name: This field is required.</a>' in html


@pytest.mark.django_db
def test_resource_library_ids_are_unique(client):
    """The search form and the "Add a link" form both have a category: each has its own id, so
    each label names its own select."""
    group = GroupFactory()
    member = UserFactory()
    MembershipFactory(group=group, user=member, role=Role.ORGANIZER)
    client.force_login(member)

    response = client.get(
        reverse("groups:resources", args=[group.slug]),
        {"category": ResourceCategory.CONTINUING_EDUCATION},
    )
    html = response.content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)

    assert [i for i in set(ids) if ids.count(i) > 1] == []
    assert (
        html.count('for="filter_category"'),
        html.count('id="filter_category"'),
        html.count('for="id_category"'),
        html.count('id="id_category"'),
    ) == (1, 1, 1, 1)
    assert re.search(r'<select[^>]*id="filter_category"[^>]*name="category"', html, re.S)
