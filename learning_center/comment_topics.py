"""Visible comments per topic, CoP and bucket: from a monthly roll-up, and from the comments for the rest.

What counts: a visible comment posted between the local midnights of a
bucket, on a live, unexpired practice or meeting notes carrying the topic
(a tag's name lower-cased), for the comment's CoP; a page tagged with two
spellings of one topic counts its comments once.

Counting a year of comments at each request reads every one of them
(200,000 comments: about 0.7 s on SQLite), so ``CommentTopicMonth`` keeps
the count per CoP, calendar month and topic. A bucket takes its whole
calendar months from there, and the current month too when it holds every
day of it so far (the roll-up holds nothing later than now), and counts its
other days (the cut ends of a period, weeks) from the comments, which is a
few weeks of comments at most. The roll-up of a CoP and month is
rewritten from the comments after a change that can alter it commits
(``comment_topic_signals``), and by ``manage.py rebuild_comment_topics``
after content was loaded in bulk, past the signals.
"""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from tqdm import tqdm

from cop_pages.models import Comment, CommentState, CommunityPage

from .models import CommentTopicMonth
from .periods import Period, months_back, within
from .topic_counts import TAGGED_KINDS, topic_expression

# (topic, default-locale CoP id, bucket index)
CommentKey = tuple[str, int, int]


def comment_topic_counts(community_ids: list[int], buckets: list[Period]) -> Counter[CommentKey]:
    """Comments per topic, CoP and bucket: one query for the whole months, one for the other days."""
    counts: Counter[CommentKey] = Counter()
    if not community_ids or not buckets:
        return counts
    today = timezone.localdate()
    bucket_of_month: dict[datetime.date, int] = {}
    # (bucket index, days of it outside its whole months)
    other_days: list[tuple[int, Period]] = []
    for index, bucket in enumerate(buckets):
        months, rest = split_into_months(bucket, today)
        bucket_of_month.update(dict.fromkeys(months, index))
        other_days.extend((index, stretch) for stretch in rest)
    if bucket_of_month:
        months_of_bucket: dict[int, list[datetime.date]] = {}
        for month, index in bucket_of_month.items():
            months_of_bucket.setdefault(index, []).append(month)
        # Added up per bucket by the database: a row per topic and CoP, not per month too.
        rolled_up = (
            CommentTopicMonth.objects.filter(community_id__in=community_ids, month__in=list(bucket_of_month))
            .values_list("topic", "community_id")
            .annotate(
                **{
                    f"bucket_{index}": Sum("comments", filter=Q(month__in=months))
                    for index, months in months_of_bucket.items()
                }
            )
        )
        for topic, community_id, *per_bucket in rolled_up:
            for index, comments in zip(months_of_bucket, per_bucket, strict=True):
                if comments:
                    counts[(topic, community_id, index)] += comments
    if other_days:
        counted = count_from_comments(community_ids, [stretch for _index, stretch in other_days])
        for (topic, community_id, position), comments in counted.items():
            counts[(topic, community_id, other_days[position][0])] += comments
    return counts


def month_period(month: datetime.date) -> Period:
    return Period(month, months_back(month, -1) - datetime.timedelta(days=1))


def split_into_months(period: Period, today: datetime.date) -> tuple[list[datetime.date], list[Period]]:
    """The calendar months wholly inside ``period`` (their first days), and its days outside them.

    The month holding ``today`` counts as whole once ``period`` holds every
    day of it up to today: nothing in it is later than now.
    """
    month = period.first_day if period.first_day.day == 1 else months_back(period.first_day, -1)
    months = []
    while month <= period.last_day and min(month_period(month).last_day, today) <= period.last_day:
        months.append(month)
        month = months_back(month, -1)
    if not months:
        return [], [period]
    rest = []
    if period.first_day < months[0]:
        rest.append(Period(period.first_day, months[0] - datetime.timedelta(days=1)))
    if month <= period.last_day:
        rest.append(Period(month, period.last_day))
    return months, rest


