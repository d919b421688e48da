from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cop_pages.importing import import_content


class Command(BaseCommand):
    help = "Import CoPs, practices and meetings from a folder of Markdown files (docs/content-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--create-missing-users",
            action="store_true",
            help="Create accounts (without a usable password) for usernames that do not exist.",
        )

    def handle(self, directory: Path, create_missing_users: bool, verbosity: int, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory}: no such folder")
        report = import_content(directory, create_missing_users=create_missing_users, progress=verbosity > 0)
        for error in report.errors:
            self.stderr.write(error)
        for username in report.created_users:
            self.stdout.write(f"Created user {username} (no password: they set one through 'lupa sandi')")
        for outcome in ("created", "updated", "unchanged"):
            counts = getattr(report, outcome)
            if counts:
                listed = ", ".join(f"{count} {page_type}" for page_type, count in sorted(counts.items()))
                self.stdout.write(f"{outcome.capitalize()}: {listed}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} of {report.files} files failed; see above")
        self.stdout.write(self.style.SUCCESS(f"Imported {report.files} files from {directory}"))
