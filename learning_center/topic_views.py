"""Topic trends, and cross-CoP and rising topics: charts with their numbers as tables, and downloads.

"Tren topik" draws, for each monitored CoP, its most active topics over the
period's buckets (weeks, or calendar months for long periods), the numbers
in a table below each chart, ten CoPs per page; the download holds every
topic of every CoP. "Topik lintas CoP" lists the topics that several CoPs
work on (collaboration opportunities) and the topics that grew most against
the period before. See learning_center/topic_trends.py for what counts.
"""

from functools import cached_property

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.paginator import WagtailPaginator

from cop_pages.permissions import manageable_communities

from .monitoring_base import MonitoringView
from .monitoring_tables import Column, Table
from .periods import WEEKLY_UP_TO_DAYS, Period, trend_buckets
from .topic_trends import (
    CommunityTrend,
    RisingTopic,
    SharedTopic,
    TopicActivity,
    add_topic_pages,
    community_trends,
    in_bucket,
    rising_topics,
    shared_topics,
    topic_activity,
    topic_totals,
)
from .trend_charts import comparison_chart, topic_trend_chart

# The most active topics drawn and listed for each CoP.
TOP_TOPICS_PER_COMMUNITY = 8
COMMUNITIES_PER_PAGE = 10
# Pages listed under each cross-CoP topic.
PAGES_PER_SHARED_TOPIC = 5
SHARED_TOPICS_PER_PAGE = 10
RISING_TOPICS = 10


def _figure(name: str):
    return lambda row: getattr(row, name)


def growth_text(row: RisingTopic) -> str:
    """ "new", or the relative growth: "+200%" from 1 to 3."""
    return _("new") if row.is_new else f"+{row.growth:.0%}"


def _date_stamp(period: Period) -> str:
    return f"{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}"


