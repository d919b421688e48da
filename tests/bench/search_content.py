"""Tens of thousands of live practices for the search bench, in minutes rather than the better part of an hour.

Wagtail's ``add_child`` writes one page in about 25 ms here (tree locking,
``full_clean``, the reference index, Wagtail's own search index), so 50,000
practices would take some twenty minutes. This module writes the same rows
in bulk instead, and checks them:

- the ``wagtailcore_page`` rows with ``Page.objects.bulk_create``: tree paths
  numbered after the CoP's last child exactly as treebeard numbers them
  (``MP_Node._get_path``), ``depth`` one below the CoP, ``url_path`` the CoP's
  plus the slug, the CoP's locale, a fresh ``translation_key``, the practice
  content type, live and published, ``draft_title`` equal to the title; then
  the CoP's ``numchild`` is raised by as many;
- the ``cop_pages_practicepage`` rows through Django's own multi-row INSERT
  (``QuerySet._insert``, what ``Model.save`` uses for the child table: Django's
  ``bulk_create`` refuses multi-table models), so every field goes through its
  ``get_db_prep_save`` (rich text, the resources StreamField as JSON);
- tags as taggit ``Tag`` rows and ``PracticePageTag`` rows, contributors as
  rows of the many-to-many table, all with ``bulk_create``.

What ``add_child`` would also have written and these pages lack: revisions
(neither do ``content.py``'s pages), reference-index rows and entries in
Wagtail's own page search index (the admin's search). No page was published
through a revision, so no signal queued a knowledge-index task: the search
bench's rebuild is what indexes them. ``check_pages`` checks the tree
(``numchild``, depths) and compares a bulk-made page with what Wagtail reads back.

The text: each practice is the bench's usual prose (``writing.py``) with the
summary and sections of one Indonesian practice of the relevance set
(tests/search/relevance/corpus.yaml) mixed in, the same donor for about one
page in forty. So every page shares the bench's common words (a query for
"peminjaman" matches nearly all of them), and the set's distinctive words
(kios RFID, penyiangan, stock opname…) match a few percent: searches of
different selectivity.
"""

import datetime
import html
import random
import time
import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Length
from django.utils import timezone
from taggit.models import Tag
from tqdm import tqdm
from wagtail.models import Page

from cop_pages.models import CommunityPage, PracticePage, PracticePageTag
from search.models import GlossaryEntry
from tests.factories import CommunityPageFactory, UserFactory
from tests.search.relevance import load_corpus

from . import writing

# Practices are documented, and published the same morning, over the last ``DOCUMENTED_DAYS`` days.
DOCUMENTED_DAYS = 1400
FIRST_DAY = datetime.date.today() - datetime.timedelta(days=DOCUMENTED_DAYS - 1)
AUTHORS = 20
# Rows per INSERT of the Page table; the child table's batch follows the database's limit.
WRITE_BATCH = 2_000


@dataclass
class ScaleContent:
    practices: int  # live practices on the site
    added: int
    communities: int  # Indonesian CoPs the added practices were spread over
    seconds: float


def donors() -> list:
    """The Indonesian practices of the relevance set, whose words the scale pages borrow."""
    return [practice for practice in load_corpus()["practices"].values() if practice.language == "id"]


