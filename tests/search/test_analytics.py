"""Search analytics: what a search and a click leave behind, and the reports the dashboard reads.

The reports are computed on logs built to have known answers (period edges,
ties, filtered refinements, clicks) and must stay a fixed number of queries
whatever the number of logs.
"""

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Locale

from cop_pages.models import CommunityPage, MembershipRole
from search.analytics import (
    ClickThrough,
    click_through_rate,
    click_through_report,
    knowledge_gaps,
    log_click,
    log_search,
    popular_queries,
    purge_search_logs,
    query_phrases,
    searcher_communities,
    tagged_communities,
)
from search.analytics_tasks import purge_old_search_logs
from search.knowledge_search import SearchOutcome, SearchRequest, search_knowledge
from search.models import SearchClick, SearchLog
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
)

from .indexed import index_everything

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
MAY = datetime.datetime(2026, 5, 1, tzinfo=JAKARTA)
JUNE = datetime.datetime(2026, 6, 1, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def database_engine(settings):
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_LOG_KEEPS_USER = False
    cache.clear()


def answered(
    query: str, user, total: int = 0, filters=None, engine="database", language="id"
) -> SearchOutcome:
    """An outcome as search_knowledge returns it, with the numbers a test needs."""
    request = SearchRequest(query=query, user=user, filters=filters or {}, language=language)
    return SearchOutcome(request, [], total, 1 if total else 0, {}, engine)


def logged(
    query: str, when: datetime.datetime, results: int = 0, communities=(), filtered=False
) -> SearchLog:
    """A search at ``when`` by a member of ``communities`` (CoP pages)."""
    log = SearchLog.objects.create(
        query=query, result_count=results, engine="database", language="id", filtered=filtered
    )
    log.searcher_communities.set(communities)
    SearchLog.objects.filter(pk=log.pk).update(searched_at=when)
    return log


def day(number: int, hour: int = 9) -> datetime.datetime:
    return MAY.replace(day=number, hour=hour)


# Logging a search -----------------------------------------------------------


@pytest.fixture
def member(home):
    """A member of two CoPs."""
    user = UserFactory()
    for title in ("CoP Sirkulasi", "CoP Pengadaan"):
        MembershipFactory(user=user, community=CommunityPageFactory(title=title), role=MembershipRole.MEMBER)
    return user


def test_a_search_is_logged_normalised_with_the_searchers_cops_and_no_user(member):
    log = log_search(
        answered("  Peminjaman   BUKU\x00 ", member, total=3, engine="elasticsearch", language="en")
    )
    log.refresh_from_db()
    assert log.query == "peminjaman buku"
    assert (log.result_count, log.engine, log.language, log.filtered) == (3, "elasticsearch", "en", False)
    assert set(log.searcher_communities.all()) == {
        membership.community for membership in member.cop_memberships.all()
    }
    assert log.searcher_communities.count() == 2
    assert log.user is None
    assert log.searched_at is not None


def test_the_user_is_kept_only_when_the_organisation_allows_it(member, settings):
    settings.SEARCH_LOG_KEEPS_USER = True
    assert log_search(answered("rak", member)).user == member


def test_an_empty_query_is_not_logged(staff):
    assert log_search(answered("   ", staff)) is None
    assert log_search(answered("\x00\x01", staff)) is None
    assert log_search(answered("!!! 🙂 ?", staff)) is None
    assert not SearchLog.objects.exists()
    assert not Query.objects.exists()


def test_queries_are_cut_at_200_characters(staff):
    assert log_search(answered("K" * 300, staff)).query == "k" * 200
    assert len(log_search(answered("kata " * 100, staff)).query) <= 200


def test_searchers_in_no_cop_have_no_cops():
    assert searcher_communities(UserFactory()) == []


def test_each_unfiltered_search_is_a_hit_for_wagtails_popular_search_terms(staff):
    log_search(answered("Pengadaan buku", staff))
    log_search(answered("pengadaan  buku", staff))
    log_search(answered("pengadaan buku", staff, filters={"kind": ("practice",)}))
    assert Query.get("pengadaan buku").hits == 2
    assert SearchLog.objects.filter(filtered=True).count() == 1


def test_a_real_search_is_logged_with_its_count_and_engine(home, staff):
    community = CommunityPageFactory(title="CoP Katalog")
    PracticePageFactory(parent=community, title="Label punggung buku", summary="<p>Label dicetak.</p>")
    index_everything("database")
    log = log_search(search_knowledge(SearchRequest(query="label", user=staff)))
    assert (log.query, log.result_count, log.engine) == ("label", 1, "database")


def test_a_query_answered_by_a_promoted_page_is_not_a_gap(home, staff):
    community = CommunityPageFactory(title="CoP Katalog")
    practice = PracticePageFactory(parent=community, title="Label punggung", summary="<p>Label.</p>")
    index_everything("database")
    SearchPromotion.objects.create(query=Query.get("stiker"), page=practice, sort_order=0)
    outcome = search_knowledge(SearchRequest(query="stiker", user=staff))
    assert outcome.total == 0 and len(outcome.promotions) == 1
    assert log_search(outcome).result_count == 1
    assert knowledge_gaps(MAY, datetime.datetime.now(JAKARTA) + datetime.timedelta(days=1)) == []


# Logging a click ------------------------------------------------------------


@pytest.fixture
def page(home):
    return CommunityPageFactory(title="CoP Sirkulasi")


def test_a_click_is_logged_against_its_search(staff, page):
    log = log_search(answered("sirkulasi", staff, total=1))
    click = log_click(log.pk, page.pk, 1, staff)
    assert (click.search, click.page_id, click.rank) == (log, page.pk, 1)


@pytest.mark.parametrize(
    "change",
    [
        {"search_log_id": 10**6},
        {"page_id": 10**6},
        {"page_id": 2**70},
        {"rank": 0},
        {"rank": 40_000},
    ],
)
def test_clicks_that_do_not_fit_are_ignored(staff, page, change):
    log = log_search(answered("sirkulasi", staff, total=1))
    arguments = {"search_log_id": log.pk, "page_id": page.pk, "rank": 1, "user": staff} | change
    assert log_click(**arguments) is None
    assert not SearchClick.objects.exists()


def test_when_logs_keep_users_only_the_searcher_adds_clicks(staff, page, settings):
    settings.SEARCH_LOG_KEEPS_USER = True
    log = log_search(answered("sirkulasi", staff, total=1))
    assert log_click(log.pk, page.pk, 1, UserFactory()) is None
    assert log_click(log.pk, page.pk, 1, None) is None
    assert log_click(log.pk, page.pk, 2, staff) is not None
    assert SearchClick.objects.get().rank == 2


# Reports --------------------------------------------------------------------


class Cops:
    def __init__(self):
        self.one = CommunityPageFactory(title="CoP Sirkulasi")
        self.two = CommunityPageFactory(title="CoP Pengadaan")
        self.three = CommunityPageFactory(title="CoP Katalog")


@pytest.fixture
def cops(home):
    return Cops()


@pytest.fixture
def may_logs(cops):
    """May's searches: three gaps (one tied pair), answered queries, refinements, and edges."""
    one, two, three = cops.one, cops.two, cops.three
    logged("rak buku", day(2), communities=[one])
    logged("rak buku", day(3), communities=[one, two])
    logged("rak buku", day(20), communities=[two])
    logged("akuisisi", day(4), communities=[three])
    logged("akuisisi", day(6))
    logged("zonasi", day(6), communities=[three])
    logged("zonasi", day(5), communities=[one])
    logged("peminjaman", day(7), results=4, communities=[one])
    logged("peminjaman", day(8), results=4, communities=[one])
    logged("peminjaman", day(9), results=4, communities=[two])
    logged("peminjaman", day(9), results=4)
    # A refinement with facets that found nothing is not a gap, nor a new question.
    logged("peminjaman", day(10), results=0, communities=[one], filtered=True)
    # Period edges: since is inclusive, until exclusive.
    logged("akuisisi", MAY, communities=[two])
    logged("rak buku", JUNE)
    logged("rak buku", MAY - datetime.timedelta(seconds=1))
    return cops


def test_knowledge_gaps_are_the_most_asked_unanswered_queries(may_logs):
    one, two, three = may_logs.one.pk, may_logs.two.pk, may_logs.three.pk
    gaps = knowledge_gaps(MAY, JUNE)
    assert [(gap["query"], gap["searches"], gap["unaffiliated"]) for gap in gaps] == [
        ("rak buku", 3, 0),
        ("akuisisi", 3, 1),
        ("zonasi", 2, 0),
    ]
    # A tie goes to the most recently searched.
    assert gaps[0]["last_searched"] == day(20) and gaps[1]["last_searched"] == day(6)
    assert gaps[0]["communities"] == Counter({one: 2, two: 2})
    assert gaps[1]["communities"] == Counter({three: 1, two: 1})
    assert gaps[2]["communities"] == Counter({three: 1, one: 1})
    assert [gap["query"] for gap in knowledge_gaps(MAY, JUNE, limit=1)] == ["rak buku"]


def test_reports_limited_to_cops_count_only_their_members_searches(may_logs):
    one, two = may_logs.one, may_logs.two

    gaps_of_one = knowledge_gaps(MAY, JUNE, communities=[one.pk])
    gaps_of_both = knowledge_gaps(
        MAY, JUNE, communities=CommunityPage.objects.filter(pk__in=[one.pk, two.pk])
    )

    # "akuisisi" was asked by members of other CoPs and by people in none.
    assert [(gap["query"], gap["searches"], gap["communities"]) for gap in gaps_of_one] == [
        ("rak buku", 2, Counter({one.pk: 2})),
        ("zonasi", 1, Counter({one.pk: 1})),
    ]
    # A search by a member of both CoPs is one search, counted for each CoP.
    assert [(gap["query"], gap["searches"], gap["communities"]) for gap in gaps_of_both] == [
        ("rak buku", 3, Counter({one.pk: 2, two.pk: 2})),
        ("zonasi", 1, Counter({one.pk: 1})),
        ("akuisisi", 1, Counter({two.pk: 1})),
    ]
    assert {gap["unaffiliated"] for gap in gaps_of_one + gaps_of_both} == {0}
    assert [
        (row["query"], row["searches"], row["no_result_searches"])
        for row in popular_queries(MAY, JUNE, communities=[two.pk])
    ] == [("rak buku", 2, 2), ("peminjaman", 1, 0), ("akuisisi", 1, 1)]


def test_reports_of_an_empty_period_are_empty(may_logs):
    after = (JUNE + datetime.timedelta(seconds=1), JUNE + datetime.timedelta(days=30))
    assert knowledge_gaps(*after) == []
    assert popular_queries(*after) == []
    assert click_through_rate(*after) is None
    assert click_through_report(*after) == (ClickThrough(), ClickThrough(), {})
    assert click_through_report(*after).overall.rate is None


def test_popular_queries_count_unfiltered_searches_with_gaps_and_clicks(may_logs, home):
    page = CommunityPageFactory()
    answered_logs = list(SearchLog.objects.filter(query="peminjaman", filtered=False).order_by("searched_at"))
    log_click(answered_logs[0].pk, page.pk, 1, None)
    log_click(answered_logs[0].pk, page.pk, 2, None)
    log_click(answered_logs[2].pk, page.pk, 1, None)
    popular = popular_queries(MAY, JUNE, limit=2)
    assert [
        (row["query"], row["searches"], row["no_result_searches"], row["clicked_searches"]) for row in popular
    ] == [
        ("peminjaman", 4, 0, 2),
        ("rak buku", 3, 3, 0),
    ]
    assert popular[0]["communities"] == Counter({may_logs.one.pk: 2, may_logs.two.pk: 1})
    assert popular[0]["unaffiliated"] == 1
    assert popular[0]["last_searched"] == day(9)


def test_click_through_rate_is_the_share_of_searches_with_results_that_led_to_a_click(may_logs, home):
    page = CommunityPageFactory()
    assert click_through_rate(MAY, JUNE) == 0.0
    answered_logs = list(SearchLog.objects.filter(result_count__gt=0).order_by("searched_at"))
    assert len(answered_logs) == 4
    log_click(answered_logs[0].pk, page.pk, 1, None)
    log_click(answered_logs[0].pk, page.pk, 3, None)
    assert click_through_rate(MAY, JUNE) == 0.25
    log_click(answered_logs[3].pk, page.pk, 1, None)
    assert click_through_rate(MAY, JUNE) == 0.5


def test_the_click_through_report_splits_by_the_searchers_cops(may_logs, home):
    one, two, three = may_logs.one.pk, may_logs.two.pk, may_logs.three.pk
    page = CommunityPageFactory()
    by_one_and_three = logged("katalog", day(11), results=2, communities=[may_logs.one, may_logs.three])
    answered_by = {
        (log.searcher_communities.count(), log.searched_at): log
        for log in SearchLog.objects.filter(result_count__gt=0)
    }
    log_click(answered_by[(1, day(7))].pk, page.pk, 1, None)  # by a member of one
    log_click(answered_by[(0, day(9))].pk, page.pk, 1, None)  # by someone in no CoP
    log_click(by_one_and_three.pk, page.pk, 1, None)

    report = click_through_report(MAY, JUNE)
    limited = click_through_report(MAY, JUNE, communities=[two])

    assert report.overall == ClickThrough(searches=5, clicked=3)
    assert report.overall.rate == 0.6
    assert report.unaffiliated == ClickThrough(searches=1, clicked=1)
    assert report.by_community == {
        one: ClickThrough(searches=3, clicked=2),
        two: ClickThrough(searches=1, clicked=0),
        three: ClickThrough(searches=1, clicked=1),
    }
    assert limited == (ClickThrough(1, 0), ClickThrough(0, 0), {two: ClickThrough(1, 0)})
    assert limited.overall.rate == 0.0 and limited.unaffiliated.rate is None
    assert click_through_rate(MAY, JUNE, communities=[one]) == 2 / 3


def test_query_phrases_are_the_runs_of_up_to_three_words():
    assert query_phrases("Rak  buku-anak SD") == {
        "rak",
        "buku",
        "anak",
        "sd",
        "rak buku",
        "buku anak",
        "anak sd",
        "rak buku anak",
        "buku anak sd",
    }
    assert query_phrases("!!!") == set()


def tagged(page, *tags):
    page.tags.add(*tags)
    page.save_revision().publish()
    return page


def test_tagged_communities_count_the_live_pages_whose_tags_a_query_names(cops):
    tagged(PracticePageFactory(parent=cops.one), "Rak buku")
    tagged(PracticePageFactory(parent=cops.one), "rak", "buku")
    tagged(MeetingPageFactory(parent=cops.two), "rak")
    tagged(PracticePageFactory(parent=cops.two), "rak bukunya")  # names no phrase of the query
    draft = tagged(PracticePageFactory(parent=cops.three), "rak")
    draft.unpublish()
    everyone = [cops.one, cops.two, cops.three]

    assert tagged_communities(["rak buku", "zonasi"], everyone) == {
        "rak buku": Counter({cops.one.pk: 3, cops.two.pk: 1}),
        "zonasi": Counter(),
    }
    assert tagged_communities(["rak buku"], [cops.two]) == {"rak buku": Counter({cops.two.pk: 1})}
    assert tagged_communities(["!!!"], everyone) == {"!!!": Counter()}


def test_pages_of_a_cops_translation_count_for_the_cop(cops):
    english_cop = cops.one.copy_for_translation(Locale.objects.get(language_code="en"))
    english_cop.save_revision().publish()
    tagged(PracticePageFactory(parent=english_cop, locale=english_cop.locale), "shelving")

    assert tagged_communities(["shelving"], [cops.one]) == {"shelving": Counter({cops.one.pk: 1})}


@pytest.mark.parametrize(("size", "cop_count"), [(5, 2), (200, 6)])
def test_reports_take_a_fixed_number_of_queries_whatever_the_logs(
    size, cop_count, home, django_assert_num_queries
):
    communities = [CommunityPageFactory() for _ in range(cop_count)]
    page = communities[0]
    logs = [
        logged(
            f"kueri {index % 7}",
            day(1 + index % 28),
            results=index % 3,
            communities=communities[index % cop_count : index % cop_count + 2],
        )
        for index in range(size)
    ]
    SearchClick.objects.bulk_create([SearchClick(search=log, page=page, rank=1) for log in logs[::2]])
    for page_number, community in enumerate(communities):
        tagged(PracticePageFactory(parent=community), f"kueri {page_number}")
    for limited_to in (None, [community.pk for community in communities[1:]]):
        with django_assert_num_queries(2):
            assert knowledge_gaps(MAY, JUNE, limit=5, communities=limited_to)
        with django_assert_num_queries(2):
            assert popular_queries(MAY, JUNE, limit=5, communities=limited_to)
        with django_assert_num_queries(1):
            assert click_through_rate(MAY, JUNE, communities=limited_to) is not None
        with django_assert_num_queries(2):
            assert click_through_report(MAY, JUNE, communities=limited_to).by_community
    with django_assert_num_queries(1):
        assert tagged_communities([f"kueri {index}" for index in range(7)], communities)


# Retention ------------------------------------------------------------------


def test_purging_deletes_old_logs_with_their_clicks(home):
    page = CommunityPageFactory()
    old = logged("lama", day(1))
    recent = logged("baru", day(20))
    log_click(old.pk, page.pk, 1, None)
    log_click(recent.pk, page.pk, 1, None)
    assert purge_search_logs(day(10)) == 1
    assert list(SearchLog.objects.values_list("query", flat=True)) == ["baru"]
    assert list(SearchClick.objects.values_list("search__query", flat=True)) == ["baru"]


def test_the_purge_task_keeps_the_retention_period(settings):
    settings.SEARCH_LOG_RETENTION_DAYS = 30
    now = datetime.datetime.now(JAKARTA)
    logged("lama", now - datetime.timedelta(days=31))
    logged("baru", now - datetime.timedelta(days=29))
    assert purge_old_search_logs.call() == 1
    assert list(SearchLog.objects.values_list("query", flat=True)) == ["baru"]


def test_the_first_search_of_the_day_enqueues_the_purge(staff, settings, django_capture_on_commit_callbacks):
    settings.SEARCH_LOG_RETENTION_DAYS = 30
    logged("lama", datetime.datetime.now(JAKARTA) - datetime.timedelta(days=40))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        log_search(answered("hari ini", staff))
    assert len(callbacks) == 1
    assert list(SearchLog.objects.values_list("query", flat=True)) == ["hari ini"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        log_search(answered("lagi", staff))
    assert callbacks == []
