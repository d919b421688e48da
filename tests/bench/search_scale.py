"""The knowledge search at scale: rebuild throughput and memory, and what a search request adds to its engine.

At each size of ``SIZES`` (live practices, spread over ``COMMUNITIES`` CoPs by
``search_content.grow_to``), on one osmem-server:

- **our rebuild** (``search.rebuild.rebuild_index``, what ``manage.py
  search_index rebuild`` runs) in a child process, the Elasticsearch engine
  configured: a new index behind the alias, every searchable page streamed in
  chunks into the records, Wagtail's database index (the fallback engine) and
  the new index, the alias swapped, the catch-up, the vocabulary recounted.
  It runs right after the bulk load, when the new pages have no record yet
  (``records written``), and at the first size once more, every record
  current (only the index is rebuilt);
- **Wagtail's ``update_index``** (``call_command("update_index",
  backend_name=...)``, modelsearch's own command and rebuilder) into the same
  server through a second ``WAGTAILSEARCH_BACKENDS`` entry on Wagtail's
  ``opensearch3`` backend (opensearch-py), ``AUTO_UPDATE`` off so that it sees
  nothing else, limited to the models our index holds (practices, meetings,
  CoPs: all the page models, every version, as Wagtail indexes pages);
- each child's wall time around the call alone (Django already set up) and
  its peak RSS (``ru_maxrss``), with the RSS before the call beside it.

Then the search page (``/cari/?q=…``) is timed by a logged-in staff member
without memberships, for queries of different kinds, against the engine
calls that same request makes (captured by wrapping
``search.knowledge_search.answer`` during one request): the database engine
at the first size, Elasticsearch at the last. Per query: one warm-up, one
request under ``CaptureQueriesContext``, then ``RUNS`` rounds of (the page;
the bare engine calls; our engine adapter ``run_engine`` for the same calls),
interleaved so that load from elsewhere on the machine hits all three alike.

The bare engine call is, on Elasticsearch, the client's ``search`` with the
exact body our elasticsearch-dsl code sends (built once beforehand); on the
database, the full-text query Wagtail's backend runs over the records with
its rows fetched (``search.database_engine.matching_rows``), without our
facet counting in Python. A request that asks for a "did you mean" probe
makes two engine calls: the bare time is their sum.
"""

import gc
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

from .database import start_django, use_database

SIZES = tuple(int(size) for size in os.environ.get("SEARCH_BENCH_PRACTICES", "10000,50000").split(","))
COMMUNITIES = int(os.environ.get("SEARCH_BENCH_COMMUNITIES", "50"))
RUNS = int(os.environ.get("SEARCH_BENCH_RUNS", "30"))
# A query whose rounds take longer gets fewer than RUNS (at least one)…
QUERY_BUDGET_SECONDS = float(os.environ.get("SEARCH_BENCH_QUERY_BUDGET", "120"))
# …and an engine call whose SQL runs longer than this is interrupted and reported as such.
DEADLINE_SECONDS = float(os.environ.get("SEARCH_BENCH_DEADLINE", "60"))
# The second rebuild (records current) takes as long again: only at these sizes.
REBUILD_AGAIN_AT = SIZES[:1]
ALIAS = "bench-knowledge"
WAGTAIL_BACKEND = "wagtail-bench"
WAGTAIL_INDEX_PREFIX = "wagtail-bench-"
TARGET_SPEEDUP = 3.0
TARGET_OVERHEAD = 1.3
# (query, what kind of search it is)
QUERIES = (
    ("peminjaman", "one word on nearly every page"),
    ("pinjam mandiri", "affixed forms, two words"),
    ("kios rfid", "exact words, a few percent of pages"),
    ("penyiagan koleksi", "a typo: corrected, plus the “did you mean” probe"),
    ("weeding", "glossary synonym (penyiangan)"),
)
REPOSITORY = Path(__file__).resolve().parents[2]


