"""CoP health: one row per CoP for a period, in a fixed number of queries whatever the CoPs hold.

A CoP's content is every page under it and under its translations (an
English CoP page has its own subtree); its members and comments are
recorded against the default-locale page. Each figure is one grouped query
over all CoPs at once, keyed by the CoP's tree path:

- members: memberships of the CoP, whatever the role;
- active contributors: people who first published a practice or a meeting
  (the page's owner) or wrote a visible comment in the period;
- practices published: live practices first published in the period;
- meetings held: live meeting notes dated in the period, against what the
  CoP's cadence expects in that many days;
- comments: visible comments posted in the period;
- median days to publication: from the submission a moderator approved to
  the first publication, for the practices first published in the period;
- open reviews: review tasks in progress now, and those that were open when
  the period began (a growing backlog when there are more now);
- past review-by: live practices whose review-by date has passed;
- last activity: the latest publication or visible comment.

A CoP "needs attention" (``reasons``) when nothing happened for
``INACTIVE_DAYS``, when its last meeting is older than its cadence, or when
its review backlog grew over the period.
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page, TaskState, WorkflowState

from cop_pages.listings import COMMUNITY_PATH_LENGTH
from cop_pages.models import (
    CADENCE_DAYS,
    Comment,
    CommentState,
    CommunityPage,
    MeetingPage,
    Membership,
    PracticePage,
)

from .community_scope import community_prefixes, under_communities
from .periods import Period, within

INACTIVE_DAYS = 60


@dataclass
class CommunityHealth:
    community: CommunityPage
    members: int = 0
    active_contributors: int = 0
    practices_published: int = 0
    meetings_held: int = 0
    meetings_expected: int = 0
    last_meeting: datetime.date | None = None
    meeting_overdue: bool = False
    comments: int = 0
    median_days_to_publish: float | None = None
    open_reviews: int = 0
    open_reviews_at_start: int = 0
    past_review_by: int = 0
    last_activity: datetime.datetime | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons)


def community_health(communities: QuerySet, period: Period) -> list[CommunityHealth]:
    """The health of each of these (default-locale) CoPs over ``period``, by title."""
    rows = {community.pk: CommunityHealth(community) for community in communities.order_by("title", "pk")}
    if not rows:
        return []
    owner_of = community_prefixes(row.community for row in rows.values())
    _count_members(rows)
    contributors = defaultdict(set)
    _add_practices(rows, owner_of, period)
    _add_meetings(rows, owner_of, period)
    _add_publishers(owner_of, period, contributors)
    _add_comments(rows, period, contributors)
    _add_publication_delays(rows, owner_of, period)
    _add_open_reviews(rows, owner_of, period)
    today = timezone.localdate()
    for pk, row in rows.items():
        row.active_contributors = len(contributors[pk])
        cadence_days = CADENCE_DAYS[row.community.meeting_cadence]
        row.meetings_expected = round(period.days / cadence_days)
        row.meeting_overdue = row.last_meeting is None or (today - row.last_meeting).days > cadence_days
        row.reasons = attention_reasons(row, today)
    return list(rows.values())


def attention_reasons(row: CommunityHealth, today: datetime.date) -> list[str]:
    reasons = []
    quiet_since = timezone.now() - datetime.timedelta(days=INACTIVE_DAYS)
    if row.last_activity is None:
        reasons.append(_("No activity yet"))
    elif row.last_activity < quiet_since:
        days = (timezone.now() - row.last_activity).days
        reasons.append(
            ngettext("No activity for %(days)d day", "No activity for %(days)d days", days) % {"days": days}
        )
    if row.last_meeting is None:
        reasons.append(_("No meeting held yet"))
    elif row.meeting_overdue:
        reasons.append(
            _("Meeting overdue: the last one was %(days)d days ago, the cadence is %(cadence)s")
            % {
                "days": (today - row.last_meeting).days,
                "cadence": row.community.get_meeting_cadence_display().lower(),
            }
        )
    if row.open_reviews > row.open_reviews_at_start:
        reasons.append(
            _("Review backlog growing: %(now)d open, %(before)d when the period began")
            % {"now": row.open_reviews, "before": row.open_reviews_at_start}
        )
    return reasons


def _count_members(rows: dict[int, CommunityHealth]) -> None:
    counts = Membership.objects.filter(community__in=list(rows)).values("community").annotate(n=Count("pk"))
    for count in counts:
        rows[count["community"]].members = count["n"]


def _note_activity(row: CommunityHealth, moment: datetime.datetime | None) -> None:
    if moment and (row.last_activity is None or moment > row.last_activity):
        row.last_activity = moment


def _add_practices(rows, owner_of, period: Period) -> None:
    practices = under_communities(PracticePage.objects.live(), owner_of)
    first_published = within(period, "first_published_at")
    # Without the pages' default order (by tree path), which would also group by page.
    figures = (
        practices.order_by()
        .values("prefix")
        .annotate(
            published=Count("pk", filter=first_published),
            past_review_by=Count("pk", filter=Q(review_by__lt=timezone.localdate())),
            last=Max("last_published_at"),
        )
    )
    for figure in figures:
        row = rows[owner_of[figure["prefix"]]]
        row.practices_published += figure["published"]
        row.past_review_by += figure["past_review_by"]
        _note_activity(row, figure["last"])


def _add_meetings(rows, owner_of, period: Period) -> None:
    meetings = under_communities(MeetingPage.objects.live(), owner_of)
    figures = (
        meetings.order_by()
        .values("prefix")
        .annotate(  # as for the practices
            held=Count("pk", filter=Q(meeting_date__gte=period.first_day, meeting_date__lte=period.last_day)),
            last_meeting=Max("meeting_date", filter=Q(meeting_date__lte=timezone.localdate())),
            last=Max("last_published_at"),
        )
    )
    for figure in figures:
        row = rows[owner_of[figure["prefix"]]]
        row.meetings_held += figure["held"]
        if figure["last_meeting"] and (row.last_meeting is None or figure["last_meeting"] > row.last_meeting):
            row.last_meeting = figure["last_meeting"]
        _note_activity(row, figure["last"])


def _add_publishers(owner_of, period: Period, contributors) -> None:
    """The owners of the practices and meeting notes first published in the period: one query."""
    pages = under_communities(Page.objects.live().type(PracticePage, MeetingPage), owner_of)
    publishers = (
        pages.filter(within(period, "first_published_at"), owner__isnull=False)
        .order_by()
        .values_list("prefix", "owner_id")
        .distinct()
    )
    for prefix, owner_id in publishers:
        contributors[owner_of[prefix]].add(owner_id)


def _add_comments(rows, period: Period, contributors) -> None:
    comments = Comment.objects.filter(community__in=list(rows), state=CommentState.VISIBLE)
    posted = within(period, "created_at")
    figures = comments.values("community").annotate(n=Count("pk", filter=posted), last=Max("created_at"))
    for figure in figures:
        row = rows[figure["community"]]
        row.comments = figure["n"]
        _note_activity(row, figure["last"])
    for community_id, author_id in (
        comments.filter(posted).order_by().values_list("community", "author").distinct()
    ):
        contributors[community_id].add(author_id)


def _add_publication_delays(rows, owner_of, period: Period) -> None:
    """Median days from the approved submission to the first publication, per CoP."""
    published = under_communities(PracticePage.objects.live(), owner_of).filter(
        within(period, "first_published_at")
    )
    first_published = {
        pk: (prefix, moment)
        for pk, prefix, moment in published.values_list("pk", "prefix", "first_published_at")
    }
    submissions = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        status=WorkflowState.STATUS_APPROVED,
        object_id__in=published.annotate(key=Cast("pk", CharField())).values("key"),
    ).values_list("object_id", "created_at")
    submitted_at: dict[int, datetime.datetime] = {}
    for object_id, created_at in submissions:
        page_id = int(object_id)
        # The submission that led to the first publication: the earliest approved one before it.
        if created_at <= first_published[page_id][1] and (
            page_id not in submitted_at or created_at < submitted_at[page_id]
        ):
            submitted_at[page_id] = created_at
    delays = defaultdict(list)
    for page_id, moment in submitted_at.items():
        prefix, published_at = first_published[page_id]
        delays[owner_of[prefix]].append((published_at - moment).total_seconds() / 86400)
    for pk, days in delays.items():
        rows[pk].median_days_to_publish = statistics.median(days)


def _add_open_reviews(rows, owner_of, period: Period) -> None:
    """Review tasks open now and when the period began, by the CoP of the page under review."""
    page_path = Page.objects.filter(pk=Cast(OuterRef("workflow_state__object_id"), IntegerField())).values(
        "path"
    )[:1]
    tasks = (
        TaskState.objects.filter(workflow_state__base_content_type=ContentType.objects.get_for_model(Page))
        .exclude(status__in=[TaskState.STATUS_SKIPPED, TaskState.STATUS_CANCELLED])
        .annotate(prefix=Substr(Subquery(page_path), 1, COMMUNITY_PATH_LENGTH))
        .filter(prefix__in=list(owner_of))
    )
    open_at_start = Q(started_at__lt=period.starts_at) & (
        Q(finished_at__isnull=True) | Q(finished_at__gte=period.starts_at)
    )
    figures = tasks.values("prefix").annotate(
        now=Count("pk", filter=Q(status=TaskState.STATUS_IN_PROGRESS)),
        at_start=Count("pk", filter=open_at_start),
    )
    for figure in figures:
        row = rows[owner_of[figure["prefix"]]]
        row.open_reviews += figure["now"]
        row.open_reviews_at_start += figure["at_start"]
