"""The monthly roll-up of comments per topic: which days it serves, and that every change rewrites it.

"Now" is 27 November 2026 in Jakarta. October is a whole month, read from
the roll-up, and so is November so far (the roll-up holds nothing later
than now); November's first week is counted from the comments. Each change is
made in a transaction whose on-commit callbacks run, as in production.
"""

import datetime
import zoneinfo
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from cop_pages.models import Comment, CommentState, CommunityPage
from learning_center.comment_topics import comment_topic_counts, count_from_comments, split_into_months
from learning_center.models import CommentTopicMonth
from learning_center.periods import Period
from tests.factories import CommunityPageFactory, PracticePageFactory, UserFactory

pytestmark = pytest.mark.django_db
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
OCTOBER = Period(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
NOVEMBER_SO_FAR = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 27))
NOVEMBER_FIRST_WEEK = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 7))
BUCKETS = [OCTOBER, NOVEMBER_SO_FAR, NOVEMBER_FIRST_WEEK]


@pytest.fixture(autouse=True)
def on_27_november():
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, 0, tzinfo=JAKARTA), tick=False):
        yield


def day(month: int, number: int) -> datetime.date:
    return datetime.date(2026, month, number)


@pytest.mark.parametrize(
    ("period", "months", "rest"),
    [
        (Period(day(10, 1), day(10, 31)), [day(10, 1)], []),
        (Period(day(10, 1), day(10, 30)), [], [Period(day(10, 1), day(10, 30))]),
        (
            Period(day(8, 15), day(10, 20)),
            [day(9, 1)],
            [Period(day(8, 15), day(8, 31)), Period(day(10, 1), day(10, 20))],
        ),
        # The month so far: whole up to today, not before.
        (
            Period(day(8, 15), day(11, 27)),
            [day(9, 1), day(10, 1), day(11, 1)],
            [Period(day(8, 15), day(8, 31))],
        ),
        (Period(day(11, 1), day(11, 26)), [], [Period(day(11, 1), day(11, 26))]),
        (
            Period(datetime.date(2025, 12, 1), day(2, 28)),
            [datetime.date(2025, 12, 1), day(1, 1), day(2, 1)],
            [],
        ),
        (Period(day(2, 2), day(2, 27)), [], [Period(day(2, 2), day(2, 27))]),
    ],
)
def test_a_period_splits_into_whole_months_and_the_days_around_them(period, months, rest):
    assert split_into_months(period, today=day(11, 27)) == (months, rest)


def comment(page, posted: datetime.datetime, state=CommentState.VISIBLE) -> Comment:
    community = CommunityPage.objects.get(pk=page.get_parent().pk)
    return Comment.objects.create(
        community=community, page=page, author=UserFactory(), body="Setuju.", state=state, created_at=posted
    )


class Discussion:
    """A practice tagged "Katalog" with two October comments (one at 23:30 on the 31st, Jakarta) and one
    in November; a second practice tagged "Arsip" with one October comment."""

    def __init__(self):
        self.cop = CommunityPageFactory(title="CoP Katalogisasi")
        self.practice = PracticePageFactory(parent=self.cop, title="Katalog bersama")
        self.practice.tags.add("Katalog")
        self.practice.save()
        self.archive = PracticePageFactory(parent=self.cop, title="Arsip digital")
        self.archive.tags.add("Arsip")
        self.archive.save()
        self.first = comment(self.practice, datetime.datetime(2026, 10, 5, 9, 0, tzinfo=JAKARTA))
        comment(self.practice, datetime.datetime(2026, 10, 31, 23, 30, tzinfo=JAKARTA))
        comment(self.practice, datetime.datetime(2026, 11, 2, 9, 0, tzinfo=JAKARTA))
        comment(self.archive, datetime.datetime(2026, 10, 20, 9, 0, tzinfo=JAKARTA))

    def counts(self) -> Counter:
        counts = comment_topic_counts([self.cop.pk], BUCKETS)
        # The roll-up tells what counting every comment tells.
        assert counts == count_from_comments([self.cop.pk], BUCKETS)
        return counts


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as if its transaction committed."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


@pytest.fixture
def discussion(home, committed):
    return committed(Discussion)