@dataclass
class IndexRun:
    """One rebuild in a child process."""

    tool: str
    practices: int  # live practices on the site
    pages: int  # pages (documents) it indexed
    seconds: float
    peak_rss_mib: float
    baseline_rss_mib: float
    records_written: int = 0
    bulk_requests: int = 0
    bulk_seconds: float = 0.0  # waiting for the cluster's answers to our bulk requests
    slowest_bulk_seconds: float = 0.0
    each_bulk_seconds: list[float] = field(default_factory=list)
    error: str = ""  # why the child failed, when it did

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


@dataclass
class RequestTiming:
    engine: str
    practices: int
    query: str
    kind: str
    total: int  # results the user may see
    engine_calls: int
    queries: int  # SQL queries of one request
    page_ms: list[float] = field(default_factory=list)
    engine_ms: list[float] = field(default_factory=list)  # the bare engine calls
    adapter_ms: list[float] = field(default_factory=list)  # run_engine for the same calls
    # Why the rounds stopped early, or never began: an interrupted statement, Elasticsearch failing.
    failure: str = ""

    @staticmethod
    def median(values: list[float]) -> float:
        return statistics.median(values)

    @staticmethod
    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]

    @property
    def ratio(self) -> float:
        return self.median(self.page_ms) / self.median(self.engine_ms)


@dataclass
class ScaleResults:
    content: list = field(default_factory=list)  # search_content.ScaleContent per size
    index_runs: list[IndexRun] = field(default_factory=list)
    requests: list[RequestTiming] = field(default_factory=list)
    osmem_version: str = ""


# Child processes: one rebuild each, so that ru_maxrss is the rebuild's.


