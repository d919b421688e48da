"""The "Pemantauan" views at 50 CoPs, 50,000 practices and 200,000 comments: server time and SQL queries.

Runs at the end of the search bench's largest size, while its osmem server
still holds the 50,000-practice knowledge index: the content of
monitoring_content.py is added (the new meeting notes are indexed too, so
both engines see the same pages), then the views are timed together with
``time_in_rounds`` as a learning-center team member over twelve months, for
every CoP at once, and the topic views once more with Elasticsearch (osmem)
answering their page counts. The dashboard (with the "Pusat Belajar
sekilas" panel) is timed too. Target: under one second, and the same number
of queries as at demo size (the test suite asserts that).
"""

import time
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.urls import reverse

from cop_pages.models import CommunityPage, MeetingPage
from cop_pages.provisioning import LEARNING_CENTER_TEAM
from learning_center.comment_topics import rebuild as rebuild_comment_topics
from search.indexing import index_pages
from tests.factories import UserFactory

from . import monitoring_content
from .pages import PageTiming, time_in_rounds
from .search_content import live_practices

TARGET_MS = 1_000
TWELVE_MONTHS = "?periode=12m"
# View -> URL name and query string; the topic views are timed on both engines.
VIEWS = {
    "CoP health": ("community_health", TWELVE_MONTHS),
    "Topic trends": ("topic_trends", TWELVE_MONTHS),
    "Cross-CoP and rising topics": ("cross_community_topics", TWELVE_MONTHS),
    "Knowledge gaps": ("knowledge_gaps", TWELVE_MONTHS),
    "Recognition": ("recognition", TWELVE_MONTHS),
    "Monthly evaluation report, whole center": ("evaluation_report", ""),
}
ELASTICSEARCH_VIEWS = ("Topic trends", "Cross-CoP and rising topics")
DASHBOARD = "Admin dashboard"


@dataclass
class ViewTiming:
    view: str
    engine: str
    timing: PageTiming


@dataclass
class MonitoringResults:
    content: monitoring_content.MonitoringContent
    timings: list[ViewTiming]


def view_url(view: str) -> str:
    url_name, query = VIEWS[view]
    return reverse(f"learning_center_monitoring:{url_name}") + query


def team_client() -> Client:
    member = UserFactory(username="tim-pantau")
    member.groups.add(Group.objects.get(name=LEARNING_CENTER_TEAM))
    client = Client()
    client.force_login(member)
    return client


def run_monitoring_bench(rng, elasticsearch_settings: dict, step) -> MonitoringResults:
    started = time.perf_counter()
    communities = list(CommunityPage.objects.filter(locale__language_code="id").order_by("path"))
    step(f"Monitoring: members, meetings, {monitoring_content.COMMENTS:,} comments and helpful marks")
    people = monitoring_content.bench_people()
    members = monitoring_content.add_members(communities, people, rng)
    meetings = monitoring_content.add_meetings(communities, rng)
    comment_ids = monitoring_content.add_comments(communities, people, rng)
    reactions = monitoring_content.add_reactions(comment_ids, people, rng)
    searches = monitoring_content.add_searches(communities, people, rng)
    step("Monitoring: rebuilding the comment-topic roll-up (the bulk rows passed no signal)")
    rollup_started = time.perf_counter()
    rebuild_comment_topics(progress=True)
    rollup_seconds = time.perf_counter() - rollup_started
    with override_settings(**elasticsearch_settings):
        index_pages(MeetingPage.objects.values_list("pk", flat=True))
    content = monitoring_content.MonitoringContent(
        communities=len(communities),
        practices=live_practices(),
        meetings=meetings,
        comments=len(comment_ids),
        reactions=reactions,
        members=members,
        searches=searches,
        seconds=time.perf_counter() - started - rollup_seconds,
        rollup_seconds=rollup_seconds,
    )
    client = team_client()
    step("Monitoring: timing each view on the database engine")
    with override_settings(ELASTICSEARCH_URL=""):
        urls = {view: view_url(view) for view in VIEWS} | {DASHBOARD: reverse("wagtailadmin_home")}
        timings = [
            ViewTiming(view, "database", timing) for view, timing in time_in_rounds(client, urls).items()
        ]
    step("Monitoring: timing the topic views with Elasticsearch (osmem) counting pages")
    with override_settings(**elasticsearch_settings):
        urls = {view: view_url(view) for view in ELASTICSEARCH_VIEWS}
        timings += [
            ViewTiming(view, "elasticsearch (osmem)", timing)
            for view, timing in time_in_rounds(client, urls).items()
        ]
    return MonitoringResults(content, timings)


def monitoring_section(results: MonitoringResults) -> str:
    content = results.content
    lines = [
        "## Monitoring at scale",
        "",
        f"{content.communities} CoPs, {content.practices:,} live practices, {content.meetings:,} meeting "
        f"notes, {content.comments:,} visible comments over twelve months, {content.reactions:,} "
        f"helpful marks, {content.members:,} memberships, {content.searches:,} logged searches "
        f"(added in {content.seconds:.0f} s; the comment-topic roll-up rebuilt from them in "
        f"{content.rollup_seconds:.1f} s). A learning-center team member, period 12 months, "
        "every CoP; median of the timed requests.",
        "",
        "| view | page counts from | server time (ms) | SQL queries | under 1 s |",
        "|---|---|---:|---:|---|",
    ]
    for timing in results.timings:
        met = "yes" if timing.timing.median_ms < TARGET_MS else "**no**"
        lines.append(
            f"| {timing.view} | {timing.engine} | {timing.timing.median_ms:,.1f} "
            f"| {timing.timing.queries} | {met} |"
        )
    return "\n".join(lines)
