"""What the reading pages list, each in a fixed number of queries.

Every listing is limited to pages the reader may view (``visible_to``) and
shown in the reader's language: pages of the active locale, plus pages that
exist only in another language (an English-only practice still appears on
the Indonesian CoP page, marked with its language).
"""

from collections import Counter
from functools import reduce
from html import unescape
from operator import or_

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from taggit.models import Tag
from wagtail.models import Locale, Page

from search.knowledge_search import related_practices

from .blocks import ChannelBlock
from .discussion import build_discussion
from .models import (
    PRACTICE_SECTIONS,
    Comment,
    CommentState,
    CommunityPage,
    FiveDStage,
    MeetingPage,
    Membership,
    MembershipRole,
    PracticePage,
)
from .visibility import hidden_subtree_paths, visible_to

# LearningCenterPage sits under the tree root, CoPs under it (page-type rules).
COMMUNITY_DEPTH = 3
COMMUNITY_PATH_LENGTH = Page.steplen * COMMUNITY_DEPTH
PAGE_SIZE = 10
OTHER_PRACTICES = 5
EXCERPT_WORDS = 30
ROLE_ORDER = {MembershipRole.FACILITATOR: 0, MembershipRole.CORE: 1, MembershipRole.MEMBER: 2}
LATEST_DISCUSSIONS = 5


def in_reader_language(queryset: QuerySet, locale: Locale) -> QuerySet:
    translated_here = Page.objects.filter(locale=locale).values("translation_key")
    return queryset.filter(Q(locale=locale) | ~Q(translation_key__in=translated_here))


def reader_locale(request) -> Locale:
    """The locale of the reader's language, looked up once per request."""
    if not hasattr(request, "_reader_locale"):
        request._reader_locale = Locale.get_active()
    return request._reader_locale


def readable(queryset: QuerySet, request) -> QuerySet:
    """Live pages the reader may view, in the reader's language.

    The locale comes along so that a listing can mark a page written in
    another language without a query per page.
    """
    return in_reader_language(
        visible_to(queryset.live(), request.user), reader_locale(request)
    ).select_related("locale")


def community_subtree(community: CommunityPage) -> Q:
    """Pages under any translation of the CoP."""
    paths = Page.objects.filter(translation_key=community.translation_key).values_list("path", flat=True)
    return reduce(or_, (Q(path__startswith=path, depth__gt=COMMUNITY_DEPTH) for path in paths))


class CommunityDirectory:
    """All CoPs by tree path, to name the CoP of any page without a query each."""

    def __init__(self):
        communities = list(
            CommunityPage.objects.select_related("locale").only(
                "title", "path", "translation_key", "url_path", "locale", "locale__language_code"
            )
        )
        self.by_path = {c.path: c for c in communities}
        language = translation.get_language()
        self.in_reader_language = {
            c.translation_key: c for c in communities if c.locale.language_code == language
        }

    def community_of(self, page: Page) -> CommunityPage | None:
        """The page's CoP, in the reader's language when the CoP has been translated."""
        community = self.by_path.get(page.path[:COMMUNITY_PATH_LENGTH])
        if community is None:
            return None
        return self.in_reader_language.get(community.translation_key, community)

    def attach(self, pages):
        pages = list(pages)
        for page in pages:
            page.community = self.community_of(page)
        return pages


def with_excerpts(practices) -> list[PracticePage]:
    """Practices with a plain-text opening of their summary, for cards.

    Rendering the rich text would expand its links with a query each, so
    the card shows the words alone.
    """
    practices = list(practices)
    for practice in practices:
        practice.excerpt = Truncator(unescape(strip_tags(practice.summary))).words(EXCERPT_WORDS)
    return practices


def count_by_community(queryset: QuerySet, directory: CommunityDirectory) -> Counter:
    """Pages per CoP translation_key, counting every language of the CoP."""
    rows = (
        queryset.annotate(community_path=Substr("path", 1, COMMUNITY_PATH_LENGTH))
        .values("community_path")
        .annotate(total=Count("pk"))
        .order_by()
    )
    counts: Counter = Counter()
    for row in rows:
        community = directory.by_path.get(row["community_path"])
        if community is not None:
            counts[community.translation_key] += row["total"]
    return counts