def peak_rss_mib() -> float:
    """The process's peak resident memory: VmHWM, which starts afresh at exec.

    Not ``ru_maxrss``: on Linux a child's ru_maxrss starts at the RSS of the
    parent it was forked from (kept across exec), here the bench's own 200 MiB
    and more, which would hide the child's real peak.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, bytes on macOS


def configure_elasticsearch(url: str) -> None:
    from django.conf import settings

    from tests.search.osmem import PLAIN_JSON_NODE

    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_NODE_CLASS = PLAIN_JSON_NODE
    settings.KNOWLEDGE_INDEX_ALIAS = ALIAS


def wagtail_backends(url: str) -> dict:
    from django.conf import settings

    return {
        **settings.WAGTAILSEARCH_BACKENDS,
        WAGTAIL_BACKEND: {
            "BACKEND": "wagtail.search.backends.opensearch3",
            "URLS": [url],
            "INDEX_PREFIX": WAGTAIL_INDEX_PREFIX,
            "TIMEOUT": 120,
            # Saves elsewhere in the bench must not write to it, nor our rebuild.
            "AUTO_UPDATE": False,
        },
    }


def timed_into(durations: list[float], function: Callable) -> Callable:
    """``function``, noting how long each call took in ``durations``."""

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            durations.append(time.perf_counter() - started)

    return timed


def bulk_figures(durations: list[float]) -> dict:
    return {
        "bulk_requests": len(durations),
        "bulk_seconds": sum(durations),
        "slowest_bulk_seconds": max(durations, default=0.0),
        "each_bulk_seconds": [round(seconds, 2) for seconds in durations],
    }


def rebuild_ours(url: str) -> dict:
    """``rebuild_index`` as ``search_index rebuild`` runs it."""
    from tqdm import tqdm

    from search import rebuild
    from search.records import searchable_pages  # noqa: F401 - loaded before the baseline

    configure_elasticsearch(url)
    # Each bulk request timed, to tell the cluster's share of the time.
    bulk_seconds = []
    baseline = peak_rss_mib()
    with (
        mock.patch.object(rebuild, "write_documents", timed_into(bulk_seconds, rebuild.write_documents)),
        tqdm(desc="rebuild", unit="page", mininterval=2) as progress,
    ):
        started = time.perf_counter()
        report = rebuild.rebuild_index(progress=progress.update)
        seconds = time.perf_counter() - started
    if report.documents != report.pages:
        raise RuntimeError(f"{report.pages} pages streamed, {report.documents} documents indexed")
    return {
        "pages": report.documents,
        "seconds": seconds,
        "peak_rss_mib": peak_rss_mib(),
        "baseline_rss_mib": baseline,
        "records_written": report.records_written,
        **bulk_figures(bulk_seconds),
    }


def update_index_wagtail(url: str) -> dict:
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command
    from modelsearch.management.commands import rebuild_modelsearch_index
    from wagtail.search.backends import get_search_backend

    from search.rebuild import rebuild_index  # noqa: F401 - the same modules loaded as for ours
    from search.records import SEARCHABLE_MODELS

    settings.WAGTAILSEARCH_BACKENDS = wagtail_backends(url)
    output = StringIO()
    # Each of Wagtail's bulk requests timed too, to tell the cluster's share of its time.
    backend_class = type(get_search_backend(WAGTAIL_BACKEND))
    bulk_seconds = []
    baseline = peak_rss_mib()
    # The command indexes every indexed model; here only the models our index holds.
    with (
        mock.patch.object(rebuild_modelsearch_index, "get_indexed_models", lambda: list(SEARCHABLE_MODELS)),
        mock.patch.object(backend_class, "bulk", timed_into(bulk_seconds, backend_class.bulk)),
    ):
        started = time.perf_counter()
        call_command("update_index", backend_name=WAGTAIL_BACKEND, stdout=output)
        seconds = time.perf_counter() - started
    indexed = [line for line in output.getvalue().splitlines() if "indexed" in line]
    pages = int(indexed[-1].split("indexed")[1].split()[0])
    return {
        "pages": pages,
        "seconds": seconds,
        "peak_rss_mib": peak_rss_mib(),
        "baseline_rss_mib": baseline,
        **bulk_figures(bulk_seconds),
    }


CHILD_RUNS = {"ours": rebuild_ours, "wagtail": update_index_wagtail}


def main() -> None:
    kind, database, url, result_file = sys.argv[1:]
    start_django(Path(database))
    use_database(database)
    try:
        measured = CHILD_RUNS[kind](url)
    except Exception as error:
        # Reported in the table rather than ending a long bench run.
        Path(result_file).write_text(
            json.dumps({"error": f"{type(error).__name__}: {error}"}), encoding="utf-8"
        )
        raise
    Path(result_file).write_text(json.dumps(measured), encoding="utf-8")


def index_in_child(kind: str, tool: str, url: str, workdir: Path, practices: int) -> IndexRun:
    from django.db import connection

    result_file = workdir / f"search-{kind}.json"
    result_file.unlink(missing_ok=True)
    database = connection.settings_dict["NAME"]
    child = [sys.executable, "-m", "tests.bench.search_scale", kind, database, url, str(result_file)]
    finished = subprocess.run(child, check=False, cwd=REPOSITORY)
    measured = json.loads(result_file.read_text(encoding="utf-8")) if result_file.exists() else {}
    if finished.returncode or "error" in measured:
        error = measured.get("error") or f"the child process exited with {finished.returncode}"
        return IndexRun(
            tool, practices, pages=0, seconds=0.0, peak_rss_mib=0.0, baseline_rss_mib=0.0, error=error
        )
    return IndexRun(tool=tool, practices=practices, **measured)


# Search requests, in the bench's process.


def engine_calls(client, url: str) -> list[tuple[str, object, object]]:
    """(engine, EngineQuery, EngineResult) of every engine call one request of ``url`` makes."""
    from search import knowledge_search

    calls = []
    answer = knowledge_search.answer

    def recording(engine, engine_query):
        answered = answer(engine, engine_query)
        calls.append((engine, engine_query, answered[0]))
        return answered

    with mock.patch.object(knowledge_search, "answer", recording):
        get_ok(client, url)
    return calls


def search_url(query: str) -> str:
    """The search page in the default language (``/cari/``) for ``query``."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return reverse("knowledge_search:search") + "?" + urlencode({"q": query})