def test_whole_months_and_the_month_so_far_come_from_the_roll_up(discussion):
    assert set(CommentTopicMonth.objects.values_list("topic", "month", "comments")) == {
        ("katalog", day(10, 1), 2),
        ("arsip", day(10, 1), 1),
        ("katalog", day(11, 1), 1),
    }
    assert discussion.counts() == Counter(
        {
            ("katalog", discussion.cop.pk, 0): 2,
            ("arsip", discussion.cop.pk, 0): 1,
            ("katalog", discussion.cop.pk, 1): 1,
            ("katalog", discussion.cop.pk, 2): 1,
        }
    )


def test_a_new_comment_counts_once_committed(discussion, committed):
    committed(lambda: comment(discussion.practice, datetime.datetime(2026, 10, 9, 9, 0, tzinfo=JAKARTA)))

    assert discussion.counts()["katalog", discussion.cop.pk, 0] == 3


def test_a_comment_rolled_back_never_counts(discussion, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment(discussion.practice, datetime.datetime(2026, 10, 9, 9, 0, tzinfo=JAKARTA))
    assert callbacks  # the refresh waits for a commit that never comes

    assert CommentTopicMonth.objects.get(topic="katalog", month=day(10, 1)).comments == 2


@pytest.mark.parametrize("state", [CommentState.HIDDEN, CommentState.WAITING])
def test_a_comment_no_longer_visible_stops_counting(discussion, committed, state):
    discussion.first.state = state
    committed(discussion.first.save)

    assert discussion.counts()["katalog", discussion.cop.pk, 0] == 1


def test_a_deleted_comment_stops_counting(discussion, committed):
    committed(discussion.first.delete)

    assert discussion.counts()["katalog", discussion.cop.pk, 0] == 1


def test_new_tags_move_the_comments_to_the_new_topics(discussion, committed):
    def retag():
        discussion.practice.tags.set(["Metadata", "katalog"])
        discussion.practice.save()

    committed(retag)

    counts = discussion.counts()
    assert counts["metadata", discussion.cop.pk, 0] == 2
    assert counts["katalog", discussion.cop.pk, 0] == 2


def test_an_unpublished_page_takes_its_comments_off_its_topics(discussion, committed):
    committed(discussion.practice.unpublish)

    assert discussion.counts() == Counter({("arsip", discussion.cop.pk, 0): 1})


def test_a_deleted_page_takes_its_comments_along(discussion, committed):
    committed(discussion.practice.delete)

    assert discussion.counts() == Counter({("arsip", discussion.cop.pk, 0): 1})
    assert not CommentTopicMonth.objects.filter(topic="katalog").exists()


def test_a_renamed_tag_renames_the_topic(discussion, committed):
    tag = Tag.objects.get(name="Arsip")
    tag.name = "Kearsipan"
    committed(tag.save)

    assert discussion.counts()["kearsipan", discussion.cop.pk, 0] == 1
    assert ("arsip", discussion.cop.pk, 0) not in discussion.counts()


def test_a_draft_saved_changes_nothing_it_counts(discussion, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        discussion.practice.save_revision(user=UserFactory())

    assert callbacks == []


def test_the_rebuild_command_restores_comments_loaded_in_bulk(discussion):
    """Bulk rows pass no signal: the command counts them, with a line saying what it wrote."""
    Comment.objects.bulk_create(
        Comment(
            community=discussion.cop,
            page=discussion.archive,
            author=UserFactory(),
            body="Impor.",
            created_at=datetime.datetime(2026, 10, 12, 9, 0, tzinfo=JAKARTA),
        )
        for _ in range(3)
    )
    CommentTopicMonth.objects.create(community=discussion.cop, topic="usang", month=day(9, 1), comments=7)
    output = StringIO()

    call_command("rebuild_comment_topics", "--no-progress", stdout=output)

    assert output.getvalue() == "Comment topics rebuilt: 3 rows (topic, CoP and month).\n"
    assert discussion.counts()["arsip", discussion.cop.pk, 0] == 4
    assert not CommentTopicMonth.objects.filter(topic="usang").exists()


def test_two_queries_and_the_tags_whatever_the_months_and_days(discussion):
    buckets = [
        Period(day(1, 15), day(10, 31)),
        Period(day(11, 1), day(11, 27)),
        Period(day(11, 2), day(11, 8)),
    ]

    with CaptureQueriesContext(connection) as queries:
        comment_topic_counts([discussion.cop.pk], buckets)

    # The tags' names (for the topic's spelling), the roll-up, the days outside whole months.
    assert len(queries) == 3
