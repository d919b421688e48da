"""Background tasks of the knowledge index (django-tasks: immediate in dev and test, db_worker in production).

They are enqueued after the page change commits (search/signal_handlers.py)
and never raise on a cluster outage: records stay pending, and on a backend
that can defer tasks a retry is scheduled with a growing delay.
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from .elasticsearch_writes import remove_documents, send_pending
from .indexing import index_pages

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 60
LONGEST_RETRY_SECONDS = 3600
MAX_RETRIES = 12  # about ten hours of outage; reconcile repairs anything older


@task()
def update_knowledge_index(page_ids: list[int], subtree_ids: list[int]) -> dict:
    """Index these pages and everything under the subtree roots; send what is pending."""
    outcome = index_pages(page_ids, subtree_ids)
    if outcome.elasticsearch_error:
        schedule_retry(outcome.unsent_removals, attempt=0)
    return outcome.as_dict()


@task()
def send_pending_documents(removals: dict[str, int] | None = None, attempt: int = 0) -> dict:
    """Send the removals an outage held back (page id -> version) and every pending record."""
    removed = remove_documents({int(page_id): version for page_id, version in (removals or {}).items()})
    sent = send_pending()
    if removed.error or sent.error:
        schedule_retry(removed.unsent, attempt=attempt + 1)
    return {"documents_deleted": removed.count, "documents_sent": sent.count, "pending": sent.pending}


def schedule_retry(unsent_removals: dict[int, int], attempt: int) -> None:
    """Try again later, when the task backend can run a task later (db_worker can; immediate cannot)."""
    if not send_pending_documents.get_backend().supports_defer:
        return
    if attempt >= MAX_RETRIES:
        logger.error(
            "Giving up retrying the knowledge index after %d attempts; run `manage.py search_index reconcile`",
            attempt,
        )
        return
    delay = min(FIRST_RETRY_SECONDS * 2**attempt, LONGEST_RETRY_SECONDS)
    send_pending_documents.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
        {str(page_id): version for page_id, version in unsent_removals.items()}, attempt
    )
