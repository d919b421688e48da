"""The knowledge search's figures as Markdown: the "Knowledge search" section of docs/benchmarks.md."""

from .search_relevance import TARGET_MRR, TARGET_RECALL, RelevanceResults
from .search_scale import (
    COMMUNITIES,
    DEADLINE_SECONDS,
    QUERY_BUDGET_SECONDS,
    RUNS,
    TARGET_OVERHEAD,
    TARGET_SPEEDUP,
    IndexRun,
    RequestTiming,
    ScaleResults,
)


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def relevance_tables(results: RelevanceResults) -> str:
    engines = results.engines
    rows = [
        f"| Engine | Queries | recall@5 (target ≥ {TARGET_RECALL}) | MRR (target ≥ {TARGET_MRR}) "
        "| Targets | Missed (recall@5 < 1) | Found, not first | Mean `search_knowledge` time |",
        "|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for result in engines:
        rows.append(
            f"| {result.engine} | {result.overall['queries']} | {result.recall:.3f} | {result.mrr:.3f} "
            f"| {verdict(result.meets_targets())} | {len(result.misses)} | {len(result.not_first)} "
            f"| {result.query_ms:.1f} ms |"
        )
    rows += [
        "",
        "| Query kind | Queries | "
        + " | ".join(f"{r.engine} recall@5 | {r.engine} MRR" for r in engines)
        + " |",
        "|---|---:|" + "---:|---:|" * len(engines),
    ]
    for kind, summary in engines[0].per_kind.items():
        cells = " | ".join(
            f"{r.per_kind[kind]['recall@5']:.3f} | {r.per_kind[kind]['mrr']:.3f}" for r in engines
        )
        rows.append(f"| {kind} | {summary['queries']} | {cells} |")
    lines = []
    for result in engines:
        for label, queries in (("missed", result.misses), ("found, not first", result.not_first)):
            for miss in queries:
                lines.append(
                    f"- {result.engine}, {label}: [{miss['kind']}] “{miss['query']}” wants "
                    f"{', '.join(f'`{slug}`' for slug in miss['relevant'])}; top 5: "
                    f"{', '.join(f'`{slug}`' for slug in miss['ranked']) or 'nothing'} "
                    f"(recall@5 {miss['recall@5']:.2f}, reciprocal rank {miss['reciprocal_rank']:.2f})"
                )
    listed = "\n\nQueries below a perfect score:\n\n" + "\n".join(lines) if lines else ""
    return "\n".join(rows) + listed


def rebuild_table(runs: list[IndexRun]) -> str:
    rows = [
        "| Live practices | Rebuild | Pages indexed | Time | Pages/s | Speed-up over Wagtail: its time ÷ ours "
        f"(target ≥ {TARGET_SPEEDUP:g}×) | Bulk requests to the cluster | Peak memory (RSS) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        if run.error:
            rows.append(f"| {run.practices:,} | {run.tool} | **failed**: {run.error} | | | | | |")
            continue
        wagtail = next(
            (
                other
                for other in runs
                if other.practices == run.practices and other.tool.startswith("Wagtail")
            ),
            None,
        )
        against = ""
        if wagtail is not None and run is not wagtail and not wagtail.error:
            speedup = wagtail.seconds / run.seconds
            against = f"{speedup:.2f}× ({verdict(speedup >= TARGET_SPEEDUP)})"
        written = f", {run.records_written:,} records written" if run.records_written else ""
        waiting = (
            f"{run.bulk_seconds:.1f} s in {run.bulk_requests} bulk requests (slowest {run.slowest_bulk_seconds:.1f} s)"
            if run.bulk_requests
            else ""
        )
        rows.append(
            f"| {run.practices:,} | {run.tool}{written} | {run.pages:,} | {run.seconds:.1f} s | {run.rate:.0f} "
            f"| {against} | {waiting} | {run.peak_rss_mib:.0f} MiB ({run.baseline_rss_mib:.0f} MiB before) |"
        )
    for wagtail in runs:
        if wagtail.tool.startswith("Wagtail") and wagtail.bulk_requests and not wagtail.error:
            rows += [
                "",
                f"At {wagtail.practices:,} practices Wagtail's `update_index` spent {wagtail.bulk_seconds:.1f} s "
                f"of its {wagtail.seconds:.1f} s in bulk requests ({wagtail.bulk_seconds / wagtail.seconds:.0%}): "
                "sending its documents to this engine takes that long whatever prepares them, so an indexer "
                f"sending the same documents could be at most {wagtail.seconds / wagtail.bulk_seconds:.2f}× "
                "faster; ours sends lighter ones (terms without positions, no body text) and overlaps the rest.",
            ]
    firsts = [run for run in runs if run.tool.startswith("ours, first") and not run.error]
    if len(firsts) >= 2:
        small, large = firsts[0], firsts[-1]
        growth = large.peak_rss_mib - small.peak_rss_mib
        rows += [
            "",
            f"Peak memory of our first rebuild: {small.peak_rss_mib:.0f} MiB at {small.practices:,} practices, "
            f"{large.peak_rss_mib:.0f} MiB at {large.practices:,} ({growth:+.0f} MiB; "
            f"{large.peak_rss_mib - large.baseline_rss_mib:.0f} MiB above the process's "
            f"{large.baseline_rss_mib:.0f} MiB before the call).",
        ]
    return "\n".join(rows)


def requests_table(timings: list[RequestTiming]) -> str:
    rows = [
        "| Engine, live practices | Query | Results | Search page: median | p95 | SQL queries "
        "| Engine calls | Bare engine: median | p95 | `run_engine`: median "
        f"| Page ÷ bare engine (target ≤ {TARGET_OVERHEAD:g}×) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for timing in timings:
        median, p95 = timing.median, timing.p95
        if not timing.page_ms:
            rows.append(
                f"| {timing.engine}, {timing.practices:,} | “{timing.query}”: {timing.kind} "
                f"| | **not timed**: {timing.failure} | | | | | | | **missed** |"
            )
            continue
        notes = [f"{len(timing.page_ms)} runs"] if len(timing.page_ms) != RUNS else []
        if timing.failure:
            notes.append(f"then {timing.failure}")
        runs = f" ({'; '.join(notes)})" if notes else ""
        rows.append(
            f"| {timing.engine}, {timing.practices:,} | “{timing.query}”: {timing.kind}{runs} | {timing.total:,} "
            f"| {median(timing.page_ms):.1f} ms | {p95(timing.page_ms):.1f} ms | {timing.queries} "
            f"| {timing.engine_calls} | {median(timing.engine_ms):.1f} ms | {p95(timing.engine_ms):.1f} ms "
            f"| {median(timing.adapter_ms):.1f} ms | {timing.ratio:.2f}× ({verdict(timing.ratio <= TARGET_OVERHEAD)}) |"
        )
    return "\n".join(rows)


def search_section(relevance: RelevanceResults, scale: ScaleResults) -> str:
    """The section: each table with what it measures."""
    content = scale.content
    sizes = " and ".join(f"{c.practices:,}" for c in content)
    loads = "; ".join(f"{c.added:,} practices added in {c.seconds:.0f} s" for c in content)
    return f"""## Knowledge search

### Relevance

{relevance_tables(relevance)}

What this measures: the relevance set of tests/search/relevance/ ({relevance.practices}
practices, {relevance.english_practices} of them in English, in {relevance.communities} CoPs;
{relevance.queries} queries of six kinds; a glossary of {relevance.glossary_entries} synonym groups
entered as `GlossaryEntry` rows) is built with the suite's factories (each page published
through a revision) into a fresh database of its own, in a child process, indexed with
`index_pages` over every searchable page, and scored with `score_queries`. Each query is one
`search_knowledge` call as a staff member who belongs to no CoP, 10 results, the engine forced:
the ranked list is every hit in the page's order (a CoP page among them takes a place), named
by its slug. recall@5 is the share of a query's relevant practices in the top 5 (at most 5
wanted), MRR the mean of 1 / rank of the first relevant one (0 when none of the 10 is). The
database engine is Wagtail's database backend on the bench's database; Elasticsearch is
osmem-server {scale.osmem_version} (the CI engine) through the real client and elasticsearch-dsl:
its scoring is its own, so a real cluster may rank differently. `make test` holds the same targets
(tests/search/test_relevance_targets.py).

### Rebuilding the index at {sizes} practices

{rebuild_table(scale.index_runs)}

What this measures: the site is grown to {sizes} live practices spread over {COMMUNITIES} CoPs
({loads}). They are written in bulk, not with `add_child`: see tests/bench/search_content.py
for the rows written (tree paths, depth, `numchild`, URL path, locale, content type, tags,
contributors) and the check that Wagtail reads them back as the pages `add_child` makes; they
have no revisions, no reference-index rows and no entries in Wagtail's page search index. Each
rebuild runs in a child process on one osmem-server: ours is `search.rebuild.rebuild_index`
(what `manage.py search_index rebuild` runs: new index, records, Wagtail's database index for the
fallback engine, the documents, alias swap, catch-up, vocabulary recount), first right after the
bulk load (the new pages have no record yet), then at the first size once more with every record
current; Wagtail's is its own `update_index` command (`call_command("update_index",
backend_name=...)`) on its `opensearch3` backend (opensearch-py) through a second
`WAGTAILSEARCH_BACKENDS` entry, limited to the three page models our index holds. Both index
the same text: Wagtail what the models declare in `search_fields` (every section of a practice,
meeting or CoP, its tags and action items, for the admin's page search), ours the records'
terms, analysed in Python. Time is the wall time around the call alone (Django already set
up). The bulk requests column is the sum of their durations, each timed around the call
(`write_documents` for ours, the backend's `bulk` for Wagtail's): Wagtail's run one after
the other with its own work, ours on a second thread while the next chunk is analysed, so
theirs add to the time and ours overlap it.
Peak memory is the child's `VmHWM` (peak resident set; not `ru_maxrss`, which on Linux starts
at the RSS of the parent the child was forked from), with the value before the call.

### Search request against its engine

{requests_table(scale.requests)}

What this measures: the search page (`/cari/?q=…`) through Django's test `Client`, as a
logged-in staff member without memberships (so the visibility filter applies), on the database
engine at the first size and on Elasticsearch (osmem-server) at the last, after the rebuild
above. The engine calls the request makes are captured by wrapping
`search.knowledge_search.answer` during one request (a misspelt word adds the "did you mean"
probe: two calls). Then {RUNS} rounds, interleaved: the page; the bare engine calls — on
Elasticsearch the client's `search` with the exact body our elasticsearch-dsl code sends, built
beforehand; on the database the full-text query over Wagtail's index with its rows fetched
(`matching_rows`; on SQLite the single-pass query of `sqlite_ranked_rows`, docs/search.md),
without our facet counting — and `run_engine` for the same calls (query
building, the call, facets and parsing). A slow query gets fewer rounds within its time budget
of {QUERY_BUDGET_SECONDS:g} s (at least one; the number is then shown), and an engine call whose
SQL runs past {DEADLINE_SECONDS:g} s is interrupted (SQLite's progress handler) and reported as stopped. SQL queries are those of one request (the engine's own on the
database engine included)."""
