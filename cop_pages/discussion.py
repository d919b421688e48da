"""A page's staff discussion as one reader sees it, built in a fixed number of queries.

Whatever the number of comments and reactions, a discussion costs:

1. one query for the comments, their authors joined;
2. one query for the "Bermanfaat" marks, counted per comment (and for the
   page) with the reader's own marks counted alongside;
3. at most one query for the people mentioned in the comments.

The rules (who may post, edit, delete…) live in ``cop_pages.comments``; this
module only decides what to show. A form the rules refused comes back with
the reader's text and the message (``remember_failure``) and is shown in
place, next to its field; when the form it belongs to is not on the page
any more, the message is shown at the top of the page instead.
"""

import dataclasses
import math

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail.models import Page

from .comments import CONTROL_CHARACTERS, EDIT_WINDOW, MAX_REASON_LENGTH, MENTION, can_edit, comments_open
from .models import MAX_COMMENT_LENGTH, Comment, CommentState, Reaction

FAILURE_ATTRIBUTE = "_discussion_failure"


@dataclasses.dataclass
class Failure:
    """A form the rules refused: which one, the reader's text and the message."""

    form: str  # "comment", "reply", "edit" or "report"
    comment_id: int | None
    text: str
    error: str

    def __post_init__(self):
        # The text goes back into a textarea: no NUL or other control characters.
        self.text = CONTROL_CHARACTERS.sub("", self.text or "")


def remember_failure(request, failure: Failure) -> None:
    setattr(request, FAILURE_ATTRIBUTE, failure)


@dataclasses.dataclass
class Entry:
    """One comment as the reader sees it, with what the reader may do with it."""

    comment: Comment
    urls: dict
    is_own: bool = False
    can_edit: bool = False
    can_reply: bool = False
    can_react: bool = False
    can_report: bool = False
    helpful_count: int = 0
    helpful_pressed: bool = False
    failure: Failure | None = None
    replies: list = dataclasses.field(default_factory=list)
    # Whom a reply answers, when it is another reply of the thread.
    in_answer_to: object = None

    @property
    def pk(self) -> int:
        return self.comment.pk

    @property
    def deleted(self) -> bool:
        return self.comment.is_deleted

    @property
    def waiting(self) -> bool:
        return self.comment.state == CommentState.WAITING

    @property
    def edited(self) -> bool:
        return self.comment.edited_at is not None

    @property
    def initials(self) -> str:
        """What the avatar shows, as components/person.html does."""
        author = self.comment.author
        if author.first_name:
            return (author.first_name[:1] + author.last_name[:1]).upper()
        return author.get_username()[:1].upper()

    @property
    def field_ids(self) -> dict:
        """Unique ids for the labels of this comment's forms."""
        return {"reply": f"balas-{self.pk}", "edit": f"sunting-{self.pk}", "report": f"laporkan-{self.pk}"}


@dataclasses.dataclass
class Discussion:
    page: Page
    open: bool
    needs_approval: bool
    threads: list
    count: int
    people: dict
    urls: dict
    helpful_count: int = 0
    helpful_pressed: bool = False
    failure: Failure | None = None
    # The CSRF field of every form of the discussion, rendered once for the
    # hundreds of forms a long thread has (the {% csrf_token %} tag each time
    # costs more than the rest of a comment).
    csrf_input: str = ""
    max_length: int = MAX_COMMENT_LENGTH
    max_reason_length: int = MAX_REASON_LENGTH
    edit_minutes: int = math.ceil(EDIT_WINDOW.total_seconds() / 60)


class CommentUrls:
    """The action URLs of every comment, reversed once per page rather than five times per comment."""

    ACTIONS = ("reply", "edit", "delete", "report", "helpful")

    def __init__(self):
        self.patterns = {
            action: reverse(f"staff_comments:{action}", args=[0]).replace("/0/", "/{}/", 1)
            for action in self.ACTIONS
        }

    def of(self, comment_id: int) -> dict:
        return {action: pattern.format(comment_id) for action, pattern in self.patterns.items()}


