"""Render and send one e-mail from a template pair: ``<name>.txt`` and ``<name>.html``.

Templates live in ``templates/emails/``. Times in the context are rendered in the recipient's
time zone, and the text in their language (``User.language``; English when they have not
chosen). Case content is never passed in here.
"""

import zoneinfo
from email.policy import EmailPolicy
from email.policy import default as default_policy

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from members.timezones import viewer_zone


def recipient_timezone(user) -> zoneinfo.ZoneInfo:
    profile = getattr(user, "profile", None)
    name = getattr(profile, "time_zone", None) or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def recipient_language(user) -> str:
    """The language someone chose for their pages and e-mails, else the site's default."""
    language = getattr(user, "language", "")
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# Headers mail clients parse as a URL list (RFC 2369, RFC 8058): written as the plain ASCII
# "<https://...>" they are given, on one line. Folding would RFC 2047-encode a long token
# ("=?utf-8?q?=3Chttps=3A//..."), which Gmail and Apple Mail then ignore.
VERBATIM_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post"})


class VerbatimListHeadersPolicy(EmailPolicy):
    """The sender's policy (SMTP's or the default), except that List-Unsubscribe headers are
    written as given when they are plain ASCII and fit in RFC 5322's 998 characters."""

    def _verbatim(self, name, value) -> str | None:
        text = str(value)
        line = f"{name}: {text}"
        plain = text.isascii() and "\r" not in text and "\n" not in text
        if name.lower() in VERBATIM_HEADERS and plain and len(line) <= 998:
            return line + self.linesep
        return None

    def fold(self, name, value):
        return self._verbatim(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        line = self._verbatim(name, value)
        return line.encode("ascii") if line else super().fold_binary(name, value)

    @classmethod
    def like(cls, policy: EmailPolicy) -> "VerbatimListHeadersPolicy":
        return policy if isinstance(policy, cls) else cls(**vars(policy))


class PeerCircleMessage(EmailMultiAlternatives):
    def message(self, *, policy=None):
        return super().message(policy=VerbatimListHeadersPolicy.like(policy or default_policy))


def send_templated_mail(
    *,
    template: str,
    to: str,
    context: dict,
    user=None,
    headers: dict | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
    reply_to: list[str] | None = None,
) -> int:
    context = {**context, "SITE_URL": settings.SITE_URL.rstrip("/"), "recipient": user}
    tz = recipient_timezone(user) if user is not None else zoneinfo.ZoneInfo("UTC")
    language = recipient_language(user)
    with timezone.override(tz), viewer_zone(known=True), translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    message = PeerCircleMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{' '.join(subject.split())}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Content-Language": language, **(headers or {})},
        reply_to=reply_to,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()