def count_from_comments(community_ids: list[int], stretches: list[Period]) -> Counter[CommentKey]:
    """Comments per topic, CoP and stretch (its index), read from the comments: one query.

    The comments are first counted per page, one column per stretch; each
    page's counts then meet the page's topics through the tags' page index,
    so the work follows the comments of the stretches, not every tag. The
    query is composed from ORM querysets, as Django cannot join on a grouped
    subquery: only SQL that Django compiled and names made here are pasted
    together, the values travel as parameters.
    """
    counts: Counter[CommentKey] = Counter()
    if not community_ids or not stretches:
        return counts
    columns = {f"stretch_{index}": within(stretch, "created_at") for index, stretch in enumerate(stretches)}
    in_any_stretch = Q()
    for stretch in stretches:
        in_any_stretch |= within(stretch, "created_at")
    per_page = (
        Comment.objects.filter(in_any_stretch, state=CommentState.VISIBLE, community_id__in=community_ids)
        .order_by()
        .values("page_id", "community_id")
        .annotate(**{column: Count("pk", filter=condition) for column, condition in columns.items()})
    )
    topic = topic_expression()
    kind_queries = [
        through_model.objects.filter(content_object__live=True, content_object__expired=False)
        .order_by()
        .annotate(topic=topic)
        .values("content_object_id", "topic")
        .query.sql_with_params()
        for through_model, _date_field in TAGGED_KINDS.values()
    ]
    per_page_sql, per_page_params = per_page.query.sql_with_params()
    # DISTINCT: a page tagged "Katalog" and "katalog" counts once for "katalog". A page is of one
    # kind only, so the kinds need no de-duplication between them (UNION ALL).
    page_topics = " UNION ALL ".join(
        "SELECT DISTINCT per_page.*, topics.topic FROM per_page"  # noqa: S608
        f" INNER JOIN ({sql}) AS topics ON topics.content_object_id = per_page.page_id"
        for sql, _params in kind_queries
    )
    sums = ", ".join(f"SUM(page_topics.{column})" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH per_page AS ({per_page_sql})"  # noqa: S608
            f" SELECT page_topics.topic, page_topics.community_id, {sums}"
            f" FROM ({page_topics}) AS page_topics"
            " GROUP BY page_topics.topic, page_topics.community_id",
            [*per_page_params, *(value for _sql, params in kind_queries for value in params)],
        )
        for topic_name, community_id, *per_stretch in cursor.fetchall():
            for position, comments in enumerate(per_stretch):
                if comments:
                    # PostgreSQL sums integers into a numeric.
                    counts[(topic_name, community_id, position)] += int(comments)
    return counts


# Keeping the roll-up.


def refresh_months(community_id: int, months: Iterable[datetime.date]) -> int:
    """Rewrite the roll-up of one CoP for these months (their first days) from the comments.

    Returns the rows written; nothing for a CoP deleted in the meantime.
    Refreshes of one CoP run one at a time (two workers may hold tasks for
    it): the CoP's row is locked first, so the second waits, then counts
    what the first committed, and never writes a row the first wrote too.
    """
    months = sorted(set(months))
    if not months:
        return 0
    with transaction.atomic():
        locked = CommunityPage.objects.select_for_update(of=("self",)).filter(pk=community_id)
        if not list(locked.values_list("pk", flat=True)):
            return 0
        counts = count_from_comments([community_id], [month_period(month) for month in months])
        CommentTopicMonth.objects.filter(community_id=community_id, month__in=months).delete()
        rows = CommentTopicMonth.objects.bulk_create(
            CommentTopicMonth(
                community_id=community_id, month=months[position], topic=topic, comments=comments
            )
            for (topic, _community_id, position), comments in counts.items()
        )
    return len(rows)


def month_of(moment: datetime.datetime) -> datetime.date:
    """The first day of the local calendar month holding ``moment``."""
    return timezone.localtime(moment).date().replace(day=1)


def cells_of_pages(page_ids: Iterable[int]) -> set[tuple[int, datetime.date]]:
    """The (CoP, month) cells holding the visible comments of these pages: where a page change counts."""
    cells = set()
    page_ids = list(page_ids)
    if not page_ids:
        return cells
    moments = Comment.objects.filter(page_id__in=page_ids, state=CommentState.VISIBLE).values_list(
        "community_id", "created_at"
    )
    for community_id, created_at in moments.iterator():
        cells.add((community_id, month_of(created_at)))
    return cells


def refresh_cells(cells: Iterable[tuple[int, datetime.date]], page_ids: Iterable[int] = ()) -> int:
    """Rewrite these (CoP, month) cells and those holding the visible comments of these pages."""
    months_of: dict[int, set[datetime.date]] = {}
    for community_id, month in {*cells, *cells_of_pages(page_ids)}:
        months_of.setdefault(community_id, set()).add(month)
    return sum(refresh_months(community_id, months) for community_id, months in months_of.items())


def rebuild(progress: bool = False, progress_file=None) -> int:
    """Rewrite the whole roll-up from the comments, one CoP at a time; returns the rows written.

    With ``progress``, a bar counts the CoPs on ``progress_file`` (standard error by default).
    """
    commented = set(
        Comment.objects.filter(state=CommentState.VISIBLE)
        .order_by()
        .values_list("community_id", flat=True)
        .distinct()
    )
    CommentTopicMonth.objects.exclude(community_id__in=commented).delete()
    written = 0
    for community_id in tqdm(
        sorted(commented), desc="Comment topics", unit="CoP", disable=not progress, file=progress_file
    ):
        posted = Comment.objects.filter(community_id=community_id, state=CommentState.VISIBLE)
        months = [moment.date() for moment in posted.datetimes("created_at", "month")]
        with transaction.atomic():
            CommentTopicMonth.objects.filter(community_id=community_id).delete()
            written += refresh_months(community_id, months)
    return written