def shown_comments(page: Page, user):
    """The page's comments the reader sees: visible ones (deleted ones as placeholders) and their own waiting ones."""
    shown = Q(state=CommentState.VISIBLE)
    if user.is_authenticated:
        shown |= Q(state=CommentState.WAITING, author_id=user.pk)
    return (
        Comment.objects.filter(shown, page_id=page.pk).select_related("author").order_by("created_at", "pk")
    )


def helpful_marks(page: Page, user) -> dict:
    """{comment id (None for the page): (count, marked by the reader)} in one query."""
    rows = (
        Reaction.objects.filter(
            Q(page_id=page.pk) | Q(comment_id__in=Comment.objects.filter(page_id=page.pk).values("pk"))
        )
        .values("comment_id")
        .annotate(total=Count("pk"), mine=Count("pk", filter=Q(user_id=user.pk)))
        .order_by()
    )
    return {row["comment_id"]: (row["total"], row["mine"] > 0) for row in rows}


def mentioned_people(comments) -> dict:
    """{username: user} for the active users mentioned in the comments, in at most one query."""
    usernames = {
        match.group(1)
        for comment in comments
        if not comment.is_deleted
        for match in MENTION.finditer(comment.body)
    }
    if not usernames:
        return {}
    people = get_user_model().objects.filter(username__in=usernames, is_active=True)
    return {person.get_username(): person for person in people}


def build_discussion(page: Page, request, community=None) -> Discussion:
    """The discussion of ``page`` for ``request.user``; ``community`` is the page's CoP, when known."""
    user = request.user
    now = timezone.now()
    is_open = comments_open(page)
    comments = list(shown_comments(page, user))
    marks = helpful_marks(page, user)
    urls = CommentUrls()

    entries: dict[int, Entry] = {}
    threads: list[Entry] = []
    for comment in comments:
        own = comment.author_id == user.pk
        usable = comment.state == CommentState.VISIBLE and not comment.is_deleted
        count, pressed = marks.get(comment.pk, (0, False))
        entry = Entry(
            comment=comment,
            urls=urls.of(comment.pk),
            is_own=own,
            can_edit=own and can_edit(user, comment, now),
            can_reply=is_open and usable and comment.parent_id is None,
            can_react=usable,
            can_report=usable and not own,
            helpful_count=count,
            helpful_pressed=pressed,
        )
        entries[comment.pk] = entry
        if comment.parent_id is None:
            threads.append(entry)
            continue
        # Replies stay one level deep. A reply whose comment is not shown
        # (hidden by a moderator, or someone else's waiting comment) goes with it.
        root = entries.get(comment.parent_id)
        while root is not None and root.comment.parent_id is not None:
            root = entries.get(root.comment.parent_id)
        if root is not None:
            root.replies.append(entry)
            answered = entries.get(comment.replied_to_id)
            if answered is not None and answered is not root and not answered.deleted:
                entry.in_answer_to = answered.comment.author

    shown = [entry for thread in threads for entry in (thread, *thread.replies)]
    page_count, page_pressed = marks.get(None, (0, False))
    discussion = Discussion(
        page=page,
        open=is_open,
        needs_approval=bool(getattr(community, "comments_need_approval", False)),
        threads=threads,
        count=sum(1 for entry in shown if not entry.deleted and not entry.waiting),
        people=mentioned_people(entry.comment for entry in shown),
        urls={
            "post": reverse("staff_comments:post", args=[page.pk]),
            "helpful": reverse("staff_comments:page_helpful", args=[page.pk]),
        },
        helpful_count=page_count,
        helpful_pressed=page_pressed,
        csrf_input=format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        ),
    )
    place_failure(discussion, entries, getattr(request, FAILURE_ATTRIBUTE, None), request)
    return discussion


def place_failure(discussion: Discussion, entries: dict, failure: Failure | None, request) -> None:
    """Put a refused form back where the reader wrote it, or say why at the top of the page."""
    if failure is None:
        return
    if failure.form == "comment" and discussion.open:
        discussion.failure = failure
        return
    entry = entries.get(failure.comment_id)
    if entry is not None:
        allowed = {
            "reply": entry.can_reply,
            # Even past the edit window the author gets their text back, with the reason.
            "edit": entry.is_own and not entry.deleted,
            "report": entry.can_report,
        }
        if allowed.get(failure.form):
            entry.failure = failure
            return
    messages.error(request, failure.error)
