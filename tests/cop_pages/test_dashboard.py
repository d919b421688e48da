"""The moderators' admin dashboard: "Menunggu tinjauan saya" and "Perlu ditinjau ulang".

Everything goes through the real ``/admin/`` view. Each panel lists exactly
the rows of the CoPs the user moderates (every CoP for the learning-center
team and administrators), and the whole dashboard renders in the same
number of queries with 10 submissions as with 500 and 100 overdue practices.
"""

import datetime
import itertools
import re
from html import unescape

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.admin.utils import get_user_display_name
from wagtail.models import Locale, Page, Revision, TaskState, WorkflowState
from wagtail_localize.operations import translate_object

from cop_pages.dashboard import AWAITING_REVIEW_ROWS, DUE_FOR_REVIEW_ROWS
from cop_pages.models import CommunityPage, MembershipRole, PracticePage
from cop_pages.review_workflow import LEARNING_CENTER_TASK, moderator_task, moderator_task_name
from tests.factories import CommunityPageFactory, MembershipFactory, PracticePageFactory, UserFactory
from tests.reading import indonesian, text_of

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/"
AWAITING = "awaiting-review"
DUE = "due-for-review"
# A ceiling that keeps the dashboard cheap as it evolves; the equality is the real test.
MOST_QUERIES = 40


class Dashboard:
    """The admin dashboard as one user sees it."""

    def __init__(self, client, user):
        client.force_login(user)
        response = client.get(DASHBOARD)
        assert response.status_code == 200
        self.html = response.content.decode()

    def shows(self, panel: str) -> bool:
        return f'id="{panel}-section"' in self.html

    def heading(self, panel: str) -> str:
        match = re.search(rf'id="{panel}-heading"[^>]*>(.*?)</h2>', self.html, flags=re.S)
        return text_of(match.group(1))

    def rows(self, panel: str) -> list[int]:
        """Page ids of the panel's rows, in order."""
        return [int(pk) for pk in re.findall(rf'<tr data-{panel}="(\d+)"', self.html)]

    def row(self, panel: str, page) -> str:
        match = re.search(rf'<tr data-{panel}="{page.pk}">(.*?)</tr>', self.html, flags=re.S)
        return match.group(1)

    def more(self, panel: str) -> int:
        match = re.search(rf'data-{panel}-more="(\d+)"', self.html)
        return int(match.group(1)) if match else 0


def submit(parent, author, **fields) -> PracticePage:
    """A contributor's draft practice, submitted to its CoP's review workflow."""
    practice = PracticePageFactory(parent=parent, live=False, owner=author, **fields)
    practice.save_revision(user=author)
    practice.get_workflow().start(practice, author)
    return practice


def submit_in_bulk(author, drafts: list[tuple[CommunityPage, PracticePage]]) -> None:
    """What ``submit`` writes for each draft, in a few bulk queries instead of ~60 each.

    The same rows as ``save_revision`` and ``Workflow.start``: a revision that
    becomes the page's latest, an in-progress workflow state requested by the
    author and its in-progress task state for the CoP's moderators. Log
    entries and notification emails, which no panel reads, are left out.
    """
    page_type = ContentType.objects.get_for_model(Page)
    practice_type = ContentType.objects.get_for_model(PracticePage)
    now = timezone.now()
    pages = [page for _, page in drafts]
    revisions = Revision.objects.bulk_create(
        Revision(
            content_type=practice_type,
            base_content_type=page_type,
            object_id=str(page.pk),
            created_at=now,
            user=author,
            object_str=str(page),
            content=page.serializable_data(),
        )
        for page in pages
    )
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision, page.latest_revision_created_at = revision, now
        page.has_unpublished_changes = True
    PracticePage.objects.bulk_update(
        pages, ["latest_revision", "latest_revision_created_at", "has_unpublished_changes"]
    )
    first_tasks = {
        community.pk: moderator_task(community.review_workflow) for community in {cop for cop, _ in drafts}
    }
    states = WorkflowState.objects.bulk_create(
        WorkflowState(
            content_type=practice_type,
            base_content_type=page_type,
            object_id=str(page.pk),
            workflow_id=community.review_workflow_id,
            status=WorkflowState.STATUS_IN_PROGRESS,
            requested_by=author,
        )
        for community, page in drafts
    )
    task_states = TaskState.objects.bulk_create(
        TaskState(
            workflow_state=state,
            revision=revision,
            task=first_tasks[community.pk],
            status=TaskState.STATUS_IN_PROGRESS,
        )
        for (community, _), state, revision in zip(drafts, states, revisions, strict=True)
    )
    for state, task_state in zip(states, task_states, strict=True):
        state.current_task_state = task_state
    WorkflowState.objects.bulk_update(states, ["current_task_state"])


