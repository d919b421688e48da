"""The "Pusat Belajar sekilas" panel of the admin dashboard, through the real /admin/ view.

"Now" is 27 November 2026, 12:00 in Jakarta: the CoPs are judged over the
30 days up to today, the knowledge gaps over the 7 days up to today (from
00:00 on 21 November in Jakarta).
"""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page
from wagtail.users.models import UserProfile

from cop_pages.models import Comment, CommentState, MeetingCadence, MembershipRole
from learning_center.dashboard import GLANCE_ROWS, GlancePanel
from search.models import SearchLog
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
DASHBOARD = reverse("wagtailadmin_home")
PANEL = 'id="learning-center-glance-section"'
# The CoPs (the default locale, then the pages), their health (ten), the knowledge gaps (two),
# the reviews and the waiting comments (one each).
PANEL_QUERIES = 16


def jakarta(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def at_noon_on_27_november():
    with time_machine.travel(NOW, tick=False):
        yield


def active_cop(title: str):
    """A CoP with a practice and a monthly meeting a week ago: nothing to worry about."""
    cop = CommunityPageFactory(title=title, meeting_cadence=MeetingCadence.MONTHLY)
    for page in (
        PracticePageFactory(parent=cop),
        MeetingPageFactory(parent=cop, meeting_date=datetime.date(2026, 11, 20)),
    ):
        Page.objects.filter(pk=page.pk).update(
            first_published_at=jakarta(2026, 11, 20, 9, 0), last_published_at=jakarta(2026, 11, 20, 9, 0)
        )
    return cop


def searched(query: str, moment: datetime.datetime, results: int = 0, filtered: bool = False) -> None:
    log = SearchLog.objects.create(
        query=query, result_count=results, engine="database", language="id", filtered=filtered
    )
    SearchLog.objects.filter(pk=log.pk).update(searched_at=moment)


def waiting_comment(community) -> Comment:
    return Comment.objects.create(
        community=community,
        page=community,
        author=UserFactory(),
        body="Mohon disetujui.",
        state=CommentState.WAITING,
    )


def submitted(community):
    """A draft practice of ``community`` in review, waiting for its moderators and the team."""
    author = UserFactory()
    practice = PracticePageFactory(parent=community, live=False, owner=author)
    practice.save_revision(user=author)
    practice.get_workflow().start(practice, author)
    return practice


class Fixture:
    """An active CoP; two quiet ones needing attention; gaps in and out of the week; moderation waiting."""

    def __init__(self):
        self.active = active_cop("CoP Aktif")
        self.quiet = CommunityPageFactory(title="CoP Sepi")
        self.private = CommunityPageFactory(title="CoP Rahasia", private=True)
        self.moderator = MembershipFactory(
            community=self.active, role=MembershipRole.FACILITATOR, user=UserFactory(username="moderator")
        ).user
        for _ in range(3):
            searched("jadwal shift", jakarta(2026, 11, 26, 10, 0))
        searched("rak buku", jakarta(2026, 11, 21, 0, 5))  # the week's first minutes in Jakarta
        searched("rak buku", jakarta(2026, 11, 20, 23, 55))  # before the week
        searched("rak buku", jakarta(2026, 11, 25, 10, 0), filtered=True)  # a refinement
        searched("peminjaman", jakarta(2026, 11, 25, 10, 0), results=4)  # found something
        # A review would make the active CoP's backlog grow: it goes to a quiet one.
        submitted(self.quiet)
        waiting_comment(self.active)
        waiting_comment(self.quiet)
        Comment.objects.create(community=self.active, page=self.active, author=UserFactory(), body="Ok.")


@pytest.fixture
def data(home):
    return Fixture()


class Panel:
    """The dashboard as one user sees it, and the panel's figures."""

    def __init__(self, client, user):
        client.force_login(user)
        response = client.get(DASHBOARD)
        assert response.status_code == 200
        self.html = response.content.decode()

    @property
    def shown(self) -> bool:
        return PANEL in self.html

    def figure(self, name: str) -> int:
        return int(re.search(rf'data-glance-{name}="(\d+)"', self.html).group(1))

    def communities(self) -> list[int]:
        return [int(pk) for pk in re.findall(r'data-glance-community="(\d+)"', self.html)]

    def gaps(self) -> list[str]:
        return [
            re.sub(r"\s+", " ", gap).strip()
            for gap in re.findall(r"<li data-glance-gap>(.*?)</li>", self.html)
        ]


def in_english(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.mark.parametrize("who", ["learning_center_member", "administrator"])
def test_the_team_and_administrators_see_the_panel(client, data, who, request):
    panel = Panel(client, request.getfixturevalue(who))

    assert panel.shown
    # The quiet CoPs (by title), not the active one.
    assert panel.figure("attention") == 2
    assert panel.communities() == [data.private.pk, data.quiet.pk]
    assert panel.figure("reviews") == 1
    assert panel.figure("comments") == 2


def test_staff_and_moderators_outside_the_team_do_not_see_it(client, data, staff):
    for person in (staff, data.moderator):
        client.force_login(person)
        assert PANEL not in client.get(DASHBOARD).content.decode(), person


def test_the_week_s_knowledge_gaps_most_asked_first(client, data, learning_center_member):
    panel = Panel(client, in_english(learning_center_member))

    assert panel.gaps() == ["“jadwal shift” (3 searches)", "“rak buku” (1 search)"]


def test_each_cop_says_its_first_reason_and_links_to_its_health(client, data, learning_center_member):
    panel = Panel(client, in_english(learning_center_member))
    health = reverse("learning_center_monitoring:community_health")

    assert f'<a href="{health}?cop={data.quiet.pk}">CoP Sepi</a>: No activity yet' in panel.html
    assert f'href="{health}" data-glance-link="attention"' in panel.html
    gaps = reverse("learning_center_monitoring:knowledge_gaps")
    assert f'href="{gaps}?periode=custom&amp;dari=2026-11-21&amp;sampai=2026-11-27"' in panel.html
    assert f'href="{reverse("comment-moderation:index")}?state=waiting"' in panel.html
    assert f'href="{reverse("wagtailadmin_reports:workflow_tasks")}?reviewable=true"' in panel.html


def test_at_most_five_cops_are_named_with_the_count_of_all(client, data, learning_center_member):
    for number in range(GLANCE_ROWS + 1):
        CommunityPageFactory(title=f"CoP Diam {number}")

    panel = Panel(client, learning_center_member)

    assert panel.figure("attention") == GLANCE_ROWS + 3
    assert len(panel.communities()) == GLANCE_ROWS


def test_nothing_to_report(client, home, learning_center_member):
    active_cop("CoP Aktif")

    panel = Panel(client, in_english(learning_center_member))

    assert panel.shown
    assert (
        panel.figure("attention"),
        panel.figure("gaps"),
        panel.figure("reviews"),
        panel.figure("comments"),
    ) == (
        0,
        0,
        0,
        0,
    )
    assert "No search went without results this week." in panel.html


def test_the_panel_costs_a_fixed_number_of_queries(rf, data, learning_center_member):
    request = rf.get(DASHBOARD)
    request.user = learning_center_member

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            GlancePanel().render_html({"request": request})
        return len(captured)

    queries()  # the user's role and the content types, cached for the request and the process
    before = queries()
    for number in range(4):
        quiet = CommunityPageFactory(title=f"CoP tambahan {number}")
        submitted(quiet)
        waiting_comment(quiet)
        searched(f"pertanyaan {number}", jakarta(2026, 11, 26, 9, 0))

    assert queries() == before <= PANEL_QUERIES


def test_the_dashboard_costs_the_same_queries_with_more_content(client, data, learning_center_member):
    client.force_login(learning_center_member)
    client.get(DASHBOARD)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DASHBOARD).status_code == 200
        return len(captured)

    before = queries()
    for number in range(4):
        quiet = CommunityPageFactory(title=f"CoP tambahan {number}")
        active = active_cop(f"CoP aktif tambahan {number}")
        submitted(quiet)
        waiting_comment(active)
        searched(f"pertanyaan {number}", jakarta(2026, 11, 26, 9, 0))

    assert queries() == before
