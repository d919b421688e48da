"""Topic trends and cross-CoP topics through HTTP: who may see them, what each sees, charts, downloads.

"Now" is 27 November 2026, 12:00 in Jakarta. CoP A and CoP B work on
"katalog" in November; a private CoP does too, and has a topic of its own.
"""

import csv
import datetime
import io
import re
import zoneinfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page

from cop_pages.models import Comment, CommentState, MembershipRole
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=JAKARTA)
TRENDS_URL = reverse("learning_center_monitoring:topic_trends")
CROSS_URL = reverse("learning_center_monitoring:cross_community_topics")
DOWNLOADS = [
    f"{url}?export={spreadsheet}&tabel={table}"
    for url, table in ((TRENDS_URL, "topik"), (CROSS_URL, "lintas"), (CROSS_URL, "naik"))
    for spreadsheet in ("csv", "xlsx")
]
EVERY_URL = [TRENDS_URL, CROSS_URL, *DOWNLOADS]


@pytest.fixture(autouse=True)
def at_noon_on_27_november():
    with time_machine.travel(NOW, tick=False):
        yield


def practice(community, day: datetime.date, title: str, *tags: str):
    page = PracticePageFactory(parent=community, documented_on=day, title=title)
    page.tags.add(*tags)
    page.save()
    return page


def meeting(community, day: datetime.date, title: str, *tags: str):
    page = MeetingPageFactory(parent=community, meeting_date=day, title=title)
    page.tags.add(*tags)
    page.save()
    return page


def comment(community, page, day: datetime.date) -> None:
    Comment.objects.create(
        community=community,
        page=page,
        author=UserFactory(),
        body="Bagus.",
        state=CommentState.VISIBLE,
        created_at=datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=JAKARTA),
    )


class Roles:
    def __init__(self, team, administrator):
        self.cop_a = CommunityPageFactory(title="CoP Layanan Sirkulasi")
        self.cop_b = CommunityPageFactory(title="CoP Pengadaan Koleksi")
        self.private = CommunityPageFactory(title="CoP Rahasia", private=True)
        self.moderator = UserFactory(username="moderator.ab")
        for community in (self.cop_a, self.cop_b):
            MembershipFactory(community=community, role=MembershipRole.FACILITATOR, user=self.moderator)
        self.contributor = MembershipFactory(
            community=self.cop_a, user=UserFactory(username="kontributor")
        ).user
        self.team = team
        self.administrator = administrator
        # A: katalog 2 practices + 1 comment, rapat 1 meeting; B: katalog 1 practice;
        # the private CoP: katalog and a topic only it has.
        self.katalog_a = practice(self.cop_a, datetime.date(2026, 11, 2), "Katalog digital", "Katalog")
        practice(self.cop_a, datetime.date(2026, 11, 20), "Katalog induk", "katalog")
        comment(self.cop_a, self.katalog_a, datetime.date(2026, 11, 3))
        meeting(self.cop_a, datetime.date(2026, 11, 10), "Rapat November", "Rapat")
        practice(self.cop_b, datetime.date(2026, 11, 5), "Pengadaan katalog", "KATALOG")
        practice(self.private, datetime.date(2026, 11, 6), "Katalog rahasia", "katalog", "Rahasia")


@pytest.fixture
def roles(learning_center_member, administrator, django_capture_on_commit_callbacks):
    # As after the fixture's transaction commits: the comment-topic roll-up is written then.
    with django_capture_on_commit_callbacks(execute=True):
        return Roles(learning_center_member, administrator)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "utf-8-sig"
    )
    return list(csv.reader(io.StringIO(text)))


def attribute_values(html: str, name: str) -> list[str]:
    return re.findall(rf'{name}="([^"]*)"', html)


