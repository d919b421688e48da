"""What `search_index status` reports: the engine, the index, the counts, and the drift they show.

Counts only: cheap enough to run at any time. A drift that counts cannot
see (a stale fingerprint) needs `search_index reconcile --check`.
"""

from dataclasses import dataclass, field

from .elasticsearch_client import cluster_address, elasticsearch_client, index_alias
from .elasticsearch_index import indices_behind_alias
from .elasticsearch_writes import UNREACHABLE, pending_records
from .engines import engine_status
from .indexing import (
    count_searchable_pages,
    searchable_queryset,
    unsearchable_record_ids,
    wagtail_index_entries,
)
from .models import KnowledgeRecord
from .records import SEARCHABLE_MODELS


@dataclass
class IndexStatus:
    configured: str
    active: str
    pages: int
    records: int
    pages_without_record: int
    unsearchable_records: int
    wagtail_entries: int | None = None
    alias: str = ""
    indices: list[str] = field(default_factory=list)
    documents: int | None = None
    pending: int | None = None
    error: str = ""

    @property
    def drift(self) -> list[str]:
        found = []
        if self.pages_without_record:
            found.append(f"{self.pages_without_record} searchable pages without a record")
        if self.unsearchable_records:
            found.append(f"{self.unsearchable_records} records of pages that are not searchable")
        if self.wagtail_entries is not None and self.wagtail_entries != self.records:
            found.append(
                f"database search index holds {self.wagtail_entries} entries for {self.records} records"
            )
        if self.documents is not None and self.documents != self.records:
            found.append(f"Elasticsearch holds {self.documents} documents for {self.records} records")
        if self.pending:
            found.append(f"{self.pending} records not yet sent to Elasticsearch")
        return found

    def lines(self) -> list[str]:
        lines = [f"engine: {self.configured} (active: {self.active})"]
        if self.configured == "elasticsearch":
            lines.append(f"alias: {self.alias} -> {', '.join(self.indices) or 'no index'}")
        lines.append(f"pages that should be indexed: {self.pages}")
        lines.append(f"knowledge records: {self.records}")
        if self.wagtail_entries is not None:
            lines.append(f"database search entries: {self.wagtail_entries}")
        if self.configured == "elasticsearch":
            documents = "unknown" if self.documents is None else self.documents
            pending = "unknown" if self.pending is None else self.pending
            lines.append(f"index documents: {documents}")
            lines.append(f"pending: {pending}")
        if self.error:
            lines.append(f"error: {self.error}")
        drift = self.drift
        lines.append("drift: " + ("; ".join(drift) if drift else "none in the counts"))
        if drift or self.error:
            lines.append("run `manage.py search_index reconcile --check` for the pages concerned")
        return lines


def index_status() -> IndexStatus:
    engines = engine_status()
    entries = wagtail_index_entries()
    status = IndexStatus(
        configured=engines["configured"],
        active=engines["active"],
        pages=count_searchable_pages(),
        records=KnowledgeRecord.objects.count(),
        pages_without_record=sum(
            searchable_queryset(model).filter(knowledge_record__isnull=True).count()
            for model in SEARCHABLE_MODELS
        ),
        unsearchable_records=len(unsearchable_record_ids()),
        wagtail_entries=entries.count() if entries is not None else None,
    )
    if status.configured != "elasticsearch":
        return status
    status.alias = index_alias()
    status.pending = pending_records().count()
    try:
        status.indices = indices_behind_alias()
        if status.indices:
            client = elasticsearch_client()
            client.indices.refresh(index=status.alias)
            status.documents = client.count(index=status.alias)["count"]
    except UNREACHABLE as error:
        status.error = f"Elasticsearch at {cluster_address()} is unreachable: {error}"
    return status
