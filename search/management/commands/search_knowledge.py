from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from search.command_output import DEGRADED_WARNING, outsider, results_json, results_text, search_as


class Command(BaseCommand):
    help = (
        "Print the knowledge-search results the search page would show a user (first page): "
        "rank, title, URL, CoP, type, score and the matching passage. Without --user, searches "
        "as a member of staff in no CoP (public content only). Does not log the search."
    )

    def add_arguments(self, parser):
        parser.add_argument("query", help="What to search for, as typed in the search box.")
        parser.add_argument("--user", help="Search as this user (username); default: a user in no CoP.")
        parser.add_argument(
            "--lang", choices=[code for code, _name in settings.LANGUAGES], default=settings.LANGUAGE_CODE
        )
        parser.add_argument(
            "--engine",
            choices=["elasticsearch", "database"],
            help="Force an engine; default: the configured one (Elasticsearch when ELASTICSEARCH_URL is set).",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print a JSON list of {rank, title, url, community, kind, score, highlight, promoted}; "
            "highlight is HTML with the matches in <mark>.",
        )

    def handle(self, query: str, user: str | None, lang: str, engine: str | None, json: bool, **options):
        if engine == "elasticsearch" and not settings.ELASTICSEARCH_URL:
            raise CommandError("Elasticsearch is not configured: set ELASTICSEARCH_URL.")
        searcher = outsider()
        if user is not None:
            searcher = (
                get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: user}).first()
            )
            if searcher is None:
                raise CommandError(f"Unknown user: {user}")
        outcome = search_as(query, searcher, lang, engine)
        if outcome.degraded:
            self.stderr.write(DEGRADED_WARNING)
        self.stdout.write(results_json(outcome) if json else results_text(outcome))
