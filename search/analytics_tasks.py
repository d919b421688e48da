"""Retention of search analytics, as a background task (django-tasks).

Search logs say what staff looked for and, where the organisation allows
it, who; keeping them for ever would serve no report (the dashboard looks
back twelve months at most) and would keep personal traces longer than
needed. ``purge_old_search_logs`` deletes the logs older than
``settings.SEARCH_LOG_RETENTION_DAYS`` (365 by default), with their clicks.

Nothing needs scheduling: ``search.analytics.log_search`` enqueues the task
with the first search of each day (a cache key guards it, shared between
processes when the cache is). In development the task runs at once; in
production ``manage.py db_worker`` runs it. To purge by hand:
``manage.py shell -c "from search.analytics_tasks import purge_old_search_logs; purge_old_search_logs.call()"``.
Wagtail's own query hits (the "Popular search terms" report) hold only
query strings and daily counts; ``manage.py searchpromotions_garbage_collect``
trims them.
"""

from django_tasks import task


@task()
def purge_old_search_logs() -> int:
    """Delete the search logs past the retention period; returns how many went."""
    from .analytics import purge_search_logs, retention_cutoff

    return purge_search_logs(retention_cutoff())
