"""What an engine answers, before results are dressed for display."""

from dataclasses import dataclass, field

FACETS = ("community", "kind", "tags", "language", "year")
FACET_FIELDS = {
    "community": "community_id",
    "kind": "kind",
    "tags": "tags",
    "language": "language",
    "year": "year",
}
FACET_SIZES = {"community": 100, "kind": 3, "tags": 20, "language": 10, "year": 30}
SORTS = ("relevance", "newest")


@dataclass
class EngineResult:
    """One page of ranked page ids with the facet counts of the whole result."""

    ranked: list[tuple[int, float]]
    total: int
    facet_counts: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


@dataclass(frozen=True)
class EngineQuery:
    """What both engines are asked: the plan, who asks, filters, order, slice."""

    plan: object  # search.query_plan.QueryPlan
    visibility: list[str] | None
    filters: dict[str, tuple[str, ...]]
    sort: str = "relevance"
    offset: int = 0
    limit: int = 10
    kinds: tuple[str, ...] = ()
    exclude_page_ids: tuple[int, ...] = ()
    with_facets: bool = True
