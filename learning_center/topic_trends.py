"""Topics over time: which tags each CoP works on, which several CoPs share, which are rising.

A topic is a tag's name lower-cased ("Katalog" and "katalog" are one
topic). Its activity in a CoP over a stretch of days is the sum of:

- practices: live practices carrying it, documented on one of those days;
- meetings: live meeting notes carrying it, dated on one of those days
  (both from ``topic_counts.page_topic_counts``: the database, or
  Elasticsearch aggregations when search runs there);
- comments: visible comments posted in those days (between local midnights)
  on live practices or meeting notes carrying it, counted for the comment's
  CoP. Always from the database (``comment_topics``: a monthly roll-up and
  the comments themselves): comments are not in the knowledge index.

Every function answers for all the CoPs given in a fixed number of
queries, however many CoPs, tags, pages and comments there are.
"""

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import zip_longest

from django.db import connection
from django.db.models import Case, F, QuerySet, Value, When
from django.db.models.functions import Substr
from wagtail.models import Page

from cop_pages.listings import COMMUNITY_PATH_LENGTH
from cop_pages.models import CommunityPage

from .comment_topics import comment_topic_counts
from .community_scope import community_translations
from .periods import Period
from .topic_counts import TAGGED_KINDS, page_topic_counts, tag_ids_of_topics

# Sorts after every publication moment.
NEVER_PUBLISHED = datetime.datetime.min.replace(tzinfo=datetime.UTC)


@dataclass
class TopicActivity:
    """One topic in one CoP: how many practices, meetings and comments in each bucket."""

    topic: str
    community: CommunityPage
    practices: list[int]
    meetings: list[int]
    comments: list[int]

    @property
    def per_bucket(self) -> list[int]:
        return [sum(figures) for figures in zip(self.practices, self.meetings, self.comments, strict=True)]

    @property
    def practice_total(self) -> int:
        return sum(self.practices)

    @property
    def meeting_total(self) -> int:
        return sum(self.meetings)

    @property
    def comment_total(self) -> int:
        return sum(self.comments)

    @property
    def total(self) -> int:
        return self.practice_total + self.meeting_total + self.comment_total

    def add(self, kind: str, bucket: int, count: int) -> None:
        """Count ``count`` more of ``kind`` ("practice", "meeting" or "comment") in a bucket."""
        figures = {"practice": self.practices, "meeting": self.meetings, "comment": self.comments}[kind]
        figures[bucket] += count


def most_active_first(activity: TopicActivity) -> tuple:
    return (-activity.total, activity.topic)


def topic_activity(
    communities: QuerySet[CommunityPage],
    buckets: list[Period],
    on_fallback: Callable[[], None] | None = None,
) -> list[TopicActivity]:
    """Every topic with any activity in these (default-locale) CoPs, by CoP title then most active.

    ``on_fallback`` as for ``page_topic_counts``.
    """
    by_pk = {community.pk: community for community in communities.order_by("title", "pk")}
    if not by_pk or not buckets:
        return []
    figures: dict[tuple[str, int], TopicActivity] = {}

    def figures_of(topic: str, community_id: int) -> TopicActivity:
        if (topic, community_id) not in figures:
            empty = [0] * len(buckets)
            figures[topic, community_id] = TopicActivity(
                topic, by_pk[community_id], list(empty), list(empty), list(empty)
            )
        return figures[topic, community_id]

    page_counts = page_topic_counts(communities, buckets, on_fallback)
    for (topic, community_id, bucket, kind), pages in page_counts.items():
        figures_of(topic, community_id).add(kind, bucket, pages)
    for (topic, community_id, bucket), comments in comment_topic_counts(list(by_pk), buckets).items():
        figures_of(topic, community_id).add("comment", bucket, comments)
    order = {pk: position for position, pk in enumerate(by_pk)}
    return sorted(figures.values(), key=lambda row: (order[row.community.pk], *most_active_first(row)))


def topic_totals(activity: list[TopicActivity], bucket: int) -> Counter[str]:
    """Each topic's activity in one bucket, all the CoPs of ``activity`` together."""
    totals: Counter[str] = Counter()
    for row in activity:
        totals[row.topic] += row.per_bucket[bucket]
    return +totals


def in_bucket(activity: list[TopicActivity], bucket: int) -> list[TopicActivity]:
    """The activity of one bucket as one-bucket rows, without the topics that had none in it."""
    rows = [
        TopicActivity(
            row.topic, row.community, [row.practices[bucket]], [row.meetings[bucket]], [row.comments[bucket]]
        )
        for row in activity
    ]
    return [row for row in rows if row.total]


# Topic trends: the most active topics of each CoP.


@dataclass
class CommunityTrend:
    community: CommunityPage
    # The most active topics, most active first (ties alphabetical).
    topics: list[TopicActivity]
    # How many topics had any activity in the CoP, shown or not.
    topic_count: int


