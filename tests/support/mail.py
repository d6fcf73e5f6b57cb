"""E-mail backends that stand in for an SMTP server that is down (the network, not our code)."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend

FAILURES = {"count": 0}


class TransientFailureBackend(EmailBackend):
    """Fails with a temporary SMTP error while FAILURES["count"] > 0, then delivers."""

    def send_messages(self, messages):
        if FAILURES["count"] > 0:
            FAILURES["count"] -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class PermanentFailureBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"No such user")})
