"""The learning-center team follows topics: trends per CoP, then the topics several CoPs share.

Nia (``timpusat``, the learning-center team) opens "Pemantauan" > topic
trends in Wagtail's admin, switches to twelve months and one CoP, reads the
chart and its table, downloads the CSV, and opens the cross-CoP topics.
Screenshots of each view are saved under test-artifacts/browser/, and
each view is scanned with axe.
"""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from cop_pages.provisioning import LEARNING_CENTER_TEAM
from tests.factories import CommunityPageFactory, MeetingPageFactory, PracticePageFactory, UserFactory

from .review_steps import admin_text, log_in_to_admin, photograph_admin
from .steps import assert_accessible


@pytest.fixture
def team_member(site_url):
    user = UserFactory(username="timpusat", first_name="Nia", last_name="Kurniasih")
    user.groups.add(Group.objects.get(name=LEARNING_CENTER_TEAM))
    return user


def tagged(page, *tags: str):
    page.tags.add(*tags)
    page.save()
    return page


@pytest.fixture
def communities(site_url):
    """Circulation and procurement both work on "katalog" this month; circulation also on "antrean"."""
    today = timezone.localdate()
    days_ago = [today - datetime.timedelta(days=days) for days in (2, 5, 9)]
    circulation = CommunityPageFactory(title="CoP Layanan Sirkulasi")
    procurement = CommunityPageFactory(title="CoP Pengadaan Koleksi")
    tagged(
        PracticePageFactory(parent=circulation, title="Katalog di meja sirkulasi", documented_on=days_ago[0]),
        "Katalog",
        "Antrean",
    )
    tagged(
        PracticePageFactory(parent=circulation, title="Antrean pagi", documented_on=days_ago[1]), "antrean"
    )
    tagged(MeetingPageFactory(parent=circulation, title="Rapat antrean", meeting_date=days_ago[2]), "Antrean")
    tagged(
        PracticePageFactory(parent=procurement, title="Katalog pemasok", documented_on=days_ago[1]), "katalog"
    )
    return circulation, procurement


def test_the_team_follows_topics_across_cops(page: Page, team_member, communities):
    circulation, _procurement = communities
    log_in_to_admin(page, team_member.username)

    page.get_by_role("button", name=admin_text("Monitoring")).click()
    page.get_by_role("link", name=admin_text("Topic trends")).click()
    expect(page.get_by_role("heading", name=admin_text("Topic trends"))).to_be_visible()
    expect(page.locator("[data-topic-trend]")).to_have_count(2)
    photograph_admin(page, "monitoring-topic-trends")
    assert_accessible(page)

    page.get_by_label(admin_text("Period"), exact=True).select_option("12m")
    page.get_by_label(admin_text("CoP"), exact=True).select_option(label=circulation.title)
    page.get_by_role("button", name=admin_text("Show")).click()
    expect(page).to_have_url(re.compile(r"periode=12m"))
    trend = page.locator("[data-topic-trend]")
    expect(trend).to_have_count(1)
    expect(trend.get_by_role("heading", name=circulation.title)).to_be_visible()
    chart = trend.get_by_role("img", name=re.compile(re.escape(circulation.title)))
    expect(chart).to_be_visible()
    table = trend.get_by_role("table", name=re.compile(re.escape(circulation.title)))
    # antrean: two practices and the meeting; katalog: one practice.
    expect(table.locator("tbody th[scope=row]")).to_have_text(["antrean", "katalog"])
    expect(table.locator("tbody tr").first.locator("[data-figure=total]")).to_have_text("3")
    chart.scroll_into_view_if_needed()
    photograph_admin(page, "monitoring-topic-trends-one-cop")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=admin_text("Download CSV")).click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert download.suggested_filename.startswith("tren-topik-")
    # Topic, CoP, practices, meetings, comments, total.
    assert [row[:6] for row in rows[1:]] == [
        ["antrean", circulation.title, "2", "1", "0", "3"],
        ["katalog", circulation.title, "1", "0", "0", "1"],
    ]

    page.get_by_role("navigation", name=admin_text("Monitoring")).get_by_role(
        "link", name=admin_text("Cross-CoP topics")
    ).click()
    expect(page.get_by_role("heading", name=admin_text("Cross-CoP topics"))).to_be_visible()
    shared = page.locator("[data-shared-topics-table] tbody tr")
    expect(shared).to_have_count(1)
    expect(shared.first.locator("th")).to_have_text("katalog")
    expect(shared.first.get_by_role("link", name="Katalog pemasok")).to_be_visible()
    expect(page.locator("[data-rising-topics]").get_by_role("img")).to_be_visible()
    photograph_admin(page, "monitoring-cross-cop-topics")
    assert_accessible(page)

    shared.first.get_by_role("link", name="Katalog pemasok").click()
    expect(page.get_by_role("heading", name="Katalog pemasok", level=1)).to_be_visible()
