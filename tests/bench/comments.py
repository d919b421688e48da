"""The staff discussion: a practice page with more and more comments, and comment POSTs per second.

Reading: a fresh practice in the measured CoP gets 0, then 100, then 1,000
visible comments written like people write them (a third are replies, some
answering another reply of the thread, some mention a member, some link,
some were edited — with their earlier text kept — and a few are deleted and
show as placeholders), with "Bermanfaat" marks on the page and on comments.
The page is timed with ``time_page`` by the bench's reader at each size.

Writing: every poster is a staff member with a ``Client`` of their own that
enforces CSRF like a browser: it opens a second fresh practice once, takes
the new-comment form's action and CSRF token from the page, then posts the
form to the real view. Each run of ``POSTS`` posts is one post per person,
so the rule of 5 comments per minute per person is never reached; the
second run reuses the same people (their second comment in the minute).
"""

import datetime
import gc
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.signals import task_enqueued

from cop_pages.models import Comment, CommentState, CommentVersion, CommunityPage, PracticePage, Reaction
from tests.factories import UserFactory

from . import content, writing
from .pages import PageTiming, time_page

COMMENT_COUNTS = (0, 100, 1_000)
REACTING_PEOPLE = 20
POSTS = 500
FIRST_COMMENT_AGO = datetime.timedelta(days=60)
BETWEEN_COMMENTS = datetime.timedelta(minutes=3)
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
# The new-comment form of the page, as the browser reads it.
NEW_COMMENT_FORM = re.compile(
    r'<form [^>]*id="komentar-baru"[^>]*action="(?P<action>[^"]+)"[^>]*>\s*'
    r'<input type="hidden" name="csrfmiddlewaretoken" value="(?P<token>[^"]+)">'
)


@dataclass
class DiscussionTiming:
    comments: int
    replies: int
    edited: int
    deleted: int
    marks: int
    timing: PageTiming


@dataclass
class PostThroughput:
    backend: str  # the task backend, as the table names it
    posts: int
    seconds: float
    median_ms: float
    p95_ms: float
    queries: int  # of one POST, the notification task included when it runs in the request
    emails: int
    tasks_run_in_request: bool
    tasks_enqueued: dict[str, int]  # task name: how many times

    @property
    def rate(self) -> float:
        return self.posts / self.seconds


@dataclass
class CommentResults:
    community: str
    practices: int
    reading: list[DiscussionTiming]
    writing: list[PostThroughput]


