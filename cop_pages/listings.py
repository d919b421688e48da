"""What the reading pages list, each in a fixed number of queries.

Every listing is limited to pages the reader may view (``visible_to``) and
shown in the reader's language: pages of the active locale, plus pages that
exist only in another language (an English-only practice still appears on
the Indonesian CoP page, marked with its language).
"""

from collections import Counter
from functools import reduce
from operator import or_

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Locale, Page

from .models import CommunityPage, MeetingPage, Membership, MembershipRole, PracticePage
from .visibility import visible_to

# LearningCenterPage sits under the tree root, CoPs under it (page-type rules).
COMMUNITY_DEPTH = 3
COMMUNITY_PATH_LENGTH = Page.steplen * COMMUNITY_DEPTH
PAGE_SIZE = 10


def in_reader_language(queryset: QuerySet, locale: Locale) -> QuerySet:
    translated_here = Page.objects.filter(locale=locale).values("translation_key")
    return queryset.filter(Q(locale=locale) | ~Q(translation_key__in=translated_here))


def readable(queryset: QuerySet, request) -> QuerySet:
    """Live pages the reader may view, in the reader's language."""
    return in_reader_language(visible_to(queryset.live(), request.user), Locale.get_active())


def community_subtree(community: CommunityPage) -> Q:
    """Pages under any translation of the CoP."""
    paths = Page.objects.filter(translation_key=community.translation_key).values_list("path", flat=True)
    return reduce(or_, (Q(path__startswith=path, depth__gt=COMMUNITY_DEPTH) for path in paths))


class CommunityDirectory:
    """All CoPs by tree path, to name the CoP of any page without a query each."""

    def __init__(self):
        self.by_path = {
            c.path: c
            for c in CommunityPage.objects.only("title", "path", "translation_key", "locale_id", "url_path")
        }

    def community_of(self, page: Page) -> CommunityPage | None:
        return self.by_path.get(page.path[:COMMUNITY_PATH_LENGTH])

    def attach(self, pages):
        pages = list(pages)
        for page in pages:
            page.community = self.community_of(page)
        return pages


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


def paginate(queryset, request, parameter: str) -> PaginatorPage:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(parameter))


def user_membership(community: CommunityPage, user) -> Membership | None:
    return Membership.objects.filter(community__translation_key=community.translation_key, user=user).first()


def community_page_context(community: CommunityPage, request) -> dict:
    subtree = community_subtree(community)
    practices = readable(PracticePage.objects.filter(subtree), request)
    meetings = readable(MeetingPage.objects.filter(subtree), request)
    active_tag = Tag.objects.filter(slug=request.GET.get("tag", "")).first()
    if active_tag is not None:
        practices = practices.filter(tags=active_tag)
        meetings = meetings.filter(tags=active_tag)
    memberships = list(
        Membership.objects.filter(community__translation_key=community.translation_key)
        .select_related("user")
        .order_by("role", "user__first_name", "user__username")
    )
    return {
        "facilitators": [m for m in memberships if m.role == MembershipRole.FACILITATOR],
        "memberships": memberships,
        "my_membership": next((m for m in memberships if m.user_id == request.user.pk), None),
        "practices": paginate(
            practices.prefetch_related("tags").order_by("-documented_on", "-pk"), request, "halaman"
        ),
        "meetings": paginate(meetings.order_by("-meeting_date", "-pk"), request, "pertemuan"),
        "community_tags": popular_tags(
            readable(PracticePage.objects.filter(subtree), request),
            readable(MeetingPage.objects.filter(subtree), request),
        ),
        "active_tag": active_tag,
        "upcoming_meetings": list(
            meetings.filter(meeting_date__gte=timezone.localdate()).order_by("meeting_date")[:3]
        ),
    }


def practice_page_context(practice: PracticePage, request) -> dict:
    community = practice.get_parent().specific
    others = readable(PracticePage.objects.filter(community_subtree(community)), request).exclude(
        translation_key=practice.translation_key
    )
    return {
        "community": community,
        "contributors": list(practice.contributors.all()),
        "practice_tags": list(practice.tags.all()),
        "other_practices": list(others.order_by("-documented_on", "-pk")[:5]),
    }


def meeting_page_context(meeting: MeetingPage, request) -> dict:
    linked = readable(
        PracticePage.objects.filter(pk__in=meeting.linked_practices.values("practice_id")), request
    )
    return {
        "community": meeting.get_parent().specific,
        "attendees": list(meeting.attendees.all()),
        "action_items": list(meeting.action_items.select_related("owner")),
        "meeting_tags": list(meeting.tags.all()),
        "linked_practice_pages": list(linked),
    }
