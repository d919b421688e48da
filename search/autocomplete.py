"""Suggestions while typing: practice, meeting and CoP titles, and tags.

Only what the user may see: the engine query carries the visibility filter,
and tags come from pages the user may see.
"""

from django.urls import reverse
from django.utils.http import urlencode
from wagtail.search.backends import get_search_backend

from .analysis import WORD, clean_text, normalise
from .elasticsearch_engine import autocomplete_elasticsearch
from .engines import configured_engine, with_fallback
from .models import KnowledgeRecord
from .visibility import visibility_keys

MIN_PREFIX_CHARACTERS = 2
MAX_PREFIX_CHARACTERS = 100
TAG_SCAN_LIMIT = 200


def _database_suggestions(prefix: str, visibility: list[str] | None, limit: int) -> tuple[list, list]:
    records = KnowledgeRecord.objects.only("title", "url", "kind", "tags")
    if visibility is not None:
        records = records.filter(visibility__in=visibility)
    titles = list(get_search_backend().autocomplete(prefix, records)[:limit])
    last_word = normalise(prefix.split()[-1])
    tagged = records.filter(tags__icontains=last_word)[:TAG_SCAN_LIMIT]
    tags = sorted({tag for record in tagged for tag in record.tags if tag.startswith(last_word)})
    return [(record.title, record.url, record.kind) for record in titles], tags[:limit]


def autocomplete_prefix(typed: str) -> str:
    """Words only: quotes and operators mean nothing to a prefix, and an
    unbalanced quote is a syntax error to SQLite's full-text search."""
    return " ".join(WORD.findall(clean_text(typed, MAX_PREFIX_CHARACTERS)))


def autocomplete_suggestions(prefix: str, user, language: str, limit: int = 8) -> list[dict]:
    prefix = autocomplete_prefix(prefix)
    if len(prefix) < MIN_PREFIX_CHARACTERS:
        return []
    visibility = visibility_keys(user)
    (titles, tags), _engine, _degraded = with_fallback(
        configured_engine(),
        lambda: autocomplete_elasticsearch(prefix, visibility, limit),
        lambda: _database_suggestions(prefix, visibility, limit),
        "Autocomplete",
    )
    search_url = reverse("knowledge_search:search")
    suggestions = [{"label": title, "kind": kind, "url": url} for title, url, kind in titles]
    # A tag searches for its word among the pages it tags.
    suggestions += [
        {"label": tag, "kind": "tag", "url": f"{search_url}?{urlencode({'q': tag, 'tags': tag})}"}
        for tag in tags
    ]
    return suggestions[:limit]
