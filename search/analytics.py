"""Search analytics: what staff look for, what they find, and what is missing.

Each search the page answers is logged once (``log_search``) with its
normalised query, how many results it had, the engine that answered, the
language, and the CoPs of the searcher — not who searched, unless
``SEARCH_LOG_KEEPS_USER`` says the organisation allows it. A click on a
result is logged against its search (``log_click``). The same search also
counts as a hit for Wagtail's search promotions, so the admin's "Popular
search terms" report and editors' promoted results keep working.

- A search narrowed by facets is logged too, marked ``filtered``: it is a
  refinement of a question already counted, so the popular queries and the
  knowledge gaps count unfiltered searches only (a facet combination with
  no results says nothing about missing knowledge), while the click-through
  rate counts every search, since clicks mostly follow refinements.
- A search "had results" when the user saw something: the engine's total,
  or the editors' promoted pages when the engine found nothing, so an
  editor who promotes a page for a query closes that knowledge gap.
- The reports (``knowledge_gaps``, ``popular_queries``,
  ``click_through_rate``) are plain functions for the monitoring dashboard,
  each a fixed number of queries whatever the number of logs: grouping
  happens in the database, and a searcher's CoPs are counted per distinct
  set of CoPs, of which there are few. Periods are half-open:
  ``since <= searched_at < until``.
- Retention: logs older than ``SEARCH_LOG_RETENTION_DAYS`` are deleted by
  the ``purge_old_search_logs`` task (search/analytics_tasks.py), which the
  first logged search of each day enqueues; no cron entry is needed.
"""

import datetime
import logging
from collections import Counter
from typing import TypedDict

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_supported_language_variant
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Page
from wagtail.search.utils import normalise_query_string

from cop_pages.models import Membership

from .analysis import clean_text, words
from .knowledge_search import SearchOutcome
from .models import SearchClick, SearchLog

logger = logging.getLogger(__name__)

MAX_QUERY_CHARACTERS = 200
LARGEST_RANK = 32767  # SearchClick.rank is a PositiveSmallIntegerField
PURGE_SCHEDULED_KEY = "search-analytics-purge-scheduled"
PURGE_INTERVAL_SECONDS = 24 * 60 * 60
PURGE_BATCH = 1000


class QueryRow(TypedDict):
    query: str
    searches: int
    last_searched: datetime.datetime
    communities: Counter  # CoP id -> searches by its members


class PopularQueryRow(QueryRow):
    no_result_searches: int
    clicked_searches: int


# Logging ---------------------------------------------------------------------


def logged_query(query: str) -> str:
    """The query as analytics and Wagtail's promotions store it: printable, lower case, single-spaced."""
    return normalise_query_string(clean_text(query, MAX_QUERY_CHARACTERS))[:MAX_QUERY_CHARACTERS]


def searcher_communities(user) -> list[int]:
    """The default-locale CoPs the user is a member of (memberships live there)."""
    if user is None or not user.is_authenticated or user.pk is None:
        return []
    default_language = get_supported_language_variant(settings.LANGUAGE_CODE)
    return sorted(
        Membership.objects.filter(user=user, community__locale__language_code=default_language).values_list(
            "community_id", flat=True
        )
    )


def shown_result_count(outcome: SearchOutcome) -> int:
    return outcome.total or len(outcome.promotions)


def log_search(outcome: SearchOutcome) -> SearchLog | None:
    """Log one answered search; None when the query is empty once normalised.

    A query without a single word ("!!!", emoji) is empty too: no engine
    was asked, and it would only clutter the knowledge gaps.
    """
    query = logged_query(outcome.request.query)
    if not words(query):
        return None
    user = outcome.request.user
    filtered = any(outcome.request.filters.values())
    with transaction.atomic():
        log = SearchLog.objects.create(
            query=query,
            result_count=shown_result_count(outcome),
            engine=outcome.engine,
            language=outcome.request.language,
            searcher_communities=searcher_communities(user),
            filtered=filtered,
            user=user if settings.SEARCH_LOG_KEEPS_USER and getattr(user, "pk", None) else None,
        )
        if not filtered:
            Query.get(query).add_hit()
    schedule_purge()
    return log


