"""CoP health: one row per monitored CoP, sortable by any column, downloadable as CSV or XLSX."""

from collections.abc import Callable
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .community_health import CommunityHealth, community_health
from .monitoring_base import MonitoringView
from .monitoring_tables import Column, Table


def _median_days(row: CommunityHealth) -> str:
    return "" if row.median_days_to_publish is None else f"{row.median_days_to_publish:.1f}"


def _last_activity(row: CommunityHealth) -> str:
    if row.last_activity is None:
        return ""
    return timezone.localtime(row.last_activity).isoformat(timespec="minutes")


def _figure(name: str) -> Callable[[CommunityHealth], object]:
    return lambda row: getattr(row, name)


def _counted(label: str, name: str) -> Column:
    return Column(label, _figure(name), _figure(name))


# Column key (the ``urut`` value) -> column; the table and the downloads share them.
HEALTH_COLUMNS = {
    "cop": Column(
        gettext_lazy("CoP"), lambda row: row.community.title, lambda row: row.community.title.lower()
    ),
    "anggota": _counted(gettext_lazy("Members"), "members"),
    "kontributor": _counted(gettext_lazy("Active contributors"), "active_contributors"),
    "praktik": _counted(gettext_lazy("Practices published"), "practices_published"),
    "pertemuan": _counted(gettext_lazy("Meetings held"), "meetings_held"),
    "komentar": _counted(gettext_lazy("Comments"), "comments"),
    "waktu-terbit": Column(
        gettext_lazy("Median days to publication"),
        _median_days,
        lambda row: (row.median_days_to_publish is None, row.median_days_to_publish or 0),
    ),
    "tinjauan": _counted(gettext_lazy("Open reviews"), "open_reviews"),
    "lewat-tinjau": _counted(gettext_lazy("Past review-by"), "past_review_by"),
    "aktivitas": Column(
        gettext_lazy("Last activity"),
        _last_activity,
        lambda row: (row.last_activity is None, row.last_activity and row.last_activity.timestamp()),
    ),
    "perhatian": Column(
        gettext_lazy("Needs attention"),
        lambda row: _("yes") if row.needs_attention else _("no"),
        lambda row: (not row.needs_attention, -len(row.reasons)),
    ),
}
# Only in the downloads, after the table's columns.
DOWNLOAD_EXTRA_COLUMNS = {
    "pertemuan-diharapkan": Column(gettext_lazy("Meetings expected"), _figure("meetings_expected")),
    "tinjauan-awal": Column(
        gettext_lazy("Open reviews when the period began"), _figure("open_reviews_at_start")
    ),
    "alasan": Column(gettext_lazy("Reasons"), lambda row: "; ".join(row.reasons)),
}
DEFAULT_SORT = "perhatian"


def sorted_rows(rows: list[CommunityHealth], column: str, descending: bool) -> list[CommunityHealth]:
    by_title = sorted(rows, key=HEALTH_COLUMNS["cop"].sort_key)
    return sorted(by_title, key=HEALTH_COLUMNS[column].sort_key, reverse=descending)


class CommunityHealthView(MonitoringView):
    template_name = "learning_center/monitoring/community_health.html"
    page_title = gettext_lazy("CoP health")
    url_name = "community_health"

    def sort_key(self) -> tuple[str, bool]:
        """The column to sort by and whether descending (``urut=-anggota``)."""
        requested = self.request.GET.get("urut", "")
        descending = requested.startswith("-")
        column = requested.removeprefix("-")
        if column not in HEALTH_COLUMNS:
            return DEFAULT_SORT, False
        return column, descending

    @cached_property
    def rows(self) -> list[CommunityHealth]:
        column, descending = self.sort_key()
        return sorted_rows(community_health(self.monitored_communities, self.period), column, descending)

    def tables(self) -> list[Table]:
        period = self.period
        return [
            Table(
                key="kesehatan",
                caption=_("CoP health"),
                columns={**HEALTH_COLUMNS, **DOWNLOAD_EXTRA_COLUMNS},
                rows=self.rows,
                filename=f"kesehatan-cop-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}",
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        column, descending = self.sort_key()
        query = self.request.GET.copy()
        query.pop("urut", None)
        context.update(
            rows=self.rows,
            headings=[
                {
                    "key": key,
                    "label": heading.label,
                    "sorted": key == column,
                    "descending": descending,
                    "link": _query_with(query, urut=f"-{key}" if key == column and not descending else key),
                }
                for key, heading in HEALTH_COLUMNS.items()
            ],
            attention_count=sum(row.needs_attention for row in self.rows),
        )
        return context


def _query_with(query, **changes) -> str:
    for name, value in changes.items():
        query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""
