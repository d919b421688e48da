"""Results as the search page shows them: hits with passages, labelled facets."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.safestring import SafeString

from .highlighting import highlight
from .models import DocumentKind, KnowledgeRecord

TITLE_WORDS = 50


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchHit:
    page_id: int
    title: str
    url: str
    kind: str
    kind_label: str
    community_title: str
    language: str
    published: datetime.date
    tags: list[str]
    score: float
    highlight: SafeString
    title_highlight: SafeString
    rank: int = 0
    summary: str = field(default="", repr=False)


def hits_for(ranked: list[tuple[int, float]], terms: frozenset[str], first_rank: int = 1) -> list[SearchHit]:
    """Hits in the engine's order, from the records (one query).

    A page the engine returns without a record (removed since, and not yet
    gone from the index) is left out rather than shown stale.
    """
    records = KnowledgeRecord.objects.defer("title_terms", "body_terms").in_bulk(
        [page_id for page_id, _score in ranked]
    )
    hits = []
    for page_id, score in ranked:
        record = records.get(page_id)
        if record is None:
            continue
        hits.append(
            SearchHit(
                page_id=page_id,
                title=record.title,
                url=record.url,
                kind=record.kind,
                kind_label=str(DocumentKind(record.kind).label),
                community_title=record.community_title,
                language=record.language,
                published=record.published,
                tags=record.tags,
                score=score,
                highlight=highlight(record.body or record.summary, terms, record.language),
                title_highlight=highlight(record.title, terms, record.language, size=TITLE_WORDS),
                rank=first_rank + len(hits),
                summary=record.summary,
            )
        )
    return hits


def facet_labels(name: str, values: list[str]) -> dict[str, str]:
    if name == "kind":
        return {value: str(DocumentKind(value).label) for value in values if value in DocumentKind.values}
    if name == "language":
        return {code: label for code, label in settings.LANGUAGES if code in values}
    if name == "community":
        titles = KnowledgeRecord.objects.filter(
            kind=DocumentKind.COMMUNITY, page_id__in=[int(v) for v in values if v.isdigit()]
        ).values_list("page_id", "title")
        return {str(page_id): title for page_id, title in titles}
    return {value: value for value in values}


def labelled_facets(counts: dict[str, list[tuple[str, int]]], filters: dict[str, tuple[str, ...]]) -> dict:
    """Facet values with labels; a selected value stays listed even at zero."""
    facets = {}
    for name, pairs in counts.items():
        selected = set(filters.get(name, ()))
        pairs = list(pairs) + [(value, 0) for value in sorted(selected - {v for v, _ in pairs})]
        labels = facet_labels(name, [value for value, _count in pairs])
        facets[name] = [
            FacetValue(value, labels[value], count, value in selected)
            for value, count in pairs
            if value in labels
        ]
    return facets
