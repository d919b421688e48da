"""The learning-center team looks for missing knowledge and asks for the practice that would fill it.

Nia (``timpusat``, the learning-center team) opens "Kesenjangan
pengetahuan" in the admin, in Indonesian: she switches the period and the
CoP, downloads the searches with no results as CSV, and follows the link
that writes the missing practice in the CoP whose members asked for it.
Screenshots of each view are saved under test-artifacts/browser/, and each
view is scanned with axe.
"""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from cop_pages.models import MembershipRole
from cop_pages.provisioning import LEARNING_CENTER_TEAM
from search.models import SearchClick, SearchLog
from tests.factories import CommunityPageFactory, MembershipFactory, UserFactory, learning_center_root

from .review_steps import admin_text, log_in_to_admin, photograph_admin
from .steps import assert_accessible


@pytest.fixture
def team_member(site_url):
    user = UserFactory(username="timpusat", first_name="Nia", last_name="Kurniasih")
    user.groups.add(Group.objects.get(name=LEARNING_CENTER_TEAM))
    return user


def searched(query: str, days_ago: int, *communities, results: int = 0, clicked: bool = False) -> None:
    log = SearchLog.objects.create(query=query, result_count=results, engine="database", language="id")
    log.searcher_communities.set(communities)
    SearchLog.objects.filter(pk=log.pk).update(searched_at=timezone.now() - datetime.timedelta(days=days_ago))
    if clicked:
        SearchClick.objects.create(search=log, page=learning_center_root(), rank=1)


@pytest.fixture
def communities(site_url):
    """Circulation's members look for shelf labels and find nothing; procurement's, for suppliers
    two months ago; lending questions are answered and opened."""
    circulation = CommunityPageFactory(title="CoP Layanan Sirkulasi")
    procurement = CommunityPageFactory(title="CoP Pengadaan Koleksi")
    MembershipFactory(community=circulation, role=MembershipRole.FACILITATOR)
    searched("label rak", 2, circulation)
    searched("label rak", 5, circulation)
    searched("label rak", 6)
    searched("pemasok buku", 60, procurement)
    searched("peminjaman mandiri", 3, circulation, results=3, clicked=True)
    searched("peminjaman mandiri", 4, procurement, results=3)
    return circulation, procurement


def hidden_suffix(visible: str, hidden: str) -> re.Pattern:
    """A link's name whose second part only screen readers get (Chromium puts a space before it)."""
    return re.compile(rf"^{re.escape(visible)}\s*: {re.escape(hidden)}$")


def gap_rows(page: Page):
    return page.locator('[data-query-table="kesenjangan"] tbody tr')


def test_the_team_finds_a_knowledge_gap_and_asks_for_the_practice(page: Page, team_member, communities):
    circulation, procurement = communities
    log_in_to_admin(page, team_member.username)

    page.get_by_role("button", name=admin_text("Monitoring")).click()
    page.get_by_role("link", name=admin_text("Knowledge gaps"), exact=True).click()
    expect(page.get_by_role("heading", name=admin_text("Knowledge gaps"), level=1)).to_be_visible()
    expect(gap_rows(page).get_by_role("rowheader")).to_have_text(["label rak"])
    expect(page.locator('[data-click-through-row="all"] [data-figure="clicked"]')).to_have_text("1")
    photograph_admin(page, "monitoring-knowledge-gaps")
    assert_accessible(page)

    page.get_by_label(admin_text("Period"), exact=True).select_option("90")
    page.get_by_role("button", name=admin_text("Show")).click()
    expect(page).to_have_url(re.compile(r"periode=90"))
    expect(gap_rows(page).get_by_role("rowheader")).to_have_text(["label rak", "pemasok buku"])
    page.get_by_label(admin_text("CoP"), exact=True).select_option(label=circulation.title)
    page.get_by_role("button", name=admin_text("Show")).click()
    expect(page).to_have_url(re.compile(rf"periode=90.*cop={circulation.pk}"))
    expect(gap_rows(page).get_by_role("rowheader")).to_have_text(["label rak"])
    expect(gap_rows(page).locator("[data-division]")).to_have_count(1)  # only circulation's members count
    photograph_admin(page, "monitoring-knowledge-gaps-one-cop")
    assert_accessible(page)

    gaps = page.locator('[data-query-table="kesenjangan"]')
    with page.expect_download() as download_info:
        gaps.get_by_role(
            "link", name=hidden_suffix(admin_text("Download CSV"), admin_text("Searches with no results"))
        ).click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert download.suggested_filename.startswith("kesenjangan-pengetahuan-")
    assert [row[:4] for row in rows[1:]] == [["label rak", "2", f"{circulation.title}: 2", circulation.title]]

    write_practice = admin_text("Write a practice in %(title)s", title=circulation.title)
    gaps.get_by_role("link", name=hidden_suffix(write_practice, "label rak")).click()
    expect(page).to_have_url(
        re.compile(
            re.escape(reverse("wagtailadmin_pages:add", args=("cop_pages", "practicepage", circulation.pk)))
        )
    )
    expect(page.locator("form#page-edit-form")).to_be_visible()
    photograph_admin(page, "monitoring-knowledge-gaps-new-practice")
