"""manage.py search_index rebuild | reconcile [--check] | status"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search.index_status import index_status
from search.indexing import count_searchable_pages
from search.rebuild import RebuildError, rebuild_index
from search.reconcile import ReconcileError, reconcile


class Command(BaseCommand):
    help = "Rebuild, reconcile or inspect the knowledge search index."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        rebuild = actions.add_parser(
            "rebuild", help="Build a new index from the pages and swap the alias to it (no downtime)."
        )
        rebuild.add_argument("--chunk-size", type=int, default=None, help="Pages per chunk and bulk request.")
        rebuild.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")
        check = actions.add_parser(
            "reconcile", help="Compare the pages, the records and the index; repair what differs."
        )
        check.add_argument("--check", action="store_true", help="Only report; exit 1 when anything differs.")
        actions.add_parser("status", help="Show the engine, the index, the counts and the drift.")

    def handle(self, *args, **options):
        getattr(self, f"run_{options['action']}")(**options)

    def run_rebuild(self, *, chunk_size=None, no_progress=False, **options):
        # tqdm writes carriage returns itself: give it the raw stream, not Django's wrapper.
        with tqdm(
            total=count_searchable_pages(), unit="page", file=self.stderr._out, disable=no_progress
        ) as bar:
            try:
                report = rebuild_index(progress=bar.update, size=chunk_size)
            except RebuildError as error:
                raise CommandError(f"search_index rebuild: {error}") from error
        for line in report.lines():
            self.stdout.write(line)

    def run_reconcile(self, *, check=False, **options):
        try:
            report = reconcile(fix=not check)
        except ReconcileError as error:
            raise CommandError(f"search_index reconcile: {error}") from error
        for line in report.lines():
            self.stdout.write(line)
        if check and report.total:
            raise CommandError(f"{report.total} differences found", returncode=1)

    def run_status(self, **options):
        for line in index_status().lines():
            self.stdout.write(line)
