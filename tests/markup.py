"""Comparing a page's hand-written form markup with what crispy draws for the same form (the hot
pages write their empty forms out instead of rendering them with crispy; tests pin them equal)."""

import re

from django.template import engines

_CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}")


def squeeze(markup: str) -> str:
    """Markup with the whitespace between tags and attributes gone (it shows nothing)."""
    markup = re.sub(r"\s+", " ", markup)
    return re.sub(r"\s+>", ">", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", markup))).strip()


def crispy(form) -> str:
    """The form as ``{{ form|crispy }}`` draws it, squeezed."""
    return squeeze(_CRISPY.render({"form": form}))
