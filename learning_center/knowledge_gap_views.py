"""Knowledge gaps: what staff search for, what they do not find, and where a practice should be written.

Three tables for the period, each downloadable as CSV or XLSX:

- the most frequent searches and the searches with no results (unfiltered
  searches only, see search/analytics.py), each with the searches per CoP
  of the searchers ("per division") and the CoP it most likely belongs to,
  linked to Wagtail's "add practice" page under that CoP;
- the click-through rate: the share of searches with results after which
  a result was opened, overall and per CoP of the searchers, against the
  previous period of the same length.

Whose searches count: the team's view (no CoP chosen) counts every search,
by people in no CoP too ("No CoP"); otherwise only the searches of the
members of the monitored CoPs, and only those CoPs' counts are shown, so a
moderator never learns what another CoP's members look for.

The CoP a query most likely belongs to is the monitored CoP whose members
asked it most; when no member of a monitored CoP asked it, the monitored CoP
with the most live pages tagged with words of the query; else none, and the
link lets the user choose the CoP. Ties go to the CoP first by title. The
link is shown only where the user may add pages; elsewhere the CoP is only
named.
"""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.permissions import page_permission_policy

from cop_pages.models import CommunityPage
from cop_pages.permissions import manages_every_community
from search.analytics import (
    ClickThrough,
    click_through_report,
    knowledge_gaps,
    popular_queries,
    tagged_communities,
)

from .monitoring_base import MonitoringView
from .monitoring_tables import Column, Table
from .periods import Period

# Queries per table: enough to act on, few enough to read.
QUERY_ROWS = 20
PRACTICE_TYPE = ("cop_pages", "practicepage")


@dataclass(frozen=True)
class Division:
    """The searches of a query made by members of one CoP (``community`` None: of no CoP)."""

    label: str
    searches: int
    community: CommunityPage | None = None


@dataclass
class SearchedQuery:
    query: str
    searches: int
    last_searched: datetime.datetime
    divisions: list[Division]
    likely_community: CommunityPage | None = None
    # Where to write the missing practice; empty when the user may not add one there.
    create_url: str = ""
    no_result_searches: int = 0
    clicked_searches: int = 0

    @property
    def asked_by(self) -> Counter:
        """Monitored CoP id -> searches by its members."""
        return Counter(
            {division.community.pk: division.searches for division in self.divisions if division.community}
        )


@dataclass(frozen=True)
class ClickThroughRow:
    """The click-through of one group of searchers (``community`` None: no CoP, or everyone)."""

    label: str
    current: ClickThrough
    previous: ClickThrough
    community: CommunityPage | None = None
    overall: bool = False

    @property
    def percent(self) -> float | None:
        return _percent(self.current)

    @property
    def previous_percent(self) -> float | None:
        return _percent(self.previous)

    @property
    def change(self) -> float | None:
        """Percentage points gained since the previous period; None when either rate is undefined."""
        if self.percent is None or self.previous_percent is None:
            return None
        return self.percent - self.previous_percent


def _percent(click_through: ClickThrough) -> float | None:
    return None if click_through.rate is None else click_through.rate * 100


def likely_community(
    asked: Counter, tagged: Counter, communities: dict[int, CommunityPage]
) -> CommunityPage | None:
    """The monitored CoP whose members asked most, else the one whose pages' tags the query names most."""
    scores = {pk: count for pk, count in asked.items() if pk in communities and count}
    if not scores:
        scores = {pk: count for pk, count in tagged.items() if pk in communities and count}
    if not scores:
        return None
    return min(
        (communities[pk] for pk in scores),
        key=lambda community: (-scores[community.pk], community.title.lower(), community.pk),
    )


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _local_minute(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="minutes")


def _divisions(row: SearchedQuery) -> str:
    return "; ".join(f"{division.label}: {division.searches}" for division in row.divisions)


def _likely(row: SearchedQuery) -> str:
    return row.likely_community.title if row.likely_community else ""


def _attribute(name: str) -> Callable[[object], object]:
    return lambda row: getattr(row, name)


QUERY_COLUMNS = {
    "kueri": Column(gettext_lazy("Query"), _attribute("query")),
    "pencarian": Column(gettext_lazy("Searches"), _attribute("searches")),
}
QUERY_DETAIL_COLUMNS = {
    "per-cop": Column(gettext_lazy("Searches per CoP"), _divisions),
    "cop-tujuan": Column(gettext_lazy("Most likely CoP"), _likely),
    "terakhir": Column(gettext_lazy("Last searched"), lambda row: _local_minute(row.last_searched)),
}
POPULAR_COLUMNS = {
    **QUERY_COLUMNS,
    "tanpa-hasil": Column(gettext_lazy("Without results"), _attribute("no_result_searches")),
    "diklik": Column(gettext_lazy("Followed by a click"), _attribute("clicked_searches")),
    **QUERY_DETAIL_COLUMNS,
}
GAP_COLUMNS = {**QUERY_COLUMNS, **QUERY_DETAIL_COLUMNS}
CLICK_THROUGH_COLUMNS = {
    "cop": Column(gettext_lazy("Searchers' CoP"), _attribute("label")),
    "pencarian": Column(gettext_lazy("Searches with results"), lambda row: row.current.searches),
    "diklik": Column(gettext_lazy("Followed by a click"), lambda row: row.current.clicked),
    "rasio": Column(gettext_lazy("Click-through rate (%)"), lambda row: _number(row.percent)),
    "rasio-sebelumnya": Column(
        gettext_lazy("Previous period (%)"), lambda row: _number(row.previous_percent)
    ),
    "perubahan": Column(gettext_lazy("Change (percentage points)"), lambda row: _number(row.change)),
}


