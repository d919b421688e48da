"""The admin at 50 CoPs: the dashboard and Wagtail's page explorer, per role.

The bench's demo CoPs are topped up to ``COMMUNITIES`` with CoPs made by
the factories (so provisioned: groups, page permissions, review workflow),
each with live practices written like the demo's, and ``PENDING`` drafts
submitted for review through Wagtail itself (``save_revision`` then the
CoP's workflow ``start``), ``MEASURED_PENDING`` of them in the CoP whose
moderator is measured. Pages are added with ``add_child`` inside one
transaction, like ``content.py`` does.

The moderator facilitates that one CoP and belongs to no other, so the
root of what Wagtail lets them explore is their CoP: Wagtail redirects
them from Pusat Belajar's explorer to it, and the table says so.
"""

import random
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tqdm import tqdm
from wagtail.models import Page

from cop_pages.models import CommunityPage, MembershipRole, PracticePage
from cop_pages.provisioning import LEARNING_CENTER_TEAM
from tests.factories import CommunityPageFactory, MembershipFactory, UserFactory, learning_center_root

from . import content, writing
from .pages import PageTiming, time_page

COMMUNITIES = 50
LIVE_PRACTICES = 10  # in each added CoP
PENDING = 500
MEASURED_PENDING = 30  # more than the dashboard shows: it also counts the rest


@dataclass
class AdminContent:
    home: Page
    community: CommunityPage
    moderator: object
    team_member: object
    administrator: object
    communities: int
    pending: int
    overdue: int


@dataclass
class AdminTiming:
    page: str
    user: str
    timing: PageTiming
    # Where Wagtail sent the user, and the queries of that redirect; None when it answered 200.
    redirected_to: str | None = None
    redirect_queries: int = 0


def submit_draft(community: CommunityPage, number: int, rng: random.Random, author) -> PracticePage:
    """A contributor's new practice, submitted for review as the editor's "Submit" does."""
    draft = PracticePage(
        title=writing.title(rng),
        slug=f"usulan-{number}",
        summary=writing.html_section(rng, 1),
        context=writing.html_section(rng, 1),
        practice=writing.html_section(rng, 1, items=rng.randint(3, 6)),
        live=False,
        owner=author,
        content_owner=author,
    )
    community.add_child(instance=draft)
    draft.save_revision(user=author)
    draft.get_workflow().start(draft, author)
    return draft


@transaction.atomic
def build_admin_content(rng: random.Random) -> AdminContent:
    """Top the site up to ``COMMUNITIES`` CoPs with ``PENDING`` submissions awaiting review."""
    existing = CommunityPage.objects.filter(locale__language_code="id").count()
    added = [
        CommunityPageFactory(title=f"CoP Unit Layanan {index}", division=f"Unit Layanan {index}")
        for index in range(1, COMMUNITIES - existing + 1)
    ]
    measured = added[0]
    author = UserFactory(username="kontributor-bench")
    for community in added:
        MembershipFactory(user=author, community=community)
    moderator = MembershipFactory(
        user=UserFactory(username="moderator-bench"), community=measured, role=MembershipRole.FACILITATOR
    ).user
    people = [author, moderator] + [UserFactory(username=f"penulis-bench{index}") for index in range(3)]
    numbers = iter(range(200_000, 300_000))
    for community in tqdm(added, desc="CoPs", unit="CoP", mininterval=2):
        for _ in range(LIVE_PRACTICES):
            content.add_practice(community, next(numbers), rng, people)
    others = added[1:]
    for index in tqdm(range(PENDING), desc="submissions", unit="page", mininterval=2):
        community = measured if index < MEASURED_PENDING else others[index % len(others)]
        submit_draft(community, next(numbers), rng, author)
    team_member = UserFactory(username="tim-pusat-bench")
    team_member.groups.add(Group.objects.get(name=LEARNING_CENTER_TEAM))
    return AdminContent(
        home=learning_center_root("id"),
        community=measured,
        moderator=moderator,
        team_member=team_member,
        administrator=UserFactory(username="admin-bench", is_superuser=True, is_staff=True),
        communities=CommunityPage.objects.filter(locale__language_code="id").count(),
        pending=PENDING,
        overdue=PracticePage.objects.live().filter(review_by__lt=timezone.localdate()).count(),
    )


def time_admin_page(client: Client, page: str, user: str, url: str) -> AdminTiming:
    """``time_page`` on where the user lands, after Wagtail's redirect if it sends one."""
    client.get(url)  # Warm-up.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Counted now: the next request clears the connection's query log.
    redirect_queries = len(queries)
    if response.status_code == 302:
        landing = response["Location"]
        return AdminTiming(page, user, time_page(client, landing), landing, redirect_queries)
    return AdminTiming(page, user, time_page(client, url))


def time_admin_pages(admin: AdminContent) -> list[AdminTiming]:
    users = {
        f"moderator of {admin.community.title}": admin.moderator,
        "learning-center team": admin.team_member,
        "administrator": admin.administrator,
    }
    pages = {
        "Dashboard": "/admin/",
        f"Explorer: {admin.home.title}": f"/admin/pages/{admin.home.pk}/",
        f"Explorer: {admin.community.title}": f"/admin/pages/{admin.community.pk}/",
    }
    timings = []
    for page, url in pages.items():
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            timings.append(time_admin_page(client, page, role, url))
    return timings


# The "How it measures" entry of docs/benchmarks.md.
DOCS_DESCRIPTION = f"""after the reading pages, the demo CoPs are topped up
  to {COMMUNITIES} CoPs by the factories (provisioned: groups, page permissions,
  review workflow), each new one with {LIVE_PRACTICES} live practices, and
  {PENDING} drafts are submitted for review through Wagtail (`save_revision`,
  then the CoP's workflow `start`), {MEASURED_PENDING} of them in the moderator's
  CoP. Practices are past their review-by date as `content.add_practice` dates them. The
  moderator facilitates that one CoP and belongs to no other, so Wagtail makes
  their CoP the root of what they may explore and redirects them there from
  Pusat Belajar; the landing page is what is timed. The dashboard's own panels
  are `cop_pages/dashboard.py`; the explorer is Wagtail's, with
  wagtail-localize's listing buttons."""
