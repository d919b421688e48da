"""Related practices ("Praktik terkait"): practices like this one, from any CoP the reader may see."""

from dataclasses import replace

from wagtail.models import Page

from .elasticsearch_engine import related_elasticsearch
from .engine_results import EngineQuery, EngineResult
from .engines import configured_engine, run_engine, with_fallback
from .models import DocumentKind, KnowledgeRecord
from .query_plan import build_plan
from .results import SearchHit, hits_for
from .visibility import visibility_keys


def _related_by_database(record: KnowledgeRecord, engine_query: EngineQuery) -> EngineResult:
    """The page's title and tags as a query: the telling words of a practice."""
    like = " ".join([record.title, *record.tags])
    plan = build_plan(like, use_vocabulary=False)
    return run_engine("database", replace(engine_query, plan=plan))


def related_practices(page: Page, user, limit: int = 5) -> list[SearchHit]:
    record = KnowledgeRecord.objects.filter(page_id=page.pk).first()
    if record is None:
        return []
    translations = tuple(
        Page.objects.filter(translation_key=page.translation_key).values_list("pk", flat=True)
    )
    engine_query = EngineQuery(
        plan=None,
        visibility=visibility_keys(user),
        filters={},
        limit=limit,
        kinds=(DocumentKind.PRACTICE,),
        exclude_page_ids=translations,
        with_facets=False,
    )
    result, _engine, _degraded = with_fallback(
        configured_engine(),
        lambda: related_elasticsearch(page.pk, engine_query),
        lambda: _related_by_database(record, engine_query),
        "Related practices",
    )
    terms = build_plan(" ".join([record.title, *record.tags]), use_vocabulary=False).all_terms()
    return hits_for(result.ranked, terms)
