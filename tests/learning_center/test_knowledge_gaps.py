"""Knowledge gaps ("Kesenjangan pengetahuan") through HTTP, on search logs built to have known answers.

"Now" is 15 June 2026 in Jakarta; the views look at May (a custom period),
whose previous period is 31 March - 30 April. Logs are written straight
onto the model with their moment: a search at 23:30 on 31 May in Jakarta
counts for May, one at 00:10 on 1 June in Jakarta (still 31 May in UTC)
does not.
"""

import csv
import datetime
import io
import zoneinfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import GroupPagePermission
from wagtail.users.models import UserProfile

from cop_pages.models import MembershipRole
from search.models import SearchClick, SearchLog
from tests.factories import (
    CommunityPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
    learning_center_root,
)

pytestmark = pytest.mark.django_db
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=JAKARTA)
MAY = {"periode": "custom", "dari": "2026-05-01", "sampai": "2026-05-31"}
GAPS_URL = reverse("learning_center_monitoring:knowledge_gaps")
TABLES = ("populer", "kesenjangan", "klik")
EVERY_URL = [GAPS_URL] + [
    f"{GAPS_URL}?export={spreadsheet}&tabel={table}" for table in TABLES for spreadsheet in ("csv", "xlsx")
]


def jakarta(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def in_june():
    with time_machine.travel(NOW, tick=False):
        yield


def searched(query: str, when: datetime.datetime, *communities, results=0, filtered=False, clicked=False):
    """A logged search by a member of ``communities``, at ``when``."""
    log = SearchLog.objects.create(
        query=query, result_count=results, engine="database", language="id", filtered=filtered
    )
    log.searcher_communities.set(communities)
    SearchLog.objects.filter(pk=log.pk).update(searched_at=when)
    if clicked:
        SearchClick.objects.create(search=log, page=learning_center_root(), rank=1)
    return log


def in_english(user):
    """The admin in English, so that the tests read the msgids."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


class World:
    """CoP A and B public, C private; searches in April, May and on 1 June."""

    def __init__(self, team, administrator):
        self.a = CommunityPageFactory(title="CoP Layanan Sirkulasi")
        self.b = CommunityPageFactory(title="CoP Pengadaan Koleksi")
        self.c = CommunityPageFactory(title="CoP Rahasia", private=True)
        self.moderator_a = in_english(
            MembershipFactory(
                community=self.a, role=MembershipRole.FACILITATOR, user=UserFactory(username="moderator.a")
            ).user
        )
        self.contributor = MembershipFactory(community=self.a, user=UserFactory(username="kontributor")).user
        self.team = in_english(team)
        self.administrator = in_english(administrator)
        a, b, c = self.a, self.b, self.c
        # Gaps. "rak buku": 3 searches (A 2, B 2), the last at 23:30 on 31 May.
        searched("rak buku", jakarta(2026, 5, 10, 9, 0), a, b)
        searched("rak buku", jakarta(2026, 5, 12, 9, 0), b)
        searched("rak buku", jakarta(2026, 5, 31, 23, 30), a)
        searched("rak buku", jakarta(2026, 6, 1, 0, 10), a)
        # "akuisisi": 3 searches as well (C 1, no CoP 2), last on 7 May: after "rak buku".
        searched("akuisisi", jakarta(2026, 5, 5, 9, 0), c)
        searched("akuisisi", jakarta(2026, 5, 6, 9, 0))
        searched("akuisisi", jakarta(2026, 5, 7, 9, 0))
        # Asked by no member of a CoP: "zonasi" matches B's tags, "kearsipan" nothing.
        searched("zonasi", jakarta(2026, 5, 8, 9, 0))
        searched("kearsipan", jakarta(2026, 5, 9, 9, 0))
        tagged_practice(b, "Zonasi")
        # Answered: "peminjaman" 4 times, 3 followed by a click; a refinement that found nothing.
        searched("peminjaman", jakarta(2026, 5, 3, 9, 0), a, results=4, clicked=True)
        searched("peminjaman", jakarta(2026, 5, 4, 9, 0), a, results=4)
        searched("peminjaman", jakarta(2026, 5, 4, 10, 0), b, results=4, clicked=True)
        searched("peminjaman", jakarta(2026, 5, 5, 10, 0), results=4, clicked=True)
        searched("peminjaman", jakarta(2026, 5, 6, 9, 0), a, filtered=True)
        # The previous period: A clicked after one of two searches.
        searched("peminjaman", jakarta(2026, 4, 20, 9, 0), a, results=2, clicked=True)
        searched("peminjaman", jakarta(2026, 4, 21, 9, 0), a, results=2)


def tagged_practice(community, tag: str) -> None:
    practice = PracticePageFactory(parent=community)
    practice.tags.add(tag)
    practice.save_revision().publish()


@pytest.fixture
def world(home, learning_center_member, administrator):
    return World(learning_center_member, administrator)


def downloaded(client, table: str, **parameters) -> list[list[str]]:
    response = client.get(GAPS_URL, {**MAY, **parameters, "export": "csv", "tabel": table})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def body(client, **parameters) -> str:
    response = client.get(GAPS_URL, {**MAY, **parameters})
    assert response.status_code == 200
    return response.content.decode()


# What the team sees ---------------------------------------------------------


def test_the_team_sees_the_most_frequent_searches_by_division(client, world):
    client.force_login(world.team)

    popular = downloaded(client, "populer")

    assert popular[0] == [
        "Query",
        "Searches",
        "Without results",
        "Followed by a click",
        "Searches per CoP",
        "Most likely CoP",
        "Last searched",
    ]
    assert popular[1:] == [
        [
            "peminjaman",
            "4",
            "0",
            "3",
            "CoP Layanan Sirkulasi: 2; CoP Pengadaan Koleksi: 1; No CoP: 1",
            "CoP Layanan Sirkulasi",
            "2026-05-05T10:00+07:00",
        ],
        [
            "rak buku",
            "3",
            "3",
            "0",
            "CoP Layanan Sirkulasi: 2; CoP Pengadaan Koleksi: 2",
            "CoP Layanan Sirkulasi",
            "2026-05-31T23:30+07:00",
        ],
        ["akuisisi", "3", "3", "0", "CoP Rahasia: 1; No CoP: 2", "CoP Rahasia", "2026-05-07T09:00+07:00"],
        ["kearsipan", "1", "1", "0", "No CoP: 1", "", "2026-05-09T09:00+07:00"],
        ["zonasi", "1", "1", "0", "No CoP: 1", "CoP Pengadaan Koleksi", "2026-05-08T09:00+07:00"],
    ]


def test_gaps_leave_out_answered_and_filtered_searches_and_ties_go_to_the_most_recent(client, world):
    client.force_login(world.team)

    gaps = downloaded(client, "kesenjangan")

    assert gaps[0] == ["Query", "Searches", "Searches per CoP", "Most likely CoP", "Last searched"]
    # "rak buku" and "akuisisi" tie at 3: the most recently searched comes first; so do the 1s.
    assert [row[:2] for row in gaps[1:]] == [
        ["rak buku", "3"],
        ["akuisisi", "3"],
        ["kearsipan", "1"],
        ["zonasi", "1"],
    ]


def test_a_search_at_2330_on_the_last_day_of_may_counts_for_may_not_june(client, world):
    client.force_login(world.team)

    june = downloaded(client, "kesenjangan", dari="2026-06-01", sampai="2026-06-30")
    may = downloaded(client, "kesenjangan")

    assert june[1:] == [
        ["rak buku", "1", "CoP Layanan Sirkulasi: 1", "CoP Layanan Sirkulasi", "2026-06-01T00:10+07:00"]
    ]
    assert may[1][4] == "2026-05-31T23:30+07:00"


def test_each_gap_links_to_adding_a_practice_in_its_likely_cop(client, world):
    client.force_login(world.team)

    html = body(client)

    def add_practice(cop) -> str:
        return reverse("wagtailadmin_pages:add", args=("cop_pages", "practicepage", cop.pk))

    # The CoP whose members asked most (a tie: the first by title), the asking CoP, then B by its tags.
    assert f'data-query="rak buku" data-likely-community="{world.a.pk}"' in html
    assert f'data-query="akuisisi" data-likely-community="{world.c.pk}"' in html
    assert f'data-query="zonasi" data-likely-community="{world.b.pk}"' in html
    assert 'data-query="kearsipan" data-likely-community=""' in html
    for cop in (world.a, world.b, world.c):
        assert f'href="{add_practice(cop)}" data-create-practice' in html
    choose = reverse("wagtailadmin_pages:choose_parent", args=("cop_pages", "practicepage"))
    assert f'href="{choose}" data-choose-community' in html
    # Wagtail's pages open for the team.
    assert client.get(add_practice(world.b)).status_code == 200
    assert client.get(choose).status_code == 200


def test_the_click_through_rate_per_cop_against_the_previous_period(client, world):
    client.force_login(world.team)

    rows = downloaded(client, "klik")
    html = body(client)

    assert rows == [
        [
            "Searchers' CoP",
            "Searches with results",
            "Followed by a click",
            "Click-through rate (%)",
            "Previous period (%)",
            "Change (percentage points)",
        ],
        ["CoP Layanan Sirkulasi", "2", "1", "50.0", "50.0", "0.0"],
        ["CoP Pengadaan Koleksi", "1", "1", "100.0", "", ""],
        ["CoP Rahasia", "0", "0", "", "", ""],
        ["No CoP", "1", "1", "100.0", "", ""],
        ["All searches", "4", "3", "75.0", "50.0", "25.0"],
    ]
    assert "Overall: 75.0% of the searches with results led to a click." in html
    assert "Previous period: 50.0%." in html
    assert html.count("no searches with results") == 4


def test_an_empty_period_shows_empty_tables(client, world):
    client.force_login(world.team)

    html = body(client, dari="2026-01-01", sampai="2026-01-31")

    assert html.count("data-empty") == 2
    assert "Overall: no searches with results." in html
    assert downloaded(client, "kesenjangan", dari="2026-01-01", sampai="2026-01-31")[1:] == []
    assert [row[1:] for row in downloaded(client, "klik", dari="2026-01-01", sampai="2026-01-31")[1:]] == [
        ["0", "0", "", "", ""]
    ] * 5


def test_choosing_a_cop_counts_only_its_members_searches(client, world):
    client.force_login(world.team)

    popular = downloaded(client, "populer", cop=world.b.pk)
    rows = downloaded(client, "klik", cop=world.b.pk)

    assert [row[:2] + row[4:6] for row in popular[1:]] == [
        ["rak buku", "2", "CoP Pengadaan Koleksi: 2", "CoP Pengadaan Koleksi"],
        ["peminjaman", "1", "CoP Pengadaan Koleksi: 1", "CoP Pengadaan Koleksi"],
    ]
    assert [row[0] for row in rows[1:]] == ["CoP Pengadaan Koleksi", "All searches"]


# What a moderator sees ------------------------------------------------------


def test_a_moderator_sees_only_their_cops_searchers(client, world):
    client.force_login(world.moderator_a)

    popular = downloaded(client, "populer")
    gaps = downloaded(client, "kesenjangan")
    rows = downloaded(client, "klik")
    html = body(client)

    # Searches by members of A only, counted for A only: "rak buku" on 10 May was by a member of A and B.
    assert [row[:6] for row in popular[1:]] == [
        ["rak buku", "2", "2", "0", "CoP Layanan Sirkulasi: 2", "CoP Layanan Sirkulasi"],
        ["peminjaman", "2", "0", "1", "CoP Layanan Sirkulasi: 2", "CoP Layanan Sirkulasi"],
    ]
    assert [row[0] for row in gaps[1:]] == ["rak buku"]
    assert rows[1:] == [
        ["CoP Layanan Sirkulasi", "2", "1", "50.0", "50.0", "0.0"],
        ["All searches", "2", "1", "50.0", "50.0", "0.0"],
    ]
    for hidden in ("CoP Rahasia", "CoP Pengadaan Koleksi", "akuisisi", "zonasi", "No CoP"):
        assert hidden not in html
    add_practice_in_a = reverse("wagtailadmin_pages:add", args=("cop_pages", "practicepage", world.a.pk))
    assert f'href="{add_practice_in_a}" data-create-practice' in html


def test_a_moderator_cannot_ask_for_a_private_cop_they_do_not_facilitate(client, world):
    client.force_login(world.moderator_a)

    html = body(client, cop=world.c.pk)

    assert "CoP Rahasia" not in html and "akuisisi" not in html
    assert "CoP Rahasia" not in str(downloaded(client, "klik", cop=world.c.pk))


def test_without_the_right_to_add_pages_the_cop_is_only_named(client, world):
    GroupPagePermission.objects.filter(group__user=world.moderator_a).delete()
    client.force_login(world.moderator_a)

    html = body(client)

    assert "data-create-practice" not in html and "data-choose-community" not in html
    assert "CoP Layanan Sirkulasi" in html


# Access and bad input -------------------------------------------------------


@pytest.mark.parametrize("url", EVERY_URL)
def test_staff_without_the_role_are_refused(client, world, staff, url):
    for person in (world.contributor, staff):
        client.force_login(person)
        assert client.get(url).status_code == 403, person


@pytest.mark.parametrize("url", EVERY_URL)
def test_anonymous_visitors_are_sent_to_log_in(client, world, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize(
    "parameters",
    [
        {"periode": "forever"},
        {"periode": "custom", "dari": "kemarin"},
        {"periode": "custom", "dari": "2026-07-01", "sampai": "2026-07-31"},
        {"periode": "custom", "dari": "2020-01-01", "sampai": "2026-01-01"},
        {"cop": "abc"},
        {"cop": "99999999"},
        {"cop": "\x00"},
        {"export": "pdf", "tabel": "klik"},
    ],
)
def test_bad_parameters_never_fail(client, world, parameters):
    client.force_login(world.team)

    assert client.get(GAPS_URL, parameters).status_code == 200
    for table in TABLES:
        assert client.get(GAPS_URL, {**parameters, "export": "csv", "tabel": table}).status_code == 200


def test_an_unknown_table_is_not_found(client, world):
    client.force_login(world.team)

    assert client.get(GAPS_URL, {"export": "csv", "tabel": "tidak-ada"}).status_code == 404


def test_the_xlsx_has_the_same_rows_as_the_csv(client, world):
    client.force_login(world.team)

    response = client.get(GAPS_URL, {**MAY, "export": "xlsx", "tabel": "kesenjangan"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet_rows = [[("" if cell is None else str(cell)) for cell in row] for row in workbook.active.values]

    assert response["Content-Disposition"].endswith('kesenjangan-pengetahuan-20260501-20260531.xlsx"')
    assert sheet_rows == downloaded(client, "kesenjangan")


def test_the_section_is_in_the_navigation_and_the_menu(client, world):
    client.force_login(world.moderator_a)

    assert GAPS_URL in client.get(reverse("learning_center_monitoring:community_health")).content.decode()
    assert GAPS_URL in client.get(reverse("wagtailadmin_home")).content.decode()


# Query count ----------------------------------------------------------------


def logs_and_cops(cops: list, moderator, logs: int) -> None:
    """``cops`` facilitated by ``moderator``; ``logs`` searches by their members, and by people in none."""
    for cop in cops:
        MembershipFactory(community=cop, role=MembershipRole.FACILITATOR, user=moderator)
        tagged_practice(cop, f"kueri {cop.pk % 9}")
    for number in range(logs):
        searched(
            f"kueri {number % 30}",
            jakarta(2026, 5, 1 + number % 31, 9, 0),
            *cops[number % len(cops) : number % len(cops) + number % 3],
            results=number % 2,
            clicked=number % 4 == 1,
        )


@pytest.mark.parametrize("who", ["team", "moderator"])
def test_the_page_takes_the_same_queries_with_more_logs_and_cops(client, home, learning_center_member, who):
    moderator = UserFactory(username="moderator")
    few = [CommunityPageFactory(title=f"CoP {number}") for number in range(2)]
    logs_and_cops(few, moderator, 5)
    client.force_login(learning_center_member if who == "team" else moderator)
    client.get(GAPS_URL, MAY)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(GAPS_URL, MAY).status_code == 200
        return len(captured)

    before = queries()
    more = [CommunityPageFactory(title=f"CoP tambahan {number}") for number in range(4)]
    logs_and_cops(more, moderator, 195)

    assert queries() == before
