"""The knowledge search: one entry point for the page, the command and tests.

Elasticsearch answers when it is configured; when it is configured but
cannot answer, the database does, the outcome says so (the page shows a
notice) and the error goes to the log. Both engines get the same query
plan and the same visibility filter, and results are dressed the same way.
"""

import math
from dataclasses import dataclass, field, replace

from django.http import QueryDict
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.search.utils import normalise_query_string

from .analysis import clean_text
from .autocomplete import autocomplete_suggestions
from .database_engine import search_database
from .elasticsearch_engine import search_elasticsearch
from .engine_results import FACETS, SORTS, EngineQuery, EngineResult
from .engines import configured_engine, with_fallback
from .models import DocumentKind, KnowledgeRecord
from .query_plan import QueryPlan, build_plan
from .related import related_practices
from .results import FacetValue, SearchHit, hits_for, labelled_facets
from .visibility import visibility_keys

__all__ = [
    "FACETS",
    "SORTS",
    "FacetValue",
    "SearchHit",
    "SearchOutcome",
    "SearchRequest",
    "autocomplete_suggestions",
    "parse_search_parameters",
    "related_practices",
    "search_knowledge",
]

MAX_QUERY_CHARACTERS = 200
MAX_FACET_VALUES = 20
MAX_PAGE = 1000
PER_PAGE = 10


@dataclass(frozen=True)
class SearchRequest:
    query: str
    user: object
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    language: str = "id"
    engine: str | None = None  # force one engine (the command's --engine)


@dataclass
class SearchOutcome:
    request: SearchRequest
    hits: list[SearchHit]
    total: int
    page_count: int
    facets: dict[str, list[FacetValue]]
    engine: str
    degraded: bool = False
    suggestion: str | None = None
    promotions: list[SearchHit] = field(default_factory=list)


def _facet_value_valid(name: str, value: str) -> bool:
    if name in ("community", "year"):
        return value.isdigit() and len(value) <= 10
    if name == "kind":
        return value in DocumentKind.values
    return 0 < len(value) <= 100


def parse_search_parameters(get: QueryDict, user, language: str) -> SearchRequest:
    """The request as the page's GET parameters give it; never raises."""
    filters = {}
    for name in FACETS:
        values = [clean_text(value, 100) for value in get.getlist(name)[:MAX_FACET_VALUES]]
        values = tuple(dict.fromkeys(value for value in values if _facet_value_valid(name, value)))
        if values:
            filters[name] = values
    page = get.get("halaman", get.get("page", "1"))
    page = int(page) if page.isdigit() and len(page) < 6 else 1
    sort = get.get("urut", get.get("sort", "relevance"))
    return SearchRequest(
        query=clean_text(get.get("q", ""), MAX_QUERY_CHARACTERS),
        user=user,
        filters=filters,
        sort=sort if sort in SORTS else "relevance",
        page=min(max(page, 1), MAX_PAGE),
        language=language,
    )


def answer(engine: str, engine_query: EngineQuery) -> tuple[EngineResult, str, bool]:
    return with_fallback(
        engine,
        lambda: search_elasticsearch(engine_query),
        lambda: search_database(engine_query),
        "Knowledge search",
    )


def promoted_hits(query: str, visibility: list[str] | None, plan: QueryPlan) -> list[SearchHit]:
    """Editors' picks for this query that the user may see (live pages only)."""
    promotions = SearchPromotion.objects.filter(
        query__query_string=normalise_query_string(query), page__isnull=False
    ).order_by("sort_order")
    page_ids = list(promotions.values_list("page_id", flat=True))
    records = KnowledgeRecord.objects.filter(page_id__in=page_ids)
    if visibility is not None:
        records = records.filter(visibility__in=visibility)
    visible = set(records.values_list("page_id", flat=True))
    return hits_for([(page_id, 0.0) for page_id in page_ids if page_id in visible], plan.all_terms())


def suggestion_for(plan: QueryPlan, engine: str, engine_query: EngineQuery) -> str | None:
    """The corrected query, offered only when the user may see what it finds."""
    corrected = plan.corrected_query()
    if corrected is None:
        return None
    corrected_plan = build_plan(corrected, use_vocabulary=False)
    probe = replace(engine_query, plan=corrected_plan, offset=0, limit=1, with_facets=False)
    result, _engine, _degraded = answer(engine, probe)
    return corrected if result.total else None


def search_knowledge(request: SearchRequest) -> SearchOutcome:
    engine = request.engine or configured_engine()
    plan = build_plan(request.query)
    if plan.empty:
        return SearchOutcome(request, [], 0, 0, {}, engine)
    visibility = visibility_keys(request.user)
    engine_query = EngineQuery(
        plan=plan,
        visibility=visibility,
        filters=request.filters,
        sort=request.sort,
        offset=(request.page - 1) * request.per_page,
        limit=request.per_page,
    )
    result, used_engine, degraded = answer(engine, engine_query)
    hits = hits_for(result.ranked, plan.all_terms(), first_rank=engine_query.offset + 1)
    return SearchOutcome(
        request=request,
        hits=hits,
        total=result.total,
        page_count=math.ceil(result.total / request.per_page),
        facets=labelled_facets(result.facet_counts, request.filters),
        engine=used_engine,
        degraded=degraded,
        suggestion=suggestion_for(plan, used_engine, engine_query),
        promotions=promoted_hits(request.query, visibility, plan) if request.page == 1 else [],
    )
