"""The Elasticsearch client every part of the search shares.

ELASTICSEARCH_NODE_CLASS lets a deployment (or the tests, for osmem-server,
which refuses the 8.x client's compatibility content type) choose the
transport node class.
"""

from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string
from elasticsearch import Elasticsearch

REQUEST_TIMEOUT_SECONDS = 10


@lru_cache(maxsize=4)
def _client_for(url: str, node_class_path: str) -> Elasticsearch:
    options = {"request_timeout": REQUEST_TIMEOUT_SECONDS, "retry_on_timeout": False, "max_retries": 0}
    if node_class_path:
        options["node_class"] = import_string(node_class_path)
    return Elasticsearch(url, **options)


def elasticsearch_client() -> Elasticsearch:
    return _client_for(settings.ELASTICSEARCH_URL, getattr(settings, "ELASTICSEARCH_NODE_CLASS", ""))


def index_alias() -> str:
    return settings.KNOWLEDGE_INDEX_ALIAS


def cluster_address() -> str:
    """The cluster's address for messages, without any credentials in the URL."""
    parts = urlsplit(settings.ELASTICSEARCH_URL)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
