"""Topic activity, cross-CoP and rising topics on fixture data built to have known answers.

"Now" is 27 November 2026, 12:00 in Jakarta; the twelve-month period runs
from December 2025 (bucket 0) to November 2026 (bucket 11). Comments sit on
both sides of the end of October in Jakarta: 23:30 on 31 October, and 00:10
on 1 November, which is still 31 October in UTC but counts for November.
Tags come in mixed case ("Katalog", "katalog", "KATALOG": one topic).
"""

import datetime
import math
import re
import zoneinfo
from collections import Counter

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page

from cop_pages.models import Comment, CommentState, CommunityPage
from learning_center.comment_topics import comment_topic_counts
from learning_center.periods import Period, PeriodChoice, preset_period, trend_buckets
from learning_center.topic_trends import (
    RisingTopic,
    add_topic_pages,
    community_trends,
    in_bucket,
    rising_topics,
    shared_topics,
    topic_activity,
    topic_totals,
)
from learning_center.trend_charts import PALETTE, comparison_chart, integer_ticks, topic_trend_chart
from tests.factories import CommunityPageFactory, MeetingPageFactory, PracticePageFactory, UserFactory
from tests.search.indexed import index_everything

pytestmark = pytest.mark.django_db
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=JAKARTA)
TWELVE_MONTHS = preset_period(PeriodChoice.MONTHS_12, NOW.date())
BUCKETS = trend_buckets(TWELVE_MONTHS)
OCTOBER, NOVEMBER = 10, 11
NOVEMBER_SO_FAR = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 27))
LONG_AGO = Period(datetime.date(2020, 1, 1), datetime.date(2020, 1, 31))


