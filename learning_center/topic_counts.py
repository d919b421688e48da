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

from collections import Counter

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.db.models.functions import Lower, Substr
from elasticsearch.dsl import MultiSearch, Search
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


def page_topic_counts(communities: QuerySet[CommunityPage], buckets: list[Period]) -> Counter[TopicKey]:
    """Topic counts of these (default-locale) CoPs per bucket, from the engine search runs on."""
    counts, _engine, _degraded = with_fallback(
        configured_engine(),
        lambda: elasticsearch_page_topic_counts(communities, buckets),
        lambda: database_page_topic_counts(communities, buckets),
        "Topic counts",
    )
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


# Elasticsearch: one composite aggregation per bucket, all buckets in one multi-search per page.

# Keys per page of a composite aggregation: far below the cluster's limit on the
# buckets of one search (search.max_buckets, 65,536 by default).
COMPOSITE_PAGE_SIZE = 10_000


def elasticsearch_page_topic_counts(
    communities: QuerySet[CommunityPage], buckets: list[Period], *, page_size: int = COMPOSITE_PAGE_SIZE
) -> Counter[TopicKey]:
    """One search per bucket, grouping its pages by (CoP page, kind, topic) in a composite aggregation.

    A composite aggregation pages through every key instead of returning
    the top ones, so no count is ever cut short and no search creates more
    than ``page_size`` buckets, whatever the period and the vocabulary. The
    searches of all buckets travel in one multi-search; a bucket with more
    keys than a page asks again, after its last key, in the next one.
    """
    counts: Counter[TopicKey] = Counter()
    if not buckets:
        return counts
    community_of_page = {str(pk): community for pk, _path, community in community_translations(communities)}
    if not community_of_page:
        return counts
    after_key: dict[int, dict | None] = dict.fromkeys(range(len(buckets)))
    while after_key:
        searches = MultiSearch(using=elasticsearch_client(), index=index_alias())
        for index, after in after_key.items():
            searches = searches.add(_bucket_search(list(community_of_page), buckets[index], page_size, after))
        next_after_key = {}
        for index, response in zip(after_key, searches.execute(), strict=True):
            topics = response.aggregations.topics
            for topic in topics.buckets:
                key = topic.key
                counts[(key.topic, community_of_page[key.community], index, key.kind)] += topic.doc_count
            if len(topics.buckets) == page_size:
                next_after_key[index] = topics.after_key.to_dict()
        after_key = next_after_key
    return counts


def _bucket_search(community_ids: list[str], bucket: Period, page_size: int, after: dict | None) -> Search:
    search = (
        Search()
        .filter("term", live=True)
        .filter("terms", kind=list(TAGGED_KINDS))
        .filter("terms", community_id=community_ids)
        .filter("range", published={"gte": bucket.first_day.isoformat(), "lte": bucket.last_day.isoformat()})
        .extra(size=0)
    )
    sources = [
        {"community": {"terms": {"field": "community_id"}}},
        {"kind": {"terms": {"field": "kind"}}},
        {"topic": {"terms": {"field": "tags"}}},
    ]
    search.aggs.bucket(
        "topics", "composite", size=page_size, sources=sources, **({"after": after} if after else {})
    )
    return search
