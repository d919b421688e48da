"""How many live practices and meeting notes of each CoP carry each topic (tag), per trend bucket.

Two paths give the same numbers on the same data: the database, and
Elasticsearch aggregations over the knowledge index when search runs on
Elasticsearch (the database answers when the cluster fails). Both count
what the knowledge index holds:

- a page is a live, unexpired PracticePage or MeetingPage under the CoP page
  or under one of its translations, counted for the default-locale CoP;
- its date is its publication date as search/records.py defines it
  (``documented_on``, ``meeting_date``: plain dates, no time-zone shift), and
  it counts in the bucket holding that date, or nowhere;
- a topic is a tag's name lower-cased by Python (``page_tags``), and a page
  counts once per topic even when two of its tags differ only in case.
"""

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.db.models.functions import Lower, Substr
from elasticsearch import Elasticsearch
from elasticsearch.dsl import Search
from taggit.models import Tag

from cop_pages.listings import COMMUNITY_PATH_LENGTH
from cop_pages.models import CommunityPage, MeetingPageTag, PracticePageTag
from search.elasticsearch_client import elasticsearch_client, index_alias
from search.engines import configured_engine, with_fallback

from .community_scope import community_translations
from .periods import Period

# (topic, default-locale CoP id, bucket index, kind "practice" | "meeting")
TopicKey = tuple[str, int, int, str]

# The tag through-model of each kind, and the page field holding its publication date.
TAGGED_KINDS = {
    "practice": (PracticePageTag, "documented_on"),
    "meeting": (MeetingPageTag, "meeting_date"),
}


def page_topic_counts(
    communities: QuerySet[CommunityPage], buckets: list[Period], on_fallback: Callable[[], None] | None = None
) -> Counter[TopicKey]:
    """Topic counts of these (default-locale) CoPs per bucket, from the engine search runs on.

    ``on_fallback`` is called when Elasticsearch failed and the database counted instead, so that a
    view can say so.
    """
    counts, _engine, fell_back = with_fallback(
        configured_engine(),
        lambda: elasticsearch_page_topic_counts(communities, buckets),
        lambda: database_page_topic_counts(communities, buckets),
        "Topic counts",
    )
    if fell_back and on_fallback is not None:
        on_fallback()
    return counts


# The database: four queries whatever the amount of content (the CoPs, the tags, one per kind).


def database_page_topic_counts(
    communities: QuerySet[CommunityPage], buckets: list[Period]
) -> Counter[TopicKey]:
    counts: Counter[TopicKey] = Counter()
    if not buckets:
        return counts
    community_of_prefix = {path: community for _pk, path, community in community_translations(communities)}
    if not community_of_prefix:
        return counts
    topic = topic_expression()
    for kind, (through_model, date_field) in TAGGED_KINDS.items():
        rows = (
            through_model.objects.filter(
                content_object__live=True,
                content_object__expired=False,
                **{
                    f"content_object__{date_field}__gte": buckets[0].first_day,
                    f"content_object__{date_field}__lte": buckets[-1].last_day,
                },
            )
            .annotate(
                prefix=Substr("content_object__path", 1, COMMUNITY_PATH_LENGTH),
                topic=topic,
                bucket=_bucket_expression(f"content_object__{date_field}", buckets),
            )
            .filter(prefix__in=list(community_of_prefix))
            .values("topic", "prefix", "bucket")
            .annotate(pages=Count("content_object", distinct=True))
        )
        for row in rows:
            if row["bucket"] is not None:
                community = community_of_prefix[row["prefix"]]
                counts[(row["topic"], community, row["bucket"], kind)] += row["pages"]
    return counts


def topic_expression():
    """The tag's name lower-cased as Python does it.

    SQLite's LOWER folds ASCII letters only (PostgreSQL's depends on the
    database's locale), so names with other letters get their Python form
    spelled out; tags whose names differ only in case share one value, and
    a page carrying both counts once (COUNT DISTINCT).
    """
    tag_ids_of: dict[str, list[int]] = {}
    for pk, name in Tag.objects.values_list("pk", "name"):
        if not name.isascii():
            tag_ids_of.setdefault(name.lower(), []).append(pk)
    if not tag_ids_of:
        return Lower("tag__name")
    return Case(
        *(When(tag_id__in=ids, then=Value(topic)) for topic, ids in tag_ids_of.items()),
        default=Lower("tag__name"),
    )


def tag_ids_of_topics(topics: set[str]) -> dict[str, list[int]]:
    """The ids of the tags of each of these topics (lower-cased names, as ``topic_expression``)."""
    tag_ids_of = defaultdict(list)
    for pk, name in Tag.objects.values_list("pk", "name"):
        if name.lower() in topics:
            tag_ids_of[name.lower()].append(pk)
    return dict(tag_ids_of)


def _bucket_expression(date_lookup: str, buckets: list[Period]) -> Case:
    return Case(
        *(
            When(
                **{f"{date_lookup}__gte": bucket.first_day, f"{date_lookup}__lte": bucket.last_day},
                then=Value(index),
            )
            for index, bucket in enumerate(buckets)
        ),
        default=None,
        output_field=IntegerField(),
    )


# Elasticsearch: composite aggregations over runs of consecutive buckets, the runs searched side by side.

# Buckets one search may create, sub-aggregations' included: below the cluster's
# default limit (search.max_buckets, 65,536).
SEARCH_BUCKET_BUDGET = 60_000
# Searches sent at once, each counting its own run of consecutive buckets.
CONCURRENT_SEARCHES = 2


