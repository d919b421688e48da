"""What Pusat Belajar's home and tag pages show, in a fixed number of queries."""

from django.utils import timezone
from taggit.models import Tag

from cop_pages.listings import (
    CommunityDirectory,
    count_by_community,
    language_links,
    latest_discussions,
    member_counts,
    paginate,
    popular_tags,
    readable,
    readable_comments,
    with_excerpts,
)
from cop_pages.models import CommunityPage, MeetingPage, PracticePage

LATEST_PRACTICES = 6
FEATURED_PRACTICES = 3
UPCOMING_MEETINGS = 5


def home_page_context(home, request) -> dict:
    directory = CommunityDirectory()
    communities = list(readable(CommunityPage.objects.all(), request).order_by("title"))
    practices = readable(PracticePage.objects.all(), request)
    meetings = readable(MeetingPage.objects.all(), request)
    practice_counts = count_by_community(practices, directory)
    meeting_counts = count_by_community(meetings, directory)
    members = member_counts()
    comments = readable_comments(request)
    for community in communities:
        community.practice_count = practice_counts[community.translation_key]
        community.meeting_count = meeting_counts[community.translation_key]
        community.member_count = members.get(community.translation_key, 0)
    return {
        "learning_center": home,
        "language_links": language_links(home, request),
        "communities": communities,
        "practice_total": sum(practice_counts.values()),
        "meeting_total": sum(meeting_counts.values()),
        "comment_total": comments.count(),
        "latest_discussions": latest_discussions(comments),
        "latest_practices": with_excerpts(
            directory.attach(practices.order_by("-documented_on", "-pk")[:LATEST_PRACTICES])
        ),
        "featured_practices": with_excerpts(
            directory.attach(
                practices.filter(featured=True).order_by("-documented_on", "-pk")[:FEATURED_PRACTICES]
            )
        ),
        "upcoming_meetings": directory.attach(
            meetings.filter(meeting_date__gte=timezone.localdate()).order_by("meeting_date", "start_time")[
                :UPCOMING_MEETINGS
            ]
        ),
        "popular_tags": popular_tags(practices, meetings),
    }


def tag_page_context(home, tag: Tag, request) -> dict:
    directory = CommunityDirectory()
    practices = readable(PracticePage.objects.filter(tags=tag), request).order_by("-documented_on", "-pk")
    meetings = readable(MeetingPage.objects.filter(tags=tag), request).order_by("-meeting_date", "-pk")
    practice_page = paginate(practices, request, "halaman")
    meeting_page = paginate(meetings, request, "pertemuan")
    return {
        "tag": tag,
        "breadcrumbs": [home],
        "learning_center": home,
        "language_links": language_links(home, request, home.reverse_subpage("tag", args=[tag.slug])),
        "practices": practice_page,
        "tagged_practices": with_excerpts(directory.attach(practice_page.object_list)),
        "meetings": meeting_page,
        "tagged_meetings": directory.attach(meeting_page.object_list),
    }
