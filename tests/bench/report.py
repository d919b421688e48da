"""The results as Markdown: printed by the bench and kept in docs/benchmarks.md."""

import datetime
import os
import platform
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import django
import wagtail

from .database import database_description
from .pages import RUNS, PageTiming

if TYPE_CHECKING:  # Importing the models needs Django set up.
    from .admin_pages import AdminContent, AdminTiming
    from .comments import CommentResults

DOCS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"


@dataclass
class ImportResult:
    files: Counter
    failed: int
    seconds: float
    peak_rss_mib: float
    baseline_rss_mib: float

    @property
    def rate(self) -> float:
        return self.files.total() / self.seconds


def pages_table(demo: dict[str, PageTiming], large: dict[str, PageTiming], practices: int) -> str:
    rows = [
        f"| Page | Demo size: median | SQL queries | {practices:,} practices in one CoP: median | SQL queries |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, small in demo.items():
        big = large[name]
        rows.append(
            f"| {name} | {small.median_ms:.1f} ms | {small.queries} | {big.median_ms:.1f} ms | {big.queries} |"
        )
    return "\n".join(rows)


def admin_table(timings: list["AdminTiming"], content: "AdminContent") -> str:
    rows = [
        f"| Admin page, {content.communities} CoPs, {content.pending:,} submissions awaiting review, "
        f"{content.overdue:,} practices due for review | User | Median | SQL queries |",
        "|---|---|---:|---:|",
    ]
    for timing in timings:
        page = timing.page
        if timing.redirected_to:
            page += (
                f" → Wagtail redirects ({timing.redirect_queries} queries) to `{timing.redirected_to}`,"
                " the root of what this user may explore, measured here"
            )
        rows.append(
            f"| {page} | {timing.user} | {timing.timing.median_ms:.1f} ms | {timing.timing.queries} |"
        )
    return "\n".join(rows)


def import_table(result: ImportResult) -> str:
    kinds = ", ".join(f"{count:,} {kind}" for kind, count in result.files.items())
    return "\n".join(
        [
            "| Import | Files | Failed | Time | Rate | Peak memory (RSS) |",
            "|---|---:|---:|---:|---:|---:|",
            f"| {kinds} | {result.files.total():,} | {result.failed} | {result.seconds:.1f} s "
            f"| {result.rate:.1f} files/s | {result.peak_rss_mib:.0f} MiB "
            f"({result.baseline_rss_mib:.0f} MiB before the import) |",
        ]
    )


def comments_table(results: "CommentResults") -> str:
    rows = [
        f"| Practice page, fresh practice in {results.community} ({results.practices:,} practices): "
        "visible comments | Replies | Edited | Deleted | “Bermanfaat” marks | Median | SQL queries |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for reading in results.reading:
        rows.append(
            f"| {reading.comments:,} | {reading.replies:,} | {reading.edited:,} | {reading.deleted:,} "
            f"| {reading.marks:,} | {reading.timing.median_ms:.1f} ms | {reading.timing.queries} |"
        )
    rows += [
        "",
        f"| Comment POSTs to `/komentar/halaman/<page_id>/kirim/`, one process, "
        f"{results.writing[0].posts:,} distinct staff members | Time | Comments/s | Median | p95 "
        "| SQL queries per POST | Background tasks |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for run in results.writing:
        tasks = ", ".join(
            f"{count / run.posts:g} `{name}`"
            + (f" ({run.emails / run.posts:.1f} emails)" if run.emails else "")
            if name == "notify_new_comment"
            else f"{count / run.posts:g} `{name}`"
            for name, count in sorted(run.tasks_enqueued.items())
        )
        where = "run in the request" if run.tasks_run_in_request else "queued only, no email sent"
        rows.append(
            f"| {run.backend} | {run.seconds:.1f} s | {run.rate:.1f} | {run.median_ms:.1f} ms "
            f"| {run.p95_ms:.1f} ms | {run.queries} | per post, {where}: {tasks} |"
        )
    return "\n".join(rows)


def discussion_growing(results: "CommentResults") -> list[str]:
    """The practice page's queries should not grow from its first comments to many more: each change is a bug.

    From none to some, one query may be added: the people mentioned, looked up only when there are comments.
    """
    with_comments = [reading for reading in results.reading if reading.comments]
    if not with_comments:
        return []
    first = with_comments[0]
    return [
        f"Practice page with {first.comments:,} → {reading.comments:,} comments: "
        f"{first.timing.queries} → {reading.timing.queries} queries"
        for reading in with_comments[1:]
        if reading.timing.queries != first.timing.queries
    ]


def growing_queries(demo: dict[str, PageTiming], large: dict[str, PageTiming]) -> list[str]:
    """Pages whose query count grows with the data: each one is a bug."""
    return [
        f"{name}: {demo[name].queries} → {large[name].queries} queries"
        for name in demo
        if large[name].queries != demo[name].queries
    ]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line
        ]
        cpu = models[0] if models else cpu
    return (
        f"{len(os.sched_getaffinity(0))} CPUs ({cpu}), Python {platform.python_version()}, "
        f"Django {django.get_version()}, Wagtail {wagtail.__version__}, {database_description()}"
    )


def results_text(tables: str, growing: list[str]) -> str:
    if not growing:
        return tables + "\n\nEvery page renders in the same number of queries at both sizes."
    return (
        tables
        + "\n\nQuery counts that grow with the data (bugs):\n\n"
        + "\n".join(f"- {line}" for line in growing)
    )


def write_docs_page(
    results: str,
    *,
    demo_source: str,
    large_practices: int,
    runtime_s: float,
    admin_source: str = "not measured in this run.",
    comments_source: str = "",
    search_section: str = "",
) -> None:
    comments_part = f"{comments_source}\n" if comments_source else ""
    search_part = f"\n{search_section}\n" if search_section else ""
    DOCS_PAGE.write_text(
        f"""# Benchmarks

Written by `make bench` on {datetime.date.today():%Y-%m-%d}, on {machine()}.
The whole run took {runtime_s / 60:.1f} minutes. Run it again to refresh this page.

{results}
{search_part}
## How it measures

- **Reading pages** are requested through Django's test `Client` as a logged-in
  staff member who belongs to no CoP. The client calls Django's request handler
  in the bench's own process, so the server time is the whole request/response
  cycle inside Django (middleware, session and user lookup, the view, template
  rendering), without a network or a WSGI server. Settings are the test
  settings: `DEBUG = False`, cached templates, local-memory cache.
- Each page is requested once to warm up (Wagtail's cached site root paths,
  the template cache), once more under `CaptureQueriesContext` to count its SQL
  queries, then {RUNS} times; the table shows the median of those {RUNS}.
  Pages measured together (the four reading pages, the monitoring views) are
  requested in rounds, each page once per round, so that a slow spell of the
  machine falls on a few requests of each page, which the median passes
  over, rather than on every request of one page.
- **Demo size**: {demo_source}. The measured pages are the busiest public CoP
  that has meetings, its newest practice and its latest meeting.
- **{large_practices:,} practices in one CoP**: that same CoP is then grown to
  {large_practices:,} practices with Wagtail's `add_child` (full sections, tags,
  contributors, a link), and the same four pages are measured again. The
  practice and meeting pages list other practices of the CoP, so they see the
  growth too.
- **Admin pages** are requested the same way, each role with a client of its
  own: {admin_source}
{comments_part}- **Import**: the files are written in the format of
  [content-format.md](content-format.md) into a temporary folder, then
  `import_content(..., create_missing_users=True)` runs in a child process on
  a fresh, freshly migrated database. The time covers `import_content` alone.
  Peak memory is the child's `ru_maxrss`: Django and the apps are already
  loaded before the import starts, so the value before the import is shown
  beside it.
- **Database**: a SQLite file in a temporary folder, deleted afterwards. With
  `BENCH_DATABASE_URL=postgres://user:password@host:5432/name make bench` it
  runs on that PostgreSQL server instead: like the test suite, it creates
  `test_name` and `test_name_import`, drops them at the end and leaves the
  database `name` itself untouched (the user needs the CREATEDB right).
- Query counts are deterministic and are also asserted by
  `tests/cop_pages/test_query_counts.py` (reading pages) and
  `tests/cop_pages/test_dashboard.py` (the dashboard); times vary with the machine and are
  only measured here, never asserted.
""",
        encoding="utf-8",
    )