def elasticsearch_page_topic_counts(
    communities: QuerySet[CommunityPage], buckets: list[Period], *, page_size: int | None = None
) -> Counter[TopicKey]:
    """Searches grouping the pages of their buckets by (CoP page, kind, topic), then by bucket.

    The buckets are cut into ``CONCURRENT_SEARCHES`` runs of consecutive
    buckets, each counted by a search of its own, and the searches are sent
    at the same time, from threads (which only talk to the cluster, never to
    the database), so that the cluster works on them side by side, each on
    the pages of its own dates. An msearch request is the cluster's own way
    to run searches side by side, but osmem-server answers its searches one
    after the other: the two periods of the cross-CoP view at full size took
    0.58 s in one search, 0.66 s in an msearch of two and 0.44 s in two
    searches sent together. See ``_run_counts`` for one search.

    Every search tests each page it reads against each filter, so no filter
    selects every page: there is none on ``live`` (only live pages are
    indexed: unpublishing deletes the document) and none on the CoP when
    every CoP is asked for, as for the learning-center team. Pages of a CoP
    not asked for are skipped as they come, should the index hold any.
    """
    counts: Counter[TopicKey] = Counter()
    if not buckets:
        return counts
    translations = community_translations(communities)
    if not translations:
        return counts
    community_of_page = {str(pk): community for pk, _path, community in translations}
    some_left_out = CommunityPage.objects.exclude(
        pk__in=[pk for pk, _path, _community in translations]
    ).exists()
    community_ids = list(community_of_page) if some_left_out else None
    run_length = math.ceil(len(buckets) / CONCURRENT_SEARCHES)
    runs = [(first, buckets[first : first + run_length]) for first in range(0, len(buckets), run_length)]
    client = elasticsearch_client()

    def counts_of(run: tuple[int, list[Period]]) -> Counter[TopicKey]:
        first, run_buckets = run
        return _run_counts(client, community_of_page, community_ids, first, run_buckets, page_size)

    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        for run_counts in pool.map(counts_of, runs):
            counts.update(run_counts)
    return counts


def _run_counts(
    client: Elasticsearch,
    community_of_page: dict[str, int],
    community_ids: list[str] | None,
    first: int,
    buckets: list[Period],
    page_size: int | None,
) -> Counter[TopicKey]:
    """The counts of a run of consecutive buckets, the first of which is bucket ``first``.

    A composite aggregation pages through every key instead of returning
    the top ones, so no count is ever cut short; under each key a
    ``filters`` aggregation, one date-range filter per bucket, counts the
    pages of each bucket, so the search reads the run's pages once for all
    its buckets. A page of keys holds at most ``page_size`` keys, by default
    as many as keep a search's buckets, keys and filters together, within
    ``SEARCH_BUCKET_BUDGET`` whatever the period; more keys are asked for
    again, after the last one. The response is read as the client returns
    it: tens of thousands of keys made into elasticsearch-dsl objects took
    longer than the search.
    """
    counts: Counter[TopicKey] = Counter()
    keys_per_page = page_size or SEARCH_BUCKET_BUDGET // (len(buckets) + 1)
    after = None
    while True:
        search = _topic_search(community_ids, buckets, keys_per_page, after)
        response = search.using(client).index(index_alias()).execute()
        topics = response.to_dict()["aggregations"]["topics"]
        for topic in topics["buckets"]:
            key = topic["key"]
            community = community_of_page.get(key["community"])
            if community is None:
                continue
            for index, pages in _bucket_counts(topic, len(buckets)):
                if pages:
                    counts[(key["topic"], community, first + index, key["kind"])] += pages
        if len(topics["buckets"]) < keys_per_page:
            return counts
        after = topics["after_key"]


def _topic_search(
    community_ids: list[str] | None, buckets: list[Period], page_size: int, after: dict | None
) -> Search:
    search = (
        Search()
        .filter("range", published=_days_of(buckets[0].first_day, buckets[-1].last_day))
        .filter("terms", kind=list(TAGGED_KINDS))
        .extra(size=0)
    )
    if community_ids is not None:
        search = search.filter("terms", community_id=community_ids)
    sources = [
        {"community": {"terms": {"field": "community_id"}}},
        {"kind": {"terms": {"field": "kind"}}},
        {"topic": {"terms": {"field": "tags"}}},
    ]
    topics = search.aggs.bucket(
        "topics", "composite", size=page_size, sources=sources, **({"after": after} if after else {})
    )
    if len(buckets) > 1:
        # Named by the bucket's index. (A date_range aggregation counts the same, slower on osmem-server.)
        topics.bucket(
            "buckets",
            "filters",
            filters={
                str(index): {"range": {"published": _days_of(bucket.first_day, bucket.last_day)}}
                for index, bucket in enumerate(buckets)
            },
        )
    return search


def _bucket_counts(topic: dict, bucket_count: int) -> list[tuple[int, int]]:
    """(bucket index in the run, pages) of a key of the composite aggregation. A run of one bucket has
    no sub-aggregation: the search's own date filter is that bucket's, and the key's count is its."""
    if bucket_count == 1:
        return [(0, topic["doc_count"])]
    return [(int(index), bucket["doc_count"]) for index, bucket in topic["buckets"]["buckets"].items()]


def _days_of(first_day: datetime.date, last_day: datetime.date) -> dict:
    return {"gte": first_day.isoformat(), "lte": last_day.isoformat()}
