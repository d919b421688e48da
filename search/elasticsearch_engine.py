"""Knowledge search on Elasticsearch, through elasticsearch-dsl.

A FacetedSearch gives the facet counts that stay meaningful when combined
(each facet is counted under every other facet's filter, results under
all of them); the visibility filter sits in the query itself, so counts
and hits never include what the user may not see.
"""

from elasticsearch.dsl import FacetedSearch, Q, TermsFacet

from .documents import KnowledgeDocument
from .elasticsearch_client import elasticsearch_client, index_alias
from .engine_results import FACET_FIELDS, FACET_SIZES, EngineQuery, EngineResult
from .models import TITLE_WEIGHT
from .query_plan import Alternative, QueryPlan

# A related practice shares a tenth of the telling terms (more-like-this's default, 30 %,
# leaves only the page itself once a practice has all its sections filled in).
RELATED_MINIMUM_MATCH = "10%"
EXACT_WORD_BOOST = 1.2


def word_query(word: str, terms: frozenset[str]) -> Q:
    """The word as any of its terms, in the title (tags included) or the body."""
    queries = []
    for term in sorted(terms):
        weight = EXACT_WORD_BOOST if term == word else 1.0
        queries.append(Q("term", title_terms={"value": term, "boost": TITLE_WEIGHT * weight}))
        queries.append(Q("term", body_terms={"value": term, "boost": weight}))
    return Q("dis_max", queries=queries)


def alternative_query(alternative: Alternative) -> Q:
    parts = [
        word_query(word, terms) for word, terms in zip(alternative.words, alternative.terms, strict=True)
    ]
    return parts[0] if len(parts) == 1 else Q("bool", must=parts)


def plan_query(plan: QueryPlan) -> Q:
    clauses = [
        Q("dis_max", queries=[alternative_query(alternative) for alternative in clause.alternatives])
        for clause in plan.clauses
    ]
    return Q("bool", should=clauses, minimum_should_match=1)


def visibility_filters(visibility: list[str] | None) -> list[Q]:
    filters = [Q("term", live=True)]
    if visibility is not None:
        filters.append(Q("terms", visibility=visibility))
    return filters


class KnowledgeFacetedSearch(FacetedSearch):
    doc_types = [KnowledgeDocument]
    facets = {
        name: TermsFacet(field=field_name, size=FACET_SIZES[name], min_doc_count=1)
        for name, field_name in FACET_FIELDS.items()
    }

    def __init__(self, engine_query: EngineQuery):
        self.index = index_alias()
        self.using = elasticsearch_client()
        self.engine_query = engine_query
        sort = ["-published", "_score"] if engine_query.sort == "newest" else []
        filters = {name: list(values) for name, values in engine_query.filters.items() if values}
        super().__init__(engine_query.plan, filters=filters, sort=sort)

    def search(self):
        search = super().search().filter(Q("bool", filter=visibility_filters(self.engine_query.visibility)))
        if self.engine_query.kinds:
            search = search.filter("terms", kind=list(self.engine_query.kinds))
        if self.engine_query.exclude_page_ids:
            search = search.exclude("ids", values=[str(pk) for pk in self.engine_query.exclude_page_ids])
        return search.source(False).extra(track_total_hits=True)

    def query(self, search, query):
        return search.query(plan_query(query))

    def aggregate(self, search) -> None:
        if self.engine_query.with_facets:
            super().aggregate(search)


def search_elasticsearch(engine_query: EngineQuery) -> EngineResult:
    faceted = KnowledgeFacetedSearch(engine_query)
    response = faceted[engine_query.offset : engine_query.offset + engine_query.limit].execute()
    ranked = [(int(hit.meta.id), hit.meta.score or 0.0) for hit in response]
    facet_counts = {}
    if engine_query.with_facets:
        facet_counts = {
            name: [(str(value), count) for value, count, _selected in values]
            for name, values in response.facets.to_dict().items()
        }
    return EngineResult(ranked, response.hits.total.value, facet_counts)


def autocomplete_elasticsearch(prefix: str, visibility: list[str] | None, limit: int) -> tuple[list, list]:
    """Titles starting with the words typed, and tags starting with the last word."""
    search = (
        KnowledgeDocument.search(using=elasticsearch_client(), index=index_alias())
        .filter(Q("bool", filter=visibility_filters(visibility)))
        # A post filter, so that the tag aggregation sees every visible page.
        .post_filter("match", **{"title.prefixes": {"query": prefix, "operator": "and"}})
        .source(["title", "url", "kind"])
        .extra(size=limit)
    )
    last_word = prefix.split()[-1].lower() if prefix.split() else ""
    search.aggs.bucket("tags", "terms", field="tags", size=limit, include=f"{_regex_literal(last_word)}.*")
    response = search.execute()
    titles = [(hit.title, hit.url, hit.kind) for hit in response]
    tags = [bucket.key for bucket in response.aggregations.tags.buckets]
    return titles, tags


def _regex_literal(text: str) -> str:
    """The text as a Lucene regular expression matching only itself."""
    return "".join(char if char.isalnum() else "\\" + char for char in text)


def related_elasticsearch(page_id: int, engine_query: EngineQuery) -> EngineResult:
    """More like this page: Elasticsearch picks the telling terms of the page."""
    search = (
        KnowledgeDocument.search(using=elasticsearch_client(), index=index_alias())
        .filter(Q("bool", filter=visibility_filters(engine_query.visibility)))
        .filter("terms", kind=list(engine_query.kinds))
        .exclude("ids", values=[str(pk) for pk in engine_query.exclude_page_ids])
        .query(
            "more_like_this",
            fields=["title_terms", "body_terms"],
            like=[{"_index": index_alias(), "_id": str(page_id)}],
            min_term_freq=1,
            min_doc_freq=1,
            max_query_terms=40,
            minimum_should_match=RELATED_MINIMUM_MATCH,
        )
        .source(False)
        .extra(size=engine_query.limit)
    )
    response = search.execute()
    return EngineResult([(int(hit.meta.id), hit.meta.score or 0.0) for hit in response], len(response))