def get_ok(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response


def bare_call(engine: str, engine_query) -> Callable[[], object]:
    """The engine's own work for one call, prepared so that only the call itself is timed."""
    if engine == "elasticsearch":
        from search.elasticsearch_client import elasticsearch_client, index_alias
        from search.elasticsearch_engine import KnowledgeFacetedSearch

        faceted = KnowledgeFacetedSearch(engine_query)
        body = faceted[engine_query.offset : engine_query.offset + engine_query.limit]._s.to_dict()
        client, index = elasticsearch_client(), index_alias()
        return lambda: client.search(index=index, body=body)
    from search.database_engine import matching_rows

    return lambda: matching_rows(engine_query)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


class Stopped(Exception):
    """The database engine's SQL ran past the deadline and was interrupted."""


@contextmanager
def deadline(seconds: float):
    """Interrupt the database's statements that run past ``seconds`` (SQLite's progress handler).

    The database engine's full-text SQL can take minutes on SQLite; the bench
    records that it did instead of waiting. It applies while Elasticsearch is
    timed too: should a call fail, the database answers instead, as slowly.
    PostgreSQL gets ``statement_timeout``.
    """
    from django.db import OperationalError, connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        stop_at = time.monotonic() + seconds
        connection.connection.set_progress_handler(lambda: time.monotonic() > stop_at, 100_000)
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [int(seconds * 1000)])
    try:
        yield
    except OperationalError as error:
        if "interrupt" in str(error) or "timeout" in str(error):
            raise Stopped(str(error)) from error
        raise
    finally:
        if connection.vendor == "sqlite":
            connection.connection.set_progress_handler(None, 0)
        else:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")