def overdue(parent, owner, days: int, **fields) -> PracticePage:
    """A live practice whose review-by date passed ``days`` days ago."""
    return PracticePageFactory(
        parent=parent,
        content_owner=owner,
        review_by=timezone.localdate() - datetime.timedelta(days=days),
        **fields,
    )


class Roles:
    """Two CoPs, their moderators and a contributor of both."""

    def __init__(self, team, administrator):
        self.cop_a = CommunityPageFactory(title="CoP Layanan Sirkulasi")
        self.cop_b = CommunityPageFactory(title="CoP Pengadaan Koleksi")
        self.contributor = UserFactory(username="kontributor", first_name="Sari", last_name="Wulandari")
        for community in (self.cop_a, self.cop_b):
            MembershipFactory(user=self.contributor, community=community)
        self.moderator_a = MembershipFactory(
            community=self.cop_a, role=MembershipRole.FACILITATOR, user=UserFactory(username="moderator.a")
        ).user
        self.moderator_b = MembershipFactory(
            community=self.cop_b, role=MembershipRole.FACILITATOR, user=UserFactory(username="moderator.b")
        ).user
        self.team = team
        self.administrator = administrator


@pytest.fixture
def roles(learning_center_member, administrator):
    return Roles(learning_center_member, administrator)


@pytest.fixture
def submissions(roles):
    """Two submissions in A (the first one older), one in B."""
    return {
        "a1": submit(roles.cop_a, roles.contributor, title="Swalayan peminjaman"),
        "a2": submit(roles.cop_a, roles.contributor, title="Denda digital"),
        "b1": submit(roles.cop_b, roles.contributor, title="Usulan judul daring"),
    }


def test_moderators_see_the_submissions_of_their_own_cop(client, roles, submissions):
    a1, a2, b1 = submissions["a1"], submissions["a2"], submissions["b1"]
    dashboard = Dashboard(client, roles.moderator_a)
    assert dashboard.heading(AWAITING) == indonesian("Awaiting your review")
    # Wagtail's own panel is replaced, not shown beside ours.
    assert dashboard.html.count(f'id="{AWAITING}-section"') == 1
    assert dashboard.rows(AWAITING) == [a1.pk, a2.pk]  # the longest waiting first
    assert dashboard.more(AWAITING) == 0

    row = dashboard.row(AWAITING, a1)
    task_state = a1.current_workflow_task_state
    assert f'href="/admin/pages/{a1.pk}/edit/"' in row
    for part in (
        "Swalayan peminjaman",
        "CoP Layanan Sirkulasi",
        moderator_task_name(roles.cop_a),
        get_user_display_name(roles.contributor),
    ):
        assert part in text_of(row)
    for action in ("approve", "reject"):
        assert (
            f'data-workflow-action-url="/admin/pages/workflow/action/{a1.pk}/{action}/{task_state.pk}/"'
            in row
        )

    assert Dashboard(client, roles.moderator_b).rows(AWAITING) == [b1.pk]


@pytest.mark.parametrize("role", ["team", "administrator"])
def test_the_team_and_administrators_see_every_submission(client, roles, submissions, role):
    dashboard = Dashboard(client, getattr(roles, role))
    assert dashboard.rows(AWAITING) == [submissions[name].pk for name in ("a1", "a2", "b1")]
    assert "CoP Pengadaan Koleksi" in text_of(dashboard.row(AWAITING, submissions["b1"]))


def test_a_contributor_sees_neither_panel(client, roles, submissions):
    overdue(roles.cop_a, roles.contributor, days=30)
    dashboard = Dashboard(client, roles.contributor)
    assert AWAITING not in dashboard.html
    assert not dashboard.shows(DUE)


def test_a_moderator_with_nothing_to_do_sees_neither_panel(client, roles):
    submit(roles.cop_b, roles.contributor)
    overdue(roles.cop_b, roles.contributor, days=30)
    dashboard = Dashboard(client, roles.moderator_a)
    assert AWAITING not in dashboard.html
    assert not dashboard.shows(DUE)