def readable_comments(request) -> QuerySet:
    """Comments anyone may read, on live pages the reader may view: what counts and lists show.

    Deleted, waiting and hidden comments are left out, and so is every
    comment of a page the reader cannot view (a private CoP's), so that no
    count or list tells an outsider about it.
    """
    comments = Comment.objects.filter(state=CommentState.VISIBLE, deleted_at=None, page__live=True)
    paths = hidden_subtree_paths(request.user)
    if paths:
        comments = comments.exclude(reduce(or_, (Q(page__path__startswith=path) for path in paths)))
    return comments


def latest_discussions(comments: QuerySet, limit: int = LATEST_DISCUSSIONS) -> list[Comment]:
    """The newest comments, each with its page and how many comments that page has, in one query."""
    page_total = (
        Comment.objects.filter(page=OuterRef("page"), state=CommentState.VISIBLE, deleted_at=None)
        .values("page")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return list(
        comments.select_related("author", "page", "page__locale", "community")
        .annotate(page_comment_count=Coalesce(Subquery(page_total), 0))
        .order_by("-created_at", "-pk")[:limit]
    )


def member_counts() -> dict:
    return dict(
        Membership.objects.values_list("community__translation_key").annotate(total=Count("pk")).order_by()
    )


def popular_tags(practices: QuerySet, meetings: QuerySet, limit: int = 20) -> list[dict]:
    counts: Counter = Counter()
    names = {}
    for queryset in (practices, meetings):
        tagged_items = queryset.model.tags.through.objects
        rows = (
            tagged_items.filter(content_object__in=queryset)
            .values("tag__slug", "tag__name")
            .annotate(total=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[row["tag__slug"]] += row["total"]
            names[row["tag__slug"]] = row["tag__name"]
    return [{"slug": slug, "name": names[slug], "total": total} for slug, total in counts.most_common(limit)]


def page_query(request, parameter: str, number: int) -> str:
    """The query string of another page of a list, keeping the reader's other parameters."""
    query = request.GET.copy()
    query[parameter] = number
    return "?" + query.urlencode()


def paginate(queryset, request, parameter: str) -> PaginatorPage:
    """One page of results, with the query strings of its neighbours.

    The links keep the tag filter and the page of the other list shown on
    the same screen.
    """
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(parameter))
    page.previous_query = (
        page_query(request, parameter, page.previous_page_number()) if page.has_previous() else ""
    )
    page.next_query = page_query(request, parameter, page.next_page_number()) if page.has_next() else ""
    return page


def ancestors_of(page: Page) -> list[Page]:
    """The breadcrumb trail above a page, Pusat Belajar first, as specific pages."""
    return list(page.get_ancestors().filter(depth__gt=1).specific())


def language_links(page: Page, request, subpage: str = "") -> list[dict]:
    """Where the language switcher leads: the page's translation, else that language's home."""
    translations = {
        translated.locale.language_code: translated
        for translated in page.get_translations(inclusive=True).live().select_related("locale")
    }
    links = []
    for code, name in settings.LANGUAGES:
        translated = translations.get(code)
        if translated is not None:
            url = translated.get_url(request) + subpage
        else:
            with translation.override(code):
                url = reverse("wagtail_serve", args=[""])
        links.append({"code": code, "name": name, "url": url, "current": code == translation.get_language()})
    return links


def stage_steps(community: CommunityPage) -> list[dict]:
    """The 5D stages, each marked done, current or still ahead for this CoP."""
    values = list(FiveDStage.values)
    current = values.index(community.stage) if community.stage in values else -1
    return [
        {"label": label, "state": "done" if index < current else "current" if index == current else "ahead"}
        for index, label in enumerate(FiveDStage.labels)
    ]


def channels_of(community: CommunityPage) -> list[dict]:
    kinds = dict(ChannelBlock().child_blocks["kind"].field.choices)
    return [
        {
            "kind": channel.value["kind"],
            "kind_label": kinds.get(channel.value["kind"], ""),
            "label": channel.value["label"],
            "url": channel.value["url"],
        }
        for channel in community.channels
    ]


def community_page_context(community: CommunityPage, request) -> dict:
    subtree = community_subtree(community)
    practices = readable(PracticePage.objects.filter(subtree), request)
    meetings = readable(MeetingPage.objects.filter(subtree), request)
    active_tag = Tag.objects.filter(slug=request.GET.get("tag", "")).first()
    if active_tag is not None:
        practices = practices.filter(tags=active_tag)
        meetings = meetings.filter(tags=active_tag)
    memberships = sorted(
        Membership.objects.filter(community__translation_key=community.translation_key)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username"),
        key=lambda membership: ROLE_ORDER.get(membership.role, len(ROLE_ORDER)),
    )
    ancestors = ancestors_of(community)
    practice_page = paginate(
        practices.prefetch_related("tags").order_by("-documented_on", "-pk"), request, "halaman"
    )
    practice_page.object_list = with_excerpts(practice_page.object_list)
    community_comments = readable_comments(request).filter(
        community__translation_key=community.translation_key
    )
    return {
        "breadcrumbs": ancestors,
        "learning_center": ancestors[0],
        "language_links": language_links(community, request),
        "discussion": build_discussion(community, request, community),
        "community_comment_total": community_comments.count(),
        "community_discussions": latest_discussions(community_comments),
        "stages": stage_steps(community),
        "channels": channels_of(community),
        "facilitators": [m for m in memberships if m.role == MembershipRole.FACILITATOR],
        "memberships": memberships,
        "my_membership": next((m for m in memberships if m.user_id == request.user.pk), None),
        "practices": practice_page,
        "meetings": paginate(
            meetings.prefetch_related("tags").order_by("-meeting_date", "-pk"), request, "pertemuan"
        ),
        "community_tags": popular_tags(
            readable(PracticePage.objects.filter(subtree), request),
            readable(MeetingPage.objects.filter(subtree), request),
        ),
        "active_tag": active_tag,
        "upcoming_meetings": list(
            meetings.filter(meeting_date__gte=timezone.localdate()).order_by("meeting_date")[:3]
        ),
    }


def practice_sections(practice: PracticePage) -> list[dict]:
    """The filled-in sections, in the documented reading order."""
    return [
        {
            "name": name,
            "label": PracticePage._meta.get_field(name).verbose_name,
            "text": getattr(practice, name),
        }
        for name in PRACTICE_SECTIONS
        if getattr(practice, name)
    ]


def practice_page_context(practice: PracticePage, request) -> dict:
    ancestors = ancestors_of(practice)
    community = ancestors[-1]
    others = readable(PracticePage.objects.filter(community_subtree(community)), request).exclude(
        translation_key=practice.translation_key
    )
    return {
        "breadcrumbs": ancestors,
        "learning_center": ancestors[0],
        "community": community,
        "language_links": language_links(practice, request),
        "sections": practice_sections(practice),
        "content_owner": practice.content_owner,
        "contributors": list(practice.contributors.all()),
        "practice_tags": list(practice.tags.all()),
        "other_practices": list(others.order_by("-documented_on", "-pk")[:OTHER_PRACTICES]),
        "related_practices": related_practices(practice, request.user),
        "discussion": build_discussion(practice, request, community),
    }


def meeting_page_context(meeting: MeetingPage, request) -> dict:
    ancestors = ancestors_of(meeting)
    linked = readable(
        PracticePage.objects.filter(pk__in=meeting.linked_practices.values("practice_id")), request
    )
    return {
        "breadcrumbs": ancestors,
        "learning_center": ancestors[0],
        "community": ancestors[-1],
        "language_links": language_links(meeting, request),
        "discussion": build_discussion(meeting, request, ancestors[-1]),
        "attendees": list(meeting.attendees.order_by("first_name", "last_name", "username")),
        "action_items": list(meeting.action_items.select_related("owner")),
        "meeting_tags": list(meeting.tags.all()),
        "linked_practice_pages": list(linked.order_by("title")),
    }
