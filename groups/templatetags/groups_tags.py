from functools import lru_cache

import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Longer texts are rendered every time rather than kept (the cache holds up to 1,024 texts).
MARKDOWN_CACHE_MAX_CHARS = 20_000

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "h3", "h4", "code"}


@register.filter
def markdown_safe(text: str) -> str:
    """Render Markdown, then keep only a small set of harmless tags (no scripts, no styles)."""
    text = text or ""
    if len(text) > MARKDOWN_CACHE_MAX_CHARS:
        return mark_safe(_markdown_to_clean_html.__wrapped__(text))  # noqa: S308 - nh3-sanitized
    return mark_safe(_markdown_to_clean_html(text))  # noqa: S308 - sanitized by nh3


@lru_cache(maxsize=1024)
def _markdown_to_clean_html(text: str) -> str:
    """Pure, so kept per process by text: a group page rendered its description afresh (about
    a millisecond) on every view."""
    html = md.markdown(text, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return str(clean)
