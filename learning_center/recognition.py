"""Recognition: who contributed most to each CoP in a period, and the practices featured on the home.

Per person and per (default-locale) CoP, over the period; the pages of the
CoP's English translation count for it:

- practices published: live practices first published in the period that
  the person owns (``Page.owner``, who created it) or is listed among its
  contributors: documenting a practice is often teamwork, and a learning
  center thanks everyone named on it. Each practice counts once per person;
- helpful reactions received: "Bermanfaat" marks given in the period by
  someone else on a live practice or meeting notes they own (or, for a
  practice, are listed on) or on one of their visible comments;
- meeting notes written: live meeting pages first published in the period
  that they own;
- comments marked helpful: their visible comments that someone else marked
  helpful in the period, each comment once however many marks it got.

A person's ``score`` is the plain sum of the four; the ranking is by score,
then name, so that ties always come out in the same order. The figures
come from a few grouped queries over all CoPs at once, keyed by the CoP's
tree path (or by the comment's CoP), so they cost the same number of
queries whatever the number of CoPs, people and reactions.

A practice is featured ("Praktik pilihan") through a new revision that is
published at once (``set_featured``), never by editing the live row: the
page's history records who did it, the search index hears of it, and a
draft someone else is working on is never published along with it.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Window
from django.utils.translation import gettext as _
from wagtail.models import Page

from cop_pages.listings import COMMUNITY_DEPTH
from cop_pages.models import CommentState, CommunityPage, MeetingPage, PracticePage, Reaction

from .community_scope import community_prefixes, under_communities
from .periods import Period, within

# How many contributors each CoP shows; the download lists them all.
TOP_CONTRIBUTORS = 5
# How many of the period's most helpful practices are offered for featuring.
MOST_HELPFUL_PRACTICES = 10
# The featured practices listed, newest documented first; the page gives their number.
FEATURED_LISTED = 20
FIGURES = ("practices_published", "helpful_reactions", "meeting_notes", "helpful_comments")


@dataclass
class Contribution:
    """One person's figures in one CoP over the period."""

    community: CommunityPage
    person: object
    practices_published: int = 0
    helpful_reactions: int = 0
    meeting_notes: int = 0
    helpful_comments: int = 0
    rank: int = 0

    @property
    def score(self) -> int:
        return self.practices_published + self.helpful_reactions + self.meeting_notes + self.helpful_comments

    @property
    def name(self) -> str:
        return _name(self.person)


def _name(person) -> str:
    return person.get_full_name() or person.username


@dataclass
class CommunityRecognition:
    """A CoP's contributors, best first.

    They are kept as tuples of numbers, (person id, *FIGURES), and made into ``Contribution``
    objects when asked for: the page shows a few per CoP, while tens of thousands of objects (all
    CoPs over a year) kept through the request would have Python's garbage collector go over
    every object of the process, some tenth of a second, every other request.
    """

    community: CommunityPage
    ranking: list[tuple[int, ...]]
    people: dict[int, object]

    @cached_property
    def contributors(self) -> list[Contribution]:
        """Everyone with something to their name, best first."""
        return self._contributions(self.ranking)

    @property
    def top(self) -> list[Contribution]:
        return self._contributions(self.ranking[:TOP_CONTRIBUTORS])

    def _contributions(self, ranking) -> list[Contribution]:
        return [
            Contribution(
                self.community, self.people[person_id], **dict(zip(FIGURES, figures, strict=True)), rank=rank
            )
            for rank, (person_id, *figures) in enumerate(ranking, start=1)
        ]


def recognition(communities: QuerySet, period: Period) -> list[CommunityRecognition]:
    """Each of these (default-locale) CoPs, by title, with its contributors over ``period`` ranked."""
    by_pk = {community.pk: community for community in communities.order_by("title", "pk")}
    if not by_pk:
        return []
    owner_of = community_prefixes(by_pk.values())
    figures: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    _add_practices(figures, owner_of, period)
    _add_meeting_notes(figures, owner_of, period)
    _add_page_reactions(figures, owner_of, period)
    _add_comment_reactions(figures, list(by_pk), period)
    # One query however many people (``in_bulk`` asks SQLite in batches of 999).
    people = {
        person.pk: person
        for person in get_user_model().objects.filter(pk__in={person_id for _, person_id in figures})
    }
    rankings = {pk: [] for pk in by_pk}
    for (community_id, person_id), counts in figures.items():
        rankings[community_id].append((person_id, *(counts[figure] for figure in FIGURES)))
    name_order = {pk: (_name(person).lower(), person.username) for pk, person in people.items()}
    for ranking in rankings.values():
        ranking.sort(key=lambda entry: (-sum(entry[1:]), name_order[entry[0]]))
    return [CommunityRecognition(by_pk[pk], ranking, people) for pk, ranking in rankings.items()]


