"""Rebuild the knowledge index from the pages, with no downtime and in bounded memory.

Elasticsearch: a new concrete index is filled while readers keep using the
old one behind the alias; one update_aliases call swaps them, the old index
is deleted, and a comparison of the new index with the records catches up
on whatever changed meanwhile (pages published, edited or deleted during
the rebuild reached the old index through their tasks). The database
engine: the same stream brings the records and Wagtail's index up to date.
Either way the vocabulary is recounted exactly.

The stream holds a chunk of pages and records (KNOWLEDGE_INDEX_CHUNK_SIZE,
or --chunk-size) while the previous chunk's bulk request is on its way on a
second thread: the analysis in Python and the cluster's indexing overlap,
and memory stays bounded by two chunks.
"""

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.utils import timezone

from .elasticsearch_client import cluster_address, elasticsearch_client, index_alias
from .elasticsearch_index import create_index, indices_behind_alias, new_index_name
from .elasticsearch_writes import (
    UNREACHABLE,
    chunk_size,
    chunked,
    document_source,
    index_action,
    write_documents,
)
from .engines import configured_engine
from .indexing import (
    add_to_wagtail_index,
    build_records,
    missing_from_wagtail_index,
    remove_records,
    save_records,
    stored_records,
    unsearchable_record_ids,
)
from .models import KnowledgeRecord
from .reconcile import Drift, ReconcileError, reconcile_documents
from .records import RecordContext, searchable_pages
from .vocabulary import recount_vocabulary

logger = logging.getLogger(__name__)

# A bulk request of a rebuild may wait while the cluster merges the segments
# of the growing index: measured up to 28 s on osmem at 50,000 documents.
BULK_REQUEST_TIMEOUT_SECONDS = 120


class RebuildError(Exception):
    """The rebuild stopped; the message says what failed and where. The alias is untouched."""


@dataclass
class RebuildReport:
    engine: str
    pages: int = 0
    records_written: int = 0
    records_removed: int = 0
    documents: int = 0
    bulk_requests: int = 0
    index: str = ""
    old_indices: list[str] = field(default_factory=list)
    caught_up: list[Drift] = field(default_factory=list)
    vocabulary: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        rate = self.pages / self.seconds if self.seconds else 0
        lines = [
            f"{self.pages} pages streamed in {self.seconds:.1f} s ({rate:.0f} pages/s), engine {self.engine}",
            f"records: {self.records_written} written, {self.records_removed} removed; "
            f"vocabulary: {self.vocabulary} words",
        ]
        if self.index:
            old = ", ".join(self.old_indices) or "none"
            lines.append(
                f"index {self.index}: {self.documents} documents in {self.bulk_requests} bulk requests; "
                f"alias {index_alias()} swapped; old index deleted: {old}"
            )
            caught_up = [drift.line(fixed=True) for drift in self.caught_up if drift.count]
            lines.append("caught up: " + ("; ".join(caught_up) if caught_up else "nothing changed meanwhile"))
        return lines


def rebuild_index(
    *,
    progress: Callable[[int], object] | None = None,
    before_swap: Callable[[], object] | None = None,
    size: int | None = None,
) -> RebuildReport:
    """Rebuild from every searchable page; `progress(n)` after each chunk, `before_swap()` before the swap.

    `before_swap` lets a test change pages while the new index is not yet live.
    """
    started = time.monotonic()
    size = size or chunk_size()
    report = RebuildReport(engine=configured_engine())
    if report.engine == "elasticsearch":
        report.index = new_index_name()
        _run_on_cluster(lambda: _create_for_loading(report.index), f"creating {report.index}")
        try:
            _stream(report, size, progress)
            _run_on_cluster(lambda: _settle(report.index), f"refreshing {report.index}")
            if before_swap:
                before_swap()
            report.old_indices = _run_on_cluster(lambda: _swap_alias(report.index), "swapping the alias")
        except BaseException:
            _drop_quietly(report.index)
            raise
        _run_on_cluster(lambda: _delete_indices(report.old_indices), "deleting the old index")
        _remove_unsearchable_records(report)
        try:
            report.caught_up = reconcile_documents(index_alias(), fix=True)
        except ReconcileError as error:
            raise RebuildError(f"the new index is live, but catching up failed: {error}") from error
    else:
        _stream(report, size, progress)
        if before_swap:
            before_swap()
        _remove_unsearchable_records(report)
    report.vocabulary = recount_vocabulary()
    report.seconds = time.monotonic() - started
    return report


