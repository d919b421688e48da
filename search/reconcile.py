"""Compare the pages, the records and the index, and repair all three kinds of drift.

The pages are the truth. Records are compared with what the pages give
now; Wagtail's database index and Elasticsearch are compared with the
records. Each comparison streams in bounded chunks: the pages by model,
the index through a scroll of 1,000 documents at a time (ids, fingerprint
and title only), the records by primary key against `mget`.

The index is read with a scroll sorted by `_doc` rather than search_after
on `_id`: Elasticsearch 8 refuses to sort on `_id` by default, and the CI
engine has no point-in-time searches to pair with search_after.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import CharField, Exists, F, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone
from elasticsearch.helpers import scan

from .elasticsearch_client import cluster_address, elasticsearch_client, index_alias
from .elasticsearch_writes import (
    UNREACHABLE,
    chunk_size,
    chunked,
    note_held_fingerprints,
    remove_documents,
    send_pending,
    version_at,
)
from .engines import configured_engine
from .indexing import (
    add_to_wagtail_index,
    build_records,
    remove_records,
    save_records,
    stored_records,
    unsearchable_record_ids,
    wagtail_index_entries,
)
from .models import KnowledgeRecord
from .records import RecordContext, searchable_pages

SCAN_SIZE = 1000
EXAMPLES = 5


class ReconcileError(Exception):
    """The index could not be read or repaired; the message says where."""


@dataclass
class Drift:
    """One kind of difference, with its count and the first few pages as examples."""

    label: str
    count: int = 0
    examples: list[tuple[int, str]] = field(default_factory=list)

    def note(self, page_id: int, title: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append((page_id, title))

    def line(self, fixed: bool) -> str:
        shown = ", ".join(f"{page_id} {title!r}" for page_id, title in self.examples)
        more = ", …" if self.count > len(self.examples) else ""
        verb = "fixed " if fixed else ""
        return f"{verb}{self.count} {self.label}: {shown}{more}"


@dataclass
class ReconcileReport:
    drifts: list[Drift]
    fixed: bool

    @property
    def total(self) -> int:
        return sum(drift.count for drift in self.drifts)

    def lines(self) -> list[str]:
        found = [drift.line(self.fixed) for drift in self.drifts if drift.count]
        return found or ["no drift: the records and the index match the pages"]


def reconcile(*, fix: bool = True) -> ReconcileReport:
    """Compare everything; with fix, repair records first, then what is built from them."""
    drifts = reconcile_records(fix=fix)
    drifts += reconcile_wagtail_index(fix=fix)
    if configured_engine() == "elasticsearch":
        drifts += reconcile_documents(index_alias(), fix=fix)
    return ReconcileReport(drifts=drifts, fixed=fix)


def reconcile_records(*, fix: bool) -> list[Drift]:
    missing = Drift("missing records (searchable pages without one)")
    stale = Drift("stale records (the page changed)")
    extra = Drift("records of pages that are not searchable (unpublished, expired, private kind)")
    started = timezone.now()
    context = RecordContext()
    for pages in chunked(searchable_pages(), chunk_size()):
        built = build_records(pages, context)
        stored = stored_records(built)
        for page_id, fields in built.items():
            if page_id not in stored:
                missing.note(page_id, fields["title"])
            elif stored[page_id].fingerprint != fields["fingerprint"]:
                stale.note(page_id, fields["title"])
        if fix:
            # Records written since we started were written by a task that read later.
            save_records(built, stored, started)
    unsearchable = unsearchable_record_ids()
    for page_id, title in KnowledgeRecord.objects.filter(pk__in=unsearchable).values_list("pk", "title"):
        extra.note(page_id, title)
    if fix:
        remove_records(unsearchable, timezone.now())
    return [missing, stale, extra]


def reconcile_wagtail_index(*, fix: bool) -> list[Drift]:
    """The database engine searches records through Wagtail's index: entries must match them."""
    entries = wagtail_index_entries()
    if entries is None:
        return []
    missing = Drift("records missing from the database search index")
    extra = Drift("database search entries without a record")
    record_ids = KnowledgeRecord.objects.annotate(object_id=Cast("pk", CharField())).values("object_id")
    unindexed = KnowledgeRecord.objects.annotate(object_id=Cast("pk", CharField())).filter(
        ~Exists(entries.filter(object_id=OuterRef("object_id")))
    )
    for page_id, title in unindexed.values_list("pk", "title"):
        missing.note(page_id, title)
    orphans = entries.exclude(object_id__in=record_ids)
    for object_id, title in orphans.values_list("object_id", "title"):
        extra.note(int(object_id), title)
    if fix:
        for batch in chunked(unindexed.values_list("pk", flat=True).iterator(), chunk_size()):
            add_to_wagtail_index(batch)
        orphans.delete()
    return [missing, extra]


