"""The learning-center team opens "Pemantauan", picks a period and a CoP, and downloads the CSV.

Nia (``timpusat``, the learning-center team) works in Wagtail's admin,
in Indonesian; screenshots of each view are saved under
test-artifacts/browser/, and each view is scanned with axe.
"""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from cop_pages.provisioning import LEARNING_CENTER_TEAM
from tests.factories import CommunityPageFactory, MembershipFactory, PracticePageFactory, UserFactory

from .review_steps import admin_text, log_in_to_admin, photograph_admin
from .steps import assert_accessible


@pytest.fixture
def team_member(site_url):
    user = UserFactory(username="timpusat", first_name="Nia", last_name="Kurniasih")
    user.groups.add(Group.objects.get(name=LEARNING_CENTER_TEAM))
    return user


@pytest.fixture
def communities(site_url):
    busy = CommunityPageFactory(title="CoP Layanan Sirkulasi")
    quiet = CommunityPageFactory(title="CoP Pengadaan Koleksi")
    for _ in range(2):
        PracticePageFactory(parent=busy)
        MembershipFactory(community=busy)
    return busy, quiet


def cop_titles(page: Page):
    """The CoP titles of the table, in its order."""
    return page.locator("[data-community-health] tbody th[scope=row]")


def test_the_team_monitors_cop_health(page: Page, team_member, communities):
    busy, quiet = communities
    log_in_to_admin(page, team_member.username)

    page.get_by_role("button", name=admin_text("Monitoring")).click()
    page.get_by_role("link", name=admin_text("CoP health")).click()
    expect(page.get_by_role("heading", name=admin_text("CoP health"))).to_be_visible()
    expect(cop_titles(page)).to_have_count(2)
    photograph_admin(page, "monitoring-health")
    assert_accessible(page)

    page.get_by_role("link", name=admin_text("Members"), exact=True).click()
    expect(page).to_have_url(re.compile(r"urut=anggota"))
    expect(cop_titles(page)).to_have_text([quiet.title, busy.title])  # fewest members first
    page.get_by_role("link", name=admin_text("Members"), exact=True).click()
    expect(page).to_have_url(re.compile(r"urut=-anggota"))
    expect(cop_titles(page)).to_have_text([busy.title, quiet.title])

    page.get_by_label(admin_text("Period"), exact=True).select_option("90")
    page.get_by_label(admin_text("CoP"), exact=True).select_option(label=busy.title)
    page.get_by_role("button", name=admin_text("Show")).click()
    expect(page).to_have_url(re.compile(r"periode=90"))
    expect(page.locator("[data-community-health] tbody tr")).to_have_count(1)
    photograph_admin(page, "monitoring-health-one-cop")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=admin_text("Download CSV")).click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert download.suggested_filename.startswith("kesehatan-cop-")
    assert [row[0] for row in rows[1:]] == [busy.title]
    assert rows[1][1] == "2"  # members
