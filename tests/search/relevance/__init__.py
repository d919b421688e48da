"""The search relevance set: documents, queries and a glossary, with recall@5 and MRR.

Tests and benchmarks measure the knowledge search against the same
hand-judged set, so a change in analysis (stemming, synonyms, typo
tolerance) shows up as a number per kind of query rather than as a feeling.

The YAML files beside this module are the set; this module loads them,
builds the pages with the suite's factories, and scores a search function.
Loading needs no database, so a benchmark can read the queries before
Django is set up.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from cop_pages.models import CommunityPage, PracticePage
    from learning_center.models import LearningCenterPage

HERE = Path(__file__).resolve().parent
CORPUS_FILE = HERE / "corpus.yaml"
QUERIES_FILE = HERE / "queries.yaml"
GLOSSARY_FILE = HERE / "glossary.yaml"

KINDS = ("affix", "exact", "cross_division", "typo", "english", "synonym")
LANGUAGES = ("id", "en")
# Mirrors cop_pages.models.practice.PRACTICE_SECTIONS (a test keeps them equal);
# repeated here so loading the set does not import Django models.
PROSE_FIELDS = ("summary", "context", "practice", "results", "lessons")
DEFAULT_K = 5


@dataclasses.dataclass(frozen=True)
class Community:
    slug: str
    title: str
    division: str
    domain: str
    title_en: str | None = None
    domain_en: str | None = None


@dataclasses.dataclass(frozen=True)
class Practice:
    slug: str
    community: str
    language: str
    title: str
    summary: str
    context: str
    practice: str
    results: str
    lessons: str
    tags: tuple[str, ...]
    documented_on: datetime.date

    def text(self) -> str:
        """Everything a search may match on: title, the five sections and the tags."""
        parts = [self.title, *(getattr(self, name) for name in PROSE_FIELDS), *self.tags]
        return "\n".join(parts)


@dataclasses.dataclass(frozen=True)
class Query:
    query: str
    kind: str
    relevant: tuple[str, ...]


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _build(cls: type, raw: dict, where: str) -> Any:
    """A dataclass from a YAML mapping; unknown or missing keys fail loudly, naming the entry."""
    names = {field.name for field in dataclasses.fields(cls)}
    unknown = set(raw) - names
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    try:
        return cls(**raw)
    except TypeError as error:
        raise ValueError(f"{where}: {error}") from error


@functools.cache
def _load() -> tuple[
    dict[str, Community], dict[str, Practice], tuple[Query, ...], tuple[tuple[str, ...], ...]
]:
    corpus = _read_yaml(CORPUS_FILE)
    communities: dict[str, Community] = {}
    for raw in corpus["communities"]:
        community = _build(Community, raw, f"community {raw.get('slug')!r}")
        if community.slug in communities:
            raise ValueError(f"duplicate community slug {community.slug!r}")
        communities[community.slug] = community

    practices: dict[str, Practice] = {}
    for raw in corpus["practices"]:
        raw = {**raw, "tags": tuple(raw.get("tags") or ())}
        practice = _build(Practice, raw, f"practice {raw.get('slug')!r}")
        if practice.slug in practices or practice.slug in communities:
            raise ValueError(f"duplicate slug {practice.slug!r}")
        if practice.community not in communities:
            raise ValueError(f"practice {practice.slug!r}: unknown community {practice.community!r}")
        if practice.language not in LANGUAGES:
            raise ValueError(f"practice {practice.slug!r}: language must be one of {LANGUAGES}")
        if not isinstance(practice.documented_on, datetime.date):
            raise ValueError(f"practice {practice.slug!r}: documented_on must be a YYYY-MM-DD date")
        practices[practice.slug] = practice

    queries = []
    for raw in _read_yaml(QUERIES_FILE):
        raw = {**raw, "query": str(raw.get("query")), "relevant": tuple(raw.get("relevant") or ())}
        query = _build(Query, raw, f"query {raw['query']!r}")
        if query.kind not in KINDS:
            raise ValueError(f"query {query.query!r}: kind must be one of {KINDS}")
        queries.append(query)

    glossary = tuple(tuple(str(term) for term in group) for group in _read_yaml(GLOSSARY_FILE))
    return communities, practices, tuple(queries), glossary


def load_corpus() -> dict:
    """The relevance set as parsed from its three YAML files.

    Keys: ``communities`` (slug -> Community), ``practices`` (slug -> Practice,
    both languages), ``queries`` (list of Query, in file order) and
    ``glossary`` (list of synonym groups, each a tuple of terms). The files are
    parsed once per process; each call returns fresh containers of the frozen
    records, so a caller may filter them without affecting the next caller.
    """
    communities, practices, queries, glossary = _load()
    return {
        "communities": dict(communities),
        "practices": dict(practices),
        "queries": list(queries),
        "glossary": list(glossary),
    }


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


def build_corpus(root: LearningCenterPage) -> dict[str, PracticePage]:
    """Create and publish the five CoPs and every practice under ``root``; return slug -> practice.

    Pages are made with the suite's factories so that they are provisioned
    (groups, permissions, review workflow) like any CoP in the suite, and each
    is published through a revision, as an editor would, so search sees what
    the site serves. English practices are standalone pages (not translations
    of Indonesian ones) under the English translation of their CoP, which is
    made through wagtail-localize as the rest of the suite does.

    Only practices are returned, because the search under test ranks
    practice slugs; a practice's CoP is ``page.get_parent()``.
    """
    from wagtail.models import Locale
    from wagtail_localize.operations import translate_object

    from tests.factories import CommunityPageFactory, PracticePageFactory

    data = load_corpus()
    communities: dict[str, CommunityPage] = {}
    for community in data["communities"].values():
        page = CommunityPageFactory(
            parent=root,
            slug=community.slug,
            title=community.title,
            division=community.division,
            domain=community.domain,
        )
        page.save_revision().publish()
        communities[community.slug] = page

    english_locale = Locale.objects.get(language_code="en")
    english_communities: dict[str, CommunityPage] = {}

    def english_community(slug: str) -> CommunityPage:
        if slug not in english_communities:
            source = communities[slug]
            translate_object(source, [english_locale])
            english = source.get_translation(english_locale).specific
            community = data["communities"][slug]
            english.title = community.title_en or community.title
            english.domain = community.domain_en or community.domain
            english.save_revision().publish()
            english_communities[slug] = english
        return english_communities[slug]

    practices: dict[str, PracticePage] = {}
    for practice in data["practices"].values():
        if practice.language == "en":
            parent = english_community(practice.community)
        else:
            parent = communities[practice.community]
        page = PracticePageFactory(
            parent=parent,
            slug=practice.slug,
            title=practice.title,
            documented_on=practice.documented_on,
            **{name: _paragraph(getattr(practice, name)) for name in PROSE_FIELDS},
        )
        # Tags travel with the revision, so they are set before publishing.
        page.tags.add(*practice.tags)
        page.save_revision().publish()
        practices[practice.slug] = page
    return practices


def recall_at_k(ranked_slugs: Sequence[str], relevant: Sequence[str], k: int = DEFAULT_K) -> float:
    """Share of the relevant documents found in the top ``k``.

    The denominator is min(k, len(relevant)), so a query with more relevant
    documents than ``k`` can still reach 1.0 when the top ``k`` are all relevant.
    """
    wanted = set(relevant)
    if not wanted:
        raise ValueError("a query needs at least one relevant document")
    found = wanted.intersection(ranked_slugs[:k])
    return len(found) / min(k, len(wanted))


def reciprocal_rank(ranked_slugs: Sequence[str], relevant: Sequence[str]) -> float:
    """1 / rank of the first relevant document, 0.0 when none is returned."""
    wanted = set(relevant)
    if not wanted:
        raise ValueError("a query needs at least one relevant document")
    for rank, slug in enumerate(ranked_slugs, start=1):
        if slug in wanted:
            return 1.0 / rank
    return 0.0


def _summary(recalls: list[float], reciprocal_ranks: list[float], k: int) -> dict[str, float | int]:
    count = len(recalls)
    return {
        "queries": count,
        f"recall@{k}": sum(recalls) / count if count else 0.0,
        "mrr": sum(reciprocal_ranks) / count if count else 0.0,
    }


def score_queries(search: Callable[[str], list[str]], k: int = DEFAULT_K) -> dict:
    """Run every query through ``search`` (ranked practice slugs) and report recall@k and MRR.

    Returns ``overall`` and ``per_kind`` summaries (``queries``, ``recall@5``
    -- ``recall@{k}`` in general -- and ``mrr``) and ``misses``: every query
    whose recall is below 1, with what it wanted and the top ``k`` that came
    back, so a regression names its queries instead of only moving a number.
    """
    recalls: list[float] = []
    reciprocal_ranks: list[float] = []
    by_kind: dict[str, tuple[list[float], list[float]]] = {kind: ([], []) for kind in KINDS}
    misses: list[dict] = []
    for query in load_corpus()["queries"]:
        ranked = list(search(query.query))
        recall = recall_at_k(ranked, query.relevant, k)
        rr = reciprocal_rank(ranked, query.relevant)
        recalls.append(recall)
        reciprocal_ranks.append(rr)
        by_kind[query.kind][0].append(recall)
        by_kind[query.kind][1].append(rr)
        if recall < 1.0:
            misses.append(
                {
                    "query": query.query,
                    "kind": query.kind,
                    "relevant": list(query.relevant),
                    "ranked": ranked[:k],
                    f"recall@{k}": recall,
                    "reciprocal_rank": rr,
                }
            )
    return {
        "overall": _summary(recalls, reciprocal_ranks, k),
        "per_kind": {kind: _summary(*scores, k) for kind, scores in by_kind.items() if scores[0]},
        "misses": misses,
    }