def community_trends(
    activity: list[TopicActivity], communities: list[CommunityPage], limit: int
) -> list[CommunityTrend]:
    """One trend per CoP, in the order given, CoPs without tagged activity included."""
    topics_of = defaultdict(list)
    for row in activity:
        topics_of[row.community.pk].append(row)
    trends = []
    for community in communities:
        ranked = sorted(topics_of[community.pk], key=most_active_first)
        trends.append(CommunityTrend(community, ranked[:limit], len(ranked)))
    return trends


# Cross-CoP topics: collaboration opportunities.


@dataclass
class TopicPage:
    """A page of the period on a topic, listed under the topic."""

    page: Page
    community: CommunityPage


@dataclass
class SharedTopic:
    topic: str
    # Most active in the topic first, ties by title.
    communities: list[CommunityPage]
    activity: int
    # The topic's pages of the period in its CoPs: practices documented and meeting notes dated in it.
    page_count: int
    # At most the cap of ``add_topic_pages``, taken in turn from each CoP.
    pages: list[TopicPage] = field(default_factory=list)


def shared_topics(activity: list[TopicActivity]) -> list[SharedTopic]:
    """Topics active in two or more of the CoPs: most CoPs first, then most active, then by name."""
    rows_of = defaultdict(list)
    for row in activity:
        rows_of[row.topic].append(row)
    shared = [
        SharedTopic(
            topic,
            [row.community for row in sorted(rows, key=lambda row: (-row.total, row.community.title))],
            sum(row.total for row in rows),
            # Each page counts once: in its own CoP, kind and bucket.
            sum(row.practice_total + row.meeting_total for row in rows),
        )
        for topic, rows in rows_of.items()
        if len(rows) > 1
    ]
    return sorted(shared, key=lambda shared: (-len(shared.communities), -shared.activity, shared.topic))


def add_topic_pages(shared: list[SharedTopic], period: Period, cap: int) -> None:
    """List under each topic at most ``cap`` of its pages of the period.

    A topic's pages of the period are the live practices documented and the
    live meeting notes dated in it that carry the topic: what its CoPs
    produced on it. Older pages commented on in the period make the topic
    active through their comments but are not listed: with discussion all
    year round, nearly every page of a topic is commented on in a long
    period, and listing those would rank every page of the topic.
    Each CoP's pages come most recently published first, and the list takes
    them from each CoP in turn (in the topic's order of CoPs), so that every
    CoP is represented: with ``cap`` pages listed, only a topic's first
    ``cap`` CoPs can appear, so only their pages are ranked. (A CoP whose
    activity in a topic is comments only has no page to give; its turn
    passes to the next CoP that does, if ranked.)
    A fixed number of queries whatever the number of topics and pages: the
    CoPs' translations, the tags, the pages ranked, then the pages listed.
    """
    if not shared:
        return
    communities = {community.pk: community for each in shared for community in each.communities}
    translations = community_translations(CommunityPage.objects.filter(pk__in=list(communities)))
    community_of_prefix = {path: communities[default_pk] for _pk, path, default_pk in translations}
    prefixes_of = defaultdict(list)
    for path, community in community_of_prefix.items():
        prefixes_of[community.pk].append(path)
    # (topic, path prefix) of each topic and CoP whose pages can be listed.
    listable = [
        (shared_topic.topic, prefix)
        for shared_topic in shared
        for community in shared_topic.communities[:cap]
        for prefix in prefixes_of[community.pk]
    ]
    # (topic, CoP id) -> page id -> (last published, title)
    candidates: dict[tuple[str, int], dict] = defaultdict(dict)
    for topic_name, prefix, page_id, published, title in _first_topic_pages(listable, period, cap):
        candidates[topic_name, community_of_prefix[prefix].pk][page_id] = (published, title)
    ranked = {key: _most_recent_first(pages)[:cap] for key, pages in candidates.items()}
    chosen = {shared_topic.topic: _taken_in_turn(shared_topic, ranked, cap) for shared_topic in shared}
    # Only the pages listed are loaded: a few per topic, of the many ranked.
    pages = Page.objects.in_bulk({page_id for listed in chosen.values() for page_id, _community in listed})
    for shared_topic in shared:
        shared_topic.pages = [
            TopicPage(pages[page_id], community) for page_id, community in chosen[shared_topic.topic]
        ]


def _taken_in_turn(shared_topic: SharedTopic, ranked: dict, cap: int) -> list[tuple[int, CommunityPage]]:
    """The first ``cap`` (page id, CoP) of a topic, one from each CoP in turn, in the topic's order of CoPs."""
    of_each = [ranked.get((shared_topic.topic, community.pk), []) for community in shared_topic.communities]
    taken = []
    for page_ids in zip_longest(*of_each):
        for community, page_id in zip(shared_topic.communities, page_ids, strict=True):
            if page_id is not None and len(taken) < cap:
                taken.append((page_id, community))
    return taken


def _most_recent_first(pages: dict) -> list[int]:
    """Page ids by last publication, latest first (never recorded: last); the same moment by title."""
    by_title = sorted(pages, key=lambda page_id: pages[page_id][1])
    return sorted(by_title, key=lambda page_id: pages[page_id][0] or NEVER_PUBLISHED, reverse=True)