def jakarta(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def at_noon_on_27_november():
    with time_machine.travel(NOW, tick=False):
        yield


def tagged(page, day: datetime.date, *tags: str):
    """Tags saved with the page; published on its own date, so that recency orders the lists."""
    page.tags.add(*tags)
    page.save()
    Page.objects.filter(pk=page.pk).update(last_published_at=jakarta(day.year, day.month, day.day, 9, 0))
    return page


def practice(community, day: datetime.date, title: str, *tags: str, **fields):
    return tagged(PracticePageFactory(parent=community, documented_on=day, title=title, **fields), day, *tags)


def meeting(community, day: datetime.date, title: str, *tags: str):
    return tagged(MeetingPageFactory(parent=community, meeting_date=day, title=title), day, *tags)


def comment(page, posted: datetime.datetime, state=CommentState.VISIBLE) -> Comment:
    community = CommunityPage.objects.get(pk=page.get_parent().pk)
    return Comment.objects.create(
        community=community, page=page, author=UserFactory(), body="Menarik.", state=state, created_at=posted
    )


class Fixture:
    """CoP A and CoP B share "katalog"; CoP C has nothing."""

    def __init__(self):
        self.a = CommunityPageFactory(title="CoP Layanan Sirkulasi")
        self.b = CommunityPageFactory(title="CoP Pengadaan Koleksi")
        self.c = CommunityPageFactory(title="CoP Sepi")
        # A: practices on 31 October and 1 November, meeting notes on 10 November.
        self.a_october = practice(
            self.a, datetime.date(2026, 10, 31), "Katalog bersama", "Katalog", "Layanan"
        )
        self.a_november = practice(self.a, datetime.date(2026, 11, 1), "Katalog digital", "katalog")
        self.a_meeting = meeting(self.a, datetime.date(2026, 11, 10), "Rapat katalog", "Rapat", "katalog")
        comment(self.a_october, jakarta(2026, 10, 31, 23, 30))
        comment(self.a_october, jakarta(2026, 11, 1, 0, 10))
        comment(self.a_october, jakarta(2026, 11, 2, 9, 0), state=CommentState.HIDDEN)
        comment(self.a_october, jakarta(2026, 11, 3, 9, 0), state=CommentState.WAITING)
        comment(self.a_meeting, jakarta(2026, 11, 15, 9, 0))
        # B: one practice in November; a draft with a comment counts nowhere.
        self.b_november = practice(
            self.b, datetime.date(2026, 11, 5), "Pengadaan katalog", "KATALOG", "Pengadaan"
        )
        comment(self.b_november, jakarta(2026, 11, 20, 9, 0))
        draft = practice(self.b, datetime.date(2026, 11, 6), "Konsep", "katalog", live=False)
        comment(draft, jakarta(2026, 11, 21, 9, 0))


@pytest.fixture
def cops(home, django_capture_on_commit_callbacks):
    # As after the fixture's transaction commits: the comment-topic roll-up is written then.
    with django_capture_on_commit_callbacks(execute=True):
        return Fixture()


def default_locale_cops():
    return CommunityPage.objects.filter(locale=Locale.get_default())


def figures(rows) -> dict:
    """(topic, CoP title) -> (practices, meetings, comments) per bucket, for the buckets with any."""
    return {
        (row.topic, row.community.title): {
            index: (row.practices[index], row.meetings[index], row.comments[index])
            for index, total in enumerate(row.per_bucket)
            if total
        }
        for row in rows
    }


def test_comments_count_per_topic_cop_and_bucket_in_jakarta(cops):
    counts = comment_topic_counts([cops.a.pk, cops.b.pk, cops.c.pk], BUCKETS)

    assert counts == Counter(
        {
            ("katalog", cops.a.pk, OCTOBER): 1,
            ("layanan", cops.a.pk, OCTOBER): 1,
            ("katalog", cops.a.pk, NOVEMBER): 2,
            ("layanan", cops.a.pk, NOVEMBER): 1,
            ("rapat", cops.a.pk, NOVEMBER): 1,
            ("katalog", cops.b.pk, NOVEMBER): 1,
            ("pengadaan", cops.b.pk, NOVEMBER): 1,
        }
    )


def test_comments_count_only_for_the_cops_asked_for(cops):
    assert set(comment_topic_counts([cops.b.pk], BUCKETS)) == {
        ("katalog", cops.b.pk, NOVEMBER),
        ("pengadaan", cops.b.pk, NOVEMBER),
    }


def test_activity_adds_practices_meetings_and_comments(cops, engine):
    """The same numbers whether the pages are counted by the database or by Elasticsearch."""
    if engine == "elasticsearch":
        index_everything(engine)

    rows = topic_activity(default_locale_cops(), BUCKETS)

    assert figures(rows) == {
        ("katalog", "CoP Layanan Sirkulasi"): {OCTOBER: (1, 0, 1), NOVEMBER: (1, 1, 2)},
        ("layanan", "CoP Layanan Sirkulasi"): {OCTOBER: (1, 0, 1), NOVEMBER: (0, 0, 1)},
        ("rapat", "CoP Layanan Sirkulasi"): {NOVEMBER: (0, 1, 1)},
        ("katalog", "CoP Pengadaan Koleksi"): {NOVEMBER: (1, 0, 1)},
        ("pengadaan", "CoP Pengadaan Koleksi"): {NOVEMBER: (1, 0, 1)},
    }
    # By CoP title, then most active, equal activity by name.
    assert [(row.community.title, row.topic, row.total) for row in rows] == [
        ("CoP Layanan Sirkulasi", "katalog", 6),
        ("CoP Layanan Sirkulasi", "layanan", 3),
        ("CoP Layanan Sirkulasi", "rapat", 2),
        ("CoP Pengadaan Koleksi", "katalog", 2),
        ("CoP Pengadaan Koleksi", "pengadaan", 2),
    ]


def test_each_cop_shows_its_most_active_topics_cops_without_any_included(cops):
    communities = list(default_locale_cops().order_by("title"))

    trends = community_trends(topic_activity(default_locale_cops(), BUCKETS), communities, limit=2)

    assert [
        (trend.community.title, [row.topic for row in trend.topics], trend.topic_count) for trend in trends
    ] == [
        ("CoP Layanan Sirkulasi", ["katalog", "layanan"], 3),
        ("CoP Pengadaan Koleksi", ["katalog", "pengadaan"], 2),
        ("CoP Sepi", [], 0),
    ]


def test_an_empty_period_has_no_topics(cops):
    rows = topic_activity(default_locale_cops(), trend_buckets(LONG_AGO))

    assert rows == []
    assert shared_topics(rows) == []
    assert topic_totals(rows, 0) == Counter()


def test_a_topic_in_two_cops_is_shared_with_its_pages_taken_in_turn(cops):
    shared = shared_topics(topic_activity(default_locale_cops(), [NOVEMBER_SO_FAR]))
    add_topic_pages(shared, NOVEMBER_SO_FAR, cap=3)

    assert len(shared) == 1
    katalog = shared[0]
    assert (katalog.topic, katalog.activity) == ("katalog", 6)
    assert [community.title for community in katalog.communities] == [
        "CoP Layanan Sirkulasi",
        "CoP Pengadaan Koleksi",
    ]
    # The November practices and meeting notes; the October practice is active in November
    # through its comment of 1 November, 00:10, but is not a page of the period.
    assert katalog.page_count == 3
    # A's most recently published, B's, then A's next.
    assert [(item.page.title, item.community.title) for item in katalog.pages] == [
        ("Rapat katalog", "CoP Layanan Sirkulasi"),
        ("Pengadaan katalog", "CoP Pengadaan Koleksi"),
        ("Katalog digital", "CoP Layanan Sirkulasi"),
    ]


def test_only_a_topics_first_cops_give_pages_but_every_page_of_the_period_counts(cops):
    zona = CommunityPageFactory(title="CoP Zona Baca")
    practice(zona, datetime.date(2026, 11, 7), "Katalog zona", "katalog")
    shared = shared_topics(topic_activity(default_locale_cops(), [NOVEMBER_SO_FAR]))

    add_topic_pages(shared, NOVEMBER_SO_FAR, cap=2)

    katalog = shared[0]
    assert [community.title for community in katalog.communities] == [
        "CoP Layanan Sirkulasi",
        "CoP Pengadaan Koleksi",
        "CoP Zona Baca",
    ]
    assert katalog.page_count == 4
    assert [(item.page.title, item.community.title) for item in katalog.pages] == [
        ("Rapat katalog", "CoP Layanan Sirkulasi"),
        ("Pengadaan katalog", "CoP Pengadaan Koleksi"),
    ]


def test_a_cop_active_in_a_topic_through_comments_only_gives_no_page(
    cops, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        older = practice(cops.c, datetime.date(2026, 9, 14), "Katalog lama", "katalog")
        comment(older, jakarta(2026, 11, 12, 9, 0))
    shared = shared_topics(topic_activity(default_locale_cops(), [NOVEMBER_SO_FAR]))

    add_topic_pages(shared, NOVEMBER_SO_FAR, cap=3)

    katalog = shared[0]
    assert [community.title for community in katalog.communities][-1] == "CoP Sepi"
    assert katalog.page_count == 3
    # C's turn passes: its only page on the topic is from September.
    assert [(item.page.title, item.community.title) for item in katalog.pages] == [
        ("Rapat katalog", "CoP Layanan Sirkulasi"),
        ("Pengadaan katalog", "CoP Pengadaan Koleksi"),
        ("Katalog digital", "CoP Layanan Sirkulasi"),
    ]


def test_a_topic_in_one_cop_only_is_not_shared(cops):
    october = Period(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))

    assert shared_topics(topic_activity(default_locale_cops(), [october])) == []


def test_shared_topics_are_ordered_by_cops_then_activity_then_name(cops):
    practice(cops.c, datetime.date(2026, 11, 7), "Katalog sepi", "katalog", "Rapat")
    practice(cops.b, datetime.date(2026, 11, 8), "Rapat pengadaan", "rapat")
    practice(cops.c, datetime.date(2026, 11, 9), "Layanan sepi", "layanan")

    shared = shared_topics(topic_activity(default_locale_cops(), [NOVEMBER_SO_FAR]))

    # katalog: 3 CoPs; then rapat (A 2 + B 1 + C 1 = 4, 3 CoPs) after katalog's 7;
    # layanan: 2 CoPs (A 1 comment + C 1 practice).
    assert [(topic.topic, len(topic.communities), topic.activity) for topic in shared] == [
        ("katalog", 3, 7),
        ("rapat", 3, 4),
        ("layanan", 2, 2),
    ]


def test_rising_topics_against_the_previous_period(cops):
    activity = topic_activity(default_locale_cops(), [NOVEMBER_SO_FAR.previous(), NOVEMBER_SO_FAR])
    now = topic_totals(activity, 1)
    # 5 to 31 October: A's October practice and its comment of 31 October.
    before = topic_totals(activity, 0)

    assert before == Counter({"katalog": 2, "layanan": 2})
    assert rising_topics(now, before, limit=10) == [
        RisingTopic("katalog", 2, 6),
        # Both new with +2: by name.
        RisingTopic("pengadaan", 0, 2),
        RisingTopic("rapat", 0, 2),
    ]


def test_one_bucket_of_two_periods_counted_together_is_that_period_counted_alone(cops):
    both = topic_activity(default_locale_cops(), [NOVEMBER_SO_FAR.previous(), NOVEMBER_SO_FAR])
    alone = topic_activity(default_locale_cops(), [NOVEMBER_SO_FAR])

    def key(row):
        return (row.community.pk, row.topic)

    assert sorted(in_bucket(both, 1), key=key) == sorted(alone, key=key)
    # October had activity, which the November rows leave out.
    assert topic_totals(both, 0) and all(row.total for row in in_bucket(both, 1))


def test_rising_topics_rank_absolute_then_relative_growth():
    now = Counter({"anggaran": 3, "buku": 7, "cerita": 2, "data": 5, "ejaan": 9})
    before = Counter({"anggaran": 1, "buku": 5, "data": 5, "ejaan": 1, "fiksi": 4})

    ranked = rising_topics(now, before, limit=3)

    # ejaan +8; then three at +2: cerita is new, anggaran +200 %, buku +40 %; data and fiksi did not grow.
    assert [row.topic for row in ranked] == ["ejaan", "cerita", "anggaran"]
    assert rising_topics(now, before, limit=10)[-1] == RisingTopic("buku", 5, 7)
    assert RisingTopic("cerita", 0, 2).growth == math.inf
    assert RisingTopic("anggaran", 1, 3).growth == pytest.approx(2.0)


def test_the_query_count_does_not_grow_with_the_content(cops):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            activity = topic_activity(default_locale_cops(), BUCKETS)
            add_topic_pages(shared_topics(activity), TWELVE_MONTHS, cap=5)
        return len(captured)

    before = queries()
    for number in range(4):
        cop = CommunityPageFactory(title=f"CoP tambahan {number}")
        page = practice(cop, datetime.date(2026, 11, 2), f"Praktik {number}", "katalog", f"Topik{number}")
        meeting(cop, datetime.date(2026, 11, 3), f"Rapat {number}", "Rapat")
        comment(page, jakarta(2026, 11, 4, 9, 0))

    assert queries() == before


# The charts


def contrast_with_white(colour: str) -> float:
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


CHARTS = {
    "trend": lambda: topic_trend_chart(
        "Tren topik", ["1 Nov", "8 Nov"], [("katalog", [1, 3]), ("rapat", [0, 2])]
    ),
    "comparison": lambda: comparison_chart(
        "Topik naik", ["katalog"], [("Sebelumnya", [2]), ("Sekarang", [6])]
    ),
}


@pytest.mark.parametrize("chart", CHARTS)
def test_a_chart_is_a_named_image_with_no_script_and_no_outside_reference(chart):
    svg = CHARTS[chart]()

    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-label="' in svg and "<title>" in svg
    assert "<script" not in svg and "<!--" not in svg and "href" not in svg
    # The only address is the SVG namespace, which is never fetched.
    assert set(re.findall(r"https?://[^\s\"'<>]+", svg)) <= {"http://www.w3.org/2000/svg"}
    # No fixed size: it scales to its container.
    assert "viewBox=" in svg and " width=" not in svg.split(">")[0]


def test_chart_text_is_escaped_and_named():
    svg = topic_trend_chart("Tren topik CoP A", ["1 Nov"], [("<b>katalog</b>", [1])])

    assert "<b>" not in svg and "&lt;b&gt;katalog" in svg
    assert "<title>Tren topik CoP A</title>" in svg and 'aria-label="Tren topik CoP A"' in svg


def test_the_palette_contrasts_with_the_white_background():
    assert all(contrast_with_white(colour) >= 4.5 for colour in PALETTE)


def test_ticks_are_whole_numbers_covering_the_highest_value():
    assert integer_ticks(0) == [0, 1]
    assert integer_ticks(3) == [0, 1, 2, 3]
    assert integer_ticks(12) == [0, 3, 6, 9, 12]
    assert integer_ticks(11)[-1] >= 11
