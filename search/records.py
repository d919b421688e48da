"""The searchable form of a page: one function both engines are fed from.

A record holds what a result shows (title, CoP, summary, URL), what the
facets count (kind, CoP, tags, language, year), the analysed terms, and who
may see it (the group view restriction of its CoP, if any).
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from html import unescape

from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.models import Page, PageViewRestriction

from cop_pages.models import CommunityPage, MeetingPage, PracticePage

from .analysis import index_terms
from .models import PUBLIC, DocumentKind

SEARCHABLE_MODELS = (PracticePage, MeetingPage, CommunityPage)
COMMUNITY_PATH_LENGTH = Page.steplen * 3
SUMMARY_CHARACTERS = 300


def plain_text(html: str) -> str:
    return " ".join(unescape(strip_tags(html or "")).split())


def visibility_key(restriction_id: int | None) -> str:
    return f"restriction:{restriction_id}" if restriction_id else PUBLIC


class RecordContext:
    """What building many records needs from other pages, loaded once."""

    def __init__(self):
        self.communities = {
            community.path: community for community in CommunityPage.objects.only("title", "path")
        }
        self.restrictions = dict(
            PageViewRestriction.objects.filter(restriction_type=PageViewRestriction.GROUPS).values_list(
                "page__path", "id"
            )
        )

    def community_of(self, page: Page) -> CommunityPage | None:
        return self.communities.get(page.path[:COMMUNITY_PATH_LENGTH])

    def restriction_of(self, page: Page) -> int | None:
        """The restriction on the page or its nearest restricted ancestor."""
        for path, restriction_id in sorted(self.restrictions.items(), key=lambda item: -len(item[0])):
            if page.path.startswith(path):
                return restriction_id
        return None


def page_sections(page: Page) -> tuple[str, list[str], list[str]]:
    """Kind, summary and body sections of a specific page, as plain text."""
    if isinstance(page, PracticePage):
        sections = [page.context, page.practice, page.results, page.lessons]
        return DocumentKind.PRACTICE, [plain_text(page.summary)], [plain_text(s) for s in sections]
    if isinstance(page, MeetingPage):
        items = [item.description for item in page.action_items.all()]
        sections = [page.agenda, page.discussion_summary, page.decisions, page.reflection]
        summary = plain_text(page.discussion_summary) or plain_text(page.agenda)
        return DocumentKind.MEETING, [summary], [plain_text(s) for s in sections] + items
    sections = [page.goals_and_scope, page.norms]
    return DocumentKind.COMMUNITY, [page.domain], [page.division] + [plain_text(s) for s in sections]


def publication_date(page: Page):
    if isinstance(page, PracticePage):
        return page.documented_on
    if isinstance(page, MeetingPage):
        return page.meeting_date
    published_at = page.first_published_at or page.last_published_at or page.latest_revision_created_at
    return timezone.localdate(published_at) if published_at else timezone.localdate()


def page_tags(page: Page) -> list[str]:
    if isinstance(page, CommunityPage):
        return []
    return sorted({tag.name.lower() for tag in page.tags.all()})


def record_fields(page: Page, context: RecordContext) -> dict:
    """The record of a live page as field values, with its fingerprint."""
    kind, summary, sections = page_sections(page)
    community = page if isinstance(page, CommunityPage) else context.community_of(page)
    language = page.locale.language_code
    tags = page_tags(page)
    published = publication_date(page)
    summary_text = " ".join(part for part in summary if part)
    body = "\n\n".join(part for part in [summary_text, *sections] if part)
    fields = {
        "kind": str(kind),
        "community_id": community.pk if community else None,
        "community_title": community.title if community else "",
        "language": language,
        "year": published.year,
        "published": published.isoformat(),
        "tags": tags,
        "title": page.title,
        "url": page.get_url() or page.url_path,
        "summary": summary_text[:SUMMARY_CHARACTERS],
        "body": body,
        "title_terms": index_terms(" ".join([page.title, *tags]), language),
        "body_terms": index_terms(body, language),
        "visibility": visibility_key(context.restriction_of(page)),
    }
    fields["fingerprint"] = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()
    return fields


def searchable_pages() -> Iterator[Page]:
    """Every live page that belongs in the index, specific, in tree order."""
    for model in SEARCHABLE_MODELS:
        queryset = model.objects.live().filter(expired=False).select_related("locale").order_by("path")
        if model is not CommunityPage:
            queryset = queryset.prefetch_related("tags")
        if model is MeetingPage:
            queryset = queryset.prefetch_related("action_items")
        yield from queryset.iterator(chunk_size=500)


def belongs_in_index(page: Page) -> bool:
    return isinstance(page, SEARCHABLE_MODELS) and page.live and not page.expired


def specific_pages(page_ids: Iterable[int]) -> list[Page]:
    return list(Page.objects.filter(pk__in=list(page_ids)).select_related("locale").specific())
