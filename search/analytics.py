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
- The searcher's CoPs are rows (``SearchLogCommunity``), not a list on the
  log, so that the reports can keep to the searches of some CoPs' members
  in SQL: a moderator's dashboard counts the searches of their CoPs'
  members only, the team's every search, by people in no CoP too.
- The reports (``knowledge_gaps``, ``popular_queries``,
  ``click_through_rate``, ``click_through_report``) are plain functions for
  the monitoring dashboard, each a fixed number of queries whatever the
  number of logs and CoPs: grouping happens in the database. Periods are
  half-open: ``since <= searched_at < until``.
- ``tagged_communities`` suggests where a question belongs when no member
  of a CoP asked it: the CoPs whose live pages carry tags the query names.
- Retention: logs older than ``SEARCH_LOG_RETENTION_DAYS`` are deleted by
  the ``purge_old_search_logs`` task (search/analytics_tasks.py), which the
  first logged search of each day enqueues; no cron entry is needed.
"""

import datetime
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple, TypedDict

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower, Substr
from django.utils import timezone
from django.utils.translation import get_supported_language_variant
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Page
from wagtail.search.utils import normalise_query_string

from cop_pages.listings import COMMUNITY_PATH_LENGTH
from cop_pages.models import CommunityPage, MeetingPageTag, Membership, PracticePageTag

from .analysis import clean_text, words
from .knowledge_search import SearchOutcome
from .models import SearchClick, SearchLog, SearchLogCommunity

logger = logging.getLogger(__name__)

MAX_QUERY_CHARACTERS = 200
LARGEST_RANK = 32767  # SearchClick.rank is a PositiveSmallIntegerField
PURGE_SCHEDULED_KEY = "search-analytics-purge-scheduled"
PURGE_INTERVAL_SECONDS = 24 * 60 * 60
PURGE_BATCH = 1000
# A tag names a question when it is a run of at most this many of its words.
PHRASE_WORDS = 3


# CoP ids, or a query set of CoPs: limits a report to the searches of their members; None: every search.
Communities = Iterable[int] | QuerySet | None


class QueryRow(TypedDict):
    query: str
    searches: int
    last_searched: datetime.datetime
    unaffiliated: int  # searches by people in no CoP
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
            filtered=filtered,
            user=user if settings.SEARCH_LOG_KEEPS_USER and getattr(user, "pk", None) else None,
        )
        SearchLogCommunity.objects.bulk_create(
            SearchLogCommunity(search=log, community_id=community_id)
            for community_id in searcher_communities(user)
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


@dataclass(frozen=True)
class ClickThrough:
    """Searches that showed results, and how many of them led to a click on one."""

    searches: int = 0
    clicked: int = 0

    @property
    def rate(self) -> float | None:
        """None when nothing was shown: a rate of no searches is not zero."""
        return self.clicked / self.searches if self.searches else None


class ClickThroughReport(NamedTuple):
    overall: ClickThrough
    # Searches by people in no CoP; always empty when the report is limited to CoPs.
    unaffiliated: ClickThrough
    by_community: dict[int, ClickThrough]


def logs_between(
    since: datetime.datetime, until: datetime.datetime, communities: Communities = None
) -> QuerySet[SearchLog]:
    """The searches of ``since <= searched_at < until``; limited to the searches of the members of
    ``communities`` (ids, or a query set of CoPs) unless it is None."""
    logs = SearchLog.objects.filter(searched_at__gte=since, searched_at__lt=until)
    if communities is None:
        return logs
    return logs.filter(
        Exists(SearchLogCommunity.objects.filter(search=OuterRef("pk"), community__in=communities))
    )


def clicked() -> Exists:
    return Exists(SearchClick.objects.filter(search=OuterRef("pk")))


def by_a_member() -> Exists:
    """The searcher belonged to some CoP."""
    return Exists(SearchLogCommunity.objects.filter(search=OuterRef("pk")))


def community_counts(
    logs: QuerySet[SearchLog], queries: list[str], communities: Communities = None
) -> dict[str, Counter]:
    """Per query, how many of its searches came from members of each CoP (of ``communities`` unless
    None): one query, a row per query and CoP."""
    counts: dict[str, Counter] = {query: Counter() for query in queries}
    links = SearchLogCommunity.objects.filter(search__in=logs.filter(query__in=queries))
    if communities is not None:
        links = links.filter(community__in=communities)
    for row in links.values("search__query", "community").annotate(searches=Count("id")).order_by():
        counts[row["search__query"]][row["community"]] += row["searches"]
    return counts


def query_table(
    logs: QuerySet[SearchLog], limit: int, communities: Communities = None, **extra
) -> list[dict]:
    """The most searched queries of ``logs`` with their CoP counts: two queries."""
    rows = list(
        logs.order_by()
        .values("query")
        .annotate(
            searches=Count("id"),
            last_searched=Max("searched_at"),
            unaffiliated=Count("id", filter=~Q(by_a_member())),
            **extra,
        )
        .order_by("-searches", "-last_searched", "query")[:limit]
    )
    if not rows:
        return []
    counts = community_counts(logs, [row["query"] for row in rows], communities)
    return [{**row, "communities": counts[row["query"]]} for row in rows]


def knowledge_gaps(
    since: datetime.datetime, until: datetime.datetime, limit: int = 20, communities: Communities = None
) -> list[QueryRow]:
    """The questions nothing answered, most asked first (ties: most recent, then A-Z)."""
    logs = logs_between(since, until, communities).filter(result_count=0, filtered=False)
    return query_table(logs, limit, communities)


def popular_queries(
    since: datetime.datetime, until: datetime.datetime, limit: int = 20, communities: Communities = None
) -> list[PopularQueryRow]:
    """The most asked questions, with how often they found nothing and how often a result was opened."""
    logs = logs_between(since, until, communities).filter(filtered=False)
    return query_table(
        logs,
        limit,
        communities,
        no_result_searches=Count("id", filter=Q(result_count=0)),
        clicked_searches=Count("id", filter=Q(clicked())),
    )


def _click_totals(logs: QuerySet[SearchLog]) -> dict[str, int]:
    return logs.filter(result_count__gt=0).aggregate(
        searches=Count("id"),
        clicked=Count("id", filter=Q(clicked())),
        unaffiliated_searches=Count("id", filter=~Q(by_a_member())),
        unaffiliated_clicked=Count("id", filter=Q(clicked()) & ~Q(by_a_member())),
    )


def click_through_rate(
    since: datetime.datetime, until: datetime.datetime, communities: Communities = None
) -> float | None:
    """The share of searches with results after which a result was opened; None without such searches."""
    totals = _click_totals(logs_between(since, until, communities))
    return ClickThrough(totals["searches"], totals["clicked"]).rate


def click_through_report(
    since: datetime.datetime, until: datetime.datetime, communities: Communities = None
) -> ClickThroughReport:
    """The click-through of every search, of those by people in no CoP, and per CoP of the searchers
    (a search by a member of two CoPs counts for both): two queries."""
    logs = logs_between(since, until, communities)
    totals = _click_totals(logs)
    links = SearchLogCommunity.objects.filter(search__in=logs.filter(result_count__gt=0))
    if communities is not None:
        links = links.filter(community__in=communities)
    per_community = (
        links.values("community")
        .annotate(
            searches=Count("id"),
            clicked=Count("id", filter=Q(Exists(SearchClick.objects.filter(search=OuterRef("search"))))),
        )
        .order_by()
    )
    return ClickThroughReport(
        overall=ClickThrough(totals["searches"], totals["clicked"]),
        unaffiliated=ClickThrough(totals["unaffiliated_searches"], totals["unaffiliated_clicked"]),
        by_community={
            row["community"]: ClickThrough(row["searches"], row["clicked"]) for row in per_community
        },
    )


# Where a question belongs ----------------------------------------------------


def query_phrases(query: str) -> set[str]:
    """The runs of up to ``PHRASE_WORDS`` consecutive words of a query: the tags it could name."""
    query_words = words(query)
    return {
        " ".join(query_words[start : start + length])
        for length in range(1, PHRASE_WORDS + 1)
        for start in range(len(query_words) - length + 1)
    }


def _tagged_pages(through, tag_names: set[str]) -> QuerySet:
    """Live pages per (CoP translation key, lower-case tag name) for one of the page tag models."""
    community_key = CommunityPage.objects.filter(path=OuterRef("prefix")).values("translation_key")[:1]
    return (
        through.objects.filter(content_object__live=True)
        .annotate(tag_name=Lower("tag__name"))
        .filter(tag_name__in=tag_names)
        .annotate(
            prefix=Substr("content_object__path", 1, COMMUNITY_PATH_LENGTH),
            community_key=Subquery(community_key),
        )
        .order_by()
        .values("community_key", "tag_name")
        .annotate(pages=Count("content_object", distinct=True))
    )


def tagged_communities(queries: list[str], communities: Iterable[CommunityPage]) -> dict[str, Counter]:
    """Per query, how many live practices and meetings of each of ``communities`` (default-locale
    CoPs; their translations' pages count for them) carry a tag the query names: one query.

    A tag is named when its lower-case name is one of the query's phrases:
    "rak buku" names the tags "Rak", "buku" and "rak buku". A page with two
    such tags counts twice, as it shares more of the question. The database
    lowers the tag names (SQLite only the ASCII letters), the query's words
    are without accents: a tag with accented letters is not named.
    """
    phrases = {query: query_phrases(query) for query in queries}
    counts: dict[str, Counter] = {query: Counter() for query in queries}
    wanted = set().union(*phrases.values())
    if not wanted:
        return counts
    community_of_key = {community.translation_key: community.pk for community in communities}
    tagged = _tagged_pages(PracticePageTag, wanted).union(_tagged_pages(MeetingPageTag, wanted), all=True)
    for row in tagged:
        community_id = community_of_key.get(row["community_key"])
        if community_id is None:
            continue
        for query, query_phrase_set in phrases.items():
            if row["tag_name"] in query_phrase_set:
                counts[query][community_id] += row["pages"]
    return counts


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
