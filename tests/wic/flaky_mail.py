"""A test mail backend that refuses the first `FAILURES` messages (SMTPServerDisconnected), then
delivers to Django's test outbox. Counted per process, so a worker thread shares the count."""
import threading
from smtplib import SMTPServerDisconnected

from django.core.mail.backends.locmem import EmailBackend

FAILURES = {"left": 0}
_lock = threading.Lock()


class FlakyBackend(EmailBackend):
    def send_messages(self, messages):
        with _lock:
            if FAILURES["left"] > 0:
                FAILURES["left"] -= 1
                raise SMTPServerDisconnected("test: the mail server hung up")
        return super().send_messages(messages)
