"""Records to Elasticsearch: bulk writes through the alias, and what is still pending.

A record whose elasticsearch_fingerprint differs from its fingerprint is
pending: the cluster has not confirmed it yet. Every index task sends all
pending records, so an outage only delays updates. Removals have no record
left to carry them; the task retries them (search/tasks.py) and reconcile
repairs whatever still slipped through.
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice

from django.conf import settings
from django.db.models import Case, F, Value, When
from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError
from elasticsearch.helpers import streaming_bulk

from .documents import KnowledgeDocument
from .elasticsearch_client import cluster_address, elasticsearch_client, index_alias
from .elasticsearch_index import ensure_index
from .models import KnowledgeRecord

logger = logging.getLogger(__name__)


def chunk_size() -> int:
    """Pages per database batch and per bulk request (KNOWLEDGE_INDEX_CHUNK_SIZE)."""
    return settings.KNOWLEDGE_INDEX_CHUNK_SIZE


def chunked(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


# Connection refused, timeouts, and a cluster answering with an error.
UNREACHABLE = (TransportError, ApiError)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DOCUMENT_FIELDS = tuple(name for name in KnowledgeDocument._doc_type.mapping if name != "live")


def version_at(moment: datetime) -> int:
    """A document version: microseconds of the record's last write.

    Sent with version_type external, so a slow worker's older write can
    never overwrite a newer one that reached the cluster first.
    """
    return (moment - EPOCH) // timedelta(microseconds=1)


def record_source(record: KnowledgeRecord) -> dict:
    source = document_source({name: getattr(record, name) for name in DOCUMENT_FIELDS})
    source["published"] = record.published.isoformat()
    return source


def document_source(fields: dict) -> dict:
    """The document of a record's fields: what the mapping holds (no body text), live."""
    return {**{name: fields[name] for name in DOCUMENT_FIELDS}, "live": True}


def index_action(index: str, page_id: int, source: dict, updated_at: datetime) -> dict:
    return {
        "_op_type": "index",
        "_index": index,
        "_id": str(page_id),
        "_source": source,
        "version": version_at(updated_at),
        "version_type": "external_gte",
    }


def write_documents(actions: list[dict], *, request_timeout: float | None = None) -> dict[int, str]:
    """Send one bulk request; the outcome per page id: "ok", "superseded" or "failed".

    `request_timeout` replaces the client's (a rebuild may wait for the
    cluster's segment merges). Raises the client's error when the cluster
    cannot be reached at all.
    """
    client = elasticsearch_client()
    if request_timeout:
        client = client.options(request_timeout=request_timeout)
    outcomes = {}
    for ok, item in streaming_bulk(client, actions, chunk_size=max(len(actions), 1), raise_on_error=False):
        operation, result = next(iter(item.items()))
        status = result.get("status", 500)
        if ok or (operation == "delete" and status == 404):
            outcomes[int(result["_id"])] = "ok"
        elif status == 409:  # the cluster holds a newer version
            outcomes[int(result["_id"])] = "superseded"
        else:
            outcomes[int(result["_id"])] = "failed"
            logger.error(
                "Elasticsearch refused to %s page %s: %s", operation, result["_id"], result.get("error")
            )
    return outcomes


def alias_ready() -> str:
    """The alias to write through; an index that vanished (a restarted cluster) is recreated.

    A new index is empty, so every record becomes pending again.
    """
    alias = index_alias()
    if not elasticsearch_client().indices.exists_alias(name=alias):
        ensure_index()
        KnowledgeRecord.objects.exclude(elasticsearch_fingerprint="").update(elasticsearch_fingerprint="")
        logger.warning("The knowledge index behind %s was missing and was created empty; resending", alias)
    return alias


def send_records(records: list[KnowledgeRecord], index: str, *, restamp: bool = True) -> int:
    """Index these records into `index` and note what the alias now holds; returns how many."""
    outcomes = write_documents(
        [index_action(index, record.pk, record_source(record), record.updated_at) for record in records]
    )
    sent = {record.pk: record.fingerprint for record in records if outcomes.get(record.pk) == "ok"}
    mark_sent(sent)
    superseded = [record for record in records if outcomes.get(record.pk) == "superseded"]
    if superseded and restamp:
        # The cluster holds a higher version than the current record: a document
        # deleted by hand, or a removal stamped by a clock running ahead. The
        # record is the truth: stamp it now and send it once more.
        for record in superseded:
            KnowledgeRecord.objects.filter(pk=record.pk, fingerprint=record.fingerprint).update(
                updated_at=timezone.now()
            )
        again = list(KnowledgeRecord.objects.filter(pk__in=[record.pk for record in superseded]))
        return len(sent) + send_records(again, index, restamp=False)
    return len(sent)


def mark_sent(fingerprints: dict[int, str]) -> None:
    """Note what Elasticsearch now holds, unless the record changed since it was read."""
    if fingerprints:
        KnowledgeRecord.objects.filter(pk__in=list(fingerprints)).update(
            elasticsearch_fingerprint=Case(
                *(When(pk=pk, fingerprint=held, then=Value(held)) for pk, held in fingerprints.items()),
                default=F("elasticsearch_fingerprint"),
            )
        )


def note_held_fingerprints(fingerprints: dict[int, str]) -> None:
    """Note what Elasticsearch holds, as read from it (reconcile, after a rebuild)."""
    for batch in chunked(sorted(fingerprints), chunk_size()):
        KnowledgeRecord.objects.filter(pk__in=batch).update(
            elasticsearch_fingerprint=Case(
                *(When(pk=pk, then=Value(fingerprints[pk])) for pk in batch),
                default=F("elasticsearch_fingerprint"),
            )
        )


def pending_records():
    return KnowledgeRecord.objects.exclude(elasticsearch_fingerprint=F("fingerprint"))


@dataclass
class Delivery:
    count: int = 0
    pending: int = 0
    error: str = ""
    unsent: dict[int, int] = field(default_factory=dict)


def send_pending() -> Delivery:
    """Send every record Elasticsearch does not hold yet, in chunks; never raises."""
    delivery = Delivery()
    try:
        alias = alias_ready()
        last = 0
        while batch := list(pending_records().filter(pk__gt=last).order_by("pk")[: chunk_size()]):
            last = batch[-1].pk
            delivery.count += send_records(batch, alias)
    except UNREACHABLE as error:
        delivery.error = f"Elasticsearch at {cluster_address()} is unreachable: {error}"
    delivery.pending = pending_records().count()
    if delivery.error:
        logger.error("%s; %d knowledge record(s) wait for the next run", delivery.error, delivery.pending)
    return delivery


def remove_documents(removals: dict[int, int]) -> Delivery:
    """Delete these pages' documents (page id -> version of the removal); never raises."""
    delivery = Delivery()
    done: set[int] = set()
    try:
        alias = alias_ready() if removals else ""
        for batch in chunked(sorted(removals), chunk_size()):
            actions = [
                {
                    "_op_type": "delete",
                    "_index": alias,
                    "_id": str(pk),
                    "version": removals[pk],
                    "version_type": "external",
                }
                for pk in batch
            ]
            outcomes = write_documents(actions)
            done.update(pk for pk in batch if outcomes.get(pk) in ("ok", "superseded"))
            delivery.count += sum(outcomes.get(pk) == "ok" for pk in batch)
    except UNREACHABLE as error:
        delivery.error = f"Elasticsearch at {cluster_address()} is unreachable: {error}"
        logger.error("%s; %d removal(s) not sent", delivery.error, len(removals) - len(done))
    delivery.unsent = {pk: version for pk, version in removals.items() if pk not in done}
    return delivery
