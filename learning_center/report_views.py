"""The printable monthly evaluation report ("Laporan evaluasi"), of one CoP or of all monitored CoPs.

A monitoring view whose period is a calendar month (``bulan=YYYY-MM``, the
previous month by default, the current month up to today) rather than the
section's period picker; the CoP filter is the section's, and no CoP means
every CoP the user monitors. The page prints to PDF from the browser: the
print stylesheet keeps only the report. Its summary table downloads as CSV
or XLSX like every monitoring table.
"""

import datetime
from functools import cached_property

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cop_pages.permissions import manageable_communities, manages_every_community

from .evaluation_report import EvaluationReport, evaluation_report
from .monitoring_base import MonitoringView
from .monitoring_tables import Column, Table
from .periods import Period, months_back

MONTH_FORMAT = "%Y-%m"
# Months before this one hold no intranet content; the limit also keeps dates far from the calendar's ends.
EARLIEST_MONTH = datetime.date(2000, 1, 1)
# How many practices, meetings and open action items each CoP lists.
ONE_COP_LIST_LIMIT = 100
ALL_COPS_LIST_LIMIT = 10


def previous_month(today: datetime.date) -> datetime.date:
    """The first day of the last complete month."""
    return months_back(today, 1)


def month_period(first_day: datetime.date, today: datetime.date) -> Period:
    """The month starting on ``first_day``; the current month ends today."""
    last_day = months_back(first_day, -1) - datetime.timedelta(days=1)
    return Period(first_day, min(last_day, today))


class EvaluationReportForm(forms.Form):
    """The month and the CoP, from the query string; an invalid field is reported and then ignored."""

    bulan = forms.DateField(
        label=gettext_lazy("Month"),
        input_formats=[MONTH_FORMAT],
        widget=forms.DateInput(attrs={"type": "month"}, format=MONTH_FORMAT),
        error_messages={"invalid": gettext_lazy("Give a month as YYYY-MM, for example 2026-10.")},
    )
    cop = forms.ModelChoiceField(label=gettext_lazy("CoP"), queryset=None, required=False)

    def __init__(self, data: QueryDict, communities, today: datetime.date, all_communities_label: str):
        # No month given: the last complete one, shown in the field like a chosen one.
        if not data.get("bulan"):
            data = data.copy()
            data["bulan"] = previous_month(today).strftime(MONTH_FORMAT)
        super().__init__(data)
        self.today = today
        self.fields["cop"].queryset = communities
        self.fields["cop"].empty_label = all_communities_label

    def clean_bulan(self):
        month = self.cleaned_data["bulan"]
        if month > self.today:
            raise forms.ValidationError(_("The month has not begun yet."))
        if month < EARLIEST_MONTH:
            raise forms.ValidationError(
                _("Pick a month from %(month)s on.")
                % {"month": date_format(EARLIEST_MONTH, "YEAR_MONTH_FORMAT")}
            )
        return month

    def full_clean(self):
        """Each invalid field also tells screen readers so, and where its message is."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].id_for_label}-error"}
                )

    def _chosen(self, name: str):
        """A field's value when it was given and is valid; None otherwise."""
        return None if name in self.errors else self.cleaned_data.get(name)

    def period(self) -> Period:
        return month_period(self._chosen("bulan") or previous_month(self.today), self.today)

    def community(self):
        return self._chosen("cop")


def _health(name: str):
    return lambda report: getattr(report.health, name)


# Column key -> column of the summary table and of its download.
SUMMARY_COLUMNS = {
    "cop": Column(gettext_lazy("CoP"), lambda report: report.community.title),
    "anggota": Column(gettext_lazy("Members"), _health("members")),
    "anggota-baru": Column(gettext_lazy("New members"), lambda report: report.new_members),
    "kontributor": Column(gettext_lazy("Active contributors"), _health("active_contributors")),
    "praktik": Column(gettext_lazy("Practices published"), _health("practices_published")),
    "pertemuan": Column(gettext_lazy("Meetings held"), _health("meetings_held")),
    "pertemuan-diharapkan": Column(gettext_lazy("Meetings expected"), _health("meetings_expected")),
    "komentar": Column(gettext_lazy("Comments"), _health("comments")),
    "tindakan-selesai": Column(gettext_lazy("Action items done"), lambda report: report.action_items.done),
    "tindakan-terbuka": Column(gettext_lazy("Action items open"), lambda report: report.action_items.open),
    "alasan": Column(gettext_lazy("Needs attention"), lambda report: "; ".join(report.health.reasons)),
}


class EvaluationReportView(MonitoringView):
    template_name = "learning_center/monitoring/evaluation_report.html"
    page_title = gettext_lazy("Evaluation report")
    header_icon = "doc-full"
    url_name = "evaluation_report"

    @cached_property
    def filter_form(self) -> EvaluationReportForm:
        return EvaluationReportForm(
            self.request.GET,
            manageable_communities(self.request.user),
            timezone.localdate(),
            self.all_communities_label,
        )

    @cached_property
    def all_communities_label(self) -> str:
        if manages_every_community(self.request.user):
            return _("Whole learning center")
        return _("All my CoPs")

    @cached_property
    def chosen_community(self):
        return self.filter_form.community()

    @cached_property
    def report(self) -> EvaluationReport:
        limit = ALL_COPS_LIST_LIMIT if self.chosen_community is None else ONE_COP_LIST_LIMIT
        return evaluation_report(
            self.monitored_communities, self.period, limit, self.note_topic_counts_fallback
        )

    def month_label(self) -> str:
        return date_format(self.period.first_day, "YEAR_MONTH_FORMAT")

    def get_page_subtitle(self) -> str:
        scope = self.all_communities_label if self.chosen_community is None else self.chosen_community.title
        return f"{scope} — {self.month_label()}"

    def tables(self) -> list[Table]:
        return [
            Table(
                key="ringkasan",
                caption=_("The CoPs at a glance"),
                columns=SUMMARY_COLUMNS,
                rows=self.report.communities,
                filename=f"laporan-evaluasi-{self.period.first_day:%Y-%m}",
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report
        context.update(
            report=report,
            totals=report.totals,
            one_community=self.chosen_community is not None,
            month_label=self.month_label(),
            month_in_progress=self.period.first_day > previous_month(timezone.localdate()),
            report_title=self.get_header_title(),
        )
        return context
