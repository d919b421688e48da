"""Keep KnowledgeRecord in step with the pages: what a task, a rebuild and reconcile write.

The record table is the truth every engine is fed from: the database engine
searches it directly, and Elasticsearch receives it afterwards
(`send_pending`), so a cluster outage never loses an update: the record
keeps a different elasticsearch_fingerprint until a later run sends it.

Writes are guarded so that concurrent writers cannot move a record back in
time: a writer only replaces (or removes) a record last written before it
read the page (`read_at`). Whoever read the page later wins, and every page
change enqueues a task that reads it after the change committed.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page
from wagtail.search.backends import get_search_backends_with_name

from cop_pages.models import CommunityPage, MeetingPage

from .elasticsearch_writes import chunk_size, remove_documents, send_pending, version_at
from .engines import configured_engine
from .models import KnowledgeRecord
from .records import SEARCHABLE_MODELS, RecordContext, belongs_in_index, record_fields
from .vocabulary import update_vocabulary, vocabulary_of

logger = logging.getLogger(__name__)

# Pages.


def subtree_page_ids(root_ids: Iterable[int]) -> set[int]:
    """The pages at and under each root, as they are now (a moved root's new place)."""
    return pages_under(list(Page.objects.filter(pk__in=list(root_ids)).values_list("path", flat=True)))


def pages_under(paths: list[str]) -> set[int]:
    if not paths:
        return set()
    within = reduce(or_, (Q(path__startswith=path) for path in paths))
    return set(Page.objects.filter(within).values_list("pk", flat=True))


def load_pages(page_ids: Iterable[int]) -> list[Page]:
    """The specific pages of these ids that could be searchable, prefetched as the rebuild does."""
    ids = list(page_ids)
    pages: list[Page] = []
    for model in SEARCHABLE_MODELS:
        queryset = model.objects.filter(pk__in=ids).select_related("locale")
        if model is not CommunityPage:
            queryset = queryset.prefetch_related("tags")
        if model is MeetingPage:
            queryset = queryset.prefetch_related("action_items")
        pages.extend(queryset)
    return pages


def searchable_queryset(model):
    """The pages of one searchable model that belong in the index (as searchable_pages selects them)."""
    return model.objects.live().filter(expired=False)


def count_searchable_pages() -> int:
    return sum(searchable_queryset(model).count() for model in SEARCHABLE_MODELS)


def unsearchable_record_ids() -> list[int]:
    """Records whose page is no longer live, has expired, or is not a searchable kind."""
    content_types = ContentType.objects.get_for_models(*SEARCHABLE_MODELS).values()
    return list(
        KnowledgeRecord.objects.exclude(
            page__live=True, page__expired=False, page__content_type__in=list(content_types)
        ).values_list("pk", flat=True)
    )


def build_records(pages: Iterable[Page], context: RecordContext) -> dict[int, dict]:
    """Record fields (with fingerprint) of the pages that belong in the index, by page id."""
    return {page.pk: record_fields(page, context) for page in pages if belongs_in_index(page)}


# Records.


class StoredRecord(NamedTuple):
    fingerprint: str
    updated_at: datetime
    title: str
    url: str


def stored_records(page_ids: Iterable[int]) -> dict[int, StoredRecord]:
    rows = KnowledgeRecord.objects.filter(pk__in=list(page_ids)).values_list(
        "pk", "fingerprint", "updated_at", "title", "url"
    )
    return {pk: StoredRecord(*values) for pk, *values in rows}


def _vocabularies(page_ids: list[int]) -> dict[int, frozenset[str]]:
    if not page_ids:
        return {}
    rows = KnowledgeRecord.objects.filter(pk__in=page_ids).values_list("pk", "title", "body")
    return {pk: vocabulary_of(title, body) for pk, title, body in rows}


def save_records(
    built: dict[int, dict],
    stored: dict[int, StoredRecord],
    read_at: datetime,
    *,
    vocabulary: bool = True,
) -> list[int]:
    """Create or replace the records whose fingerprint changed; returns the page ids written.

    A record written after `read_at` was written by someone who read the
    page later than we did: it stays.
    """
    new = [pk for pk in built if pk not in stored]
    changed = [
        pk
        for pk, fields in built.items()
        if pk in stored
        and stored[pk].fingerprint != fields["fingerprint"]
        and stored[pk].updated_at < read_at
    ]
    if not new and not changed:
        return []
    before = _vocabularies(changed) if vocabulary else {}
    KnowledgeRecord.objects.bulk_create(
        [KnowledgeRecord(page_id=pk, **built[pk]) for pk in new], ignore_conflicts=True
    )
    now = timezone.now()
    for pk in changed:
        KnowledgeRecord.objects.filter(pk=pk, updated_at__lt=read_at).update(**built[pk], updated_at=now)
    # Ours, or an identical record a concurrent writer got in first.
    written = sorted(
        pk
        for pk, fingerprint in KnowledgeRecord.objects.filter(pk__in=new + changed).values_list(
            "pk", "fingerprint"
        )
        if fingerprint == built[pk]["fingerprint"]
    )
    if vocabulary:
        update_vocabulary(
            (before.get(pk, frozenset()), vocabulary_of(built[pk]["title"], built[pk]["body"]))
            for pk in written
        )
    add_to_wagtail_index(written)
    return written


def remove_records(page_ids: Iterable[int], read_at: datetime, *, vocabulary: bool = True) -> list[int]:
    """Remove the records of pages that left the index; returns the page ids removed."""
    doomed = KnowledgeRecord.objects.filter(pk__in=list(page_ids), updated_at__lt=read_at)
    before = {pk: vocabulary_of(title, body) for pk, title, body in doomed.values_list("pk", "title", "body")}
    if not before:
        return []
    # One by one through the ORM, so Wagtail's index drops its entries too (post_delete).
    doomed.filter(pk__in=list(before)).delete()
    if vocabulary:
        update_vocabulary((words, frozenset()) for words in before.values())
    return sorted(before)


def add_to_wagtail_index(page_ids: list[int]) -> None:
    """Bulk writes skip post_save, so hand the records to Wagtail's backends ourselves.

    The database engine searches KnowledgeRecord through Wagtail's backend
    (modelsearch), which otherwise indexes on post_save.
    """
    if not page_ids:
        return
    records = list(KnowledgeRecord.objects.filter(pk__in=page_ids))
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        try:
            backend.add_bulk(KnowledgeRecord, records)
        except Exception:
            logger.exception(
                "Adding %d knowledge records to the '%s' search backend failed", len(records), name
            )
            if not backend.catch_indexing_errors:
                raise


def wagtail_index_entries():
    """Entries of KnowledgeRecord in Wagtail's database index, if a database backend holds them."""
    for _name, backend in get_search_backends_with_name(with_auto_update=True):
        entries = getattr(backend.get_index_for_model(KnowledgeRecord), "entries", None)
        if entries is not None:
            return entries.filter(content_type=ContentType.objects.get_for_model(KnowledgeRecord))
    return None


def missing_from_wagtail_index(page_ids: list[int]) -> list[int]:
    entries = wagtail_index_entries()
    if entries is None or not page_ids:
        return []
    present = set(
        entries.filter(object_id__in=[str(pk) for pk in page_ids]).values_list("object_id", flat=True)
    )
    return [pk for pk in page_ids if str(pk) not in present]


@dataclass
class RecordChanges:
    """What one pass over some pages did to their records."""

    written: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    unchanged: int = 0
    # CoPs whose title or URL changed: their pages show both, so they follow.
    renamed_communities: list[str] = field(default_factory=list)

    def add(self, other: "RecordChanges") -> None:
        self.written += other.written
        self.removed += other.removed
        self.unchanged += other.unchanged
        self.renamed_communities += other.renamed_communities


def refresh_records(page_ids: list[int], context: RecordContext) -> RecordChanges:
    """Make the records of these pages match the pages: write, skip or remove."""
    read_at = timezone.now()
    pages = load_pages(page_ids)
    built = build_records(pages, context)
    stored = stored_records(page_ids)
    written = save_records(built, stored, read_at)
    removed = remove_records([pk for pk in stored if pk not in built], read_at)
    renamed = [
        page.path
        for page in pages
        if isinstance(page, CommunityPage)
        and page.pk in written
        and page.pk in stored
        and (stored[page.pk].title, stored[page.pk].url) != (built[page.pk]["title"], built[page.pk]["url"])
    ]
    return RecordChanges(
        written=written, removed=removed, unchanged=len(built) - len(written), renamed_communities=renamed
    )


# The whole update, as a task runs it.


@dataclass
class IndexOutcome:
    records: RecordChanges
    documents_sent: int = 0
    documents_deleted: int = 0
    pending: int = 0
    elasticsearch_error: str = ""
    # Page id -> version of removals Elasticsearch has not received yet.
    unsent_removals: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "written": self.records.written,
            "removed": self.records.removed,
            "unchanged": self.records.unchanged,
            "documents_sent": self.documents_sent,
            "documents_deleted": self.documents_deleted,
            "pending": self.pending,
            "elasticsearch_error": self.elasticsearch_error,
        }


