"""The mapping that ships is the mapping the engines run: same tokens everywhere."""

import pytest

from search.analysis import index_terms, words
from search.elasticsearch_client import elasticsearch_client, index_alias

pytestmark = pytest.mark.django_db

TEXT = "Peminjaman buku-buku anak: Café & perpustakaan 2024"


def tokens(analyzer: str, text: str) -> list[str]:
    answer = elasticsearch_client().indices.analyze(index=index_alias(), analyzer=analyzer, text=text)
    return [token["token"] for token in answer["tokens"]]


def test_the_words_analyzer_splits_as_the_python_analysis_does(elasticsearch):
    assert tokens("knowledge_words", TEXT) == words(TEXT)


def test_the_terms_analyzer_keeps_the_python_terms_as_they_are(elasticsearch):
    terms = index_terms(TEXT, "id")
    assert tokens("knowledge_terms", terms) == terms.split()


def test_the_prefix_analyzer_gives_every_opening_of_each_word(elasticsearch):
    assert tokens("knowledge_prefixes", "Rak buku")[:3] == ["r", "ra", "rak"]


@pytest.mark.elasticsearch_cluster
def test_a_real_cluster_is_elasticsearch_8(elasticsearch):
    version = elasticsearch_client().info()["version"]
    assert version["number"].startswith("8.")