def _first_topic_pages(listable: list[tuple[str, str]], period: Period, cap: int) -> list[tuple]:
    """The first ``cap`` pages of the period of each listable (topic, CoP path prefix), as rows
    (topic, prefix, page id, last published, title).

    One query: the tags of these topics on the pages of the period, ranked
    per topic and CoP page with a window function. The tag rows are chosen by
    their tags' ids, read beforehand, and given their topic by id: no tag
    row looks its tag up. Composed from ORM querysets like
    ``comment_topics.count_from_comments``: only SQL that Django compiled and
    names made here are pasted together, the values travel as parameters.
    """
    tag_ids_of = tag_ids_of_topics({topic_name for topic_name, _prefix in listable})
    if not tag_ids_of:
        return []
    topic = Case(*(When(tag_id__in=ids, then=Value(name)) for name, ids in tag_ids_of.items()))
    prefixes = sorted({prefix for _topic_name, prefix in listable})
    # "topic prefix" of each pair: one list, one test per row (a condition per topic made SQLite
    # look each tag up in its index, row by row).
    pairs = [f"{topic_name} {prefix}" for topic_name, prefix in listable]
    kind_queries = []
    for through_model, date_field in TAGGED_KINDS.values():
        page_model = through_model.content_object.field.related_model
        tag_rows = (
            through_model.objects.order_by()
            .filter(tag_id__in=[tag_id for ids in tag_ids_of.values() for tag_id in ids])
            .annotate(topic=topic)
            .values("topic", page_id=F("content_object_id"))
        )
        # The pages straight from Page: a join through the page model's own table (its wide rows
        # read only to reach Page) made the query a third slower.
        dated_in_period = {f"{date_field}__gte": period.first_day, f"{date_field}__lte": period.last_day}
        pages = (
            Page.objects.order_by()
            .filter(pk__in=page_model.objects.filter(**dated_in_period).values("pk"))
            .filter(live=True, expired=False)
            .annotate(prefix=Substr("path", 1, COMMUNITY_PATH_LENGTH))
            .filter(prefix__in=prefixes)
            .values("prefix", "title", page_id=F("pk"), published=F("last_published_at"))
        )
        kind_queries.append((tag_rows.query.sql_with_params(), pages.query.sql_with_params()))
    # A page is of one kind only: the kinds need no de-duplication between them.
    topic_rows = " UNION ALL ".join(
        "SELECT tag_rows.topic, pages.prefix, pages.page_id, pages.published, pages.title"  # noqa: S608
        f" FROM ({tag_sql}) AS tag_rows INNER JOIN ({page_sql}) AS pages ON pages.page_id = tag_rows.page_id"
        for (tag_sql, _tag_params), (page_sql, _page_params) in kind_queries
    )
    parameters = [
        value
        for (_tag_sql, tag_params), (_page_sql, page_params) in kind_queries
        for value in (*tag_params, *page_params)
    ]
    pair_placeholders = ", ".join(["%s"] * len(pairs))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT topic, prefix, page_id, published, title FROM ("  # noqa: S608
            " SELECT listed.*, ROW_NUMBER() OVER ("
            "  PARTITION BY topic, prefix ORDER BY published DESC NULLS LAST, title"
            " ) AS rank FROM ("
            # DISTINCT: a page tagged "Katalog" and "katalog" is listed once for "katalog".
            f"  SELECT DISTINCT topic, prefix, page_id, published, title FROM ({topic_rows}) AS topic_rows"
            f"  WHERE (topic || ' ' || prefix) IN ({pair_placeholders})"
            " ) AS listed"
            ") AS ranked WHERE rank <= %s",
            [*parameters, *pairs, cap],
        )
        rows = cursor.fetchall()
    # Raw rows skip the ORM's conversions: SQLite gives the publication moment as text.
    published_column = Page._meta.get_field("last_published_at").cached_col
    converters = connection.ops.get_db_converters(published_column)
    converted = []
    for topic_name, prefix, page_id, published, title in rows:
        for converter in converters:
            published = converter(published, published_column, connection)
        converted.append((topic_name, prefix, page_id, published, title))
    return converted


# Rising topics: growth against the period before.


@dataclass(frozen=True)
class RisingTopic:
    topic: str
    before: int
    now: int

    @property
    def change(self) -> int:
        return self.now - self.before

    @property
    def is_new(self) -> bool:
        return self.before == 0

    @property
    def growth(self) -> float:
        """Relative growth (1.0 is +100 %); infinite for a topic new in the period."""
        return math.inf if self.is_new else self.change / self.before


def rising_topics(now: Counter[str], before: Counter[str], limit: int) -> list[RisingTopic]:
    """The topics whose activity grew, most growth first.

    Ranked by absolute growth (more activity added is more to notice), then
    by relative growth (a topic new in the period first, then 1 -> 3 before
    5 -> 7), then by activity now, then by name.
    """
    rising = [
        RisingTopic(topic, before[topic], count) for topic, count in now.items() if count > before[topic]
    ]
    rising.sort(key=lambda row: (-row.change, -row.growth, -row.now, row.topic))
    return rising[:limit]
