"""Periods and the parts a trend splits them into: whole local days, weeks or calendar months."""

import datetime

import pytest

from learning_center.periods import Period, PeriodChoice, preset_period, trend_buckets

D = datetime.date


def spans(buckets: list[Period]) -> list[tuple[str, str]]:
    return [(bucket.first_day.isoformat(), bucket.last_day.isoformat()) for bucket in buckets]


def test_twelve_months_are_the_current_month_and_the_eleven_before():
    period = preset_period(PeriodChoice.MONTHS_12, D(2026, 3, 15))

    assert (period.first_day, period.last_day) == (D(2025, 4, 1), D(2026, 3, 15))
    assert period.previous() == Period(D(2024, 4, 17), D(2025, 3, 31))  # the same 349 days


def test_a_short_period_is_split_into_weeks_from_its_first_day():
    buckets = trend_buckets(preset_period(PeriodChoice.DAYS_30, D(2026, 3, 1)))

    assert spans(buckets) == [
        ("2026-01-31", "2026-02-06"),
        ("2026-02-07", "2026-02-13"),
        ("2026-02-14", "2026-02-20"),
        ("2026-02-21", "2026-02-27"),
        ("2026-02-28", "2026-03-01"),
    ]


def test_a_long_period_is_split_into_calendar_months_cut_to_the_period():
    buckets = trend_buckets(Period(D(2025, 12, 20), D(2026, 4, 2)))

    assert spans(buckets) == [
        ("2025-12-20", "2025-12-31"),
        ("2026-01-01", "2026-01-31"),
        ("2026-02-01", "2026-02-28"),
        ("2026-03-01", "2026-03-31"),
        ("2026-04-01", "2026-04-02"),
    ]


@pytest.mark.parametrize("days", [1, 7, 92, 93, 400])
def test_buckets_cover_the_period_without_gaps_or_overlaps(days):
    period = Period(D(2026, 1, 1), D(2026, 1, 1) + datetime.timedelta(days=days - 1))
    buckets = trend_buckets(period)

    assert buckets[0].first_day == period.first_day
    assert buckets[-1].last_day == period.last_day
    for earlier, later in zip(buckets, buckets[1:], strict=False):
        assert later.first_day == earlier.last_day + datetime.timedelta(days=1)
    assert sum(bucket.days for bucket in buckets) == period.days
