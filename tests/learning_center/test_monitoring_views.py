"""The "Pemantauan" section through HTTP: who may see it, what a moderator sees, the form, sorting, CSV."""

import csv
import io

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cop_pages.models import MembershipRole
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
HEALTH_URL = reverse("learning_center_monitoring:community_health")
CSV_URL = HEALTH_URL + "?export=csv&tabel=kesehatan"
XLSX_URL = HEALTH_URL + "?export=xlsx&tabel=kesehatan"


class Roles:
    def __init__(self, team, administrator):
        self.cop_a = CommunityPageFactory(title="CoP Layanan Sirkulasi")
        self.cop_b = CommunityPageFactory(title="CoP Pengadaan Koleksi")
        self.private = CommunityPageFactory(title="CoP Rahasia", private=True)
        self.moderator_a = MembershipFactory(
            community=self.cop_a, role=MembershipRole.FACILITATOR, user=UserFactory(username="moderator.a")
        ).user
        self.contributor = MembershipFactory(
            community=self.cop_a, user=UserFactory(username="kontributor")
        ).user
        self.team = team
        self.administrator = administrator


@pytest.fixture
def roles(learning_center_member, administrator):
    return Roles(learning_center_member, administrator)


def rows_of(response) -> list[str]:
    return [
        line.split('data-community="')[1].split('"')[0]
        for line in response.content.decode().splitlines()
        if "data-community=" in line
    ]


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "utf-8-sig"
    )
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("url", [HEALTH_URL, CSV_URL, XLSX_URL])
def test_staff_without_the_role_are_refused(client, roles, staff, url):
    for person in (roles.contributor, staff):
        client.force_login(person)
        assert client.get(url).status_code == 403, person


@pytest.mark.parametrize("url", [HEALTH_URL, CSV_URL, XLSX_URL])
def test_anonymous_visitors_are_sent_to_log_in(client, roles, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("who", ["team", "administrator"])
def test_the_team_and_administrators_see_every_cop(client, roles, who):
    client.force_login(getattr(roles, who))

    response = client.get(HEALTH_URL)

    assert response.status_code == 200
    assert set(rows_of(response)) == {str(cop.pk) for cop in (roles.cop_a, roles.cop_b, roles.private)}


def test_a_moderator_sees_only_their_cops(client, roles):
    client.force_login(roles.moderator_a)

    page = client.get(HEALTH_URL)
    table = csv_rows(client.get(CSV_URL))

    assert rows_of(page) == [str(roles.cop_a.pk)]
    assert [row[0] for row in table[1:]] == ["CoP Layanan Sirkulasi"]
    # Another CoP asked for by id is not a choice.
    crafted = client.get(HEALTH_URL, {"cop": roles.private.pk})
    assert crafted.status_code == 200
    assert str(roles.private.pk) not in rows_of(crafted)
    assert "CoP Rahasia" not in crafted.content.decode()


def test_the_menu_shows_the_section_only_to_those_who_may_use_it(client, roles):
    client.force_login(roles.moderator_a)
    assert HEALTH_URL in client.get(reverse("wagtailadmin_home")).content.decode()

    client.force_login(roles.contributor)
    assert HEALTH_URL not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_cop_filter_narrows_the_table(client, roles):
    client.force_login(roles.team)

    response = client.get(HEALTH_URL, {"cop": roles.cop_b.pk})

    assert rows_of(response) == [str(roles.cop_b.pk)]


def test_an_invalid_custom_period_is_reported_and_the_input_kept(client, roles):
    client.force_login(roles.team)

    response = client.get(HEALTH_URL, {"periode": "custom", "dari": "2026-05-10", "sampai": "2026-05-01"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Hari terakhir tidak boleh sebelum hari pertama." in html
    assert 'value="2026-05-10"' in html and 'value="2026-05-01"' in html


@pytest.mark.parametrize(
    "parameters",
    [
        {"periode": "forever"},
        {"periode": "custom", "dari": "kemarin"},
        {"periode": "custom", "dari": "2020-01-01", "sampai": "2026-01-01"},
        {"cop": "abc"},
        {"cop": "99999999"},
        {"urut": "-nonsense"},
        {"urut": "\x00"},
    ],
)
def test_bad_parameters_never_fail(client, roles, parameters):
    client.force_login(roles.team)

    assert client.get(HEALTH_URL, parameters).status_code == 200
    assert client.get(HEALTH_URL, {**parameters, "export": "csv", "tabel": "kesehatan"}).status_code == 200


def test_sorting_by_a_column_both_ways(client, roles):
    for _ in range(3):
        PracticePageFactory(parent=roles.cop_b)
    MembershipFactory(community=roles.cop_b)
    client.force_login(roles.team)

    most_members_first = rows_of(client.get(HEALTH_URL, {"urut": "-anggota"}))
    fewest_first = rows_of(client.get(HEALTH_URL, {"urut": "anggota"}))

    assert most_members_first[0] == str(roles.cop_a.pk)  # a facilitator and a contributor
    assert fewest_first[-1] == str(roles.cop_a.pk)


def test_the_csv_has_every_row_with_its_headings(client, roles):
    client.force_login(roles.team)

    response = client.get(HEALTH_URL, {"periode": "90", "export": "csv", "tabel": "kesehatan"})
    table = csv_rows(response)

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert len(table[0]) == len(table[1]) == 14
    assert sorted(row[0] for row in table[1:]) == [
        "CoP Layanan Sirkulasi",
        "CoP Pengadaan Koleksi",
        "CoP Rahasia",
    ]


def test_the_page_renders_in_the_same_queries_with_more_content(client, roles):
    client.force_login(roles.team)
    client.get(HEALTH_URL)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HEALTH_URL).status_code == 200
        return len(captured)

    before = queries()
    for number in range(4):
        cop = CommunityPageFactory(title=f"CoP tambahan {number}")
        PracticePageFactory(parent=cop)
        MeetingPageFactory(parent=cop)
        MembershipFactory(community=cop)

    assert queries() == before


def test_the_xlsx_has_the_same_rows_as_the_csv(client, roles):
    client.force_login(roles.team)

    response = client.get(XLSX_URL)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet_rows = [[("" if cell is None else str(cell)) for cell in row] for row in workbook.active.values]

    assert response["Content-Disposition"].endswith('.xlsx"')
    assert sheet_rows == csv_rows(client.get(CSV_URL))


def test_an_unknown_table_is_not_found(client, roles):
    client.force_login(roles.team)

    assert client.get(HEALTH_URL, {"export": "csv", "tabel": "tidak-ada"}).status_code == 404
