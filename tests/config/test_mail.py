"""config/mail.py: `make run` prints each e-mail decoded, with every link whole; the local
settings use it where the console backend was, production still refuses it."""

import io
import os
import subprocess
import sys
from email.message import MIMEPart

from django.core.mail import EmailMessage, EmailMultiAlternatives

from config.mail import ReadableConsoleEmailBackend, links_in
from tests.config.test_settings import CLEAR, PRODUCTION, ROOT, _values

LONG_LINK = (
    "http://127.0.0.1:8100/accounts/confirm-email/"
    "MTI3:1vQx7Z:very-long-signed-key-that-quoted-printable-would-wrap-abcdefghijklmnopqrstuvwxyz/"
)


def _printed(*messages) -> str:
    stream = io.StringIO()
    sent = ReadableConsoleEmailBackend(stream=stream).send_messages(list(messages))
    assert sent == len(messages)
    return stream.getvalue()


def test_a_long_link_prints_whole_on_its_own_line_and_non_ascii_text_reads_as_text():
    message = EmailMessage(
        subject="[PeerCircle] Please confirm your e-mail address — Zoë",
        body=f"Hello from PeerCircle!\n\nJosé, confirm your address: {LONG_LINK}\n\nThanks.",
        from_email="PeerCircle <noreply@peercircle.local>",
        to=["jose.munoz@example.com"],
    )

    printed = _printed(message)

    lines = printed.splitlines()
    assert lines[1:5] == [
        "From: PeerCircle <noreply@peercircle.local>",
        "To: jose.munoz@example.com",
        "Subject: [PeerCircle] Please confirm your e-mail address — Zoë",
        "",
    ]
    assert f"José, confirm your address: {LONG_LINK}" in lines
    assert lines[lines.index("Links:") + 1] == LONG_LINK
    assert "=\n" not in printed
    assert "=C3" not in printed
    assert "Content-Transfer-Encoding" not in printed


def test_html_alternative_and_attachments_are_named_and_html_links_listed():
    message = EmailMultiAlternatives(
        subject="Your certificate",
        body="Your certificate is attached. See http://127.0.0.1:8100/me/hours/.",
        from_email="noreply@peercircle.local",
        to=["a@example.com", "b@example.com"],
        cc=["c@example.com"],
        reply_to=["organizer@example.com"],
    )
    message.attach_alternative(
        '<p><a href="http://127.0.0.1:8100/meetings/7/?a=1&amp;b=2">Meeting</a></p>', "text/html"
    )
    message.attach("certificate.pdf", b"%PDF-1.7", "application/pdf")
    part = MIMEPart()
    part.set_content("BEGIN:VCALENDAR", subtype="calendar", disposition="attachment")
    part.set_param("filename", "meeting.ics", header="Content-Disposition")
    message.attach(part)

    lines = _printed(message).splitlines()

    assert "To: a@example.com, b@example.com" in lines
    assert "Cc: c@example.com" in lines
    assert "Reply-To: organizer@example.com" in lines
    assert "(An HTML version was sent as well.)" in lines
    assert "Attached: certificate.pdf" in lines
    assert "Attached: meeting.ics" in lines
    links = lines[lines.index("Links:") + 1 : -1]
    assert links == [
        "http://127.0.0.1:8100/me/hours/",
        "http://127.0.0.1:8100/meetings/7/?a=1&b=2",
    ]


def test_an_html_only_message_prints_its_text_without_tags():
    message = EmailMessage(
        subject="Hi", body="<p>Hello <b>Zoë</b> &amp; team</p>", to=["a@example.com"]
    )
    message.content_subtype = "html"

    lines = _printed(message).splitlines()

    assert "Hello Zoë & team" in lines
    assert "(An HTML version was sent as well.)" not in lines


def test_links_in_drops_closing_punctuation_and_repeats():
    text = "Go to (http://x.test/a/). Or http://x.test/a/, or <https://y.test/b?c=1>."
    assert links_in(text) == ["http://x.test/a/", "https://y.test/b?c=1"]


def test_local_settings_print_mail_readably_unless_email_url_names_another_backend():
    assert _values("local")["email_backend"] == "config.mail.ReadableConsoleEmailBackend"
    smtp = _values("local", EMAIL_URL="smtp://mail.example.org:587")
    assert smtp["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"


def test_production_counts_the_readable_printer_among_backends_that_deliver_nothing():
    probe = (
        "import django; from django.conf import settings; django.setup(); "
        "print('config.mail.ReadableConsoleEmailBackend' in settings.NON_DELIVERING_EMAIL_BACKENDS)"
    )
    env = {k: v for k, v in os.environ.items() if k not in CLEAR and k != "DATABASE_URL"}
    env |= PRODUCTION | {"DJANGO_SETTINGS_MODULE": "config.settings.production"}
    env["ALLOW_CONSOLE_EMAIL"] = "true"
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed probe
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert (done.returncode, done.stdout.strip()) == (0, "True"), done.stderr[-2000:]
