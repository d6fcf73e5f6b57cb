"""Strings of Django's own that its Spanish catalogue (6.1) leaves empty: named here so that
`make messages` collects them into ours (locale/es), which Django reads before its own.
Never imported; docs/translations.md."""

from django.utils.translation import gettext_noop

UNTRANSLATED_BY_DJANGO = (
    gettext_noop("- Select an option -"),  # the blank choice of a select (BLANK_CHOICE_LABEL)
)
