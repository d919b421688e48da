"""Topic counts on fixture data built to have known answers, on the database and on Elasticsearch.

"Now" is 31 March 2026, 12:00 in Jakarta; the period is the last twelve
months, so the buckets are calendar months from April 2025 (0) to March
2026 (11). Pages sit on both sides of month ends (28 February / 1 March,
31 January / 1 February) and one falls before the period.
"""

import datetime
import socket
import zoneinfo
from collections import Counter

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from cop_pages.models import CommunityPage
from learning_center.periods import Period, PeriodChoice, preset_period, trend_buckets
from learning_center.topic_counts import (
    database_page_topic_counts,
    elasticsearch_page_topic_counts,
    page_topic_counts,
)
from search.elasticsearch_client import elasticsearch_client, index_alias
from tests.factories import CommunityPageFactory, MeetingPageFactory, PracticePageFactory
from tests.search.indexed import index_everything

pytestmark = pytest.mark.django_db
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 3, 31, 12, 0, tzinfo=JAKARTA)
BUCKETS = trend_buckets(preset_period(PeriodChoice.MONTHS_12, NOW.date()))
JANUARY, FEBRUARY, MARCH = 9, 10, 11


@pytest.fixture(autouse=True)
def at_noon_on_the_last_of_march():
    with time_machine.travel(NOW, tick=False):
        yield


def tagged(page, *tags: str):
    page.tags.add(*tags)
    page.save()
    return page


def practice(community, day: datetime.date, *tags: str, **fields):
    return tagged(PracticePageFactory(parent=community, documented_on=day, **fields), *tags)


def meeting(community, day: datetime.date, *tags: str):
    return tagged(MeetingPageFactory(parent=community, meeting_date=day), *tags)


class Fixture:
    """CoP A (with an English translation) and CoP B tagged in January to March; CoP C silent."""

    def __init__(self):
        self.a = CommunityPageFactory(title="CoP Sirkulasi")
        self.b = CommunityPageFactory(title="CoP Pengadaan")
        self.c = CommunityPageFactory(title="CoP Katalog")
        # A: the last day of February and the first of March; one page carrying a tag
        # twice in different cases; a draft and a practice from before the period.
        practice(self.a, datetime.date(2026, 2, 28), "Sirkulasi", "sirkulasi", "Mandiri")
        practice(self.a, datetime.date(2026, 3, 1), "sirkulasi")
        practice(self.a, datetime.date(2026, 3, 10), "sirkulasi", live=False)
        practice(self.a, datetime.date(2025, 3, 31), "sirkulasi")
        meeting(self.a, datetime.date(2026, 3, 15), "Sirkulasi", "Rapat")
        # A's English subtree counts for A.
        english_a = self.a.copy_for_translation(Locale.objects.get(language_code="en"))
        english_a.save_revision().publish()
        practice(english_a, datetime.date(2026, 3, 20), "Circulation", "sirkulasi", locale=english_a.locale)
        # B: the last day of January and the first of February; a meeting with no tags;
        # letters SQLite's LOWER leaves alone, twice on one page.
        practice(self.b, datetime.date(2026, 1, 31), "Pengadaan")
        practice(self.b, datetime.date(2026, 2, 1), "pengadaan", "Sirkulasi")
        meeting(self.b, datetime.date(2026, 2, 1))
        meeting(self.b, datetime.date(2026, 2, 1), "Évaluasi", "évaluasi")


@pytest.fixture
def cops(home):
    return Fixture()


def default_locale_cops():
    return CommunityPage.objects.filter(locale=Locale.get_default())


def expected_counts(cops) -> Counter:
    a, b = cops.a.pk, cops.b.pk
    return Counter(
        {
            ("sirkulasi", a, FEBRUARY, "practice"): 1,
            ("mandiri", a, FEBRUARY, "practice"): 1,
            ("sirkulasi", a, MARCH, "practice"): 2,
            ("circulation", a, MARCH, "practice"): 1,
            ("sirkulasi", a, MARCH, "meeting"): 1,
            ("rapat", a, MARCH, "meeting"): 1,
            ("pengadaan", b, JANUARY, "practice"): 1,
            ("pengadaan", b, FEBRUARY, "practice"): 1,
            ("sirkulasi", b, FEBRUARY, "practice"): 1,
            ("évaluasi", b, FEBRUARY, "meeting"): 1,
        }
    )


def test_the_database_counts_live_pages_per_topic_cop_bucket_and_kind(cops):
    assert database_page_topic_counts(default_locale_cops(), BUCKETS) == expected_counts(cops)


def test_a_single_bucket_counts_only_its_days(cops):
    march = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))

    counts = database_page_topic_counts(default_locale_cops(), [march])

    assert counts == Counter(
        {
            (topic, cop, 0, kind): n
            for (topic, cop, bucket, kind), n in expected_counts(cops).items()
            if bucket == MARCH
        }
    )


