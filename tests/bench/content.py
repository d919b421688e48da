"""The bench's data: a demo-sized site, then one CoP grown to thousands of practices.

Pages are added with Wagtail's own ``add_child``, one by one inside one
transaction: every tree path, URL path, search entry and reference-index
row is what the editor would have written, and 5,000 practices take about
two minutes on two cores. They are live but have no revisions, which no
reading page looks at.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from tqdm import tqdm

from cop_pages.models import (
    CommunityPage,
    MeetingActionItem,
    MeetingLinkedPractice,
    MeetingPage,
    MembershipRole,
    PracticePage,
)
from tests.factories import CommunityPageFactory, MembershipFactory, UserFactory

from . import writing

FIRST_DAY = datetime.date(2025, 1, 6)
# (title, practices, meetings) of the six demo-sized CoPs; the last one is private.
DEMO_COMMUNITIES = (
    ("CoP Layanan Sirkulasi", 12, 4),
    ("CoP Pengadaan Koleksi", 10, 3),
    ("CoP Katalogisasi", 8, 3),
    ("CoP Penataan Rak", 7, 2),
    ("CoP Guru Literasi", 5, 2),
    ("CoP Rahasia Pimpinan", 3, 1),
)
DEMO_PEOPLE = 30


@dataclass
class MeasuredPages:
    """The four page types as one reader sees them, the same pages at every size."""

    community: CommunityPage
    urls: dict[str, str]


def add_practice(community: CommunityPage, number: int, rng: random.Random, people: list) -> PracticePage:
    practice = PracticePage(
        title=writing.title(rng),
        slug=f"praktik-{number}",
        documented_on=FIRST_DAY + datetime.timedelta(days=number % 700),
        summary=writing.html_section(rng, 1),
        context=writing.html_section(rng, 2),
        practice=writing.html_section(rng, 1, items=rng.randint(3, 6)),
        results=writing.html_section(rng, 1),
        lessons=writing.html_section(rng, 1, items=rng.randint(2, 4)),
        resources=[("link", {"title": "Panduan lengkap", "url": f"https://intranet.example/dok/{number}"})],
        content_owner=rng.choice(people),
        review_by=FIRST_DAY + datetime.timedelta(days=365 + number % 700),
        featured=number % 15 == 0,
    )
    # Tags and contributors are cluster relations: saved with the page itself.
    practice.tags.add(*writing.tags(rng))
    practice.contributors.set(rng.sample(people, rng.randint(1, 3)))
    community.add_child(instance=practice)
    return practice


def add_meeting(
    community: CommunityPage, number: int, rng: random.Random, people: list, practices: list
) -> MeetingPage:
    meeting = MeetingPage(
        title=f"Pertemuan {number}",
        slug=f"pertemuan-{number}",
        meeting_date=datetime.date.today() + datetime.timedelta(days=14 * (number % 6) - 42),
        start_time=datetime.time(14, 0),
        location="Ruang Rapat Lt. 2",
        agenda=writing.html_section(rng, 0, items=4),
        discussion_summary=writing.html_section(rng, 2),
        decisions=writing.html_section(rng, 0, items=3),
        reflection=writing.html_section(rng, 1),
    )
    meeting.tags.add(*writing.tags(rng))
    meeting.attendees.set(rng.sample(people, min(len(people), 8)))
    meeting.action_items = [
        MeetingActionItem(description=writing.sentence(rng), owner=rng.choice(people), due_date=FIRST_DAY)
        for _ in range(3)
    ]
    meeting.linked_practices = [MeetingLinkedPractice(practice=practice) for practice in practices[:2]]
    community.add_child(instance=meeting)
    return meeting


@transaction.atomic
def build_demo_content(rng: random.Random) -> None:
    """Six CoPs, one of them private, about 45 practices, 15 meetings and 30 members."""
    people = [UserFactory(username=f"anggota{index}") for index in range(DEMO_PEOPLE)]
    numbers = iter(range(1, 10_000))
    for index, (title, practice_count, meeting_count) in enumerate(DEMO_COMMUNITIES):
        community = CommunityPageFactory(
            title=title,
            division=title.removeprefix("CoP "),
            goals_and_scope=writing.html_section(rng, 2),
            norms=writing.html_section(rng, 0, items=4),
            channels=[("channel", {"kind": "chat", "label": "Grup obrolan", "url": "https://chat.example/"})],
            private=index == len(DEMO_COMMUNITIES) - 1,
        )
        members = people[index * 5 : index * 5 + 8]
        for position, person in enumerate(members):
            role = MembershipRole.FACILITATOR if position == 0 else MembershipRole.MEMBER
            MembershipFactory(user=person, community=community, role=role)
        practices = [add_practice(community, next(numbers), rng, members) for _ in range(practice_count)]
        for _ in range(meeting_count):
            add_meeting(community, next(numbers), rng, members, rng.sample(practices, len(practices)))


def pages_to_measure() -> MeasuredPages:
    """The busiest public CoP with a meeting, its newest practice and its latest meeting."""
    candidates = CommunityPage.objects.live().filter(private=False, locale__language_code="id")
    community = max(
        candidates,
        key=lambda cop: (
            MeetingPage.objects.child_of(cop).live().exists(),
            PracticePage.objects.child_of(cop).live().count(),
        ),
    )
    practice = PracticePage.objects.child_of(community).live().order_by("-documented_on", "-pk").first()
    meeting = MeetingPage.objects.child_of(community).live().order_by("-meeting_date", "-pk").first()
    return MeasuredPages(
        community=community,
        urls={
            "Pusat Belajar home": community.get_parent().get_url(),
            "CoP page": community.get_url(),
            "Practice page": practice.get_url(),
            "Meeting page": meeting.get_url(),
        },
    )


@transaction.atomic
def grow_practices(community: CommunityPage, total: int, rng: random.Random) -> int:
    """Add practices until the CoP holds ``total``; returns how many were added."""
    community = CommunityPage.objects.get(pk=community.pk)
    people = list(get_user_model().objects.filter(cop_memberships__community=community)) or [
        UserFactory(username="penulis")
    ]
    missing = total - PracticePage.objects.child_of(community).count()
    for number in tqdm(range(missing), desc="practices", unit="page", mininterval=2):
        add_practice(community, 100_000 + number, rng, people)
    return missing
