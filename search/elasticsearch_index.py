"""The knowledge index on Elasticsearch: read and written through an alias.

A rebuild creates a new concrete index and swaps the alias, so readers
never see a half-built index (see search/rebuild.py).
"""

from django.utils import timezone
from elasticsearch_dsl import Index

from .documents import KnowledgeDocument
from .elasticsearch_client import elasticsearch_client, index_alias


def new_index_name() -> str:
    return f"{index_alias()}-{timezone.now():%Y%m%d%H%M%S%f}"


def knowledge_index(name: str) -> Index:
    return KnowledgeDocument._index.clone(name=name)


def create_index(name: str) -> None:
    knowledge_index(name).create(using=elasticsearch_client())


def indices_behind_alias() -> list[str]:
    client = elasticsearch_client()
    if not client.indices.exists_alias(name=index_alias()):
        return []
    return sorted(client.indices.get_alias(name=index_alias()).body)


def ensure_index() -> str:
    """The concrete index behind the alias, created on first use."""
    current = indices_behind_alias()
    if current:
        return current[0]
    name = new_index_name()
    create_index(name)
    elasticsearch_client().indices.update_aliases(actions=[{"add": {"index": name, "alias": index_alias()}}])
    return name
