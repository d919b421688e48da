"""`manage.py search_index`: what an administrator reads and what a script gets back."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cop_pages.models import PracticePage
from search.elasticsearch_index import indices_behind_alias
from search.models import KnowledgeRecord
from tests.factories import CommunityPageFactory, PracticePageFactory

from .test_indexing import documents, records


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("search_index", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def library(home):
    cop = CommunityPageFactory(title="CoP Layanan Sirkulasi", slug="sirkulasi")
    return [cop, *(PracticePageFactory(parent=cop, title=f"Swalayan peminjaman {n}") for n in range(5))]


def test_rebuild_shows_progress_on_stderr_and_a_summary(library, elasticsearch):
    out, err = run("rebuild", "--chunk-size", "4")

    assert "6/6" in err  # the bar knew the total from the start
    assert re.search(r"6 pages streamed in [\d.]+ s \(\d+ pages/s\), engine elasticsearch", out)
    assert f"index {indices_behind_alias()[0]}: 6 documents in 2 bulk requests" in out
    assert "caught up: nothing changed meanwhile" in out
    assert documents() == records()


def test_rebuild_on_the_database_engine(library, settings):
    settings.ELASTICSEARCH_URL = ""

    out, _err = run("rebuild", "--no-progress")

    assert "engine database" in out and "records: 6 written, 0 removed" in out
    assert KnowledgeRecord.objects.count() == 6


def test_a_rebuild_that_fails_says_what_and_where_in_one_line(library, elasticsearch, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"

    with pytest.raises(CommandError) as failure:
        run("rebuild", "--no-progress")

    message = str(failure.value)
    assert message.startswith("search_index rebuild: Elasticsearch at http://127.0.0.1:9: creating ")
    assert "\n" not in message


def test_status_on_the_database_engine(library, settings):
    settings.ELASTICSEARCH_URL = ""
    run("rebuild", "--no-progress")
    PracticePage.objects.filter(pk=library[1].pk).update(live=False)  # a task that never ran

    out, _err = run("status")

    assert out.splitlines() == [
        "engine: database (active: database)",
        "pages that should be indexed: 5",
        "knowledge records: 6",
        "database search entries: 6",
        "drift: 1 records of pages that are not searchable",
        "run `manage.py search_index reconcile --check` for the pages concerned",
    ]


def test_status_on_elasticsearch_counts_documents_and_pending_updates(library, elasticsearch, settings):
    run("rebuild", "--no-progress")
    KnowledgeRecord.objects.filter(pk=library[2].pk).update(elasticsearch_fingerprint="")

    out, _err = run("status")

    lines = out.splitlines()
    assert lines[0] == "engine: elasticsearch (active: elasticsearch)"
    assert lines[1] == f"alias: {settings.KNOWLEDGE_INDEX_ALIAS} -> {indices_behind_alias()[0]}"
    assert "pages that should be indexed: 6" in lines
    assert "knowledge records: 6" in lines
    assert "index documents: 6" in lines
    assert "pending: 1" in lines
    assert "drift: 1 records not yet sent to Elasticsearch" in lines


def test_status_with_the_cluster_down_still_reports_the_database(library, elasticsearch, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"

    out, _err = run("status")

    assert "engine: elasticsearch (active: database)" in out
    assert "index documents: unknown" in out
    assert "error: Elasticsearch at http://127.0.0.1:9 is unreachable" in out
