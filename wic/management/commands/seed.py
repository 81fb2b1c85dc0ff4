from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wic.demo import DEMO_ACCOUNTS, seed_demo
from wic.errors import DomainError
from wic.seeding import seed_past_editions


class Command(BaseCommand):
    help = "Load the past editions (2017, 2020, 2022, 2024) from wic/seed_data; --demo adds the demo edition and accounts."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also create the demo edition and one account per role.")

    def handle(self, *args, **options):
        try:
            for report in seed_past_editions():
                self.stdout.write(str(report))
            if options["demo"]:
                result = seed_demo()
                shown = result["password"] if settings.DEBUG else "(the value of DEMO_PASSWORD)"
                self.stdout.write(f"demo edition {result['edition'].year} (marked demo). Demo accounts, password {shown}:")
                for account in DEMO_ACCOUNTS:
                    self.stdout.write(f"  {account.username:<18} {account.role}{' / ' + account.tier if account.tier else ''}")
        except DomainError as error:
            raise CommandError(str(error)) from error