class GrowingDiscussion:
    """A practice's discussion, grown comment by comment in the order people would write it."""

    def __init__(self, page: PracticePage, authors: list, reacting: list, rng):
        self.page = page
        self.community = page.get_parent().specific
        self.authors = authors
        self.reacting = reacting
        self.rng = rng
        self.threads: dict[int, list[int]] = {}  # top-level comment id: its replies' ids
        self.made = 0
        self.started = timezone.now() - FIRST_COMMENT_AGO

    def body(self, number: int) -> str:
        text = writing.paragraph(self.rng, self.rng.randint(1, 3))
        if number % 5 == 1:
            text = f"@{self.rng.choice(self.authors).get_username()} {text}"
        if number % 8 == 4:
            text += f"\nContoh: https://intranet.example/dok/{number}"
        if number % 4 == 0:
            text += "\n\n" + writing.sentence(self.rng)
        return text

    @transaction.atomic
    def grow_to(self, total: int) -> None:
        versions, marks = [], []
        while self.made < total:
            number = self.made
            created = self.started + number * BETWEEN_COMMENTS
            parent = replied_to = None
            if number % 3 == 2 and self.threads:
                parent = self.rng.choice(list(self.threads))
                replies = self.threads[parent]
                replied_to = self.rng.choice(replies) if replies and self.rng.random() < 0.3 else parent
            edited = number % 6 == 5
            comment = Comment.objects.create(
                page=self.page,
                community=self.community,
                author=self.rng.choice(self.authors),
                parent_id=parent,
                replied_to_id=replied_to,
                body=self.body(number),
                state=CommentState.VISIBLE,
                created_at=created,
                edited_at=created + datetime.timedelta(minutes=4) if edited else None,
                deleted_at=created + datetime.timedelta(hours=1) if number % 40 == 17 else None,
            )
            if parent is None:
                self.threads[comment.pk] = []
            else:
                self.threads[parent].append(comment.pk)
            if edited:
                versions.append(CommentVersion(comment=comment, body=self.body(number), written_at=created))
            if not comment.is_deleted:
                people = self.rng.sample(self.reacting, self.rng.choice((0, 0, 0, 1, 1, 2, 4)))
                marks += [Reaction(user=person, comment=comment) for person in people]
            self.made += 1
        CommentVersion.objects.bulk_create(versions)
        Reaction.objects.bulk_create(marks)
        page_marks = min(len(self.reacting), total // 20)
        already = set(Reaction.objects.filter(page=self.page).values_list("user_id", flat=True))
        Reaction.objects.bulk_create(
            Reaction(user=person, page=self.page)
            for person in self.reacting[:page_marks]
            if person.pk not in already
        )

    def measure(self, client: Client) -> DiscussionTiming:
        comments = Comment.objects.filter(page=self.page, state=CommentState.VISIBLE)
        return DiscussionTiming(
            comments=comments.count(),
            replies=comments.filter(parent__isnull=False).count(),
            edited=comments.filter(edited_at__isnull=False).count(),
            deleted=comments.filter(deleted_at__isnull=False).count(),
            marks=Reaction.objects.filter(page=self.page).count()
            + Reaction.objects.filter(comment__page=self.page).count(),
            timing=time_page(client, self.page.get_url()),
        )


def fresh_practice(community: CommunityPage, number: int, rng, people: list) -> PracticePage:
    with transaction.atomic():
        return content.add_practice(CommunityPage.objects.get(pk=community.pk), number, rng, people)


def time_discussion(
    client: Client, reader, community: CommunityPage, rng, people: list
) -> list[DiscussionTiming]:
    """``client`` is logged in as ``reader``, who marks some comments too."""
    practice = fresh_practice(community, 900_000, rng, people)
    reacting = [UserFactory(username=f"penilai-bench{index}") for index in range(REACTING_PEOPLE - 1)]
    discussion = GrowingDiscussion(practice, people, [reader, *reacting], rng)
    timings = []
    for total in COMMENT_COUNTS:
        discussion.grow_to(total)
        timings.append(discussion.measure(client))
    return timings


@dataclass
class Poster:
    client: Client
    action: str
    token: str


def ready_poster(user, page: PracticePage) -> Poster:
    """A logged-in browser that has opened the page: its form's action and CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get(page.get_url())
    found = NEW_COMMENT_FORM.search(response.content.decode())
    if response.status_code != 200 or found is None:
        raise RuntimeError(f"{page.get_url()} shows {user} no comment form ({response.status_code})")
    return Poster(client, found["action"], found["token"])


def post(poster: Poster, body: str) -> None:
    response = poster.client.post(poster.action, {"body": body, "csrfmiddlewaretoken": poster.token})
    # 302 to the new comment; a refusal (rate limit…) re-renders the page with 200, CSRF answers 403.
    if response.status_code != 302 or "#komentar-" not in response["Location"]:
        raise RuntimeError(f"POST {poster.action} answered {response.status_code}")


def time_posts(backend: str, posters: list[Poster], warm_up: list[Poster], rng) -> PostThroughput:
    bodies = [writing.paragraph(rng, rng.randint(1, 3)) for _ in posters]
    post(warm_up[0], writing.sentence(rng))
    with CaptureQueriesContext(connection) as queries:
        post(warm_up[1], writing.sentence(rng))
    query_count = len(queries)  # Counted now: the next request clears the log.
    emails_before = len(getattr(mail, "outbox", []))
    enqueued = Counter()

    def count_task(sender, task_result, **kwargs):
        enqueued[task_result.task.name] += 1

    latencies = []
    gc.collect()
    task_enqueued.connect(count_task)
    try:
        started = time.perf_counter()
        for poster, body in zip(posters, bodies, strict=True):
            begun = time.perf_counter()
            post(poster, body)
            latencies.append(time.perf_counter() - begun)
        seconds = time.perf_counter() - started
    finally:
        task_enqueued.disconnect(count_task)
    emails = len(getattr(mail, "outbox", [])) - emails_before
    if hasattr(mail, "outbox"):
        mail.outbox.clear()
    return PostThroughput(
        backend=backend,
        posts=len(posters),
        seconds=seconds,
        median_ms=statistics.median(latencies) * 1000,
        p95_ms=statistics.quantiles(latencies, n=20)[-1] * 1000,
        queries=query_count,
        emails=emails,
        tasks_run_in_request=isinstance(task_backends["default"], ImmediateBackend),
        tasks_enqueued=dict(enqueued),
    )


def time_comment_posts(community: CommunityPage, rng, people: list) -> list[PostThroughput]:
    practice = fresh_practice(community, 900_001, rng, people)
    users = [UserFactory(username=f"komentator-bench{index}") for index in range(POSTS + 2)]
    posters = [ready_poster(user, practice) for user in users]
    expected = reverse("staff_comments:post", args=[practice.pk])
    if any(poster.action != expected for poster in posters):
        raise RuntimeError(f"The comment form does not post to {expected}")
    warm_up, timed = posters[:2], posters[2:]
    results = [time_posts("ImmediateBackend (the test settings)", timed, warm_up, rng)]
    with override_settings(TASKS=DUMMY_TASKS):
        results.append(time_posts("DummyBackend", timed, warm_up, rng))
    posted = Comment.objects.filter(page=practice).count()
    if posted != 2 * (POSTS + 2):
        raise RuntimeError(f"{posted} comments stored for {2 * (POSTS + 2)} posts")
    return results


def run_comment_bench(client: Client, reader, community: CommunityPage, rng) -> CommentResults:
    """The page timings as ``reader`` (logged in on ``client``) sees them, then the POST runs."""
    community = CommunityPage.objects.get(pk=community.pk)
    people = list(get_user_model().objects.filter(cop_memberships__community=community)) or [
        UserFactory(username="penulis")
    ]
    reading = time_discussion(client, reader, community, rng, people)
    writing_runs = time_comment_posts(community, rng, people)
    return CommentResults(
        community=community.title,
        practices=PracticePage.objects.child_of(community).count(),
        reading=reading,
        writing=writing_runs,
    )


# The "How it measures" entries of docs/benchmarks.md.
DOCS_DESCRIPTION = f"""- **Staff discussion**: after the admin pages, a fresh practice is added
  to the measured CoP (written like the others, `content.add_practice`) and
  timed as above by the same reader with {", ".join(f"{count:,}" for count in COMMENT_COUNTS)}
  visible comments, grown in that order in the database (`Comment.objects.create`,
  3 minutes apart, long past the edit window). Every third comment is a reply
  (a third of those answer another reply of the thread), every fifth mentions
  a member, every sixth was edited (its earlier text kept as a
  `CommentVersion`), one in forty is deleted and shows as a placeholder;
  {REACTING_PEOPLE} people (the reader among them) mark comments and the page
  "Bermanfaat". The reader wrote none of them, so no comment shows its edit form.
  With no comment the page may make one query fewer (the people mentioned are
  looked up only when there are comments); from {COMMENT_COUNTS[1]:,} to
  {COMMENT_COUNTS[-1]:,} comments the count must not change, and a change is
  listed below the tables as a bug.
- **Comment POSTs** go to the real view (`staff_comments:post`,
  `/komentar/halaman/<page_id>/kirim/`, field `body`) of a second fresh
  practice of that CoP, through Django's test `Client(enforce_csrf_checks=True)`:
  each of {POSTS} distinct staff members has a client of their own, opens the
  page once (not timed) and posts the form with the action and CSRF token read
  from it. One post per person per run, so the rule of 5 comments per minute per
  person is never reached, without turning it off; the second run reuses the
  same people (their second comment within the minute). Two posts by two more
  people warm up and count the queries; then the {POSTS} posts run one after the
  other in this single process (one core; on PostgreSQL the server runs beside
  it). The time of a post is the whole request, the 302 to the new comment
  included; comments per second is {POSTS} over the wall time of the loop.
  The background tasks a post enqueues after its commit (counted with
  django-tasks' `task_enqueued` signal and named in the table; Wagtail's
  `update_reference_index_task` is one, as a comment points at its page) run
  inside the request with the test settings' `ImmediateBackend`, their queries
  counted with the POST's, and the emails of `notify_new_comment` (to the
  practice's content owner and contributors, each in their language) go to
  Django's local-memory email backend, not to a mail server. The second run,
  under `override_settings(TASKS=...)` with django-tasks' `DummyBackend`, only
  queues them, as a production request does with its database queue (minus the
  queue's own INSERTs); the difference between the rows is the work a worker
  does in production."""
