"""The e-mail backend of ``make run``: each message printed as a person reads it.

Django's console backend prints the raw MIME message, so quoted-printable encoding wraps long
lines with ``=`` and breaks a verification link across two lines, and non-ASCII text arrives as
``=C3=A9``. This backend prints the headers that matter, the text part as text, and every link
on a line of its own, whole, so it can be clicked or copied from the terminal (web server) or
from ``var/worker.log`` (Celery worker). It delivers nothing: the production settings refuse it
like the console backend (config/settings/production.py).
"""

import re
from html import unescape

from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend

RULE = "-" * 79
# A link runs to the first space, quote or angle bracket; trailing punctuation that closes a
# sentence or a parenthesis is not part of it.
LINK = re.compile(r"https?://[^\s<>\"']+")
TRAILING = ".,;:!?)]}"
TAGS = re.compile(r"<[^>]+>")


def links_in(text: str) -> list[str]:
    """Every http(s) link in ``text``, in order, each once."""
    found: list[str] = []
    for match in LINK.finditer(text):
        link = unescape(match.group(0)).rstrip(TRAILING)
        if link not in found:
            found.append(link)
    return found


def readable(message) -> str:
    """``message`` (a Django ``EmailMessage``) as plain text for a terminal."""
    alternatives = getattr(message, "alternatives", [])
    html = next((content for content, mimetype in alternatives if "html" in mimetype), "")
    text = message.body or ""
    if message.content_subtype == "html":  # an HTML-only message: its text without the tags
        html, text = text, unescape(TAGS.sub("", text))
    lines = [f"From: {message.from_email}", f"To: {', '.join(message.to)}"]
    if message.cc:
        lines.append(f"Cc: {', '.join(message.cc)}")
    if message.reply_to:
        lines.append(f"Reply-To: {', '.join(message.reply_to)}")
    lines += [f"Subject: {message.subject}", "", text.rstrip()]
    if html and message.content_subtype != "html":
        lines += ["", "(An HTML version was sent as well.)"]
    for attachment in message.attachments:
        name = getattr(attachment, "filename", None)
        if name is None and hasattr(attachment, "get_filename"):  # a MIME part
            name = attachment.get_filename()
        lines.append(f"Attached: {name or 'unnamed'}")
    links = links_in(text + "\n" + html)
    if links:
        lines += ["", "Links:", *links]
    return "\n".join(lines)


class ReadableConsoleEmailBackend(ConsoleEmailBackend):
    """Prints each message decoded (see the module's docstring); thread-safe like its parent."""

    def write_message(self, message):
        self.stream.write(f"{RULE}\n{readable(message)}\n{RULE}\n")
