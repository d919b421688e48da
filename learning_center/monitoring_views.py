"""The "Pemantauan" section of the Wagtail admin: CoP health, as a sortable table and as CSV.

Who sees what: the learning-center team and administrators every CoP,
a moderator (facilitator) the CoPs they facilitate, anyone else who
reaches the admin a 403 on every URL, CSV included. The period and CoP come
from the query string (``periode``, ``dari``, ``sampai``, ``cop``), so a
view is a link that can be shared, and the form works without JavaScript.
"""

import csv

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

# Column key -> (heading, how rows sort by it); the table and the CSV share them.
HEALTH_COLUMNS = {
    "cop": (gettext_lazy("CoP"), lambda row: row.community.title.lower()),
    "anggota": (gettext_lazy("Members"), lambda row: row.members),
    "kontributor": (gettext_lazy("Active contributors"), lambda row: row.active_contributors),
    "praktik": (gettext_lazy("Practices published"), lambda row: row.practices_published),
    "pertemuan": (gettext_lazy("Meetings held"), lambda row: row.meetings_held),
    "komentar": (gettext_lazy("Comments"), lambda row: row.comments),
    "waktu-terbit": (
        gettext_lazy("Median days to publication"),
        lambda row: (row.median_days_to_publish is None, row.median_days_to_publish or 0),
    ),
    "tinjauan": (gettext_lazy("Open reviews"), lambda row: row.open_reviews),
    "lewat-tinjau": (gettext_lazy("Past review-by"), lambda row: row.past_review_by),
    "aktivitas": (
        gettext_lazy("Last activity"),
        lambda row: (row.last_activity is None, row.last_activity and row.last_activity.timestamp()),
    ),
    "perhatian": (
        gettext_lazy("Needs attention"),
        lambda row: (not row.needs_attention, len(row.reasons) * -1),
    ),
}
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
    by_title = sorted(rows, key=HEALTH_COLUMNS["cop"][1])
    return sorted(by_title, key=HEALTH_COLUMNS[column][1], reverse=descending)


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
                    "label": label,
                    "sorted": key == column,
                    "descending": descending,
                    "link": _query_with(query, urut=f"-{key}" if key == column and not descending else key),
                }
                for key, (label, _sort) in HEALTH_COLUMNS.items()
            ],
            attention_count=sum(row.needs_attention for row in rows),
            csv_url=reverse("learning_center_monitoring:community_health_csv")
            + _query_with(self.request.GET.copy()),
        )
        return context


class CommunityHealthCsvView(MonitoredRowsMixin, View):
    def get(self, request, *args, **kwargs):
        _form, period, rows = self.filtered()
        column, descending = self.sort_key()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"kesehatan-cop-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        # A byte order mark, so that spreadsheet programs read the accents as UTF-8.
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [str(label) for label, _sort in HEALTH_COLUMNS.values()]
            + [_("Meetings expected"), _("Open reviews when the period began"), _("Reasons")]
        )
        for row in sorted_rows(rows, column, descending):
            writer.writerow(health_csv_row(row))
        return response


def health_csv_row(row: CommunityHealth) -> list:
    median = "" if row.median_days_to_publish is None else f"{row.median_days_to_publish:.1f}"
    last_activity = (
        timezone.localtime(row.last_activity).isoformat(timespec="minutes") if row.last_activity else ""
    )
    return [
        row.community.title,
        row.members,
        row.active_contributors,
        row.practices_published,
        row.meetings_held,
        row.comments,
        median,
        row.open_reviews,
        row.past_review_by,
        last_activity,
        _("yes") if row.needs_attention else _("no"),
        row.meetings_expected,
        row.open_reviews_at_start,
        "; ".join(row.reasons),
    ]


def _query_with(query, **changes) -> str:
    for name, value in changes.items():
        query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""
