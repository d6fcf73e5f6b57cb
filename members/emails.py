"""Render and send one e-mail from a template pair: ``<name>.txt`` and ``<name>.html``.

Templates live in ``templates/emails/``. Times in the context are rendered in the recipient's
time zone. Case content is never passed in here.
"""

import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone


def recipient_timezone(user) -> zoneinfo.ZoneInfo:
    profile = getattr(user, "profile", None)
    name = getattr(profile, "time_zone", None) or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


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
    with timezone.override(tz):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{' '.join(subject.split())}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
        reply_to=reply_to,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()
