"""Search relevance: recall@5 and MRR of the relevance set, per engine and per kind of query.

``python -m tests.bench.search_relevance DATABASE RESULT_FILE`` builds the
relevance set (tests/search/relevance/: its CoPs and practices with the
suite's factories, each published through a revision, and its glossary as
GlossaryEntry rows) into DATABASE, a fresh, freshly migrated copy made by the
parent, then scores it on each engine and writes the scores to RESULT_FILE
as JSON. A process of its own, so that nothing the rest of the bench built
is in the index.

- database: Wagtail's database backend on the bench's database (SQLite FTS5,
  or PostgreSQL with BENCH_DATABASE_URL), after ``index_pages`` over every
  page of ``searchable_pages()``;
- elasticsearch: osmem-server (the CI engine) with the real client and
  elasticsearch-dsl, the index created behind an alias of its own
  (``ensure_index``), the same ``index_pages`` sending the records, then a
  refresh.

Each query goes through ``search_knowledge`` as a staff member who belongs
to no CoP, 10 results per page, the engine forced; the ranked list is every
hit as the page shows it (a CoP page among the hits takes a place too),
named by its slug. The pytest test ``tests/search/test_relevance_targets.py``
uses the same functions to hold the targets on both engines.
"""

import json
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .database import start_django, use_database

ENGINES = ("database", "elasticsearch")
TARGET_RECALL = 0.9
TARGET_MRR = 0.8
PER_PAGE = 10
REPOSITORY = Path(__file__).resolve().parents[2]


@dataclass
class EngineRelevance:
    engine: str
    overall: dict  # queries, recall@5, mrr
    per_kind: dict  # kind -> the same
    misses: list  # score_queries' misses: query, kind, relevant, ranked, recall@5, reciprocal_rank
    query_ms: float  # mean time of one search_knowledge call while scoring
    # Queries found in the top 5 but not first: the same keys as a miss.
    not_first: list = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.overall["recall@5"]

    @property
    def mrr(self) -> float:
        return self.overall["mrr"]

    def meets_targets(self) -> bool:
        return self.recall >= TARGET_RECALL and self.mrr >= TARGET_MRR


@dataclass
class RelevanceResults:
    practices: int
    english_practices: int
    communities: int
    queries: int
    glossary_entries: int
    build_seconds: float
    engines: list[EngineRelevance] = field(default_factory=list)


# The pieces the bench and the pytest test share. They need Django set up.


def install_glossary(groups) -> int:
    """One GlossaryEntry per synonym group, terms comma-separated, saved as the admin form saves them."""
    from search.models import GlossaryEntry

    for group in groups:
        GlossaryEntry.objects.create(terms=", ".join(group))
    return len(groups)


def build_relevance_set(root) -> dict[int, str]:
    """The set's pages and glossary under ``root``, indexed on the configured engine; page id -> slug."""
    from tests.search.relevance import build_corpus, load_corpus

    practices = build_corpus(root)
    install_glossary(load_corpus()["glossary"])
    index_everything()
    return {page.pk: slug for slug, page in practices.items()}


def index_everything():
    """``index_pages`` over every searchable page, then a refresh when Elasticsearch is the engine."""
    from search.elasticsearch_client import elasticsearch_client, index_alias
    from search.engines import configured_engine
    from search.indexing import index_pages
    from search.records import searchable_pages

    outcome = index_pages([page.pk for page in searchable_pages()])
    if configured_engine() == "elasticsearch":
        if outcome.elasticsearch_error or outcome.pending:
            raise RuntimeError(f"indexing into Elasticsearch failed: {outcome.as_dict()}")
        elasticsearch_client().indices.refresh(index=index_alias())
    return outcome


def slug_of(hit, slugs: dict[int, str]) -> str:
    """A practice of the set by its slug; any other page by the last part of its URL."""
    return slugs.get(hit.page_id) or hit.url.rstrip("/").rsplit("/", 1)[-1]


def engine_search(engine: str, user, slugs: dict[int, str], timings: list[float] | None = None, seen=None):
    """The ``search`` callable of ``score_queries``: a query to the slugs the search page would rank.

    ``timings`` receives the seconds of each call, ``seen`` (a dict) each query's ranked slugs.
    """
    from search.knowledge_search import SearchRequest, search_knowledge

    def search(query: str) -> list[str]:
        started = time.perf_counter()
        outcome = search_knowledge(SearchRequest(query=query, user=user, per_page=PER_PAGE, engine=engine))
        if timings is not None:
            timings.append(time.perf_counter() - started)
        if outcome.engine != engine:
            raise RuntimeError(f"{engine} did not answer {query!r}: {outcome.engine} did")
        ranked = [slug_of(hit, slugs) for hit in outcome.hits]
        if seen is not None:
            seen[query] = ranked
        return ranked

    return search


