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

from django.contrib.contenttypes.models import ContentType
from wagtail.search.backends import get_search_backend
from wagtail.search.query import PlainText

from .engine_results import FACET_FIELDS, FACET_SIZES, FACETS, EngineQuery, EngineResult
from .models import KnowledgeRecord
from .query_plan import QueryPlan

# Wagtail's backend on SQLite with FTS5 (without FTS5 Wagtail falls back to plain LIKE queries).
SQLITE_FTS_BACKEND = "modelsearch.backends.database.sqlite"
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


def passes(row: KnowledgeRecord, filters: dict[str, tuple[str, ...]]) -> bool:
    """Any selected value within a facet, every facet with a selection."""
    return all(set(values) & set(facet_values(row, name)) for name, values in filters.items() if values)


def matching_rows(engine_query: EngineQuery) -> list[KnowledgeRecord]:
    queryset = KnowledgeRecord.objects.only(*FACET_ROW_FIELDS)
    if engine_query.visibility is not None:
        queryset = queryset.filter(visibility__in=engine_query.visibility)
    if engine_query.kinds:
        queryset = queryset.filter(kind__in=engine_query.kinds)
    if engine_query.exclude_page_ids:
        queryset = queryset.exclude(page_id__in=engine_query.exclude_page_ids)
    expression = plan_expression(engine_query.plan)
    backend = get_search_backend()
    if type(backend).__module__.startswith(SQLITE_FTS_BACKEND):
        rows = sqlite_ranked_rows(queryset, expression)
    else:
        rows = list(backend.search(expression, queryset).annotate_score("_score"))
    # SQLite's bm25 is negative (lower is better), PostgreSQL's rank positive:
    # the backend's order is the relevance order, and scores are made positive.
    for position, row in enumerate(rows):
        row.relevance_rank = position
        row._score = abs(row._score or 0.0)
    return rows


def sqlite_ranked_rows(queryset, expression: PlainText) -> list[KnowledgeRecord]:
    """The rows Wagtail's SQLite backend would return, scored and ordered alike, without its slow plan.

    The backend joins its entries to the FTS5 table, and SQLite runs that
    join with the entries outside: the MATCH runs again for every entry of
    the model, so a query matching most of 10,000 records took 40 s
    (measured by `make bench`; the MATCH alone takes 25 ms). Here the FTS
    table is queried on its own for the bm25 scores, and entries and records
    are selected by its rowids; the score is the backend's: bm25 weighted by
    the title norm, plus bm25 for the body.
    """
    # Importable only where SQLite has FTS5: the module looks its model up on import.
    from modelsearch.backends.database.sqlite.query import BM25, MatchExpression, SQLiteFTSIndexEntry

    compiler = get_search_backend().query_compiler_class(queryset, expression)
    match = MatchExpression(compiler.FTS_TABLE_FIELDS, compiler.build_search_query(expression))
    matched = SQLiteFTSIndexEntry.objects.filter(match)
    bm25 = dict(matched.annotate(score=BM25()).values_list("pk", "score"))
    index_entry = SQLiteFTSIndexEntry._meta.get_field("index_entry").related_model
    entries = index_entry.objects.filter(
        content_type=ContentType.objects.get_for_model(KnowledgeRecord), pk__in=matched.values("pk")
    )
    scores = {
        int(object_id): bm25[entry_id] * title_norm + bm25[entry_id]
        for entry_id, object_id, title_norm in entries.values_list("pk", "object_id", "title_norm")
    }
    rows = list(queryset.filter(page_id__in=entries.values("object_id")))
    for row in rows:
        row._score = scores[row.page_id]
    rows.sort(key=lambda row: (row._score, -row.page_id))
    return rows


def facet_counts(rows: list[KnowledgeRecord], filters: dict[str, tuple[str, ...]]) -> dict:
    """Each facet's values counted over the rows that pass every other facet's selection.

    One pass: a row that fails no selection counts for every facet, a row
    that fails exactly one counts for that facet only (its other values are
    what selecting more in that facet would add), any other row for none.
    """
    selected = {name: set(values) for name, values in filters.items() if values}
    counters = {name: Counter() for name in FACETS}
    for row in rows:
        values = {name: facet_values(row, name) for name in FACETS}
        failed = [name for name, wanted in selected.items() if not wanted.intersection(values[name])]
        if not failed:
            for name in FACETS:
                counters[name].update(values[name])
        elif len(failed) == 1:
            counters[failed[0]].update(values[failed[0]])
    return {name: counters[name].most_common(FACET_SIZES[name]) for name in FACETS}


def search_database(engine_query: EngineQuery) -> EngineResult:
    rows = matching_rows(engine_query)
    selected = [row for row in rows if passes(row, engine_query.filters)]
    if engine_query.sort == "newest":
        selected.sort(key=lambda row: (row.published, -row.relevance_rank), reverse=True)
    window = selected[engine_query.offset : engine_query.offset + engine_query.limit]
    counts = facet_counts(rows, engine_query.filters) if engine_query.with_facets else {}
    return EngineResult([(row.page_id, row._score) for row in window], len(selected), counts)
