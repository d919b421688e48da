"""manage.py rebuild_comment_topics: rewrite the comments-per-topic roll-up of the monitoring views."""

from django.core.management.base import BaseCommand

from learning_center.comment_topics import rebuild


class Command(BaseCommand):
    help = (
        "Rewrite the monthly count of comments per topic and CoP from the comments: after loading "
        "comments or tags in bulk (past the signals that keep it), or to repair it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args, no_progress=False, **options):
        # tqdm writes carriage returns itself: give it the raw stream, not Django's wrapper.
        rows = rebuild(progress=not no_progress, progress_file=self.stderr._out)
        self.stdout.write(f"Comment topics rebuilt: {rows:,} rows (topic, CoP and month).")