def score_engine(engine: str, user, slugs: dict[int, str]) -> EngineRelevance:
    from tests.search.relevance import DEFAULT_K, load_corpus, reciprocal_rank, score_queries

    timings: list[float] = []
    seen: dict[str, list[str]] = {}
    scores = score_queries(engine_search(engine, user, slugs, timings, seen))
    missed = {miss["query"] for miss in scores["misses"]}
    not_first = [
        {
            "query": query.query,
            "kind": query.kind,
            "relevant": list(query.relevant),
            "ranked": seen[query.query][:DEFAULT_K],
            "recall@5": 1.0,
            "reciprocal_rank": reciprocal_rank(seen[query.query], query.relevant),
        }
        for query in load_corpus()["queries"]
        if query.query not in missed and reciprocal_rank(seen[query.query], query.relevant) < 1
    ]
    return EngineRelevance(
        engine=engine,
        overall=scores["overall"],
        per_kind=scores["per_kind"],
        misses=scores["misses"],
        query_ms=1000 * sum(timings) / len(timings),
        not_first=not_first,
    )


def target_failures(result: EngineRelevance) -> str:
    """What an assertion prints when a target is missed: the figures and every missed query."""
    lines = [
        f"{result.engine}: recall@5 {result.recall:.3f} (target {TARGET_RECALL}), "
        f"MRR {result.mrr:.3f} (target {TARGET_MRR})"
    ]
    lines += [
        f"  [{miss['kind']}] {miss['query']!r}: wanted {miss['relevant']}, got {miss['ranked']} "
        f"(recall {miss['recall@5']:.2f}, RR {miss['reciprocal_rank']:.2f})"
        for miss in result.misses
    ]
    return "\n".join(lines)


# The child process.


def configure_elasticsearch(url: str, alias: str) -> None:
    from django.conf import settings

    from tests.search.osmem import PLAIN_JSON_NODE

    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_NODE_CLASS = PLAIN_JSON_NODE
    settings.KNOWLEDGE_INDEX_ALIAS = alias


def measure() -> RelevanceResults:
    from django.conf import settings
    from osmem_server import OsmemServer

    from search.elasticsearch_index import ensure_index
    from tests.factories import UserFactory, learning_center_root
    from tests.search.relevance import load_corpus

    settings.ELASTICSEARCH_URL = ""  # The database engine first, whatever the environment says.
    data = load_corpus()
    started = time.perf_counter()
    slugs = build_relevance_set(learning_center_root("id"))
    results = RelevanceResults(
        practices=len(data["practices"]),
        english_practices=sum(practice.language == "en" for practice in data["practices"].values()),
        communities=len(data["communities"]),
        queries=len(data["queries"]),
        glossary_entries=len(data["glossary"]),
        build_seconds=time.perf_counter() - started,
    )
    reader = UserFactory(username="pembaca-relevansi")
    results.engines.append(score_engine("database", reader, slugs))
    with OsmemServer.start(japanese=False) as server:
        configure_elasticsearch(server.url, f"bench-relevance-{uuid.uuid4().hex[:12]}")
        ensure_index()
        index_everything()
        results.engines.append(score_engine("elasticsearch", reader, slugs))
    return results


def main() -> None:
    database, result_file = sys.argv[1:]
    start_django(Path(database))
    use_database(database)
    results = measure()
    Path(result_file).write_text(json.dumps(asdict(results)), encoding="utf-8")


CLONE_SUFFIX = "relevance"


def clone_fresh_database() -> str:
    """A copy of the bench's database while it is still freshly migrated; returns its name.

    Called before the bench adds anything (migrating a database of its own
    takes over a minute); Django's test machinery copies the SQLite file, or
    clones with CREATE DATABASE … TEMPLATE on PostgreSQL.
    """
    from django.db import connection

    connection.creation.clone_test_db(suffix=CLONE_SUFFIX, verbosity=0, autoclobber=True)
    return connection.creation.get_test_db_clone_settings(CLONE_SUFFIX)["NAME"]


def drop_database() -> None:
    from django.db import connection

    connection.creation.destroy_test_db(verbosity=0, suffix=CLONE_SUFFIX)


def run_relevance(database: str, result_file: Path) -> RelevanceResults:
    """The parent's side: measure in a child process on ``database`` (then dropped), read its results."""
    try:
        subprocess.run(
            [sys.executable, "-m", "tests.bench.search_relevance", database, str(result_file)],
            check=True,
            cwd=REPOSITORY,
        )
    finally:
        drop_database()
    raw = json.loads(result_file.read_text(encoding="utf-8"))
    engines = [EngineRelevance(**engine) for engine in raw.pop("engines")]
    return RelevanceResults(**raw, engines=engines)


if __name__ == "__main__":
    main()
