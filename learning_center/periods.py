"""The period a monitoring view looks at, and the form that picks it (and the CoP).

A period is whole days in the site's time zone, first and last day
included: "30 hari" ends today and began 29 days earlier; "12 bulan" is the
current month and the eleven before it, so that monthly figures compare.
Every query works with ``starts_at`` / ``ends_at``, the local midnights
around it, so an event at 23:30 on the last day of a month belongs to that
month whatever the server's UTC offset.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import Q, TextChoices
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# A custom period may not be longer than this: the views stay fast.
LONGEST_PERIOD_DAYS = 3 * 366


class PeriodChoice(TextChoices):
    DAYS_30 = "30", _("30 days")
    DAYS_90 = "90", _("90 days")
    MONTHS_12 = "12m", _("12 months")
    CUSTOM = "custom", _("Custom")


@dataclass(frozen=True)
class Period:
    first_day: datetime.date
    last_day: datetime.date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def starts_at(self) -> datetime.datetime:
        return _local_midnight(self.first_day)

    @property
    def ends_at(self) -> datetime.datetime:
        """The first moment after the period."""
        return _local_midnight(self.last_day + datetime.timedelta(days=1))

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        last_day = self.first_day - datetime.timedelta(days=1)
        return Period(last_day - datetime.timedelta(days=self.days - 1), last_day)

    def label(self) -> str:
        return f"{date_format(self.first_day)} – {date_format(self.last_day)}"


def within(period: Period, lookup: str) -> Q:
    """The rows whose moment at ``lookup`` falls in the period (between its local midnights)."""
    return Q(**{f"{lookup}__gte": period.starts_at, f"{lookup}__lt": period.ends_at})


# Up to this many days, trends are drawn by week; longer periods by calendar month.
WEEKLY_UP_TO_DAYS = 92


def trend_buckets(period: Period) -> list[Period]:
    """The consecutive parts a trend splits ``period`` into: 7-day weeks from its first day for
    short periods, calendar months (the first and last cut to the period) for long ones."""
    buckets = []
    first_day = period.first_day
    while first_day <= period.last_day:
        if period.days <= WEEKLY_UP_TO_DAYS:
            last_day = first_day + datetime.timedelta(days=6)
        else:
            last_day = months_back(first_day, -1) - datetime.timedelta(days=1)
        buckets.append(Period(first_day, min(last_day, period.last_day)))
        first_day = buckets[-1].last_day + datetime.timedelta(days=1)
    return buckets


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def months_back(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def preset_period(choice: str, today: datetime.date) -> Period:
    if choice == PeriodChoice.MONTHS_12:
        return Period(months_back(today, 11), today)
    return Period(today - datetime.timedelta(days=int(choice) - 1), today)


class MonitoringFilterForm(forms.Form):
    """Period and CoP, from the query string; invalid input is reported at its field."""

    periode = forms.ChoiceField(label=_("Period"), choices=PeriodChoice.choices, required=False)
    dari = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    sampai = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    cop = forms.ModelChoiceField(label=_("CoP"), queryset=None, required=False, empty_label=_("All CoPs"))

    def __init__(self, data, communities, today: datetime.date):
        super().__init__(data)
        self.today = today
        self.fields["cop"].queryset = communities

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("periode") or PeriodChoice.DAYS_30
        cleaned["periode"] = choice
        if choice != PeriodChoice.CUSTOM:
            return cleaned
        first_day, last_day = cleaned.get("dari"), cleaned.get("sampai")
        if not first_day and "dari" not in self.errors:
            self.add_error("dari", _("Give the first day of the period."))
        if not last_day and "sampai" not in self.errors:
            self.add_error("sampai", _("Give the last day of the period."))
        if first_day and last_day:
            if first_day > last_day:
                self.add_error("sampai", _("The last day cannot come before the first day."))
            elif (last_day - first_day).days + 1 > LONGEST_PERIOD_DAYS:
                self.add_error("sampai", _("A period can be at most three years long."))
            elif first_day > self.today:
                self.add_error("dari", _("The period cannot start in the future."))
        return cleaned

    def period(self) -> Period:
        """The chosen period; the last 30 days when the form is invalid."""
        if not self.is_valid():
            return preset_period(PeriodChoice.DAYS_30, self.today)
        choice = self.cleaned_data["periode"]
        if choice == PeriodChoice.CUSTOM:
            return Period(self.cleaned_data["dari"], min(self.cleaned_data["sampai"], self.today))
        return preset_period(choice, self.today)

    def community(self):
        return self.cleaned_data.get("cop") if self.is_valid() else None
