"""The learning-center team glances at the dashboard, then opens and prints the monthly evaluation report.

Nia (``timpusat``, the learning-center team) works in Wagtail's admin, in
Indonesian. The report shows last month by default; she reads it for the
whole learning center, then for one CoP and another month, and looks at it
as it prints. Screenshots of each view are saved under
test-artifacts/browser/, and each view is scanned with axe.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect
from wagtail.models import Page as WagtailPage

from cop_pages.models import MeetingActionItem
from cop_pages.provisioning import LEARNING_CENTER_TEAM
from learning_center.periods import months_back
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
)

from .review_steps import admin_text, log_in_to_admin, photograph_admin
from .steps import assert_accessible


@pytest.fixture
def team_member(site_url):
    user = UserFactory(username="timpusat", first_name="Nia", last_name="Kurniasih")
    user.groups.add(Group.objects.get(name=LEARNING_CENTER_TEAM))
    return user


def last_month_at(day: int) -> datetime.datetime:
    first_day = months_back(timezone.localdate(), 1)
    return timezone.make_aware(datetime.datetime.combine(first_day.replace(day=day), datetime.time(9)))


@pytest.fixture
def communities(site_url):
    """A busy CoP with last month's practices, meeting and action items; a quiet one."""
    busy = CommunityPageFactory(
        title="CoP Layanan Sirkulasi", goals_and_scope="<p>Memperpendek antrean di meja sirkulasi.</p>"
    )
    quiet = CommunityPageFactory(title="CoP Pengadaan Koleksi")
    for _ in range(3):
        MembershipFactory(community=busy)
    for day, title in ((4, "Swalayan peminjaman"), (18, "Pengingat jatuh tempo lewat WhatsApp")):
        practice = PracticePageFactory(parent=busy, title=title, documented_on=last_month_at(day).date())
        practice.tags.add("sirkulasi")
        practice.save_revision().publish()
        WagtailPage.objects.filter(pk=practice.pk).update(first_published_at=last_month_at(day))
    meeting = MeetingPageFactory(
        parent=busy, title="Pertemuan bulanan", meeting_date=last_month_at(20).date()
    )
    MeetingActionItem.objects.create(page=meeting, description="Cetak panduan swalayan", done=True)
    MeetingActionItem.objects.create(page=meeting, description="Latih petugas shift malam", done=False)
    return busy, quiet


def test_the_team_glances_at_the_dashboard_and_prints_the_report(page: Page, team_member, communities):
    busy, quiet = communities
    log_in_to_admin(page, team_member.username)

    glance = page.get_by_role("region", name=admin_text("Learning center at a glance"))
    expect(glance.get_by_role("heading", name=admin_text("CoPs needing attention"))).to_be_visible()
    expect(glance.get_by_role("link", name=quiet.title)).to_be_visible()
    photograph_admin(page, "monitoring-glance-panel")
    assert_accessible(page)

    page.get_by_role("button", name=admin_text("Monitoring")).click()
    page.get_by_role("link", name=admin_text("Evaluation report")).click()
    report = page.locator("[data-evaluation-report]")
    expect(report.locator("[data-summary-community]")).to_have_count(2)
    expect(report.locator("[data-report-community]")).to_have_count(2)
    expect(report.get_by_role("link", name="Swalayan peminjaman")).to_be_visible()
    expect(page.get_by_role("button", name=admin_text("Print / save as PDF"))).to_be_visible()
    photograph_admin(page, "monitoring-report-center")
    assert_accessible(page)

    page.emulate_media(media="print")
    expect(page.locator("#wagtail-sidebar")).to_be_hidden()
    expect(page.locator("[data-report-controls]")).to_be_hidden()
    expect(report.get_by_role("heading", level=2)).to_be_visible()
    photograph_admin(page, "monitoring-report-center-print")
    page.emulate_media(media="screen")

    page.get_by_label(admin_text("CoP"), exact=True).select_option(label=busy.title)
    page.get_by_role("button", name=admin_text("Show")).click()
    expect(page).to_have_url(re.compile(rf"cop={busy.pk}"))
    expect(report.locator("[data-report-summary]")).to_have_count(0)
    expect(report.locator("[data-report-community]")).to_have_count(1)
    expect(report.locator("[data-action-items-done]")).to_have_attribute("data-action-items-open", "1")
    photograph_admin(page, "monitoring-report-one-cop")
    assert_accessible(page)

    page.emulate_media(media="print")
    photograph_admin(page, "monitoring-report-one-cop-print")
    page.emulate_media(media="screen")

    two_months_ago = months_back(timezone.localdate(), 2)
    page.get_by_label(admin_text("Month"), exact=True).fill(f"{two_months_ago:%Y-%m}")
    page.get_by_role("button", name=admin_text("Show")).click()
    expect(page).to_have_url(re.compile(rf"bulan={two_months_ago:%Y-%m}"))
    expect(report.get_by_role("link", name="Swalayan peminjaman")).to_have_count(0)
    expect(report.locator("[data-practices-published]")).to_have_text("0")
    photograph_admin(page, "monitoring-report-earlier-month")
    assert_accessible(page)