def test_approving_from_the_dashboard_hands_a_featured_practice_to_the_team(client, roles):
    featured = submit(roles.cop_a, roles.contributor, title="Pojok baca anak", featured=True)
    row = Dashboard(client, roles.moderator_a).row(AWAITING, featured)
    approve = re.search(r'data-workflow-action-url="([^"]*/approve/\d+/)"', row).group(1)
    assert client.post(approve).status_code == 302

    assert Dashboard(client, roles.moderator_a).rows(AWAITING) == []
    team = Dashboard(client, roles.team)
    assert team.rows(AWAITING) == [featured.pk]
    assert LEARNING_CENTER_TASK in text_of(team.row(AWAITING, featured))


def test_overdue_practices_per_role(client, roles):
    translate_object(roles.cop_a, [Locale.objects.get(language_code="en")])
    english = roles.cop_a.get_translation(Locale.objects.get(language_code="en")).specific
    english.save_revision().publish()
    owner = UserFactory(username="pemilik", first_name="Budi", last_name="Hartono")
    oldest = overdue(roles.cop_a, owner, days=200, title="Inventaris rak")
    in_english = overdue(english, owner, days=60, title="Shelf reading")
    newest = overdue(roles.cop_a, owner, days=10, title="Jam layanan")
    in_b = overdue(roles.cop_b, owner, days=50, title="Anggaran koleksi")
    # Not due yet, not live: never listed.
    overdue(roles.cop_a, owner, days=-30, title="Masih berlaku")
    overdue(roles.cop_a, owner, days=300, title="Draf lama", live=False)

    moderator_a = Dashboard(client, roles.moderator_a)
    assert moderator_a.heading(DUE) == indonesian("Due for review")
    assert moderator_a.rows(DUE) == [oldest.pk, in_english.pk, newest.pk]
    row = text_of(moderator_a.row(DUE, oldest))
    assert "Inventaris rak" in row
    assert "CoP Layanan Sirkulasi" in row
    assert get_user_display_name(owner) in row
    assert f'href="/admin/pages/{oldest.pk}/edit/"' in moderator_a.row(DUE, oldest)

    assert Dashboard(client, roles.moderator_b).rows(DUE) == [in_b.pk]
    for user in (roles.team, roles.administrator):
        assert Dashboard(client, user).rows(DUE) == [oldest.pk, in_english.pk, in_b.pk, newest.pk]


def test_the_dashboard_stays_within_a_fixed_number_of_queries(client, learning_center_member, administrator):
    communities = [CommunityPageFactory() for _ in range(50)]
    mine = communities[0]
    author = UserFactory(username="penulis")
    moderator = MembershipFactory(community=mine, role=MembershipRole.FACILITATOR).user
    users = {"moderator": moderator, "team": learning_center_member, "administrator": administrator}

    def queries_per_user() -> dict[str, int]:
        counts = {}
        for name, user in users.items():
            client.force_login(user)
            client.get(DASHBOARD)  # Warm-up: the process-wide caches (content types, site roots).
            with CaptureQueriesContext(connection) as queries:
                assert client.get(DASHBOARD).status_code == 200
            counts[name] = len(queries)
        return counts

    # 10 submissions, one of them in the moderator's CoP.
    for community in communities[:10]:
        submit(community, author)
    small = queries_per_user()

    # 500 submissions (30 in the moderator's CoP) and 100 overdue practices (25 in it).
    spread = itertools.cycle(communities[1:])
    drafts = []
    for number in range(490):
        community = mine if number < 29 else next(spread)
        drafts.append((community, PracticePageFactory(parent=community, live=False, owner=author)))
    submit_in_bulk(author, drafts)
    for number in range(100):
        overdue(mine if number < 25 else next(spread), author, days=number + 1)
    large = queries_per_user()

    assert large == small
    assert max(large.values()) <= MOST_QUERIES

    panels = {name: Dashboard(client, user) for name, user in users.items()}
    assert len(panels["moderator"].rows(AWAITING)) == AWAITING_REVIEW_ROWS
    assert panels["moderator"].more(AWAITING) == 30 - AWAITING_REVIEW_ROWS
    assert len(panels["moderator"].rows(DUE)) == DUE_FOR_REVIEW_ROWS
    assert panels["moderator"].more(DUE) == 25 - DUE_FOR_REVIEW_ROWS
    # "And 10 more" leads a moderator to Wagtail's report of the tasks awaiting their review.
    more = re.search(r'data-awaiting-review-more="\d+">\s*<a href="([^"]+)"', panels["moderator"].html)
    client.force_login(moderator)
    assert client.get(unescape(more.group(1))).status_code == 200
    for name in ("team", "administrator"):
        assert panels[name].more(AWAITING) == 500 - AWAITING_REVIEW_ROWS
        assert panels[name].more(DUE) == 100 - DUE_FOR_REVIEW_ROWS
