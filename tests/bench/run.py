"""The bench's steps, once Django is set up: data, page timings, import, table."""

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from django.test import Client

from tests.factories import UserFactory

from . import (
    admin_pages,
    comments,
    content,
    monitoring,
    report,
    search_relevance,
    search_report,
    search_scale,
    writing,
)
from .import_files import write_import_folder
from .pages import time_in_rounds

LARGE_COMMUNITY_PRACTICES = 5_000
IMPORT_FILES = 2_000
REPOSITORY = Path(__file__).resolve().parents[2]
STARTED = time.perf_counter()


def step(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:4.0f} s] {message}", flush=True)


def time_import(workdir: Path, database: str) -> report.ImportResult:
    folder = workdir / "content"
    files = write_import_folder(folder, IMPORT_FILES, writing.repeatable_random(2))
    step(f"Importing {files.total():,} files in a child process")
    result_file = workdir / "import.json"
    subprocess.run(
        [sys.executable, "-m", "tests.bench.import_run", str(folder), database, str(result_file)],
        check=True,
        cwd=REPOSITORY,
    )
    return report.ImportResult(files=Counter(files), **json.loads(result_file.read_text(encoding="utf-8")))


def run_bench(workdir: Path, import_database: str) -> None:
    rng = writing.repeatable_random(1)
    relevance_database = search_relevance.clone_fresh_database()
    step("Building demo-size content")
    content.build_demo_content(rng)
    measured = content.pages_to_measure()
    reader = UserFactory(username="pembaca-bench")
    client = Client()
    client.force_login(reader)
    step(f"Timing pages at demo size ({measured.community.title})")
    demo = time_in_rounds(client, measured.urls)
    step(f"Growing {measured.community.title} to {LARGE_COMMUNITY_PRACTICES:,} practices")
    content.grow_practices(measured.community, LARGE_COMMUNITY_PRACTICES, rng)
    step(f"Timing pages with {LARGE_COMMUNITY_PRACTICES:,} practices in one CoP")
    large = time_in_rounds(client, measured.urls)
    step(
        f"Topping up to {admin_pages.COMMUNITIES} CoPs with {admin_pages.PENDING} submissions awaiting review"
    )
    admin = admin_pages.build_admin_content(rng)
    step(f"Timing the admin dashboard and page explorer at {admin.communities} CoPs")
    admin_timings = admin_pages.time_admin_pages(admin)
    step(
        f"Timing a fresh practice of {measured.community.title} with "
        f"{', '.join(f'{count:,}' for count in comments.COMMENT_COUNTS)} comments, "
        f"then {comments.POSTS} comment POSTs twice"
    )
    discussion = comments.run_comment_bench(client, reader, measured.community, writing.repeatable_random(3))
    imported = time_import(workdir, import_database)
    step("Search relevance: building the relevance set and scoring both engines, in a child process")
    relevance = search_relevance.run_relevance(relevance_database, workdir / "relevance.json")
    measured_monitoring = []
    scale = search_scale.run_search_scale(
        workdir,
        writing.repeatable_random(4),
        step,
        at_largest=lambda elasticsearch_settings: measured_monitoring.append(
            monitoring.run_monitoring_bench(writing.repeatable_random(5), elasticsearch_settings, step)
        ),
    )
    search_section = search_report.search_section(relevance, scale)
    monitoring_section = monitoring.monitoring_section(measured_monitoring[0])
    tables = (
        report.pages_table(demo, large, LARGE_COMMUNITY_PRACTICES)
        + "\n\n"
        + report.admin_table(admin_timings, admin)
        + "\n\n"
        + report.comments_table(discussion)
        + "\n\n"
        + report.import_table(imported)
    )
    growing = report.growing_queries(demo, large) + report.discussion_growing(discussion)
    results = report.results_text(tables, growing)
    runtime = time.perf_counter() - STARTED
    print("\n" + results + "\n\n" + search_section + "\n\n" + monitoring_section + "\n")
    report.write_docs_page(
        results,
        demo_source="six CoPs (one private), 45 practices, 15 meetings, 30 members, built with the factories",
        large_practices=LARGE_COMMUNITY_PRACTICES,
        runtime_s=runtime,
        admin_source=admin_pages.DOCS_DESCRIPTION,
        comments_source=comments.DOCS_DESCRIPTION,
        search_section=search_section + "\n\n" + monitoring_section,
    )
    step(f"Done in {runtime / 60:.1f} minutes; the table is in {report.DOCS_PAGE.relative_to(REPOSITORY)}")