class TopicTrendsView(MonitoringView):
    template_name = "learning_center/monitoring/topic_trends.html"
    page_title = gettext_lazy("Topic trends")
    header_icon = "tag"
    url_name = "topic_trends"

    @cached_property
    def buckets(self) -> list[Period]:
        return trend_buckets(self.period)

    @cached_property
    def monthly(self) -> bool:
        return self.period.days > WEEKLY_UP_TO_DAYS

    def bucket_label(self, bucket: Period) -> str:
        """Short enough for an axis: "Nov 2026" for a month, "8 Nov" for the week starting then."""
        return date_format(bucket.first_day, "M Y" if self.monthly else "j M")

    @cached_property
    def activity(self) -> list[TopicActivity]:
        return topic_activity(self.monitored_communities, self.buckets, self.note_topic_counts_fallback)

    def tables(self) -> list[Table]:
        columns = {
            "topik": Column(gettext_lazy("Topic"), _figure("topic")),
            "cop": Column(gettext_lazy("CoP"), lambda row: row.community.title),
            "praktik": Column(gettext_lazy("Practices"), _figure("practice_total")),
            "pertemuan": Column(gettext_lazy("Meetings"), _figure("meeting_total")),
            "komentar": Column(gettext_lazy("Comments"), _figure("comment_total")),
            "total": Column(gettext_lazy("Total activity"), _figure("total")),
        }
        for index, bucket in enumerate(self.buckets):
            columns[f"bagian-{index}"] = Column(
                bucket.label(), lambda row, index=index: row.per_bucket[index]
            )
        return [
            Table(
                key="topik",
                caption=_("Topic activity of every CoP"),
                columns=columns,
                rows=self.activity,
                filename=f"tren-topik-{_date_stamp(self.period)}",
            )
        ]

    def community_page(self):
        """The CoPs of this page of charts (``p``), by title."""
        communities = self.monitored_communities.order_by("title", "pk")
        return WagtailPaginator(communities, COMMUNITIES_PER_PAGE).get_page(self.request.GET.get("p"))

    def chart(self, trend: CommunityTrend) -> str:
        label = _("Topic trends in %(community)s: activity per topic, %(unit)s") % {
            "community": trend.community.title,
            "unit": _("by month") if self.monthly else _("by week"),
        }
        return topic_trend_chart(
            label,
            [self.bucket_label(bucket) for bucket in self.buckets],
            [(row.topic, row.per_bucket) for row in trend.topics],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        community_page = self.community_page()
        trends = community_trends(self.activity, list(community_page), TOP_TOPICS_PER_COMMUNITY)
        context.update(
            trends=[{"trend": trend, "chart": self.chart(trend) if trend.topics else ""} for trend in trends],
            community_page=community_page,
            elided_page_range=community_page.paginator.get_elided_page_range(community_page.number),
            has_activity=bool(self.activity),
            buckets=[{"short": self.bucket_label(bucket), "full": bucket.label()} for bucket in self.buckets],
            monthly=self.monthly,
            top_topics=TOP_TOPICS_PER_COMMUNITY,
        )
        return context


class CrossCommunityTopicsView(MonitoringView):
    """Topics shared by CoPs, and rising topics.

    Shared topics are looked for among all the CoPs the user monitors: with
    one CoP chosen, they are that CoP's topics that other CoPs work on too.
    Rising topics are about the chosen CoP, or all of the user's CoPs.
    """

    template_name = "learning_center/monitoring/cross_community_topics.html"
    page_title = gettext_lazy("Cross-CoP topics")
    header_icon = "group"
    url_name = "cross_community_topics"

    @cached_property
    def chosen_community(self):
        return self.filter_form.community() if self.filter_form.is_bound else None

    @cached_property
    def activity_before_and_now(self) -> list[TopicActivity]:
        """Every topic of every CoP of the user: the period before (bucket 0) and the period (1), counted at once."""
        return topic_activity(
            manageable_communities(self.request.user),
            [self.period.previous(), self.period],
            self.note_topic_counts_fallback,
        )

    @cached_property
    def activity(self) -> list[TopicActivity]:
        """Every topic of every CoP of the user, over the whole period."""
        return in_bucket(self.activity_before_and_now, 1)

    @cached_property
    def shared(self) -> list[SharedTopic]:
        """Every topic the user's CoPs share (the chosen CoP's, if one is chosen); no pages listed yet."""
        shared = shared_topics(self.activity)
        if self.chosen_community is not None:
            shared = [topic for topic in shared if self.chosen_community in topic.communities]
        return shared

    @cached_property
    def shared_page(self):
        """The shared topics of this page of the table (``p``), with their pages listed: only these are
        looked up, as ranking every topic's pages costs a pass over all the tags of the period."""
        page = WagtailPaginator(self.shared, SHARED_TOPICS_PER_PAGE).get_page(self.request.GET.get("p"))
        add_topic_pages(list(page), self.period, PAGES_PER_SHARED_TOPIC)
        return page

    @cached_property
    def shared_with_pages(self) -> list[SharedTopic]:
        """Every shared topic with its pages listed: the download holds them all."""
        add_topic_pages(self.shared, self.period, PAGES_PER_SHARED_TOPIC)
        return self.shared

    @cached_property
    def rising(self) -> list[RisingTopic]:
        monitored = {community.pk for community in self.monitored_communities}
        activity = [row for row in self.activity_before_and_now if row.community.pk in monitored]
        return rising_topics(topic_totals(activity, 1), topic_totals(activity, 0), RISING_TOPICS)

    def tables(self) -> list[Table]:
        stamp = _date_stamp(self.period)
        return [
            Table(
                key="lintas",
                caption=_("Topics active in two or more CoPs"),
                columns={
                    "topik": Column(gettext_lazy("Topic"), _figure("topic")),
                    "jumlah-cop": Column(gettext_lazy("Number of CoPs"), lambda row: len(row.communities)),
                    "cop": Column(
                        gettext_lazy("CoPs"), lambda row: "; ".join(c.title for c in row.communities)
                    ),
                    "aktivitas": Column(gettext_lazy("Activity"), _figure("activity")),
                    "halaman": Column(gettext_lazy("Pages of the period"), _figure("page_count")),
                    "contoh": Column(
                        gettext_lazy("Pages listed"),
                        lambda row: "; ".join(
                            f"{item.page.title} ({item.community.title})" for item in row.pages
                        ),
                    ),
                },
                rows=self.shared_with_pages if self.is_export else list(self.shared_page),
                filename=f"topik-lintas-cop-{stamp}",
            ),
            Table(
                key="naik",
                caption=_("Rising topics"),
                columns={
                    "topik": Column(gettext_lazy("Topic"), _figure("topic")),
                    "sebelumnya": Column(gettext_lazy("Previous period"), _figure("before")),
                    "sekarang": Column(gettext_lazy("This period"), _figure("now")),
                    "perubahan": Column(gettext_lazy("Change"), lambda row: f"+{row.change}"),
                    "pertumbuhan": Column(gettext_lazy("Growth"), growth_text),
                },
                rows=self.rising,
                filename=f"topik-naik-{stamp}",
            ),
        ]

    def rising_chart(self) -> str:
        previous = self.period.previous()
        return comparison_chart(
            _("Rising topics: activity in the previous period and in this period"),
            [row.topic for row in self.rising],
            [
                (
                    _("Previous period (%(label)s)") % {"label": previous.label()},
                    [row.before for row in self.rising],
                ),
                (
                    _("This period (%(label)s)") % {"label": self.period.label()},
                    [row.now for row in self.rising],
                ),
            ],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shared_page = self.shared_page
        context.update(
            shared=list(shared_page),
            shared_page=shared_page,
            shared_count=len(self.shared),
            elided_page_range=shared_page.paginator.get_elided_page_range(shared_page.number),
            rising=self.rising,
            rising_chart=self.rising_chart() if self.rising else "",
            chosen_community=self.chosen_community,
            previous_period=self.period.previous(),
            pages_per_topic=PAGES_PER_SHARED_TOPIC,
            rising_limit=RISING_TOPICS,
        )
        return context
