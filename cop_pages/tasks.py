"""Background tasks of cop_pages (django-tasks: immediate in dev and test, db_worker in production)."""

from django_tasks import task


@task()
def send_review_reminder_email(owner_id: int, reminder_ids: list[int]) -> int:
    """Email one owner about the overdue practices claimed for them by send_review_reminders."""
    from .review_reminders import deliver_review_reminders

    return deliver_review_reminders(owner_id, reminder_ids)