def _add_practices(figures, owner_of, period: Period) -> None:
    """Two queries: the owners, then the listed contributors who are not also the owner."""
    owners = (
        under_communities(PracticePage.objects.live(), owner_of)
        .filter(within(period, "first_published_at"), owner__isnull=False)
        # Without the pages' default order (by tree path), which would also group by page.
        .order_by()
        .values_list("prefix", "owner")
        .annotate(n=Count("pk"))
    )
    credited = (
        under_communities(PracticePage.contributors.through.objects, owner_of, "practicepage__path")
        .filter(within(period, "practicepage__first_published_at"), practicepage__live=True)
        .exclude(user=F("practicepage__owner"))
        .values_list("prefix", "user")
        .annotate(n=Count("pk"))
    )
    for rows in (owners, credited):
        for prefix, person_id, count in rows:
            figures[owner_of[prefix], person_id]["practices_published"] += count


def _add_meeting_notes(figures, owner_of, period: Period) -> None:
    meetings = (
        under_communities(MeetingPage.objects.live(), owner_of)
        .filter(within(period, "first_published_at"), owner__isnull=False)
        .order_by()  # as for the practices' owners
    )
    for prefix, person_id, count in meetings.values_list("prefix", "owner").annotate(n=Count("pk")):
        figures[owner_of[prefix], person_id]["meeting_notes"] += count


def _marked_in(period: Period, target: str) -> QuerySet:
    """The ids of the pages or comments (``target``) marked in the period.

    Implied by the marks' own dates wherever it is used: given these ids, SQLite (which has no
    statistics) reads the pages or comments in the order of their ids, once each, rather than
    looking up the page or comment of each mark, or reading every comment of the CoPs.
    """
    return Reaction.objects.filter(within(period, "created_at")).values(target)


def _add_page_reactions(figures, owner_of, period: Period) -> None:
    """Marks on live practices and meeting notes: for the owner, and for a practice's listed contributors.

    A contributor who is also the owner is credited once, as the owner.
    """
    marks = under_communities(
        Reaction.objects.filter(
            within(period, "created_at"), page__live=True, page__depth__gt=COMMUNITY_DEPTH
        ),
        owner_of,
        "page__path",
    )
    to_owners = (
        marks.filter(page__owner__isnull=False)
        .exclude(user=F("page__owner"))
        .values_list("prefix", "page__owner")
        .annotate(n=Count("pk"))
    )
    # From the contributors' side, so that each mark is joined to each contributor of its practice.
    to_contributors = (
        under_communities(PracticePage.contributors.through.objects, owner_of, "practicepage__path")
        .filter(
            within(period, "practicepage__helpful_marks__created_at"),
            practicepage__live=True,
            practicepage__in=_marked_in(period, "page"),
        )
        .exclude(user=F("practicepage__owner"))
        .values_list("prefix", "user")
        .annotate(n=Count("pk", filter=~Q(practicepage__helpful_marks__user=F("user"))))
    )
    for rows in (to_owners, to_contributors):
        for prefix, person_id, count in rows:
            if count:
                figures[owner_of[prefix], person_id]["helpful_reactions"] += count


def _add_comment_reactions(figures, community_ids: list[int], period: Period) -> None:
    """Marks on visible comments of live pages: the marks, and how many comments got one."""
    marks = (
        Reaction.objects.filter(
            within(period, "created_at"),
            comment__in=_marked_in(period, "comment"),
            comment__community__in=community_ids,
            comment__state=CommentState.VISIBLE,
            comment__deleted_at=None,
            # The live pages' ids, read once, rather than the page of each comment.
            comment__page__in=Page.objects.live().values("pk"),
        )
        .exclude(user=F("comment__author"))
        .values_list("comment__community", "comment__author")
        .annotate(marks=Count("pk"), comments=Count("comment", distinct=True))
    )
    for community_id, person_id, mark_count, comment_count in marks:
        counts = figures[community_id, person_id]
        counts["helpful_reactions"] += mark_count
        counts["helpful_comments"] += comment_count


