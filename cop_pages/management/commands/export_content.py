from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cop_pages.exporting import export_content


class Command(BaseCommand):
    help = "Write every CoP, practice and meeting as Markdown files that import_content reads back."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="A folder that does not exist yet or is empty.")

    def handle(self, directory: Path, verbosity: int, **options):
        if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
            raise CommandError(f"{directory}: not an empty folder; export into a new one")
        written = export_content(directory, progress=verbosity > 0)
        listed = ", ".join(f"{count} {page_type}" for page_type, count in sorted(written.items()))
        self.stdout.write(self.style.SUCCESS(f"Exported {listed or 'nothing'} to {directory}"))
