"""Whatever arrives in the query string, the search page answers without a server error."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.indexing import index_pages
from tests.factories import CommunityPageFactory, PracticePageFactory

from .indexed import refresh_index

pytestmark = pytest.mark.django_db

SPECIAL = list("+-=&|><!(){}[]^\"~*?:\\/'%#;,.@$`") + [
    "\x00",
    "\u202e",
    "\u200b",
    "🙂",
    "👩🏽‍🏫",
    "AND",
    "OR",
    "NOT",
]
PARAMETERS = ["q", "community", "kind", "tags", "language", "year", "halaman", "urut", "page", "sort"]

hostile_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(SPECIAL + ["buku", "pinjam", "sirkulasi"]), max_size=20).map("".join),
    st.just("x" * 5000),
    st.just('"unbalanced (quote [bracket {brace'),
    st.just('{"query": {"match_all": {}}}'),
    st.just("title:* OR body_terms:/.*/ AND _id:1"),
)


@pytest.fixture
def indexed_library(engine, home):
    community = CommunityPageFactory(title="CoP Layanan Sirkulasi")
    pages = [PracticePageFactory(parent=community, title=f"Peminjaman buku {n}") for n in range(3)]
    index_pages([community.pk, *(page.pk for page in pages)])
    refresh_index(engine)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(st.sampled_from(PARAMETERS), st.lists(hostile_text, min_size=1, max_size=3), max_size=4)
)
def test_hostile_parameters_never_cause_a_server_error(indexed_library, staff_client, parameters):
    response = staff_client.get(reverse("knowledge_search:search"), parameters)
    assert response.status_code == 200


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile_text)
def test_hostile_autocomplete_prefixes_never_cause_a_server_error(indexed_library, staff_client, prefix):
    response = staff_client.get(reverse("knowledge_search:autocomplete"), {"q": prefix})
    assert response.status_code == 200
