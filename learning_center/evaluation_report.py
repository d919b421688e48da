"""The monthly evaluation report of the CoPs: what each did in one calendar month, in a fixed number of queries.

It follows the evaluation questions of an effective CoP:

- Are its goals met? Its goals and scope, 5D stage and meeting cadence (the
  CoP page), meetings held against what the cadence expects, the action
  items of the month's meetings (done, open) and the practices published.
- Are its members active? Members, those who joined in the month
  (``Membership.joined_at``), active contributors and comments.
- What did it produce? The practices first published in the month and the
  notes of the meetings held in it, and its top topics (the tags of the
  practices documented and the meetings held in the month, as topic trends
  count them).
- Does it need attention, and why.

Every figure of CoP health comes from ``community_health`` over the month,
so the report and the health table never disagree. The lists are capped per
CoP (``list_limit``) inside the database with a row number per CoP, so a
report over 50 CoPs costs the same queries as one over two; the health
counts tell how many there are in all.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber, Substr

from cop_pages.listings import COMMUNITY_PATH_LENGTH
from cop_pages.models import CommunityPage, MeetingActionItem, MeetingPage, Membership, PracticePage

from .community_health import CommunityHealth, community_health
from .community_scope import community_translations
from .periods import Period
from .topic_counts import page_topic_counts

TOP_TOPICS = 5


@dataclass
class ActionItemCount:
    done: int = 0
    open: int = 0

    @property
    def total(self) -> int:
        return self.done + self.open


@dataclass
class CommunityReport:
    health: CommunityHealth
    new_members: int = 0
    # The first ``list_limit`` of each: ``health`` counts them all.
    practices: list[PracticePage] = field(default_factory=list)
    meetings: list[MeetingPage] = field(default_factory=list)
    open_action_items: list[MeetingActionItem] = field(default_factory=list)
    action_items: ActionItemCount = field(default_factory=ActionItemCount)
    # Meeting id -> its action items done and open.
    meeting_action_items: dict[int, ActionItemCount] = field(default_factory=dict)
    topics: list[tuple[str, int]] = field(default_factory=list)

    @property
    def community(self) -> CommunityPage:
        return self.health.community

    @property
    def more_practices(self) -> int:
        return self.health.practices_published - len(self.practices)

    @property
    def more_meetings(self) -> int:
        return self.health.meetings_held - len(self.meetings)

    @property
    def more_open_action_items(self) -> int:
        return self.action_items.open - len(self.open_action_items)

    def meeting_rows(self) -> list[tuple[MeetingPage, ActionItemCount]]:
        return [
            (meeting, self.meeting_action_items.get(meeting.pk, ActionItemCount()))
            for meeting in self.meetings
        ]


@dataclass
class Totals:
    """The sum over the CoPs: a person in two CoPs counts in each."""

    members: int = 0
    new_members: int = 0
    active_contributors: int = 0
    practices_published: int = 0
    meetings_held: int = 0
    meetings_expected: int = 0
    comments: int = 0
    action_items_done: int = 0
    action_items_open: int = 0
    needing_attention: int = 0


@dataclass
class EvaluationReport:
    period: Period
    communities: list[CommunityReport]
    list_limit: int
    # Across every CoP of the report, most frequent first.
    topics: list[tuple[str, int]] = field(default_factory=list)

    @property
    def totals(self) -> Totals:
        rows = self.communities
        return Totals(
            members=sum(row.health.members for row in rows),
            new_members=sum(row.new_members for row in rows),
            active_contributors=sum(row.health.active_contributors for row in rows),
            practices_published=sum(row.health.practices_published for row in rows),
            meetings_held=sum(row.health.meetings_held for row in rows),
            meetings_expected=sum(row.health.meetings_expected for row in rows),
            comments=sum(row.health.comments for row in rows),
            action_items_done=sum(row.action_items.done for row in rows),
            action_items_open=sum(row.action_items.open for row in rows),
            needing_attention=sum(row.health.needs_attention for row in rows),
        )


def evaluation_report(
    communities: QuerySet, period: Period, list_limit: int, on_fallback: Callable[[], None] | None = None
) -> EvaluationReport:
    """The report of these (default-locale) CoPs over ``period``, each list cut at ``list_limit``.

    ``on_fallback`` as for ``page_topic_counts``, which counts the topics.
    """
    reports = {row.community.pk: CommunityReport(row) for row in community_health(communities, period)}
    report = EvaluationReport(period, list(reports.values()), list_limit)
    if not reports:
        return report
    community_of_prefix = {path: community for _pk, path, community in community_translations(communities)}
    _add_new_members(reports, period)
    _add_practices(reports, community_of_prefix, period, list_limit)
    _add_meetings(reports, community_of_prefix, period, list_limit)
    _add_action_items(reports, community_of_prefix, period, list_limit)
    report.topics = _add_topics(reports, communities, period, on_fallback)
    return report


def _add_new_members(reports: dict[int, CommunityReport], period: Period) -> None:
    joined = (
        Membership.objects.filter(
            community__in=list(reports), joined_at__gte=period.starts_at, joined_at__lt=period.ends_at
        )
        .values("community")
        .annotate(n=Count("pk"))
    )
    for row in joined:
        reports[row["community"]].new_members = row["n"]


def _first_per_community(queryset: QuerySet, path: str, order_by: list, community_of_prefix, limit: int):
    """The first ``limit`` rows of each CoP page's subtree, by ``order_by``: one query.

    A CoP with a translation gets up to ``limit`` rows per subtree; the
    callers sort and cut again once the subtrees are merged.
    """
    prefix = Substr(path, 1, COMMUNITY_PATH_LENGTH)
    ranked = (
        queryset.annotate(prefix=prefix)
        .filter(prefix__in=list(community_of_prefix))
        .annotate(rank=Window(RowNumber(), partition_by=[prefix], order_by=order_by))
        .filter(rank__lte=limit)
    )
    grouped = defaultdict(list)
    for row in ranked:
        grouped[community_of_prefix[row.prefix]].append(row)
    return grouped


def _add_practices(reports, community_of_prefix, period: Period, limit: int) -> None:
    """The live practices first published in the month (those CoP health counts), oldest first."""
    published = PracticePage.objects.live().filter(
        first_published_at__gte=period.starts_at, first_published_at__lt=period.ends_at
    )
    order = [F("first_published_at").asc(), F("pk").asc()]
    grouped = _first_per_community(published, "path", order, community_of_prefix, limit)
    for community, practices in grouped.items():
        practices.sort(key=lambda practice: (practice.first_published_at, practice.pk))
        reports[community].practices = practices[:limit]


def _meetings_of(period: Period) -> QuerySet:
    """The live meeting notes dated in the month (those CoP health counts as held)."""
    return MeetingPage.objects.live().filter(
        meeting_date__gte=period.first_day, meeting_date__lte=period.last_day
    )


def _add_meetings(reports, community_of_prefix, period: Period, limit: int) -> None:
    order = [F("meeting_date").asc(), F("pk").asc()]
    grouped = _first_per_community(_meetings_of(period), "path", order, community_of_prefix, limit)
    for community, meetings in grouped.items():
        meetings.sort(key=lambda meeting: (meeting.meeting_date, meeting.pk))
        reports[community].meetings = meetings[:limit]


def _add_action_items(reports, community_of_prefix, period: Period, limit: int) -> None:
    """Done and open action items of the month's meetings, per meeting and per CoP, and the open ones."""
    items = MeetingActionItem.objects.filter(page__in=_meetings_of(period).values("pk"))
    counts = (
        items.annotate(prefix=Substr("page__path", 1, COMMUNITY_PATH_LENGTH))
        .filter(prefix__in=list(community_of_prefix))
        .values("prefix", "page")
        .annotate(finished=Count("pk", filter=Q(done=True)), unfinished=Count("pk", filter=Q(done=False)))
    )
    for row in counts:
        report = reports[community_of_prefix[row["prefix"]]]
        report.meeting_action_items[row["page"]] = ActionItemCount(row["finished"], row["unfinished"])
        report.action_items.done += row["finished"]
        report.action_items.open += row["unfinished"]
    # Those due first come first; then those without a due date.
    order = [F("due_date").asc(nulls_last=True), F("page__meeting_date").asc(), F("pk").asc()]
    open_items = items.filter(done=False).select_related("owner", "page")
    grouped = _first_per_community(open_items, "page__path", order, community_of_prefix, limit)
    for community, open_action_items in grouped.items():
        open_action_items.sort(
            key=lambda item: (item.due_date is None, item.due_date, item.page.meeting_date, item.pk)
        )
        reports[community].open_action_items = open_action_items[:limit]


def _add_topics(
    reports, communities: QuerySet, period: Period, on_fallback: Callable[[], None] | None
) -> list[tuple[str, int]]:
    """Each CoP's most frequent topics of the month, and the learning center's: the month is one bucket."""
    per_community: dict[int, Counter] = defaultdict(Counter)
    overall: Counter = Counter()
    page_counts = page_topic_counts(communities, [period], on_fallback)
    for (topic, community, _bucket, _kind), pages in page_counts.items():
        per_community[community][topic] += pages
        overall[topic] += pages
    for community, counts in per_community.items():
        reports[community].topics = _most_frequent(counts)
    return _most_frequent(overall)


def _most_frequent(counts: Counter) -> list[tuple[str, int]]:
    """The ``TOP_TOPICS`` most frequent topics; ties A-Z."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_TOPICS]
