"""Which changes rewrite the comment-topic roll-up (``comment_topics``), as one task per committed transaction.

- a comment saved or deleted (posted, moderated, deleted, or gone with its
  page): the CoP and month it was posted in;
- a practice or meeting notes saved, published or unpublished (expiry
  included): the months of its visible comments, as its tags and whether
  it is live decide which topics they count for (a move changes neither,
  nor the comments' CoP);
- a tag renamed or deleted: the pages carrying it.

Changes are gathered per connection and handed over on commit, so that
deleting a page with its hundred comments rewrites each month once, and
nothing runs for a transaction that rolls back.
"""

import datetime

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from taggit.models import Tag
from wagtail.signals import page_published, page_unpublished

from cop_pages.models import Comment, MeetingPage, PracticePage

from .comment_topics import month_of
from .tasks import refresh_comment_topics
from .topic_counts import TAGGED_KINDS

BATCH_ATTRIBUTE = "comment_topics_batch"
TAGGED_PAGE_MODELS = (PracticePage, MeetingPage)
# A save naming only other fields (a draft revision, say) changes nothing the comments count by.
COUNTED_PAGE_FIELDS = {"live", "expired", "tags"}


class StaleCells:
    """The (CoP, month) cells and pages changed on one connection since the last flush."""

    def __init__(self):
        self.cells: set[tuple[int, datetime.date]] = set()
        self.page_ids: set[int] = set()

    def flush(self) -> None:
        if not self.cells and not self.page_ids:
            return
        cells = [(community_id, month.isoformat()) for community_id, month in sorted(self.cells)]
        refresh_comment_topics.enqueue(cells, sorted(self.page_ids))
        self.cells.clear()
        self.page_ids.clear()


def refresh_after_commit(cells=(), page_ids=()) -> None:
    connection = transaction.get_connection()
    batch = getattr(connection, BATCH_ATTRIBUTE, None)
    if batch is None or not any(
        getattr(entry[1], "__self__", None) is batch for entry in connection.run_on_commit
    ):
        # Left over from a transaction that rolled back (or already flushed): start afresh.
        batch = StaleCells()
        setattr(connection, BATCH_ATTRIBUTE, batch)
    batch.cells.update(cells)
    batch.page_ids.update(page_ids)
    # robust: a failing enqueue is logged, never raised into the request that committed.
    transaction.on_commit(batch.flush, robust=True)


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def refresh_comment_month(sender, instance: Comment, raw: bool = False, **kwargs) -> None:
    if not raw:
        refresh_after_commit(cells=[(instance.community_id, month_of(instance.created_at))])


def refresh_saved_page(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and not COUNTED_PAGE_FIELDS.intersection(update_fields)):
        return
    refresh_after_commit(page_ids=[instance.pk])


for model in TAGGED_PAGE_MODELS:
    post_save.connect(refresh_saved_page, sender=model, dispatch_uid=f"comment_topics_save_{model.__name__}")


@receiver(page_published)
@receiver(page_unpublished)
def refresh_published_page(sender, instance, **kwargs) -> None:
    """Also when the page row was saved as a plain Page; expiry unpublishes too."""
    if isinstance(instance, TAGGED_PAGE_MODELS):
        refresh_after_commit(page_ids=[instance.pk])


@receiver(post_save, sender=Tag)
@receiver(pre_delete, sender=Tag)
def refresh_pages_of_tag(sender, instance: Tag, created: bool = False, raw: bool = False, **kwargs) -> None:
    """A renamed tag moves its pages' comments to another topic; a deleted one takes them off it."""
    if created or raw:
        return
    page_ids = []
    for through_model, _date_field in TAGGED_KINDS.values():
        page_ids += through_model.objects.filter(tag=instance).values_list("content_object_id", flat=True)
    refresh_after_commit(page_ids=page_ids)
