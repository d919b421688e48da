"""What every view of the "Pemantauan" section shares: the period and CoP form, the CoPs the user
monitors, the section's navigation, and the download of its tables.

Who sees what: the learning-center team and administrators every CoP, a
moderator (facilitator) the CoPs they facilitate; the URLs refuse everyone
else (learning_center/monitoring_urls.py). The period and CoP come from the
query string (``periode``, ``dari``, ``sampai``, ``cop``), so a view is a
link that can be shared, and the form works without JavaScript.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from cop_pages.permissions import manageable_communities

from .monitoring_tables import TableExportMixin
from .periods import MonitoringFilterForm, Period


@dataclass(frozen=True)
class Section:
    url_name: str
    label: str
    icon: str


# The views of the section, in the order of its navigation and of the admin's submenu.
SECTIONS = (
    Section("community_health", gettext_lazy("CoP health"), "glasses"),
    Section("topic_trends", gettext_lazy("Topic trends"), "tag"),
    Section("cross_community_topics", gettext_lazy("Cross-CoP topics"), "group"),
    Section("knowledge_gaps", gettext_lazy("Knowledge gaps"), "search"),
    Section("recognition", gettext_lazy("Recognition"), "pick"),
    Section("evaluation_report", gettext_lazy("Evaluation report"), "doc-full"),
)


class MonitoringView(TableExportMixin, WagtailAdminTemplateMixin, TemplateView):
    """A monitoring page: ``tables()`` are shown by the template and downloadable."""

    header_icon = "glasses"
    url_name = ""
    # Set when Elasticsearch failed and the database counted the pages per topic instead.
    topic_counts_fell_back = False

    def get(self, request, *args, **kwargs):
        if self.is_export:
            return self.export_response()
        return super().get(request, *args, **kwargs)

    @cached_property
    def filter_form(self) -> MonitoringFilterForm:
        return MonitoringFilterForm(
            self.request.GET or None, manageable_communities(self.request.user), timezone.localdate()
        )

    @cached_property
    def period(self) -> Period:
        return self.filter_form.period()

    @cached_property
    def monitored_communities(self) -> QuerySet:
        """The user's CoPs, or the one chosen in the form."""
        form = self.filter_form
        chosen = form.community() if form.is_bound else None
        communities = manageable_communities(self.request.user)
        return communities.filter(pk=chosen.pk) if chosen is not None else communities

    def note_topic_counts_fallback(self) -> None:
        """Passed as ``on_fallback`` to what counts topics: the page then says where its numbers came from."""
        self.topic_counts_fell_back = True

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": "", "label": _("Monitoring")},
            {"url": "", "label": self.page_title},
        ]

    def section_links(self) -> list[dict]:
        """The section's views, each keeping the chosen period and CoP."""
        query = {name: value for name, value in self.request.GET.items() if name in self.filter_form.fields}
        encoded = self.request.GET.copy()
        encoded.clear()
        encoded.update(query)
        suffix = f"?{encoded.urlencode()}" if query else ""
        return [
            {
                "label": section.label,
                "url": reverse(f"learning_center_monitoring:{section.url_name}") + suffix,
                "current": section.url_name == self.url_name,
            }
            for section in SECTIONS
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tables = {table.key: table for table in self.tables()}
        context.update(
            form=self.filter_form,
            period=self.period,
            sections=self.section_links(),
            tables=tables,
            downloads={key: self.download_links(table) for key, table in tables.items()},
        )
        return context
