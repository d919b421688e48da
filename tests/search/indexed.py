"""Put pages into the knowledge index and make them searchable at once.

Elasticsearch makes writes visible about a second later; the tests refresh
the index instead of waiting.
"""

from search.elasticsearch_client import elasticsearch_client, index_alias
from search.indexing import index_pages
from search.records import searchable_pages


def refresh_index(engine: str) -> None:
    if engine == "elasticsearch":
        elasticsearch_client().indices.refresh(index=index_alias())


def index_everything(engine: str) -> None:
    """Every live page into the knowledge index, searchable at once."""
    index_pages([page.pk for page in searchable_pages()])
    refresh_index(engine)