def table_rows(html: str, table: str) -> list[list[str]]:
    """The text of each body row's cells of the table marked ``table`` (first one on the page)."""
    body = html.split(f'<table class="listing" {table}>')[1].split("</tbody>")[0].split("<tbody>")[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


@pytest.mark.parametrize("url", EVERY_URL)
def test_staff_without_the_role_are_refused(client, roles, staff, url):
    for person in (roles.contributor, staff):
        client.force_login(person)
        assert client.get(url).status_code == 403, person


@pytest.mark.parametrize("url", EVERY_URL)
def test_anonymous_visitors_are_sent_to_log_in(client, roles, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_the_team_sees_each_cops_chart_and_its_numbers(client, roles):
    client.force_login(roles.team)

    response = client.get(TRENDS_URL)
    html = response.content.decode()

    assert response.status_code == 200
    sections = html.split("data-topic-trend ")[1:]
    assert [attribute_values(section, "data-community")[0] for section in sections] == [
        str(roles.cop_a.pk),
        str(roles.cop_b.pk),
        str(roles.private.pk),
    ]
    # 30 days by default: five weekly buckets from 29 October.
    assert table_rows(sections[0], "data-topic-table") == [
        ["katalog", "2", "0", "0", "1", "0", "3", "2", "0", "1"],
        ["rapat", "0", "1", "0", "0", "0", "1", "0", "1", "0"],
    ]
    assert sections[0].count('role="img"') == 1
    assert "<script" not in html.split("data-monitoring-filter")[1]


def test_a_moderator_sees_only_their_cops(client, roles):
    client.force_login(roles.moderator)

    trends = client.get(TRENDS_URL).content.decode()
    download = csv_rows(client.get(TRENDS_URL, {"export": "csv", "tabel": "topik"}))
    cross = client.get(CROSS_URL).content.decode()
    shared = csv_rows(client.get(CROSS_URL, {"export": "csv", "tabel": "lintas"}))

    assert set(attribute_values(trends, "data-community")) == {str(roles.cop_a.pk), str(roles.cop_b.pk)}
    assert "CoP Rahasia" not in trends
    assert {row[1] for row in download[1:]} == {"CoP Layanan Sirkulasi", "CoP Pengadaan Koleksi"}
    assert "rahasia" not in {row[0] for row in download[1:]}
    assert "CoP Rahasia" not in cross and "Katalog rahasia" not in cross
    # katalog: A's two practices and a comment, B's practice; three pages.
    assert shared[1:] == [
        ["katalog", "2", "CoP Layanan Sirkulasi; CoP Pengadaan Koleksi", "4", "3", shared[1][5]],
    ]
    # The private CoP asked for by id is not a choice.
    crafted = client.get(TRENDS_URL, {"cop": roles.private.pk})
    assert crafted.status_code == 200
    assert "CoP Rahasia" not in crafted.content.decode()


def test_the_team_sees_the_private_cop_among_those_sharing_a_topic(client, roles):
    client.force_login(roles.team)

    html = client.get(CROSS_URL).content.decode()

    assert table_rows(html, "data-shared-topics-table")[0][0] == "katalog"
    assert 'data-community-count="3"' in html
    assert "Katalog rahasia" in html


def test_the_cop_filter_narrows_the_trends_and_keeps_the_shared_topics_of_that_cop(client, roles):
    client.force_login(roles.team)

    trends = client.get(TRENDS_URL, {"cop": roles.cop_b.pk}).content.decode()
    cross = client.get(CROSS_URL, {"cop": roles.cop_b.pk}).content.decode()

    assert attribute_values(trends, "data-community") == [str(roles.cop_b.pk)]
    # katalog: B shares it with A and the private CoP; rapat is A's alone.
    assert [row[0] for row in table_rows(cross, "data-shared-topics-table")] == ["katalog"]
    # Rising topics are B's: katalog is new (nothing in the 30 days before).
    assert [row[:4] for row in table_rows(cross, "data-rising-topics-table")] == [["katalog", "0", "1", "+1"]]
    assert "data-new-topic" in cross.split("data-rising-topics-table")[1]


def test_shared_topics_list_pages_with_links_to_the_live_pages(client, roles):
    client.force_login(roles.team)

    html = client.get(CROSS_URL).content.decode()

    assert f'href="{roles.katalog_a.url}"' in html
    assert "Katalog induk" in html and "Pengadaan katalog" in html


def test_rising_topics_are_drawn_and_listed(client, roles):
    client.force_login(roles.team)

    html = client.get(CROSS_URL).content.decode()
    rows = csv_rows(client.get(CROSS_URL, {"export": "csv", "tabel": "naik"}))

    rising = html.split("data-rising-topics>")[1]
    assert rising.count('role="img"') == 1
    # katalog: A 3 + B 1 + private 1; then two new at +1, by name.
    assert [row[:4] for row in rows[1:]] == [
        ["katalog", "0", "5", "+5"],
        ["rahasia", "0", "1", "+1"],
        ["rapat", "0", "1", "+1"],
    ]


def test_the_trends_download_has_every_topic_of_every_cop(client, roles):
    client.force_login(roles.team)

    response = client.get(TRENDS_URL, {"periode": "12m", "export": "csv", "tabel": "topik"})
    rows = csv_rows(response)

    assert response["Content-Disposition"].startswith('attachment; filename="tren-topik-20251201-20261127')
    # Topic, CoP, practices, meetings, comments, total, then the twelve months.
    assert len(rows[0]) == 6 + 12
    assert [row[:6] for row in rows[1:]] == [
        ["katalog", "CoP Layanan Sirkulasi", "2", "0", "1", "3"],
        ["rapat", "CoP Layanan Sirkulasi", "0", "1", "0", "1"],
        ["katalog", "CoP Pengadaan Koleksi", "1", "0", "0", "1"],
        ["katalog", "CoP Rahasia", "1", "0", "0", "1"],
        ["rahasia", "CoP Rahasia", "1", "0", "0", "1"],
    ]
    assert rows[1][6:] == ["0"] * 11 + ["3"]


def test_the_xlsx_has_the_same_rows_as_the_csv(client, roles):
    client.force_login(roles.team)

    for url, table in ((TRENDS_URL, "topik"), (CROSS_URL, "lintas"), (CROSS_URL, "naik")):
        response = client.get(url, {"export": "xlsx", "tabel": table})
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = [[("" if cell is None else str(cell)) for cell in row] for row in workbook.active.values]
        assert sheet == csv_rows(client.get(url, {"export": "csv", "tabel": table})), table


def test_an_empty_period_says_so(client, roles):
    client.force_login(roles.team)
    long_ago = {"periode": "custom", "dari": "2020-01-01", "sampai": "2020-01-31"}

    trends = client.get(TRENDS_URL, long_ago).content.decode()
    cross = client.get(CROSS_URL, long_ago).content.decode()

    assert "data-no-topics" in trends and "data-topic-trend " not in trends and "pygal-chart" not in trends
    assert "data-no-shared-topics" in cross and "data-no-rising-topics" in cross
    assert len(csv_rows(client.get(TRENDS_URL, {**long_ago, "export": "csv", "tabel": "topik"}))) == 1


def test_a_cop_without_tagged_activity_says_so_beside_the_others(client, roles):
    quiet = CommunityPageFactory(title="CoP Sepi")
    client.force_login(roles.team)

    html = client.get(TRENDS_URL).content.decode()
    quiet_section = html.split(f'data-community="{quiet.pk}"')[1].split("</section>")[0]

    assert "data-no-topics" in quiet_section and "pygal-chart" not in quiet_section


@pytest.mark.parametrize(
    "parameters",
    [
        {"periode": "forever"},
        {"periode": "custom", "dari": "kemarin"},
        {"periode": "custom", "dari": "2020-01-01", "sampai": "2026-01-01"},
        {"periode": "custom", "dari": "2030-01-01", "sampai": "2030-02-01"},
        {"cop": "abc"},
        {"cop": "99999999"},
        {"p": "abc"},
        {"p": "-1"},
        {"p": "99999"},
        {"p": "\x00"},
    ],
)
def test_bad_parameters_never_fail(client, roles, parameters):
    client.force_login(roles.team)

    for url, table in ((TRENDS_URL, "topik"), (CROSS_URL, "lintas"), (CROSS_URL, "naik")):
        assert client.get(url, parameters).status_code == 200
        assert client.get(url, {**parameters, "export": "csv", "tabel": table}).status_code == 200
    assert client.get(TRENDS_URL, {"export": "csv", "tabel": "tidak-ada"}).status_code == 404
    assert client.get(CROSS_URL, {"export": "pdf", "tabel": "naik"}).status_code < 500


def test_the_charts_are_paginated_ten_cops_a_page(client, roles):
    for number in range(9):
        CommunityPageFactory(title=f"CoP Tambahan {number}")
    client.force_login(roles.team)

    first = client.get(TRENDS_URL).content.decode()
    second = client.get(TRENDS_URL, {"p": "2"}).content.decode()

    assert first.count("data-topic-trend ") == 10
    assert second.count("data-topic-trend ") == 2
    assert "?p=2" in first


def test_shared_topics_are_paginated_ten_a_page_and_downloaded_whole(client, roles):
    """Eleven topics more shared by A and B: "katalog" and ten others, twelve in all."""
    for number in range(11):
        practice(roles.cop_a, datetime.date(2026, 11, 3), f"Praktik A {number}", f"Bersama{number:02}")
        practice(roles.cop_b, datetime.date(2026, 11, 4), f"Praktik B {number}", f"Bersama{number:02}")
    client.force_login(roles.team)

    first = client.get(CROSS_URL).content.decode()
    second = client.get(CROSS_URL, {"p": "2"}).content.decode()
    shared = csv_rows(client.get(CROSS_URL, {"export": "csv", "tabel": "lintas"}))

    first_rows = table_rows(first, "data-shared-topics-table")
    second_rows = table_rows(second, "data-shared-topics-table")
    assert len(first_rows) == 10 and len(second_rows) == 2
    assert "?p=2" in first
    assert "Topik 1–10 dari 12; unduhan memuat semua topik." in first
    # Every topic downloads, each with its pages listed, those of the second page too.
    assert [row[0] for row in shared[1:]] == [row[0] for row in first_rows + second_rows]
    assert all(row[5] for row in shared[1:])
    assert shared[-1][0] == "bersama10"
    assert shared[-1][5] == "Praktik A 10 (CoP Layanan Sirkulasi); Praktik B 10 (CoP Pengadaan Koleksi)"
    assert "Praktik A 10" in second and "Praktik A 10" not in first


def add_cops_with_content(count: int) -> None:
    for number in range(count):
        community = CommunityPageFactory(title=f"CoP Tambahan {number}")
        page = practice(
            community, datetime.date(2026, 11, 10), f"Katalog {number}", "katalog", f"Topik{number}"
        )
        meeting(community, datetime.date(2026, 11, 11), f"Rapat {number}", "Rapat")
        comment(community, page, datetime.date(2026, 11, 12))


@pytest.mark.parametrize("url", [TRENDS_URL, f"{TRENDS_URL}?periode=12m", CROSS_URL])
def test_each_view_renders_in_the_same_queries_for_two_or_six_cops(client, roles, url):
    Page.objects.filter(pk=roles.private.pk).delete()  # two CoPs with content
    client.force_login(roles.team)
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    with_two = queries()
    add_cops_with_content(4)

    assert queries() == with_two


@pytest.mark.parametrize(
    ("url", "table"), [(TRENDS_URL, "data-topic-table"), (CROSS_URL, "data-shared-topics-table")]
)
def test_an_unreachable_search_engine_is_said_and_the_database_counts(client, roles, settings, url, table):
    client.force_login(roles.team)
    counted_by_database = client.get(url).content.decode()
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # discard port: nothing answers

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "data-topic-counts-fallback" not in counted_by_database
    assert "data-topic-counts-fallback" in html
    assert "Mesin pencari sedang tidak dapat dihubungi" in html
    assert table_rows(html, table) == table_rows(counted_by_database, table) != []
