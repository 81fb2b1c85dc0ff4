import logging
from contextlib import contextmanager

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from wic.demo import DEMO_ACCOUNTS, seed_demo
from wic.errors import DomainError
from wic.seeding import seed_past_editions

CONSOLE = "django.core.mail.backends.console.EmailBackend"
# What the eager tasks log for every email (one line a task) and kombu's warning about the
# in-memory broker: noise among the seed's report, kept at -v 2.
QUIET_LOGGERS = ("celery.app.trace", "kombu.connection")


@contextmanager
def _console_mail_held(quiet: bool):
    """While the demo sends its emails: with the console backend (the default with DJANGO_DEBUG=1)
    and `quiet`, hold them in memory instead of printing hundreds of lines of raw MIME, and yield
    a list that then holds the messages sent (their rows are in the outbox either way)."""
    held: list = []
    if not quiet or settings.MAILERS.get("default", {}).get("BACKEND") != CONSOLE:
        yield None
        return
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    before = list(getattr(mail, "outbox", []) or [])
    mail.outbox = []
    try:
        with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}):
            yield held
        held.extend(mail.outbox)
    finally:
        mail.outbox = before
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


class Command(BaseCommand):
    help = "Load the past editions (2017, 2020, 2022, 2024) from wic/seed_data; --demo adds the demo edition and accounts."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also create the demo edition and one account per role.")

    def handle(self, *args, **options):
        try:
            for report in seed_past_editions():
                self.stdout.write(str(report))
            if options["demo"]:
                with _console_mail_held(options["verbosity"] < 2) as held:
                    result = seed_demo()
                if held is not None:
                    self.stdout.write(
                        f"demo: {len(held)} emails written to the outbox (admin: Outgoing emails); "
                        "not printed to the console (seed --demo -v 2 prints them)"
                    )
                shown = result["password"] if settings.DEBUG else "(the value of DEMO_PASSWORD)"
                self.stdout.write(f"demo edition {result['edition'].year} (marked demo). Demo accounts, password {shown}:")
                for account in DEMO_ACCOUNTS:
                    self.stdout.write(f"  {account.username:<18} {account.role}{' / ' + account.tier if account.tier else ''}")
        except DomainError as error:
            raise CommandError(str(error)) from error
