"""Hostile form input for the fuzz tests, and the checks every fuzzed POST must pass."""

import re

from django.apps import apps
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

PROJECT_APPS = ("groups", "meetings", "members", "presentations")
# A form error, or the de-identification guard asking to revise or confirm its findings.
ERROR_MARKER = re.compile(
    r"invalid-feedback|alert-danger|errorlist|is-invalid|text-danger|findings-alert|error-summary"
)

NASTY = [
    "",
    " ",
    "\x00",
    "abc\x00def",
    "\r\n\t",
    "\x1b[31m\x07\x08",
    "\u202e\u200b\ufeff",
    "💥" * 20,
    "Z\u0430\u0301lgo\u0338 \u0337t\u0335e\u0336x\u0334t",  # Cyrillic a, combining marks
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE groups_group; --",
    "1 OR 1=1",
    "{{ 7|add:7 }}{% debug %}",
    "%s%n%x",
    "../../etc/passwd",
    "javascript:alert(1)",
    "null",
    "abc",
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "99999999999999999999999999999",
    "-99999999999999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "1900-01-01",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "24:61",
    "23:59",
    "00:00",
    "Mars/Olympus_Mons",
    "America/New_York\x00",
    "a" * 301,
    "x" * 5000,
    "é" * 2001,
]


def fuzz_settings(examples: int = 25):
    """The fuzz tests' hypothesis settings: ``examples`` inputs, no deadline, no shrinking
    (keeps the run short), function-scoped fixtures allowed (each example reuses them)."""
    return settings(
        max_examples=examples,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


FUZZ = fuzz_settings()

nasty = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=10),
    st.integers().map(str),
)


def field(*valid):
    """A POST value: often one of the valid choices, otherwise something hostile."""
    good = st.sampled_from(valid) if valid else st.nothing()
    return st.one_of(good, good, nasty)


def multi(*valid):
    """A multi-valued POST field (checkboxes)."""
    return st.lists(field(*valid), max_size=4)


def form_data(**fields):
    """Every field may be missing; those present get a valid or a hostile value."""
    return st.fixed_dictionaries({}, optional=fields)


def snapshot(*rows):
    """Row counts of every project table, plus the stored values of the given rows."""
    counts = {
        model._meta.label: model._default_manager.count()
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
    }
    values = {
        (type(obj)._meta.label, obj.pk): type(obj)
        ._default_manager.filter(pk=obj.pk)
        .values()
        .first()
        for obj in rows
    }
    return counts, values


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def post_and_check(client, url, data, *, rows=(), allowed=(200, 302)):
    """POST ``data``; never a 500, and a re-rendered form shows errors and saved nothing.

    A 302 is a valid submission, except in views that redirect with an error message: their
    callers compare the returned (response, before, after) themselves.
    """
    before = snapshot(*rows)
    response = client.post(url, data)
    after = snapshot(*rows)
    assert response.status_code != 500, f"500 for {data!r}"
    assert response.status_code in allowed, f"{response.status_code} for {data!r}"
    if response.status_code != 302:
        body = response.content.decode()
        assert ERROR_MARKER.search(body), f"no error shown for {data!r}"
        assert before == after, f"partial save for {data!r}"
    return response, before, after


def restore(*rows):
    """Put edited rows back as they were so the next example starts from the same state."""
    for obj in rows:
        values = type(obj)._default_manager.filter(pk=obj.pk).values().first()
        original = {k: getattr(obj, k) for k in values if k != "id"}
        type(obj)._default_manager.filter(pk=obj.pk).update(**original)


DATES = ("2027-03-15", "2031-11-02", "2020-01-01", "0001-01-01", "9999-12-31", "2026-02-30")
TIMES = ("18:30", "09:00", "23:59", "00:00", "24:00")
DATETIMES = ("2031-05-01T10:00", "2031-06-01T10:00", "9999-12-31T23:59", "0001-01-01T00:00")
WORDS = ("Peer group", "Client A", "https://example.org/a", "name@example.com", "A" * 150)


def _choice_values(form_field) -> list[str]:
    values = []
    for value, label in form_field.choices:
        if isinstance(label, (list, tuple)):  # option groups
            values.extend(str(v) for v, _ in label)
        else:
            values.append(str(value))
    return [v for v in values if v != ""] or [""]


def strategy_for(form, **overrides):
    """A strategy for POST data covering every field of ``form`` (an unbound form instance).

    Field kinds get plausible valid values (choices, dates, numbers) mixed with hostile ones;
    ``overrides`` replace a field's strategy, ``name=None`` drops it.
    """
    from django import forms

    fields = {}
    for name, form_field in form.fields.items():
        key = form.add_prefix(name)
        if name in overrides:
            if overrides[name] is not None:
                fields[key] = overrides[name]
            continue
        if isinstance(form_field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            strat = multi(*_choice_values(form_field))
        elif isinstance(form_field, forms.ChoiceField | forms.ModelChoiceField):
            strat = field(*_choice_values(form_field))
        elif isinstance(form_field, forms.BooleanField):
            strat = field("on", "on", "")
        elif isinstance(form_field, forms.DateTimeField):
            strat = field(*DATETIMES)
        elif isinstance(form_field, forms.DateField):
            strat = field(*DATES)
        elif isinstance(form_field, forms.TimeField):
            strat = field(*TIMES)
        elif isinstance(form_field, forms.IntegerField):
            low = form_field.min_value if form_field.min_value is not None else 0
            high = form_field.max_value if form_field.max_value is not None else 100
            strat = st.one_of(st.integers(low, high).map(str), nasty)
        elif isinstance(form_field, forms.URLField):
            strat = field("https://meet.example.org/room", "ftp://x", "http://")
        elif isinstance(form_field, forms.EmailField):
            strat = field("colleague@example.com", "a@b", "@example.com")
        else:
            strat = field(*WORDS)
        fields[key] = strat
    return form_data(**fields)
