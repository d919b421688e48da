"""Which page changes reach the knowledge index, as one task per committed transaction.

Each change adds page ids to a per-connection batch and asks for a flush on
commit; the first flush after the commit enqueues one task for the whole
batch (deleting a CoP deletes hundreds of pages in one transaction). Nothing
runs for a transaction that rolls back, and in tests nothing runs unless the
test executes the on-commit callbacks.

Membership changes are absent on purpose: who may see a private CoP is
checked at query time against the user's groups, so the documents do not
change when people join or leave.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .records import SEARCHABLE_MODELS
from .tasks import update_knowledge_index

BATCH_ATTRIBUTE = "knowledge_index_batch"


class ChangedPages:
    """Pages changed on one connection since the last flush."""

    def __init__(self):
        self.page_ids: set[int] = set()
        self.subtree_ids: set[int] = set()

    def flush(self) -> None:
        if not self.page_ids and not self.subtree_ids:
            return
        page_ids, subtree_ids = sorted(self.page_ids), sorted(self.subtree_ids)
        update_knowledge_index.enqueue(page_ids, subtree_ids)
        self.page_ids.difference_update(page_ids)
        self.subtree_ids.difference_update(subtree_ids)


def index_after_commit(page_ids: tuple[int, ...] = (), subtree_ids: tuple[int, ...] = ()) -> None:
    """Queue these pages (and the subtrees under those roots) for the task run after commit."""
    connection = transaction.get_connection()
    batch = getattr(connection, BATCH_ATTRIBUTE, None)
    if batch is None or not awaits_commit(batch, connection):
        # Left over from a transaction that rolled back: start afresh.
        batch = ChangedPages()
        setattr(connection, BATCH_ATTRIBUTE, batch)
    batch.page_ids.update(page_ids)
    batch.subtree_ids.update(subtree_ids)
    # robust: a failing enqueue is logged, never raised into the request that committed.
    transaction.on_commit(batch.flush, robust=True)


def awaits_commit(batch: ChangedPages, connection) -> bool:
    return any(getattr(entry[1], "__self__", None) is batch for entry in connection.run_on_commit)


@receiver(page_published)
@receiver(page_unpublished)
def index_published_or_unpublished_page(sender, instance, **kwargs) -> None:
    """Expiry unpublishes too (publish_scheduled sends page_unpublished)."""
    if isinstance(instance, SEARCHABLE_MODELS):
        index_after_commit(page_ids=(instance.pk,))


def remove_deleted_page(sender, instance, **kwargs) -> None:
    index_after_commit(page_ids=(instance.pk,))


for model in SEARCHABLE_MODELS:
    post_delete.connect(
        remove_deleted_page, sender=model, dispatch_uid=f"knowledge_index_delete_{model.__name__}"
    )


@receiver(post_page_move)
@receiver(page_slug_changed)
def index_moved_subtree(sender, instance, **kwargs) -> None:
    """A new place or slug changes the URL, CoP and privacy of every page below."""
    index_after_commit(subtree_ids=(instance.pk,))


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def index_restricted_subtree(sender, instance: PageViewRestriction, raw: bool = False, **kwargs) -> None:
    """A CoP made private or public: its pages change visibility."""
    if not raw:
        index_after_commit(subtree_ids=(instance.page_id,))


@receiver(m2m_changed, sender=PageViewRestriction.groups.through)
def index_subtree_of_changed_groups(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """The documents name the restriction, not its groups, so this mostly finds nothing to write."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        index_after_commit(subtree_ids=(instance.page_id,))
    elif pk_set:
        pages = PageViewRestriction.objects.filter(pk__in=pk_set).values_list("page_id", flat=True)
        index_after_commit(subtree_ids=tuple(pages))