class KnowledgeGapsView(MonitoringView):
    template_name = "learning_center/monitoring/knowledge_gaps.html"
    page_title = gettext_lazy("Knowledge gaps")
    header_icon = "search"
    url_name = "knowledge_gaps"

    @cached_property
    def communities(self) -> dict[int, CommunityPage]:
        """The monitored CoPs by id, in title order."""
        return {community.pk: community for community in self.monitored_communities.order_by("title", "pk")}

    @cached_property
    def counts_everyone(self) -> bool:
        """The team's view of all CoPs counts every search, by people in no CoP too."""
        return manages_every_community(self.request.user) and self.filter_form.community() is None

    @property
    def searchers(self) -> list[int] | None:
        """The CoPs whose members' searches count; None: everyone's."""
        return None if self.counts_everyone else list(self.communities)

    @cached_property
    def searched_queries(self) -> tuple[list[SearchedQuery], list[SearchedQuery]]:
        """The most frequent searches and the searches with no results, each with its likely CoP."""
        since, until = self.period.starts_at, self.period.ends_at
        popular = [
            self._searched_query(
                row, no_result_searches=row["no_result_searches"], clicked_searches=row["clicked_searches"]
            )
            for row in popular_queries(since, until, limit=QUERY_ROWS, communities=self.searchers)
        ]
        gaps = [
            self._searched_query(row)
            for row in knowledge_gaps(since, until, limit=QUERY_ROWS, communities=self.searchers)
        ]
        self._suggest_communities(popular + gaps)
        return popular, gaps

    def _searched_query(self, row: dict, **figures) -> SearchedQuery:
        divisions = [
            Division(self.communities[pk].title, searches, self.communities[pk])
            for pk, searches in row["communities"].items()
            if pk in self.communities
        ]
        divisions.sort(key=lambda division: (-division.searches, division.label.lower()))
        if self.counts_everyone and row["unaffiliated"]:
            divisions.append(Division(_("No CoP"), row["unaffiliated"]))
        return SearchedQuery(
            query=row["query"],
            searches=row["searches"],
            last_searched=row["last_searched"],
            divisions=divisions,
            **figures,
        )

    def _suggest_communities(self, rows: list[SearchedQuery]) -> None:
        """Give each query its likely CoP and create link: one query for the tags of all the queries no
        member of a monitored CoP asked, and the user's page permissions (cached on the user)."""
        unasked = sorted({row.query for row in rows if not row.asked_by})
        tagged = tagged_communities(unasked, self.communities.values()) if unasked else {}
        user = self.request.user
        for row in rows:
            row.likely_community = likely_community(
                row.asked_by, tagged.get(row.query, Counter()), self.communities
            )
            if row.likely_community is None:
                if page_permission_policy.user_has_permission(user, "add"):
                    row.create_url = reverse("wagtailadmin_pages:choose_parent", args=PRACTICE_TYPE)
            elif page_permission_policy.user_has_permission_for_instance(user, "add", row.likely_community):
                row.create_url = reverse(
                    "wagtailadmin_pages:add", args=(*PRACTICE_TYPE, row.likely_community.pk)
                )

    @cached_property
    def click_through(self) -> list[ClickThroughRow]:
        """A row per monitored CoP (by title), "No CoP" in the team's view, and every search last."""
        current = self._click_through_of(self.period)
        previous = self._click_through_of(self.period.previous())
        rows = [
            ClickThroughRow(
                community.title,
                current.by_community.get(pk, ClickThrough()),
                previous.by_community.get(pk, ClickThrough()),
                community,
            )
            for pk, community in self.communities.items()
        ]
        if self.counts_everyone:
            rows.append(ClickThroughRow(_("No CoP"), current.unaffiliated, previous.unaffiliated))
        rows.append(ClickThroughRow(_("All searches"), current.overall, previous.overall, overall=True))
        return rows

    def _click_through_of(self, period: Period):
        return click_through_report(period.starts_at, period.ends_at, communities=self.searchers)

    def tables(self) -> list[Table]:
        popular, gaps = self.searched_queries
        suffix = f"{self.period.first_day:%Y%m%d}-{self.period.last_day:%Y%m%d}"
        return [
            Table(
                "populer",
                _("Most frequent searches"),
                POPULAR_COLUMNS,
                popular,
                f"pencarian-populer-{suffix}",
            ),
            Table(
                "kesenjangan",
                _("Searches with no results"),
                GAP_COLUMNS,
                gaps,
                f"kesenjangan-pengetahuan-{suffix}",
            ),
            Table(
                "klik",
                _("Click-through rate"),
                CLICK_THROUGH_COLUMNS,
                self.click_through,
                f"rasio-klik-{suffix}",
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tables, downloads = context["tables"], context["downloads"]
        context.update(
            query_sections=[
                {
                    "key": "populer",
                    "table": tables["populer"],
                    "downloads": downloads["populer"],
                    "popular": True,
                    "help": _("Searches without facets, most frequent first; ties: the most recent first."),
                },
                {
                    "key": "kesenjangan",
                    "table": tables["kesenjangan"],
                    "downloads": downloads["kesenjangan"],
                    "popular": False,
                    "help": _(
                        "What staff looked for and nothing answered: each is a practice waiting to be "
                        "written, in the CoP whose members asked most (or whose tags match the query)."
                    ),
                },
            ],
            click_through=self.click_through,
            overall_click_through=self.click_through[-1],
            counts_everyone=self.counts_everyone,
        )
        return context
