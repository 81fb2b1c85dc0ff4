"""`personal_data export --email x@y [--output file.json]` and `personal_data delete --email x@y
[--dry-run] [--yes]`: a person's copy of their data, and its erasure (see wic.personal_data)."""
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wic.errors import DomainError
from wic.personal_data import personal_data_erase, personal_data_export


class Command(BaseCommand):
    help = (
        "Export (JSON) or erase the personal data held about one person, found by email address. "
        "delete asks for confirmation unless --yes; --dry-run prints what it would do and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "delete"])
        parser.add_argument("--email", required=True, help="The person's email address.")
        parser.add_argument("--output", help="export: write the JSON to this file (default: standard output).")
        parser.add_argument("--dry-run", action="store_true", help="delete: count what would be erased, change nothing.")
        parser.add_argument("--yes", action="store_true", help="delete: do not ask for confirmation.")

    def handle(self, *args, action, email, output=None, dry_run=False, yes=False, **options):
        if action == "export" and (dry_run or yes):
            raise CommandError("invalid_option: " + _("--dry-run and --yes apply to delete only."))
        if action == "delete" and output:
            raise CommandError("invalid_option: " + _("--output applies to export only."))
        try:
            if action == "export":
                self._export(email, output)
            else:
                self._delete(email, dry_run=dry_run, yes=yes)
        except DomainError as error:
            raise CommandError(str(error)) from error

    def _export(self, email: str, output: str | None) -> None:
        text = json.dumps(personal_data_export(email=email), ensure_ascii=False, indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(_("Written to %(path)s.") % {"path": output})
        else:
            self.stdout.write(text, ending="")

    def _delete(self, email: str, *, dry_run: bool, yes: bool) -> None:
        if not dry_run and not yes:
            preview = personal_data_erase(email=email, dry_run=True)
            self._report(preview, "would be")
            answer = self._ask(_("Erase the personal data of %(email)s? This cannot be undone. Type 'yes' to go on: ") % {"email": preview.email})
            if answer.strip().lower() != "yes":
                raise CommandError("aborted: " + _("Nothing was erased."))
        erasure = personal_data_erase(email=email, dry_run=dry_run)
        self._report(erasure, "would be" if dry_run else "")
        self.stdout.write(_("Dry run: nothing was changed.") if dry_run else _("The personal data of %(email)s was erased.") % {"email": erasure.email})

    def _ask(self, prompt: str) -> str:
        try:
            return input(prompt)
        except EOFError:
            return ""

    def _report(self, erasure, tense: str) -> None:
        for label, actions in erasure.counts.items():
            for verb, count in actions.items():
                self.stdout.write(f"{label}: {tense + ' ' if tense else ''}{verb} {count}")