def _stream(report: RebuildReport, size: int, progress: Callable[[int], object] | None) -> None:
    """Records (and documents into the new index) for every searchable page, one chunk at a time."""
    started_at = timezone.now()
    context = RecordContext()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="knowledge-bulk") as sender:
        sending: Future | None = None
        for pages in chunked(searchable_pages(), size):
            built = build_records(pages, context)
            stored = stored_records(built)
            # Records written since the rebuild started come from tasks that read the pages later.
            written = save_records(built, stored, started_at, vocabulary=False)
            report.records_written += len(written)
            add_to_wagtail_index(missing_from_wagtail_index([pk for pk in built if pk not in written]))
            if report.index:
                actions = _chunk_actions(report.index, built)
                _count_sent(report, sending)
                sending = _submit(sender, actions) if actions else None
            report.pages += len(pages)
            if progress:
                progress(len(pages))
        _count_sent(report, sending)


def _remove_unsearchable_records(report: RebuildReport) -> None:
    """Records of pages unpublished before the stream passed them (or by a missed task)."""
    report.records_removed += len(remove_records(unsearchable_record_ids(), timezone.now(), vocabulary=False))


def _chunk_actions(index: str, built: dict[int, dict]) -> list[dict]:
    current = KnowledgeRecord.objects.filter(pk__in=list(built)).values_list(
        "pk", "fingerprint", "updated_at"
    )
    # A record a task changed meanwhile is left to the catch-up, which sends the record itself.
    return [
        index_action(index, pk, document_source(built[pk]), updated_at)
        for pk, fingerprint, updated_at in current
        if fingerprint == built[pk]["fingerprint"]
    ]


def _submit(sender: ThreadPoolExecutor, actions: list[dict]) -> Future:
    return sender.submit(write_documents, actions, request_timeout=BULK_REQUEST_TIMEOUT_SECONDS)


def _count_sent(report: RebuildReport, sending: Future | None) -> None:
    """Wait for the bulk request on its way, if any, and count what the cluster took."""
    if sending is None:
        return
    outcomes = _run_on_cluster(sending.result, f"writing to {report.index}")
    report.bulk_requests += 1
    report.documents += sum(outcome == "ok" for outcome in outcomes.values())


def _create_for_loading(index: str) -> None:
    """A new index that does not refresh while it is filled: nobody reads it yet."""
    create_index(index)
    elasticsearch_client().indices.put_settings(index=index, settings={"index": {"refresh_interval": "-1"}})


def _settle(index: str) -> None:
    """Back to the default refresh interval, and everything written visible before readers arrive."""
    client = elasticsearch_client()
    client.indices.put_settings(index=index, settings={"index": {"refresh_interval": None}})
    client.indices.refresh(index=index)


def _swap_alias(index: str) -> list[str]:
    """Point the alias at `index` in one atomic call; returns the indices it left."""
    alias = index_alias()
    old = indices_behind_alias()
    actions = [{"remove": {"index": name, "alias": alias}} for name in old]
    actions.append({"add": {"index": index, "alias": alias}})
    elasticsearch_client().indices.update_aliases(actions=actions)
    return old


def _delete_indices(names: list[str]) -> None:
    for name in names:
        elasticsearch_client().indices.delete(index=name)


def _drop_quietly(index: str) -> None:
    try:
        elasticsearch_client().indices.delete(index=index, ignore_unavailable=True)
    except UNREACHABLE as error:
        logger.error("Could not delete the unfinished index %s: %s", index, error)


def _run_on_cluster(action: Callable, doing: str):
    try:
        return action()
    except UNREACHABLE as error:
        raise RebuildError(f"Elasticsearch at {cluster_address()}: {doing} failed: {error}") from error
