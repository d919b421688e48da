"""CoP health on fixture data built to have known answers, at a fixed moment in Jakarta.

"Now" is 31 March 2026, 12:00 in Jakarta. Publication moments are written
straight onto the pages, so that each one falls exactly where the test
needs it: 00:10 on 1 March in Jakarta is still 28 February in UTC, and
must count for March.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Locale, Page, TaskState, WorkflowState

from cop_pages.models import Comment, CommentState, CommunityPage, MeetingCadence, MembershipRole
from learning_center.community_health import INACTIVE_DAYS, community_health
from learning_center.periods import Period, PeriodChoice, preset_period
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 3, 31, 12, 0, tzinfo=JAKARTA)
MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
FEBRUARY = Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))


def jakarta(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def at_noon_on_the_last_of_march():
    with time_machine.travel(NOW, tick=False):
        yield


def published_at(page, moment: datetime.datetime, owner=None) -> None:
    Page.objects.filter(pk=page.pk).update(
        first_published_at=moment, last_published_at=moment, **({"owner": owner} if owner else {})
    )


def approved_submission(page, submitted: datetime.datetime) -> None:
    state = WorkflowState.objects.create(
        content_type=ContentType.objects.get_for_model(page),
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        workflow=page.get_parent().specific.review_workflow,
        status=WorkflowState.STATUS_APPROVED,
    )
    WorkflowState.objects.filter(pk=state.pk).update(created_at=submitted)


def open_review(page, started: datetime.datetime, finished: datetime.datetime | None = None) -> None:
    community = page.get_parent().specific
    state = WorkflowState.objects.create(
        content_type=ContentType.objects.get_for_model(page),
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        workflow=community.review_workflow,
        status=WorkflowState.STATUS_APPROVED if finished else WorkflowState.STATUS_IN_PROGRESS,
    )
    task_state = TaskState.objects.create(
        workflow_state=state,
        task=community.review_workflow.tasks.first(),
        revision=page.save_revision(),
        status=TaskState.STATUS_APPROVED if finished else TaskState.STATUS_IN_PROGRESS,
    )
    TaskState.objects.filter(pk=task_state.pk).update(started_at=started, finished_at=finished)


def comment(community, page, author, posted: datetime.datetime, state=CommentState.VISIBLE) -> None:
    Comment.objects.create(
        community=community, page=page, author=author, body="Terima kasih.", state=state, created_at=posted
    )


class Fixture:
    """CoP A (monthly meetings) busy in March; CoP B (weekly) with nothing at all."""

    def __init__(self):
        self.a = CommunityPageFactory(title="CoP A", meeting_cadence=MeetingCadence.MONTHLY)
        self.b = CommunityPageFactory(title="CoP B", meeting_cadence=MeetingCadence.WEEKLY)
        self.rina, self.budi, self.sari = (UserFactory(username=name) for name in ("rina", "budi", "sari"))
        MembershipFactory(community=self.a, user=self.rina, role=MembershipRole.FACILITATOR)
        MembershipFactory(community=self.a, user=self.budi)
        MembershipFactory(community=self.a, user=self.sari)
        # Practices of A: two first published in March (one at 00:10 on 1 March),
        # one at 23:30 on 28 February, one in December that is past its review-by date.
        self.march_1 = PracticePageFactory(parent=self.a)
        published_at(self.march_1, jakarta(2026, 3, 1, 0, 10), owner=self.rina)
        self.march_20 = PracticePageFactory(parent=self.a)
        published_at(self.march_20, jakarta(2026, 3, 20, 9, 0), owner=self.budi)
        self.february_28 = PracticePageFactory(parent=self.a)
        published_at(self.february_28, jakarta(2026, 2, 28, 23, 30), owner=self.sari)
        self.december = PracticePageFactory(parent=self.a, review_by=datetime.date(2026, 3, 1))
        published_at(self.december, jakarta(2025, 12, 1, 10, 0), owner=self.sari)
        # Submitted 2 and 4 days before their first publication.
        approved_submission(self.march_1, jakarta(2026, 2, 27, 0, 10))
        approved_submission(self.march_20, jakarta(2026, 3, 16, 9, 0))
        # A meeting on 20 March; notes written by Rina.
        meeting = MeetingPageFactory(parent=self.a, meeting_date=datetime.date(2026, 3, 20))
        published_at(meeting, jakarta(2026, 3, 21, 8, 0), owner=self.rina)
        # Comments: two visible in March, one hidden in March, one visible in January.
        comment(self.a, self.march_20, self.sari, jakarta(2026, 3, 25, 10, 0))
        comment(self.a, self.march_20, self.budi, jakarta(2026, 3, 30, 23, 59))
        comment(self.a, self.march_20, self.budi, jakarta(2026, 3, 26, 10, 0), state=CommentState.HIDDEN)
        comment(self.a, self.december, self.budi, jakarta(2026, 1, 5, 10, 0))
        # Reviews: one open since February (open when March began), two opened in March,
        # one opened and finished in February.
        self.drafts = [PracticePageFactory(parent=self.a, live=False) for _ in range(4)]
        open_review(self.drafts[0], jakarta(2026, 2, 10, 9, 0))
        open_review(self.drafts[1], jakarta(2026, 3, 5, 9, 0))
        open_review(self.drafts[2], jakarta(2026, 3, 6, 9, 0))
        open_review(self.drafts[3], jakarta(2026, 2, 3, 9, 0), finished=jakarta(2026, 2, 4, 9, 0))


@pytest.fixture
def cops(home):
    return Fixture()


def health_of(period: Period):
    """Rows by CoP title; the reasons in English, the msgids."""
    communities = CommunityPage.objects.filter(locale=Locale.get_default())
    with translation.override("en"):
        return {row.community.title: row for row in community_health(communities, period)}


def test_the_figures_of_a_busy_cop_in_march(cops):
    a = health_of(MARCH)["CoP A"]

    assert a.members == 3
    assert a.practices_published == 2
    assert a.meetings_held == 1
    assert a.meetings_expected == 1
    assert a.last_meeting == datetime.date(2026, 3, 20)
    assert not a.meeting_overdue
    assert a.comments == 2
    # Rina (a practice, the meeting notes), Budi (a practice, a comment), Sari (a comment).
    assert a.active_contributors == 3
    assert a.median_days_to_publish == pytest.approx(3.0)
    assert a.open_reviews == 3
    assert a.open_reviews_at_start == 1
    assert a.past_review_by == 1
    assert a.last_activity == jakarta(2026, 3, 30, 23, 59)
    assert a.reasons == ["Review backlog growing: 3 open, 1 when the period began"]


def test_a_moment_belongs_to_its_day_in_jakarta(cops):
    assert health_of(MARCH)["CoP A"].practices_published == 2
    february = health_of(FEBRUARY)["CoP A"]
    assert february.practices_published == 1
    # The reviews of February started after 1 February.
    assert february.open_reviews_at_start == 0
    assert february.comments == 0


def test_a_cop_without_any_activity_needs_attention(cops):
    b = health_of(MARCH)["CoP B"]

    assert (b.members, b.practices_published, b.meetings_held, b.comments, b.active_contributors) == (
        0,
        0,
        0,
        0,
        0,
    )
    assert b.meetings_expected == 4  # 31 days of weekly meetings
    assert b.median_days_to_publish is None and b.last_activity is None
    assert b.reasons == ["No activity yet", "No meeting held yet"]


def test_an_empty_period_counts_nothing_but_keeps_the_standing_figures(cops):
    long_ago = Period(datetime.date(2020, 1, 1), datetime.date(2020, 1, 31))
    a = health_of(long_ago)["CoP A"]

    assert (a.practices_published, a.meetings_held, a.comments, a.active_contributors) == (0, 0, 0, 0)
    assert a.median_days_to_publish is None
    # Standing figures are about now, whatever the period.
    assert (a.members, a.open_reviews, a.past_review_by) == (3, 3, 1)


def test_quiet_and_overdue_cops_say_why(cops):
    quiet = CommunityPageFactory(title="CoP Sepi", meeting_cadence=MeetingCadence.MONTHLY)
    old = PracticePageFactory(parent=quiet)
    published_at(old, NOW - datetime.timedelta(days=INACTIVE_DAYS + 5))
    meeting = MeetingPageFactory(parent=quiet, meeting_date=datetime.date(2026, 1, 15))
    published_at(meeting, jakarta(2026, 1, 15, 12, 0))

    row = health_of(MARCH)["CoP Sepi"]

    assert row.meeting_overdue
    assert row.reasons == [
        f"No activity for {INACTIVE_DAYS + 5} days",
        "Meeting overdue: the last one was 75 days ago, the cadence is monthly",
    ]


def test_english_translations_count_for_their_cop(cops):
    english_cop = cops.a.copy_for_translation(Locale.objects.get(language_code="en"))
    english_cop.save_revision().publish()
    english = PracticePageFactory(parent=english_cop, locale=english_cop.locale)
    published_at(english, jakarta(2026, 3, 10, 9, 0), owner=cops.rina)

    rows = health_of(MARCH)

    assert set(rows) == {"CoP A", "CoP B"}
    assert rows["CoP A"].practices_published == 3


def test_the_query_count_does_not_grow_with_the_content(cops):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            community_health(CommunityPage.objects.all(), preset_period(PeriodChoice.DAYS_90, NOW.date()))
        return len(captured)

    before = queries()
    for number in range(5):
        cop = CommunityPageFactory(title=f"CoP tambahan {number}")
        for _ in range(3):
            PracticePageFactory(parent=cop)
        MeetingPageFactory(parent=cop)
        comment(cop, cop, cops.budi, NOW)

    assert queries() == before