def index_pages(page_ids: Iterable[int] = (), subtree_ids: Iterable[int] = ()) -> IndexOutcome:
    """Bring the index up to date for these pages (and everything under the subtree roots).

    Pages asked for by id that no longer belong (unpublished, expired,
    deleted) leave the index even when no record is left to say so: a
    deleted page's record is gone with it.
    """
    removal_version = version_at(timezone.now())
    requested = set(page_ids)
    queue = sorted(requested | subtree_page_ids(subtree_ids))
    seen = set(queue)
    context = RecordContext()
    changes = RecordChanges()
    while queue:
        batch, queue = queue[: chunk_size()], queue[chunk_size() :]
        done = refresh_records(batch, context)
        changes.add(done)
        if done.renamed_communities:
            followers = sorted(pages_under(done.renamed_communities) - seen)
            seen.update(followers)
            queue += followers
    outcome = IndexOutcome(records=changes)
    if configured_engine() != "elasticsearch":
        return outcome
    gone = requested - set(
        KnowledgeRecord.objects.filter(pk__in=list(requested)).values_list("pk", flat=True)
    )
    removals = dict.fromkeys(sorted(gone | set(changes.removed)), removal_version)
    deleted = remove_documents(removals)
    outcome.documents_deleted = deleted.count
    outcome.unsent_removals = deleted.unsent
    sent = send_pending()
    outcome.documents_sent = sent.count
    outcome.pending = sent.pending
    outcome.elasticsearch_error = deleted.error or sent.error
    return outcome