def test_a_moderators_cops_count_alone(cops):
    counts = database_page_topic_counts(CommunityPage.objects.filter(pk__in=[cops.b.pk, cops.c.pk]), BUCKETS)

    assert counts == Counter({key: n for key, n in expected_counts(cops).items() if key[1] == cops.b.pk})


def test_nothing_to_count(cops):
    empty_period = Period(datetime.date(2025, 6, 1), datetime.date(2025, 6, 30))

    assert database_page_topic_counts(default_locale_cops(), []) == Counter()
    assert database_page_topic_counts(CommunityPage.objects.none(), BUCKETS) == Counter()
    assert database_page_topic_counts(CommunityPage.objects.filter(pk=cops.c.pk), BUCKETS) == Counter()
    assert database_page_topic_counts(default_locale_cops(), [empty_period]) == Counter()


def test_elasticsearch_counts_what_the_database_counts(cops, elasticsearch):
    index_everything("elasticsearch")
    moderated = CommunityPage.objects.filter(pk__in=[cops.b.pk, cops.c.pk])
    march = [Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))]
    # Two runs of months, searched side by side: January and February, then March.
    first_quarter = BUCKETS[JANUARY:]
    # Two runs of one month each, as the cross-CoP view's two periods: each key's own count is
    # its month's, with no sub-aggregation.
    february_and_march = BUCKETS[FEBRUARY : MARCH + 1]

    assert elasticsearch_page_topic_counts(default_locale_cops(), BUCKETS) == expected_counts(cops)
    for communities, buckets in [
        (moderated, BUCKETS),
        (default_locale_cops(), march),
        (default_locale_cops(), first_quarter),
        (default_locale_cops(), february_and_march),
    ]:
        assert elasticsearch_page_topic_counts(communities, buckets) == database_page_topic_counts(
            communities, buckets
        )
    assert elasticsearch_page_topic_counts(
        default_locale_cops(), february_and_march, page_size=2
    ) == database_page_topic_counts(default_locale_cops(), february_and_march)
    assert elasticsearch_page_topic_counts(default_locale_cops(), []) == Counter()
    assert elasticsearch_page_topic_counts(CommunityPage.objects.none(), BUCKETS) == Counter()
    assert elasticsearch_page_topic_counts(CommunityPage.objects.filter(pk=cops.c.pk), BUCKETS) == Counter()


def test_a_document_of_a_cop_not_asked_for_is_skipped(cops, elasticsearch):
    """With every CoP asked for, the searches filter on no CoP: a document the index still holds
    for a CoP page since deleted (its removal not yet through) counts nowhere."""
    index_everything("elasticsearch")
    elasticsearch_client().index(
        index=index_alias(),
        id="999999",
        document={
            "community_id": "999998",
            "kind": "practice",
            "tags": ["sirkulasi"],
            "published": "2026-03-02",
            "live": True,
        },
        refresh=True,
    )

    assert elasticsearch_page_topic_counts(default_locale_cops(), BUCKETS) == expected_counts(cops)


def test_elasticsearch_pages_through_buckets_with_many_topics(cops, elasticsearch):
    """Pages of two keys: the nine keys (CoP page, kind, topic; the English CoP's pages are keys
    of their own, added to CoP A), all in the second run of six months, take five searches,
    each counting its run's months; the first run takes one."""
    index_everything("elasticsearch")

    counts = elasticsearch_page_topic_counts(default_locale_cops(), BUCKETS, page_size=2)

    assert counts == expected_counts(cops)


def test_the_engine_search_runs_on_answers(cops, elasticsearch):
    index_everything("elasticsearch")
    # A page the index has not received yet: only the database would count it.
    practice(cops.c, datetime.date(2026, 3, 2), "belum-terindeks")

    assert page_topic_counts(default_locale_cops(), BUCKETS) == expected_counts(cops)


def test_the_database_answers_without_elasticsearch(cops, settings):
    settings.ELASTICSEARCH_URL = ""

    assert page_topic_counts(default_locale_cops(), BUCKETS) == expected_counts(cops)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_database_answers_when_the_cluster_is_unreachable(cops, elasticsearch, settings):
    index_everything("elasticsearch")
    # A page the index has not received yet: only the database counts it.
    practice(cops.c, datetime.date(2026, 3, 2), "belum-terindeks")
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"

    counts = page_topic_counts(default_locale_cops(), BUCKETS)

    assert counts == expected_counts(cops) + Counter({("belum-terindeks", cops.c.pk, MARCH, "practice"): 1})


def test_the_database_query_count_does_not_grow_with_the_content(cops):
    communities = default_locale_cops()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            database_page_topic_counts(communities, BUCKETS)
        return len(captured)

    assert queries() == 4
    for number in range(3):
        cop = CommunityPageFactory(title=f"CoP tambahan {number}")
        for day in range(1, 4):
            practice(cop, datetime.date(2026, 3, day), f"Topik {day}", "Rapat")
        meeting(cop, datetime.date(2026, 2, 2), f"Rapat {number}")

    assert queries() == 4
