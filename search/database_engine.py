"""Knowledge search in the database, through Wagtail's database backend.

Wagtail's backend (SQLite FTS5 or PostgreSQL full text) matches the same
analysed terms Elasticsearch gets, over the same KnowledgeRecord rows.
The matched rows come back with their facet fields only, and the facets,
filters and order are worked out here: the database engine serves one
machine's worth of knowledge (the benchmark measures it at 10,000 pages),
and counting a few thousand small rows in Python is one query where
grouping per facet in SQL would be five.
"""

from collections import Counter

from wagtail.search.backends import get_search_backend
from wagtail.search.query import PlainText

from .engine_results import FACET_FIELDS, FACET_SIZES, FACETS, EngineQuery, EngineResult
from .models import KnowledgeRecord
from .query_plan import QueryPlan

FACET_ROW_FIELDS = ("page_id", "kind", "community_id", "language", "year", "published", "tags")


def plan_expression(plan: QueryPlan) -> PlainText:
    """Every term any wording accepts, as one OR query.

    Wagtail's SQLite backend scores nested AND/OR queries by multiplying
    bm25 values (which are negative), which scrambles the order; one flat
    query keeps a single bm25 score, and pages holding more of the query's
    words still rank first.
    """
    return PlainText(" ".join(sorted(plan.all_terms())), operator="or")


def facet_values(row: KnowledgeRecord, name: str) -> list[str]:
    value = getattr(row, FACET_FIELDS[name])
    if name == "tags":
        return list(value)
    return [] if value is None else [str(value)]


def passes(row: KnowledgeRecord, filters: dict[str, tuple[str, ...]], skip: str | None = None) -> bool:
    """Any selected value within a facet, every facet with a selection."""
    return all(
        set(values) & set(facet_values(row, name))
        for name, values in filters.items()
        if values and name != skip
    )


def matching_rows(engine_query: EngineQuery) -> list[KnowledgeRecord]:
    queryset = KnowledgeRecord.objects.only(*FACET_ROW_FIELDS)
    if engine_query.visibility is not None:
        queryset = queryset.filter(visibility__in=engine_query.visibility)
    if engine_query.kinds:
        queryset = queryset.filter(kind__in=engine_query.kinds)
    if engine_query.exclude_page_ids:
        queryset = queryset.exclude(page_id__in=engine_query.exclude_page_ids)
    results = get_search_backend().search(plan_expression(engine_query.plan), queryset)
    rows = list(results.annotate_score("_score"))
    # SQLite's bm25 is negative (lower is better), PostgreSQL's rank positive:
    # the backend's order is the relevance order, and scores are made positive.
    for position, row in enumerate(rows):
        row.relevance_rank = position
        row._score = abs(row._score or 0.0)
    return rows


def facet_counts(rows: list[KnowledgeRecord], filters: dict[str, tuple[str, ...]]) -> dict:
    counts = {}
    for name in FACETS:
        counter = Counter(
            value for row in rows if passes(row, filters, skip=name) for value in facet_values(row, name)
        )
        counts[name] = counter.most_common(FACET_SIZES[name])
    return counts


def search_database(engine_query: EngineQuery) -> EngineResult:
    rows = matching_rows(engine_query)
    selected = [row for row in rows if passes(row, engine_query.filters)]
    if engine_query.sort == "newest":
        selected.sort(key=lambda row: (row.published, -row.relevance_rank), reverse=True)
    window = selected[engine_query.offset : engine_query.offset + engine_query.limit]
    counts = facet_counts(rows, engine_query.filters) if engine_query.with_facets else {}
    return EngineResult([(row.page_id, row._score) for row in window], len(selected), counts)