def indexed_batches(index: str) -> Iterator[dict[int, tuple[str, str]]]:
    """Every document of the index, 1,000 at a time: page id -> (fingerprint, title)."""
    client = elasticsearch_client()
    client.indices.refresh(index=index)
    hits = scan(client, index=index, query={"_source": ["fingerprint", "title"]}, size=SCAN_SIZE, scroll="5m")
    for batch in chunked(hits, SCAN_SIZE):
        yield {
            int(hit["_id"]): (hit["_source"].get("fingerprint", ""), hit["_source"].get("title", ""))
            for hit in batch
        }


def reconcile_documents(index: str, *, fix: bool) -> list[Drift]:
    """Compare the documents of `index` with the records; with fix, send and delete what differs."""
    missing = Drift("missing documents (records Elasticsearch lacks)")
    stale = Drift("stale documents (older than their record)")
    extra = Drift("documents without a record (should not be there)")
    try:
        _compare_documents_with_records(index, fix, stale, extra)
        _find_records_without_documents(index, fix, missing)
    except UNREACHABLE as error:
        raise ReconcileError(f"Elasticsearch at {cluster_address()} ({index}): {error}") from error
    if fix:
        delivery = send_pending()
        if delivery.error:
            raise ReconcileError(delivery.error)
    return [missing, stale, extra]


def _compare_documents_with_records(index: str, fix: bool, stale: Drift, extra: Drift) -> None:
    for documents in indexed_batches(index):
        # Stamp removals before reading the records: a record created after this
        # moment is newer than the removal, and Elasticsearch keeps its document.
        read_at = timezone.now()
        removal_version = version_at(read_at)
        records = {
            page_id: (fingerprint, held)
            for page_id, fingerprint, held in KnowledgeRecord.objects.filter(
                pk__in=list(documents)
            ).values_list("pk", "fingerprint", "elasticsearch_fingerprint")
        }
        orphans = {}
        current = []  # the document is the record as read: noted as held in one UPDATE
        misnoted = {}
        for page_id, (fingerprint, title) in documents.items():
            if page_id not in records:
                extra.note(page_id, title)
                orphans[page_id] = removal_version
                continue
            if records[page_id][0] != fingerprint:
                stale.note(page_id, title)
            if records[page_id][1] == fingerprint:
                continue
            if records[page_id][0] == fingerprint:
                current.append(page_id)
            else:
                misnoted[page_id] = fingerprint
        if fix:
            # Write down what the index really holds: stale documents become pending.
            # A record rewritten since it was read is left pending, to be sent again.
            KnowledgeRecord.objects.filter(pk__in=current, updated_at__lte=read_at).update(
                elasticsearch_fingerprint=F("fingerprint")
            )
            note_held_fingerprints(misnoted)
            removed = remove_documents(orphans)
            if removed.error:
                raise ReconcileError(removed.error)


def _find_records_without_documents(index: str, fix: bool, missing: Drift) -> None:
    client = elasticsearch_client()
    last = 0
    while batch := list(
        KnowledgeRecord.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "title")[:SCAN_SIZE]
    ):
        last = batch[-1][0]
        found = client.mget(index=index, ids=[str(page_id) for page_id, _ in batch], source=False)
        present = {int(doc["_id"]) for doc in found["docs"] if doc.get("found")}
        absent = [(page_id, title) for page_id, title in batch if page_id not in present]
        for page_id, title in absent:
            missing.note(page_id, title)
        if fix and absent:
            KnowledgeRecord.objects.filter(pk__in=[page_id for page_id, _ in absent]).update(
                elasticsearch_fingerprint=""
            )
