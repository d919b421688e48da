"""Background tasks of learning_center (django-tasks: immediate in dev and test, db_worker in production)."""

import datetime

from django_tasks import task


@task()
def refresh_comment_topics(cells: list[tuple[int, str]], page_ids: list[int]) -> int:
    """Rewrite the comment-topic roll-up of these (CoP id, ISO month) cells and of these pages' comments."""
    from .comment_topics import refresh_cells

    return refresh_cells(
        [(community_id, datetime.date.fromisoformat(month)) for community_id, month in cells], page_ids
    )
