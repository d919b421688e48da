"""Every reading page renders in the same number of queries, however much it lists.

Each page is rendered for a small CoP, then again once the CoP has grown
(practices 5 → 200, meetings, members, attendees and contributors 5 → 100);
the number of SQL queries must not move.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale
from wagtail_localize.operations import translate_object

from cop_pages.models import (
    Comment,
    CommentState,
    MeetingActionItem,
    MeetingLinkedPractice,
    MembershipRole,
    Reaction,
)
from tests.factories import (
    CommunityPageFactory,
    MeetingPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SMALL = {"practices": 5, "meetings": 5, "people": 5}
LARGE = {"practices": 200, "meetings": 100, "people": 100}
TAGS = ("peminjaman", "pengembalian", "rfid", "layanan mandiri")
# A ceiling that keeps the pages cheap as they evolve; the equality below is the real test.
MOST_QUERIES = 40


class GrowingCommunity:
    """A CoP with everything its pages show, grown to a given size."""

    def __init__(self, home):
        self.community = CommunityPageFactory(title="CoP Layanan Sirkulasi", slug="layanan-sirkulasi")
        translate_object(self.community, [Locale.objects.get(language_code="en")])
        self.english = self.community.get_translation(Locale.objects.get(language_code="en")).specific
        self.english.save_revision().publish()
        private = CommunityPageFactory(title="CoP Rahasia", private=True)
        PracticePageFactory(parent=private).tags.add("peminjaman")
        self.practice = PracticePageFactory(parent=self.community, title="Swalayan peminjaman", featured=True)
        self.practice.tags.add("peminjaman")
        self.practice.save()
        self.meeting = MeetingPageFactory(parent=self.community, title="Pertemuan Maret")
        self.meeting.tags.add("peminjaman")
        self.meeting.save()
        self.counts = {"practices": 1, "meetings": 1, "people": 0}
        self.days = itertools.count()

    def grow_to(self, practices: int, meetings: int, people: int) -> None:
        for _ in range(practices - self.counts["practices"]):
            number = next(self.days)
            # Every fifth practice exists only in English: it shows with a language badge.
            parent = self.english if number % 5 == 0 else self.community
            practice = PracticePageFactory(parent=parent, featured=number % 7 == 0)
            practice.tags.add(TAGS[number % len(TAGS)], "peminjaman")
            practice.save()
        for _ in range(meetings - self.counts["meetings"]):
            number = next(self.days)
            meeting = MeetingPageFactory(
                parent=self.community,
                meeting_date=timezone.localdate() + datetime.timedelta(days=number % 60 - 30),
                start_time=datetime.time(14, 0),
            )
            meeting.tags.add(TAGS[number % len(TAGS)], "peminjaman")
            meeting.save()
        for _ in range(people - self.counts["people"]):
            role = MembershipRole.FACILITATOR if self.counts["people"] % 20 == 0 else MembershipRole.MEMBER
            user = MembershipFactory(community=self.community, role=role).user
            self.practice.contributors.add(user)
            self.meeting.attendees.add(user)
            MeetingActionItem.objects.create(
                page=self.meeting, description="Tindak lanjut", owner=user, due_date=timezone.localdate()
            )
            self.counts["people"] += 1
        linked = self.meeting.linked_practices.count()
        for practice in self.community.get_children().type(self.practice.__class__)[linked : linked + 3]:
            MeetingLinkedPractice.objects.create(page=self.meeting, practice_id=practice.pk)
        self.counts.update(practices=practices, meetings=meetings)

    def urls(self) -> dict[str, str]:
        home = self.community.get_parent()
        return {
            "home": home.url,
            "home in English": "/en/",
            "community": self.community.url,
            "community filtered by tag": self.community.url + "?tag=peminjaman",
            "community, second page": self.community.url + "?halaman=2&pertemuan=2",
            "community in English": self.english.url,
            "practice": self.practice.url,
            "meeting": self.meeting.url,
            "tag": home.url + "tag/peminjaman/",
        }


def queries_to_render(client, url: str) -> int:
    client.get(url)  # Wagtail keeps the site's root paths in the cache after a first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_reading_pages_render_in_a_fixed_number_of_queries(client, home):
    staff = UserFactory(username="pembaca")
    client.force_login(staff)
    cop = GrowingCommunity(home)

    cop.grow_to(**SMALL)
    small = {name: queries_to_render(client, url) for name, url in cop.urls().items()}
    cop.grow_to(**LARGE)
    large = {name: queries_to_render(client, url) for name, url in cop.urls().items()}

    assert large == small
    assert max(small.values()) <= MOST_QUERIES, small


# The staff discussion --------------------------------------------------------

SMALL_DISCUSSION = {"comments": 3, "reactions": 3}
LARGE_DISCUSSION = {"comments": 300, "reactions": 100}
REACTING_PEOPLE = 10


class GrowingDiscussion:
    """A practice, a meeting and their CoP, each discussed more and more.

    The reader's view holds everything the discussion shows: replies, a
    mention, a deleted comment, the reader's own comments (editable) and
    marks, someone else's waiting and hidden comments, reactions on the pages
    and on comments.
    """

    def __init__(self, reader):
        self.reader = reader
        self.community = CommunityPageFactory(title="CoP Diskusi", slug="cop-diskusi")
        self.practice = PracticePageFactory(parent=self.community, title="Praktik yang ramai")
        self.meeting = MeetingPageFactory(parent=self.community, title="Pertemuan yang ramai")
        self.pages = (self.practice, self.meeting, self.community)
        self.authors = [UserFactory(username=f"penulis{number}") for number in range(5)] + [reader]
        self.people = [UserFactory(username=f"penilai{number}") for number in range(REACTING_PEOPLE)]
        self.comments = {page.pk: [] for page in self.pages}
        self.reactions = {page.pk: 0 for page in self.pages}

    def grow_to(self, comments: int, reactions: int) -> None:
        for page in self.pages:
            made = self.comments[page.pk]
            while len(made) < comments:
                number = len(made)
                top_level = [comment for comment in made if comment.parent_id is None]
                made.append(
                    Comment.objects.create(
                        page=page,
                        community=self.community,
                        author=self.authors[number % len(self.authors)],
                        # Every third comment replies to a thread.
                        parent=top_level[number % len(top_level)] if number % 3 == 2 else None,
                        body=f"Komentar {number} untuk @penulis{number % 5}\nhttps://example.com/{number}",
                        state=CommentState.WAITING if number % 50 == 1 else CommentState.VISIBLE,
                        deleted_at=timezone.now() if number % 40 == 3 else None,
                        edited_at=timezone.now() if number % 7 == 0 else None,
                    )
                )
            hidden = made[-1]
            Comment.objects.filter(pk=hidden.pk).update(state=CommentState.HIDDEN)
            self.react(page, reactions)

    def react(self, page, reactions: int) -> None:
        targets = [("page", page)] + [("comment", comment) for comment in self.comments[page.pk]]
        marks = [(person, target) for target in targets for person in [self.reader, *self.people]]
        for person, (kind, target) in marks[self.reactions[page.pk] : reactions]:
            Reaction.objects.get_or_create(user=person, **{kind: target})
        self.reactions[page.pk] = max(self.reactions[page.pk], reactions)

    def urls(self) -> dict[str, str]:
        return {
            "practice": self.practice.url,
            "meeting": self.meeting.url,
            "community": self.community.url,
            "home": self.community.get_parent().url,
        }


def test_a_discussion_renders_in_a_fixed_number_of_queries(client, home):
    reader = UserFactory(username="pembaca")
    client.force_login(reader)
    discussion = GrowingDiscussion(reader)

    discussion.grow_to(**SMALL_DISCUSSION)
    small = {name: queries_to_render(client, url) for name, url in discussion.urls().items()}
    discussion.grow_to(**LARGE_DISCUSSION)
    large = {name: queries_to_render(client, url) for name, url in discussion.urls().items()}

    assert Comment.objects.filter(page=discussion.practice).count() == 300
    assert Comment.objects.filter(page=discussion.practice, parent__isnull=False).count() == 100
    assert (
        Reaction.objects.filter(Q(page=discussion.practice) | Q(comment__page=discussion.practice)).count()
        == 100
    )
    assert large == small, (small, large)
    assert max(small.values()) <= MOST_QUERIES, small