class FallbackLog(logging.Handler):
    """Notes the errors search.engines logs when Elasticsearch fails and the database answers."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # "Knowledge search fell back to the database: Elasticsearch failed: <why>"
        self.records.append(record.getMessage().rpartition(": ")[2][:120])

    def __enter__(self) -> "FallbackLog":
        logging.getLogger("search.engines").addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        logging.getLogger("search.engines").removeHandler(self)


def time_request(client, engine: str, practices: int, query: str, kind: str) -> RequestTiming:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.engines import ENGINE_ERRORS, run_engine

    url = search_url(query)
    timing = RequestTiming(engine, practices, query, kind, total=0, engine_calls=0, queries=0)

    def within_deadline(action: Callable[[], object]) -> float:
        with deadline(DEADLINE_SECONDS):
            return timed(action)

    # An interrupted request is the bench's doing, not a server error to log.
    with (
        mock.patch.object(logging.getLogger("django.request"), "disabled", True),
        FallbackLog() as fallbacks,
    ):
        try:
            # The first request warms up, and tells the engine calls and the SQL queries of one request.
            with CaptureQueriesContext(connection) as captured:
                calls = []
                first = within_deadline(lambda: calls.extend(engine_calls(client, url)))
            # Counted now: the captured list is read from the connection's log, which every request clears.
            timing.queries = len(captured)
            timing.engine_calls = len(calls)
            if fallbacks.records:
                timing.failure = f"Elasticsearch failed ({fallbacks.records[0]}); the database answered"
                return timing
            timing.total = calls[0][2].total
            bare = [bare_call(engine, engine_query) for _engine, engine_query, _result in calls]
            if first < 1000:  # More warm-up, when it is cheap.
                within_deadline(lambda: get_ok(client, url))
                for action in bare:
                    within_deadline(action)
            gc.collect()
            started = time.monotonic()
            while len(timing.page_ms) < RUNS and (
                not timing.page_ms or time.monotonic() - started < QUERY_BUDGET_SECONDS
            ):
                page_ms = within_deadline(lambda: get_ok(client, url))
                if fallbacks.records:
                    timing.failure = (
                        f"in round {len(timing.page_ms) + 1}, Elasticsearch failed ({fallbacks.records[0]}); "
                        "the database answered"
                    )
                    break
                timing.page_ms.append(page_ms)
                timing.engine_ms.append(sum(within_deadline(action) for action in bare))
                timing.adapter_ms.append(
                    sum(within_deadline(lambda q=q: run_engine(engine, q)) for _e, q, _r in calls)
                )
        except Stopped:
            where = f"in round {len(timing.page_ms) + 1}, " if timing.page_ms else ""
            if fallbacks.records:
                timing.failure = (
                    f"{where}Elasticsearch failed ({fallbacks.records[0]}); the database answered, "
                    f"its SQL interrupted after {DEADLINE_SECONDS:g} s"
                )
            else:
                timing.failure = (
                    f"{where}an engine call's SQL ran past {DEADLINE_SECONDS:g} s and was interrupted"
                )
        except ENGINE_ERRORS as error:
            timing.failure = (
                f"in round {len(timing.page_ms) + 1}, Elasticsearch failed: {type(error).__name__}"
            )
    return timing


def time_requests(engine: str, practices: int, reader) -> list[RequestTiming]:
    from django.test import Client

    client = Client()
    client.force_login(reader)
    return [time_request(client, engine, practices, query, kind) for query, kind in QUERIES]


# The bench's steps.


def run_search_scale(
    workdir: Path, rng, step: Callable[[str], None], at_largest: Callable[[dict], None] | None = None
) -> ScaleResults:
    """The search bench; ``at_largest`` is called with the Elasticsearch settings of the index at the
    largest size, while its server still runs (the monitoring bench measures there)."""
    from django.test import override_settings
    from osmem_server import OsmemServer

    from tests.factories import UserFactory
    from tests.search.osmem import PLAIN_JSON_NODE

    from . import search_content

    results = ScaleResults()
    reader = UserFactory(username="pembaca-cari")
    search_content.install_glossary()
    with OsmemServer.start(japanese=False) as server:
        results.osmem_version = server.version
        for size in SIZES:
            step(f"Search at scale: growing to {size:,} live practices over {COMMUNITIES} CoPs (bulk rows)")
            content = search_content.grow_to(size, COMMUNITIES, rng)
            problems = search_content.check_pages(search_content.scale_communities(COMMUNITIES))
            if problems:
                raise RuntimeError(
                    "The bulk-made pages are not what Wagtail would have made: " + "; ".join(problems)
                )
            results.content.append(content)
            step(f"Rebuilding the knowledge index at {size:,} practices (ours, in a child process)")
            results.index_runs.append(
                index_in_child("ours", "ours, first rebuild", server.url, workdir, size)
            )
            if size in REBUILD_AGAIN_AT:
                step(f"Rebuilding again at {size:,} practices, every record current")
                results.index_runs.append(
                    index_in_child("ours", "ours, again (every record current)", server.url, workdir, size)
                )
            step(f"Wagtail's update_index at {size:,} practices (opensearch3 backend, in a child process)")
            results.index_runs.append(
                index_in_child("wagtail", "Wagtail update_index", server.url, workdir, size)
            )
            if size == SIZES[0]:
                step(f"Timing search requests on the database engine at {size:,} practices")
                with override_settings(ELASTICSEARCH_URL=""):
                    results.requests += time_requests("database", size, reader)
            if size == SIZES[-1]:
                step(f"Timing search requests on Elasticsearch (osmem) at {size:,} practices")
                elasticsearch_settings = {
                    "ELASTICSEARCH_URL": server.url,
                    "ELASTICSEARCH_NODE_CLASS": PLAIN_JSON_NODE,
                    "KNOWLEDGE_INDEX_ALIAS": ALIAS,
                }
                with override_settings(**elasticsearch_settings):
                    results.requests += time_requests("elasticsearch", size, reader)
                if at_largest is not None:
                    at_largest(elasticsearch_settings)
    return results


def results_json(results: ScaleResults) -> str:
    return json.dumps(asdict(results), default=str)


if __name__ == "__main__":
    main()