def paragraph(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


def install_glossary() -> int:
    """The relevance set's glossary, as the learning-center team would have entered it (saved like the admin form)."""
    existing = set(GlossaryEntry.objects.values_list("terms", flat=True))
    added = 0
    for group in load_corpus()["glossary"]:
        if ", ".join(group) not in existing:
            GlossaryEntry.objects.create(terms=", ".join(group))
            added += 1
    return added


def scale_communities(count: int) -> list[CommunityPage]:
    """The site's Indonesian CoPs, topped up to ``count`` with provisioned ones from the factories."""
    existing = list(CommunityPage.objects.filter(locale__language_code="id").order_by("path"))
    for index in range(len(existing) + 1, count + 1):
        existing.append(
            CommunityPageFactory(title=f"CoP Divisi Skala {index}", division=f"Divisi Skala {index}")
        )
    return existing


def authors() -> list:
    return [UserFactory(username=f"penulis-skala{index}") for index in range(AUTHORS)]


class TagRows:
    """taggit Tag ids by name, created on first use."""

    def __init__(self):
        self.ids = dict(Tag.objects.values_list("name", "id"))

    def id_of(self, name: str) -> int:
        if name not in self.ids:
            self.ids[name] = Tag.objects.create(name=name).pk
        return self.ids[name]


def practice_texts(rng: random.Random, donor, number: int) -> dict:
    """The fields of one practice: the bench's prose with one donor practice's sections mixed in."""
    return {
        "title": writing.title(rng) if number % 3 else f"{donor.title} ({number})",
        "summary": paragraph(donor.summary) + writing.html_section(rng, 1),
        "context": paragraph(donor.context) + writing.html_section(rng, 1),
        "practice": paragraph(donor.practice) + writing.html_section(rng, 1, items=rng.randint(2, 4)),
        "results": paragraph(donor.results) + writing.html_section(rng, 1),
        "lessons": paragraph(donor.lessons) + writing.html_section(rng, 0, items=rng.randint(1, 3)),
        "tags": sorted({*writing.tags(rng), *donor.tags[:1]}),
    }


def next_step(community: Page) -> int:
    """The treebeard step of the CoP's next child: one past its last child's."""
    last = Page.objects.filter(path__startswith=community.path, depth=community.depth + 1).order_by("-path")
    last_path = last.values_list("path", flat=True).first()
    return Page._str2int(last_path[-Page.steplen :]) + 1 if last_path else 1


def insert_child_rows(model, objects: list) -> None:
    """The rows of the model's own table (not its parents'), several per INSERT, as Model.save writes one."""
    fields = list(model._meta.local_concrete_fields)
    batch = max(connection.ops.bulk_batch_size(fields, objects), 1)
    for start in range(0, len(objects), batch):
        model._base_manager._insert(objects[start : start + batch], fields=fields, using=connection.alias)


@transaction.atomic
def add_practices(community: CommunityPage, count: int, first_number: int, rng, people: list, tags: TagRows):
    """``count`` live practices under ``community``, numbered from ``first_number`` for their slugs."""
    community = CommunityPage.objects.get(pk=community.pk)
    content_type = ContentType.objects.get_for_model(PracticePage)
    step = next_step(community)
    corpus = donors()
    pages, details = [], []
    for offset in range(count):
        number = first_number + offset
        texts = practice_texts(rng, rng.choice(corpus), number)
        slug = f"praktik-skala-{number}"
        documented_on = FIRST_DAY + datetime.timedelta(days=number % DOCUMENTED_DAYS)
        published_at = timezone.make_aware(datetime.datetime.combine(documented_on, datetime.time(10)))
        texts["documented_on"] = documented_on
        pages.append(
            Page(
                path=Page._get_path(community.path, community.depth + 1, step + offset),
                depth=community.depth + 1,
                numchild=0,
                title=texts["title"],
                draft_title=texts["title"],
                slug=slug,
                url_path=f"{community.url_path}{slug}/",
                content_type_id=content_type.pk,
                locale_id=community.locale_id,
                translation_key=uuid.uuid4(),
                live=True,
                has_unpublished_changes=False,
                first_published_at=published_at,
                last_published_at=published_at,
                owner=rng.choice(people),
            )
        )
        details.append(texts)
    for start in range(0, len(pages), WRITE_BATCH):
        Page.objects.bulk_create(pages[start : start + WRITE_BATCH])
    practices = [
        PracticePage(
            page_ptr_id=page.pk,
            documented_on=texts["documented_on"],
            summary=texts["summary"],
            context=texts["context"],
            practice=texts["practice"],
            results=texts["results"],
            lessons=texts["lessons"],
            resources=[
                ("link", {"title": "Panduan lengkap", "url": f"https://intranet.example/dok/{page.pk}"})
            ],
            content_owner=page.owner,
            review_by=texts["documented_on"] + datetime.timedelta(days=365),
            featured=(first_number + offset) % 15 == 0,
        )
        for offset, (page, texts) in enumerate(zip(pages, details, strict=True))
    ]
    insert_child_rows(PracticePage, practices)
    PracticePageTag.objects.bulk_create(
        [
            PracticePageTag(content_object_id=page.pk, tag_id=tags.id_of(name))
            for page, texts in zip(pages, details, strict=True)
            for name in texts["tags"]
        ],
        batch_size=WRITE_BATCH,
    )
    Contributors = PracticePage.contributors.through
    Contributors.objects.bulk_create(
        [
            Contributors(practicepage_id=page.pk, user_id=person.pk)
            for page in pages
            for person in rng.sample(people, rng.randint(1, 3))
        ],
        batch_size=WRITE_BATCH,
    )
    Page.objects.filter(pk=community.pk).update(numchild=F("numchild") + count)


def live_practices() -> int:
    return PracticePage.objects.live().count()


def grow_to(total: int, communities: int, rng: random.Random) -> ScaleContent:
    """Add live practices, spread evenly over ``communities`` Indonesian CoPs, until the site holds ``total``."""
    started = time.perf_counter()
    cops = scale_communities(communities)
    people = authors()
    tags = TagRows()
    missing = max(total - live_practices(), 0)
    first_number = PracticePage.objects.filter(slug__startswith="praktik-skala-").count() + 1
    with tqdm(total=missing, desc="practices", unit="page", mininterval=2) as progress:
        for index, community in enumerate(cops):
            share = missing // len(cops) + (1 if index < missing % len(cops) else 0)
            # Chunks keep each transaction (and the objects in memory) small.
            for start in range(0, share, 5 * WRITE_BATCH):
                count = min(5 * WRITE_BATCH, share - start)
                add_practices(community, count, first_number, rng, people, tags)
                first_number += count
                progress.update(count)
    return ScaleContent(
        practices=live_practices(),
        added=missing,
        communities=len(cops),
        seconds=time.perf_counter() - started,
    )


def check_pages(communities: list[CommunityPage]) -> list[str]:
    """Tree or page problems among the CoPs the practices were added to; an empty list when all is well.

    treebeard's ``find_problems`` walks every node with a query each (minutes at
    50,000 pages), so the same properties are checked here in a few queries:
    each CoP's ``numchild`` against its children, every page's depth against
    its path, and one bulk-made page as Wagtail reads it back.
    """
    problems = []
    for community in CommunityPage.objects.filter(pk__in=[cop.pk for cop in communities]):
        children = Page.objects.filter(path__startswith=community.path, depth=community.depth + 1).count()
        if children != community.numchild:
            problems.append(f"{community.title}: numchild {community.numchild}, {children} children")
    wrong_depth = Page.objects.annotate(length=Length("path")).exclude(length=F("depth") * Page.steplen)
    if wrong_depth.exists():
        problems.append(
            f"pages whose depth does not match their path: {list(wrong_depth.values_list('pk', flat=True)[:5])}"
        )
    sample = PracticePage.objects.filter(slug__startswith="praktik-skala-").order_by("pk").first()
    if sample is not None:
        page = Page.objects.get(pk=sample.pk).specific
        parent = page.get_parent().specific
        if not isinstance(parent, CommunityPage):
            problems.append(f"{page.slug}: parent is {type(parent).__name__}")
        if page.url_path != parent.url_path + page.slug + "/" or not page.get_url():
            problems.append(f"{page.slug}: url_path {page.url_path}, URL {page.get_url()}")
        if page.locale_id != parent.locale_id or not page.tags.exists() or not page.live:
            problems.append(f"{page.slug}: locale, tags or live state wrong")
        if not parent.get_children().live().type(PracticePage).filter(pk=page.pk).exists():
            problems.append(f"{page.slug}: not among its CoP's live children")
    return problems
