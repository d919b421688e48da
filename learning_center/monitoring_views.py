"""The "Pemantauan" section of the Wagtail admin: CoP health, as a sortable table and as CSV.

Who sees what: the learning-center team and administrators every CoP,
a moderator (facilitator) the CoPs they facilitate, anyone else who
reaches the admin a 403 on every URL, CSV included. The period and CoP come
from the query string (``periode``, ``dari``, ``sampai``, ``cop``), so a
view is a link that can be shared, and the form works without JavaScript.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from cop_pages.permissions import manageable_communities

from .community_health import CommunityHealth, community_health
from .periods import MonitoringFilterForm, Period


@dataclass(frozen=True)
class Column:
    """A column of the table and of the CSV: its heading, how rows sort by it (None: CSV only), its CSV value."""

    label: str
    sort_key: Callable[[CommunityHealth], object] | None
    value: Callable[[CommunityHealth], object]


def _median_days(row: CommunityHealth) -> str:
    return "" if row.median_days_to_publish is None else f"{row.median_days_to_publish:.1f}"


def _last_activity(row: CommunityHealth) -> str:
    if row.last_activity is None:
        return ""
    return timezone.localtime(row.last_activity).isoformat(timespec="minutes")


def _figure(name: str) -> Callable[[CommunityHealth], object]:
    return lambda row: getattr(row, name)


# Column key (the ``urut`` value) -> column; the table and the CSV share them.
HEALTH_COLUMNS = {
    "cop": Column(
        gettext_lazy("CoP"), lambda row: row.community.title.lower(), lambda row: row.community.title
    ),
    "anggota": Column(gettext_lazy("Members"), _figure("members"), _figure("members")),
    "kontributor": Column(
        gettext_lazy("Active contributors"), _figure("active_contributors"), _figure("active_contributors")
    ),
    "praktik": Column(
        gettext_lazy("Practices published"), _figure("practices_published"), _figure("practices_published")
    ),
    "pertemuan": Column(gettext_lazy("Meetings held"), _figure("meetings_held"), _figure("meetings_held")),
    "komentar": Column(gettext_lazy("Comments"), _figure("comments"), _figure("comments")),
    "waktu-terbit": Column(
        gettext_lazy("Median days to publication"),
        lambda row: (row.median_days_to_publish is None, row.median_days_to_publish or 0),
        _median_days,
    ),
    "tinjauan": Column(gettext_lazy("Open reviews"), _figure("open_reviews"), _figure("open_reviews")),
    "lewat-tinjau": Column(
        gettext_lazy("Past review-by"), _figure("past_review_by"), _figure("past_review_by")
    ),
    "aktivitas": Column(
        gettext_lazy("Last activity"),
        lambda row: (row.last_activity is None, row.last_activity and row.last_activity.timestamp()),
        _last_activity,
    ),
    "perhatian": Column(
        gettext_lazy("Needs attention"),
        lambda row: (not row.needs_attention, -len(row.reasons)),
        lambda row: _("yes") if row.needs_attention else _("no"),
    ),
}
# Only in the CSV, after the table's columns.
CSV_EXTRA_COLUMNS = (
    Column(gettext_lazy("Meetings expected"), None, _figure("meetings_expected")),
    Column(gettext_lazy("Open reviews when the period began"), None, _figure("open_reviews_at_start")),
    Column(gettext_lazy("Reasons"), None, lambda row: "; ".join(row.reasons)),
)
DEFAULT_SORT = "perhatian"


class MonitoredRowsMixin:
    """The filter form, the period and the health rows of the CoPs the user monitors."""

    def filtered(self) -> tuple[MonitoringFilterForm, Period, list[CommunityHealth]]:
        communities = manageable_communities(self.request.user)
        form = MonitoringFilterForm(self.request.GET or None, communities, timezone.localdate())
        period = form.period()
        chosen = form.community() if form.is_bound else None
        if chosen is not None:
            communities = communities.filter(pk=chosen.pk)
        return form, period, community_health(communities, period)

    def sort_key(self) -> tuple[str, bool]:
        """The column to sort by and whether descending (``urut=-anggota``)."""
        requested = self.request.GET.get("urut", "")
        descending = requested.startswith("-")
        column = requested.removeprefix("-")
        if column not in HEALTH_COLUMNS:
            return DEFAULT_SORT, False
        return column, descending


def sorted_rows(rows: list[CommunityHealth], column: str, descending: bool) -> list[CommunityHealth]:
    by_title = sorted(rows, key=HEALTH_COLUMNS["cop"].sort_key)
    return sorted(by_title, key=HEALTH_COLUMNS[column].sort_key, reverse=descending)


class CommunityHealthView(MonitoredRowsMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "learning_center/monitoring/community_health.html"
    page_title = gettext_lazy("CoP health")
    header_icon = "glasses"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": "", "label": _("Monitoring")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, period, rows = self.filtered()
        column, descending = self.sort_key()
        query = self.request.GET.copy()
        query.pop("urut", None)
        context.update(
            form=form,
            period=period,
            rows=sorted_rows(rows, column, descending),
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
            attention_count=sum(row.needs_attention for row in rows),
            csv_url=reverse("learning_center_monitoring:community_health_csv")
            + _query_with(self.request.GET.copy()),
        )
        return context


class CommunityHealthCsvView(MonitoredRowsMixin, View):
    def get(self, request, *args, **kwargs):
        _form, period, rows = self.filtered()
        column_key, descending = self.sort_key()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"kesehatan-cop-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        # A byte order mark, so that spreadsheet programs read the accents as UTF-8.
        response.write("\ufeff")
        writer = csv.writer(response)
        columns = [*HEALTH_COLUMNS.values(), *CSV_EXTRA_COLUMNS]
        writer.writerow([str(column.label) for column in columns])
        for row in sorted_rows(rows, column_key, descending):
            writer.writerow([column.value(row) for column in columns])
        return response


def _query_with(query, **changes) -> str:
    for name, value in changes.items():
        query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""
