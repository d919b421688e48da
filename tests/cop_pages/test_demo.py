"""The demo `make run` loads: a whole organisation, every role, safe to load again."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Revision

from cop_pages.demo import DEMO_PASSWORD, seed_demo
from cop_pages.models import CommunityPage, MeetingPage, Membership, MembershipRole, PracticePage
from learning_center.models import LearningCenterPage
from tests.intranet.test_login_required import assert_sent_to_login

pytestmark = pytest.mark.django_db

DEMO_COMMUNITIES = {
    "CoP Layanan Sirkulasi",
    "CoP Pengadaan Koleksi",
    "CoP Pengolahan dan Katalogisasi",
    "CoP Penataan Rak dan Ruang Baca",
    "CoP Layanan Referensi",
    "CoP Guru Literasi Sekolah",
}


@pytest.fixture
def demo():
    logins, report = seed_demo()
    return logins, report


def test_demo_is_a_whole_organisation(demo):
    indonesian = CommunityPage.objects.filter(locale__language_code="id")
    assert set(indonesian.values_list("title", flat=True)) == DEMO_COMMUNITIES
    assert list(indonesian.filter(private=True).values_list("slug", flat=True)) == ["pengadaan-koleksi"]
    practices = PracticePage.objects.all()
    assert practices.filter(locale__language_code="id").count() >= 40
    assert practices.filter(locale__language_code="en").count() >= 4
    assert practices.filter(live=False).exists()
    assert practices.filter(featured=True, live=True).exists()
    meetings = MeetingPage.objects.all()
    assert meetings.count() >= 12
    assert meetings.filter(meeting_date__gt=datetime.date(2026, 11, 27)).exists()
    for community in indonesian:
        assert PracticePage.objects.child_of(community).count() >= 6, community.title
        assert Membership.objects.filter(community=community, role=MembershipRole.FACILITATOR).exists()


def test_demo_has_a_login_for_every_role(demo, client):
    logins, _report = demo
    users = get_user_model().objects
    roles = {login.username: login.role for login in logins}
    assert users.get(username="admin").is_superuser
    assert users.get(username="tim.pusat").groups.filter(name="Tim Pusat Belajar").exists()
    assert not Membership.objects.filter(user__username="staf.umum").exists()
    assert Membership.objects.filter(
        user__username="rina.wulandari", role=MembershipRole.FACILITATOR, community__slug="layanan-sirkulasi"
    ).exists()
    assert Membership.objects.filter(user__username="budi.hartono", role=MembershipRole.MEMBER).exists()
    assert {"admin", "tim.pusat", "staf.umum", "rina.wulandari", "budi.hartono"} <= set(roles)
    for username in roles:
        assert client.login(username=username, password=DEMO_PASSWORD), username


def test_seeding_again_changes_nothing(demo):
    users_before = dict(get_user_model().objects.values_list("username", "password"))
    revisions_before = Revision.objects.count()
    pages_before = Page.objects.count()

    _logins, report = seed_demo()

    assert sum(report.created.values()) == sum(report.updated.values()) == 0
    assert sum(report.unchanged.values()) == pages_before - LearningCenterPage.objects.count() - 1
    assert Page.objects.count() == pages_before
    assert Revision.objects.count() == revisions_before
    assert dict(get_user_model().objects.values_list("username", "password")) == users_before


def test_every_demo_page_needs_a_login_and_renders_for_its_readers(demo, client):
    pages = Page.objects.live().filter(depth__gt=1).specific()
    assert pages.count() > 60
    for page in pages:
        assert_sent_to_login(client, page.url)
    client.login(username="admin", password=DEMO_PASSWORD)
    for page in pages:
        assert client.get(page.url).status_code == 200, page.url
    client.login(username="staf.umum", password=DEMO_PASSWORD)
    for page in pages:
        hidden = page.url.removeprefix("/en").startswith("/pengadaan-koleksi/")
        assert client.get(page.url).status_code == (404 if hidden else 200), page.url


def test_seed_demo_command_prints_the_logins(capsys):
    call_command("seed_demo", verbosity=0)
    output = capsys.readouterr().out
    assert f"password for all: {DEMO_PASSWORD}" in output
    assert "rina.wulandari" in output and "Fasilitator CoP Layanan Sirkulasi" in output
    assert "tim.pusat" in output and "admin" in output
