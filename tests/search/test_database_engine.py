"""The database engine on SQLite ranks as Wagtail's backend does, in queries that do not grow with the matches.

``sqlite_ranked_rows`` replaces the backend's per-row score subquery (which
SQLite runs as a MATCH per index entry) with single passes over the FTS
table: the rows, their order and their scores must stay exactly Wagtail's.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.search.backends import get_search_backend

from search.database_engine import plan_expression, sqlite_ranked_rows
from search.models import KnowledgeRecord
from search.query_plan import build_plan
from tests.bench.search_relevance import build_relevance_set
from tests.search.indexed import index_everything

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="Wagtail's SQLite FTS5 backend only"),
]

QUERIES = ["peminjaman", "pinjam mandiri", "kios rfid", "penyiangan koleksi", "weeding", "buku"]


@pytest.fixture
def relevance_set(home):
    build_relevance_set(home)
    index_everything("database")


@pytest.mark.parametrize("query", QUERIES)
def test_rows_order_and_scores_are_wagtails(relevance_set, query):
    expression = plan_expression(build_plan(query))
    records = KnowledgeRecord.objects.filter(visibility="public")
    wagtails = list(get_search_backend().search(expression, records).annotate_score("_score"))

    ours = sqlite_ranked_rows(records, expression)

    assert wagtails, query
    assert [row.page_id for row in ours] == [row.page_id for row in wagtails]
    assert [row._score for row in ours] == pytest.approx([row._score for row in wagtails])


def test_queries_do_not_grow_with_the_matches(relevance_set):
    records = KnowledgeRecord.objects.all()
    counted = []
    for query in ("kios rfid", "buku"):
        with CaptureQueriesContext(connection) as captured:
            rows = sqlite_ranked_rows(records, plan_expression(build_plan(query)))
        counted.append((len(rows), len(captured)))

    (few, few_queries), (many, many_queries) = counted
    assert few < many
    assert few_queries == many_queries