def log_click(search_log_id: int, page_id: int, rank: int, user) -> SearchClick | None:
    """Log a click on a result of a logged search; anything that does not fit is ignored.

    When logs keep users, only the searcher may add clicks to their search.
    """
    if not (1 <= rank <= LARGEST_RANK):
        return None
    logs = SearchLog.objects.filter(pk=search_log_id)
    if settings.SEARCH_LOG_KEEPS_USER:
        logs = logs.filter(user_id=getattr(user, "pk", None) or 0)
    try:
        if not logs.exists() or not Page.objects.filter(pk=page_id).exists():
            return None
        with transaction.atomic():
            return SearchClick.objects.create(search_id=search_log_id, page_id=page_id, rank=rank)
    except (DatabaseError, OverflowError, ValueError, TypeError):
        logger.warning("A click on page %r of search %r could not be logged", page_id, search_log_id)
        return None


# Reports ---------------------------------------------------------------------


def logs_between(since: datetime.datetime, until: datetime.datetime) -> QuerySet[SearchLog]:
    return SearchLog.objects.filter(searched_at__gte=since, searched_at__lt=until)


def clicked() -> Exists:
    return Exists(SearchClick.objects.filter(search=OuterRef("pk")))


def community_counts(logs: QuerySet[SearchLog], queries: list[str]) -> dict[str, Counter]:
    """Per query, how many of its searches came from members of each CoP: one query.

    Rows are grouped by the searcher's set of CoPs, so their number follows
    the ways staff belong to CoPs, not the number of searches.
    """
    counts: dict[str, Counter] = {query: Counter() for query in queries}
    rows = (
        logs.filter(query__in=queries)
        .order_by()
        .values("query", "searcher_communities")
        .annotate(searches=Count("id"))
    )
    for row in rows:
        for community_id in row["searcher_communities"] or ():
            counts[row["query"]][community_id] += row["searches"]
    return counts


def query_table(logs: QuerySet[SearchLog], limit: int, **extra) -> list[dict]:
    """The most searched queries of ``logs`` with their CoP counts: two queries."""
    rows = list(
        logs.order_by()
        .values("query")
        .annotate(searches=Count("id"), last_searched=Max("searched_at"), **extra)
        .order_by("-searches", "-last_searched", "query")[:limit]
    )
    if not rows:
        return []
    counts = community_counts(logs, [row["query"] for row in rows])
    return [{**row, "communities": counts[row["query"]]} for row in rows]


def knowledge_gaps(since: datetime.datetime, until: datetime.datetime, limit: int = 20) -> list[QueryRow]:
    """The questions nothing answered, most asked first (ties: most recent, then A-Z)."""
    logs = logs_between(since, until).filter(result_count=0, filtered=False)
    return query_table(logs, limit)


def popular_queries(
    since: datetime.datetime, until: datetime.datetime, limit: int = 20
) -> list[PopularQueryRow]:
    """The most asked questions, with how often they found nothing and how often a result was opened."""
    logs = logs_between(since, until).filter(filtered=False)
    return query_table(
        logs,
        limit,
        no_result_searches=Count("id", filter=Q(result_count=0)),
        clicked_searches=Count("id", filter=Q(clicked())),
    )


def click_through_rate(since: datetime.datetime, until: datetime.datetime) -> float | None:
    """The share of searches with results after which a result was opened; None without such searches."""
    totals = (
        logs_between(since, until)
        .filter(result_count__gt=0)
        .aggregate(searches=Count("id"), clicked=Count("id", filter=Q(clicked())))
    )
    if not totals["searches"]:
        return None
    return totals["clicked"] / totals["searches"]


# Retention -------------------------------------------------------------------


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=settings.SEARCH_LOG_RETENTION_DAYS)


def purge_search_logs(before: datetime.datetime) -> int:
    """Delete the logs (and their clicks) older than ``before``, in bounded batches; returns how many."""
    deleted = 0
    old_logs = SearchLog.objects.filter(searched_at__lt=before).order_by("pk").values_list("pk", flat=True)
    while batch := list(old_logs[:PURGE_BATCH]):
        with transaction.atomic():
            SearchClick.objects.filter(search_id__in=batch).delete()
            deleted += SearchLog.objects.filter(pk__in=batch).delete()[1].get(SearchLog._meta.label, 0)
    return deleted


def schedule_purge() -> None:
    """Enqueue the retention purge at most once a day, after the search's transaction commits."""
    if not cache.add(PURGE_SCHEDULED_KEY, True, timeout=PURGE_INTERVAL_SECONDS):
        return
    from .analytics_tasks import purge_old_search_logs

    transaction.on_commit(purge_old_search_logs.enqueue, robust=True)