# Praktik pilihan ------------------------------------------------------------


def practices_in(communities: Iterable[CommunityPage]) -> QuerySet:
    """The practices under these CoPs and their translations, each annotated with its CoP's ``prefix``."""
    return under_communities(PracticePage.objects.all(), community_prefixes(communities))


def _helpful_marks(period: Period) -> Count:
    """The marks a practice received in ``period`` from anyone but its owner."""
    in_period = within(period, "helpful_marks__created_at")
    return Count("helpful_marks", filter=in_period & ~Q(helpful_marks__user=F("owner")))


# Only what the lists show and the buttons need; the documented sections stay in the database.
LISTED_PRACTICE_DEFERS = ("summary", "context", "practice", "results", "lessons", "resources")


@dataclass
class FeaturingChoices:
    """The practices the recognition view offers to feature or to stop featuring."""

    # The ``FEATURED_LISTED`` newest documented live featured practices, as the home orders them.
    featured: list[PracticePage]
    # How many live practices of the CoPs are featured in all.
    featured_total: int
    # The ``MOST_HELPFUL_PRACTICES`` live practices most marked helpful in the period.
    most_helpful: list[PracticePage]


def featuring_choices(communities: Iterable[CommunityPage], period: Period) -> FeaturingChoices:
    """The featured and the most helpful practices of these CoPs, each with ``community`` (the
    default-locale CoP) and ``helpful`` (its marks of the period): three queries, once
    ``communities`` is read."""
    by_pk = {community.pk: community for community in communities}
    owner_of = community_prefixes(by_pk.values())
    practices = (
        under_communities(PracticePage.objects.live(), owner_of)
        .defer(*LISTED_PRACTICE_DEFERS)
        .select_related("locale")
    )
    featured = list(
        practices.filter(featured=True)
        # Counted over all of them before the list is cut.
        .annotate(helpful=_helpful_marks(period), total=Window(Count("pk")))
        .order_by("-documented_on", "-pk")[:FEATURED_LISTED]
    )
    most_helpful = list(
        practices.filter(pk__in=_most_helpful_ids(owner_of, period))
        .annotate(helpful=_helpful_marks(period))
        .order_by("-helpful", "title", "pk")
    )
    for practice in featured + most_helpful:
        practice.community = by_pk[owner_of[practice.prefix]]
    return FeaturingChoices(featured, featured[0].total if featured else 0, most_helpful)


def _most_helpful_ids(owner_of: dict[str, int], period: Period) -> QuerySet:
    """The ids of the period's ``MOST_HELPFUL_PRACTICES`` most helpful live practices.

    Counted from the marks, grouped by page id alone: grouped by every column of the practices
    they are listed with, the marks of the whole period would be sorted with them. A practice is
    told by its page's content type (Wagtail's ``type``): joined to the practices' own table, each
    mark would read a practice's row, documented sections and all.
    """
    marks = under_communities(
        Reaction.objects.filter(
            within(period, "created_at"), page__live=True, page__in=Page.objects.type(PracticePage)
        ),
        owner_of,
        "page__path",
    )
    return (
        marks.exclude(user=F("page__owner"))
        .values("page")
        .annotate(helpful=Count("pk"))
        .order_by("-helpful", "page__title", "page")
        .values("page")[:MOST_HELPFUL_PRACTICES]
    )


class FeaturingRefused(Exception):
    """The practice cannot be (un)featured as it stands; the message says why."""


def set_featured(practice: PracticePage, featured: bool, user) -> bool:
    """Feature a live practice, or stop featuring it, through a published revision by ``user``.

    Returns False when it already was as asked. Refused for a page that is
    not live, that has unpublished changes (someone's draft, or a version
    under review: publishing now would publish it too) or that someone
    else has locked.
    """
    if not practice.live:
        raise FeaturingRefused(_("“%(title)s” is not published.") % {"title": practice.title})
    if practice.has_unpublished_changes:
        raise FeaturingRefused(
            _(
                "“%(title)s” has changes that are not published yet. Publish or discard them in the "
                "editor first, so that they are not published along with this."
            )
            % {"title": practice.title}
        )
    if practice.permissions_for_user(user).page_locked():
        raise FeaturingRefused(_("“%(title)s” is locked by someone else.") % {"title": practice.title})
    if practice.featured == featured:
        return False
    practice.featured = featured
    revision = practice.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    return True
