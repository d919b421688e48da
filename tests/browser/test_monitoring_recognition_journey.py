"""The learning-center team thanks its contributors and features a practice on Pusat Belajar's home.

Nia (``timpusat``, the learning-center team) opens "Apresiasi" in the
admin, in Indonesian: she switches the period and the CoP, downloads the
contributors as CSV, marks the most helpful practice as a featured one, and
finds it on the site's home. Screenshots of each view are saved under
test-artifacts/browser/, and each view is scanned with axe.
"""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from cop_pages.models import MembershipRole, Reaction
from cop_pages.provisioning import LEARNING_CENTER_TEAM
from tests.factories import CommunityPageFactory, MembershipFactory, PracticePageFactory, UserFactory

from .content import publish_practice
from .review_steps import admin_message, admin_text, log_in_to_admin, photograph_admin
from .steps import assert_accessible, record_step


@pytest.fixture
def team_member(site_url):
    user = UserFactory(username="timpusat", first_name="Nia", last_name="Kurniasih")
    user.groups.add(Group.objects.get(name=LEARNING_CENTER_TEAM))
    return user


@pytest.fixture
def communities(site_url):
    """Circulation: Dewi wrote a practice that two colleagues found helpful; procurement is quiet."""
    circulation = CommunityPageFactory(title="CoP Layanan Sirkulasi")
    procurement = CommunityPageFactory(title="CoP Pengadaan Koleksi")
    dewi = UserFactory(username="fasilitator", first_name="Dewi", last_name="Lestari")
    budi = UserFactory(username="rekan", first_name="Budi", last_name="Santoso")
    MembershipFactory(community=circulation, user=dewi, role=MembershipRole.FACILITATOR)
    MembershipFactory(community=circulation, user=budi)
    practice = publish_practice(
        PracticePageFactory(parent=circulation, title="Swalayan peminjaman", owner=dewi),
        ["sirkulasi"],
        contributors=[budi],
    )
    for reader in (budi, UserFactory(username="pembaca", first_name="Putri", last_name="Wulandari")):
        Reaction.objects.create(user=reader, page=practice)
    return circulation, procurement, practice


def contributors_of(page: Page, community):
    return page.locator(f'[data-community="{community.pk}"] [data-person]')


def test_the_team_recognises_contributors_and_features_a_practice(page: Page, team_member, communities):
    circulation, procurement, practice = communities
    log_in_to_admin(page, team_member.username)

    page.get_by_role("button", name=admin_text("Monitoring")).click()
    page.get_by_role("link", name=admin_text("Recognition")).click()
    expect(page.get_by_role("heading", name=admin_text("Recognition"), level=1)).to_be_visible()
    # Dewi owns the practice, Budi is listed on it; Budi's own mark counts for Dewi only.
    expect(contributors_of(page, circulation)).to_have_count(2)
    expect(contributors_of(page, circulation).first.get_by_role("rowheader")).to_have_text("Dewi Lestari")
    expect(page.locator(f'[data-community="{procurement.pk}"] [data-no-contributions]')).to_be_visible()
    photograph_admin(page, "monitoring-recognition")
    assert_accessible(page)

    page.get_by_label(admin_text("Period"), exact=True).select_option("90")
    page.get_by_label(admin_text("CoP"), exact=True).select_option(label=circulation.title)
    page.get_by_role("button", name=admin_text("Show")).click()
    expect(page).to_have_url(re.compile(r"periode=90"))
    expect(page.locator("[data-community]")).to_have_count(1)
    photograph_admin(page, "monitoring-recognition-one-cop")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=admin_text("Download CSV")).click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert download.suggested_filename.startswith("apresiasi-")
    # CoP, rank, name, username, practices, reactions, meeting notes, comments, score.
    assert rows[1:] == [
        [circulation.title, "1", "Dewi Lestari", "fasilitator", "1", "2", "0", "0", "3"],
        [circulation.title, "2", "Budi Santoso", "rekan", "1", "1", "0", "0", "2"],
    ]

    helpful = page.locator('[data-practices="helpful"]')
    helpful.get_by_role(
        "button", name=f"{admin_text('Mark as featured practice')} ({practice.title})"
    ).click()
    expect(
        admin_message(page, "“%(title)s” is now a featured practice.", title=practice.title)
    ).to_be_visible()
    expect(page).to_have_url(re.compile(r"periode=90.*#praktik-pilihan"))
    expect(page.locator(f'[data-practices="featured"] [data-practice="{practice.pk}"]')).to_be_visible()
    photograph_admin(page, "monitoring-recognition-featured")
    assert_accessible(page)

    page.goto("/")
    featured = page.locator("section[aria-labelledby=featured-title]")
    expect(featured.get_by_role("link", name=practice.title)).to_be_visible()
    record_step(page, "monitoring-recognition-home-featured")
