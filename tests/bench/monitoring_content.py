"""What the monitoring views read at scale, added to the search bench's 50 CoPs and 50,000 practices.

The practices are already there (search_content.py, bulk rows). This adds,
in bulk rows too, what a year of a busy learning center leaves behind:
members in every CoP, meeting notes, ``COMMENTS`` visible comments spread
over the last twelve months on the CoPs' practices, "Bermanfaat" marks on
pages and on comments, and the searches of the knowledge-gaps view.
"""

import datetime
import os
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm
from wagtail.models import Page

from cop_pages.models import (
    Comment,
    CommentState,
    CommunityPage,
    MeetingPage,
    Membership,
    MembershipRole,
    PracticePage,
    Reaction,
)
from search.models import SearchLog, SearchLogCommunity

from . import writing

COMMENTS = int(os.environ.get("MONITORING_BENCH_COMMENTS", "200000"))
SEARCHES = int(os.environ.get("MONITORING_BENCH_SEARCHES", "50000"))
# A fifth of the searches find nothing; their queries are the knowledge gaps.
GAP_SHARE = 0.2
PEOPLE = 500
MEMBERS_PER_COMMUNITY = 40
MEETINGS_PER_COMMUNITY = 12
PAGE_REACTIONS = 20_000
COMMENT_REACTIONS = 50_000
WRITE_BATCH = 5_000
YEAR = datetime.timedelta(days=365)


@dataclass
class MonitoringContent:
    communities: int
    practices: int
    meetings: int
    comments: int
    reactions: int
    members: int
    searches: int
    seconds: float
    # Rewriting the comment-topic roll-up after the bulk rows, as ``rebuild_comment_topics`` does.
    rollup_seconds: float


def bench_people() -> list[int]:
    """``PEOPLE`` staff accounts, made in one INSERT (they never log in)."""
    user_model = get_user_model()
    user_model.objects.bulk_create(
        [
            user_model(username=f"staf-pantau{number}", first_name="Staf", last_name=f"Pantau {number}")
            for number in range(PEOPLE)
        ],
        ignore_conflicts=True,
    )
    return list(user_model.objects.filter(username__startswith="staf-pantau").values_list("pk", flat=True))


def add_members(communities: list[CommunityPage], people: list[int], rng: random.Random) -> int:
    memberships = []
    for community in communities:
        for position, user_id in enumerate(rng.sample(people, MEMBERS_PER_COMMUNITY)):
            role = MembershipRole.FACILITATOR if position == 0 else MembershipRole.MEMBER
            memberships.append(Membership(community=community, user_id=user_id, role=role))
    Membership.objects.bulk_create(memberships, ignore_conflicts=True)
    return Membership.objects.filter(community__in=communities).count()


def add_meetings(communities: list[CommunityPage], rng: random.Random) -> int:
    """A meeting a month in every CoP, through Wagtail (there are few of them)."""
    today = timezone.localdate()
    with tqdm(total=len(communities) * MEETINGS_PER_COMMUNITY, desc="meetings", unit="page") as progress:
        for community in communities:
            for month in range(MEETINGS_PER_COMMUNITY):
                meeting = MeetingPage(
                    title=f"Pertemuan bulanan {month + 1}",
                    slug=f"pertemuan-pantau-{month + 1}",
                    meeting_date=today - datetime.timedelta(days=30 * month + rng.randint(0, 20)),
                    discussion_summary=writing.html_section(rng, 1),
                )
                meeting.tags.add(*writing.tags(rng))
                community.add_child(instance=meeting)
                progress.update()
    return len(communities) * MEETINGS_PER_COMMUNITY


def add_comments(communities: list[CommunityPage], people: list[int], rng: random.Random) -> list[int]:
    """``COMMENTS`` visible comments over the last year, each on a practice of its CoP; their ids."""
    pages_of = {
        community.pk: list(
            PracticePage.objects.live().child_of(community).values_list("pk", flat=True)[:2_000]
        )
        for community in communities
    }
    now = timezone.now()
    with tqdm(total=COMMENTS, desc="comments", unit="comment", mininterval=2) as progress:
        for start in range(0, COMMENTS, WRITE_BATCH):
            batch = []
            for _ in range(min(WRITE_BATCH, COMMENTS - start)):
                community = rng.choice(communities)
                batch.append(
                    Comment(
                        page_id=rng.choice(pages_of[community.pk]),
                        community=community,
                        author_id=rng.choice(people),
                        body=writing.sentence(rng),
                        state=CommentState.VISIBLE,
                        created_at=now - YEAR * rng.random(),
                    )
                )
            with transaction.atomic():
                Comment.objects.bulk_create(batch)
            progress.update(len(batch))
    return list(Comment.objects.values_list("pk", flat=True))


def add_reactions(comment_ids: list[int], people: list[int], rng: random.Random) -> int:
    """Helpful marks: one per person and page or comment, as the constraints want."""
    now = timezone.now()
    page_ids = list(Page.objects.type(PracticePage).values_list("pk", flat=True))
    reactions = {("page", rng.choice(page_ids), rng.choice(people)) for _ in range(PAGE_REACTIONS)} | {
        ("comment", rng.choice(comment_ids), rng.choice(people)) for _ in range(COMMENT_REACTIONS)
    }
    rows = [
        Reaction(
            user_id=user_id,
            page_id=target if kind == "page" else None,
            comment_id=target if kind == "comment" else None,
            created_at=now - YEAR * rng.random(),
        )
        for kind, target, user_id in reactions
    ]
    for start in range(0, len(rows), WRITE_BATCH):
        with transaction.atomic():
            Reaction.objects.bulk_create(rows[start : start + WRITE_BATCH])
    return len(rows)


def add_searches(communities: list[CommunityPage], people: list[int], rng: random.Random) -> int:
    """``SEARCHES`` logged searches over the last year, each by a member of one CoP or of none."""
    now = timezone.now()
    members_of = dict(
        Membership.objects.filter(community__in=communities).values_list("user_id", "community_id")
    )
    logs, moments, searchers = [], [], []
    for _ in range(SEARCHES):
        found_nothing = rng.random() < GAP_SHARE
        words = rng.sample(writing.TAGS, 2)
        logs.append(
            SearchLog(
                query=" ".join(words) + (f" {rng.randint(1, 400)}" if found_nothing else ""),
                result_count=0 if found_nothing else rng.randint(1, 200),
                engine="database",
                language="id",
                filtered=rng.random() < 0.1,
            )
        )
        moments.append(now - YEAR * rng.random())
        searchers.append(members_of.get(rng.choice(people)))
    with tqdm(total=SEARCHES, desc="searches", unit="search", mininterval=2) as progress:
        for start in range(0, SEARCHES, WRITE_BATCH):
            with transaction.atomic():
                batch = SearchLog.objects.bulk_create(logs[start : start + WRITE_BATCH])
                # ``searched_at`` is set on creation: spread over the year afterwards.
                for log, moment in zip(batch, moments[start : start + WRITE_BATCH], strict=True):
                    log.searched_at = moment
                SearchLog.objects.bulk_update(batch, ["searched_at"], batch_size=500)
                SearchLogCommunity.objects.bulk_create(
                    SearchLogCommunity(search=log, community_id=community_id)
                    for log, community_id in zip(batch, searchers[start : start + WRITE_BATCH], strict=True)
                    if community_id is not None
                )
            progress.update(len(batch))
    return SEARCHES
