"""Email notifications about staff comments, sent by background tasks.

``cop_pages.comments`` enqueues these tasks with ``transaction.on_commit``,
so they never run before the comment (or report, or moderation) is saved;
with a worker backend (``django_tasks_db`` in production) they run in the
worker, never inside the request.

Who hears about what:

- a new visible comment: the page's owner, and for a practice its
  contributors and content owner (kind ``new_comment``);
- a reply: the author of the comment it replies to (``reply``);
- a mention (``@username``): the mentioned user (``mention``);
- a report: the facilitators of the comment's CoP, or the learning-center
  team when that CoP has no facilitator to tell (``report``);
- a hidden comment: its author, with the moderator's reason (always sent).

One person gets at most one email per comment: the first kind in
``PRIORITY`` that matches them and that they have not muted. Nobody hears
about their own comment or report, about a page they cannot view, or
without an active account with an email address. Every email is in its
recipient's language (``cop_pages.emails``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from .comments import mentioned_users
from .emails import absolute_url, display_name, render_email, user_language
from .models import (
    Comment,
    CommentReport,
    CommentState,
    MembershipRole,
    MutedNotification,
    NotificationKind,
    PracticePage,
)
from .provisioning import LEARNING_CENTER_TEAM
from .visibility import can_view

logger = logging.getLogger(__name__)

# The kind of the email a person is sent when several rules match them.
PRIORITY = (NotificationKind.MENTION, NotificationKind.REPLY, NotificationKind.NEW_COMMENT)
# The email to the author of a hidden comment: it cannot be turned off.
HIDDEN = "hidden"

SUBJECT_TEMPLATE = "cop_pages/email/comment_subject.txt"
TEXT_TEMPLATE = "cop_pages/email/comment_notification.txt"
HTML_TEMPLATE = "cop_pages/email/comment_notification.html"


@dataclass(frozen=True)
class Notice:
    """One email to send: who gets it and why."""

    recipient: object  # the user model
    kind: str  # a NotificationKind, or HIDDEN


# Who is told.


def reachable(user) -> bool:
    return user is not None and user.is_active and bool(user.email)


def muted_kinds(user_ids) -> dict[int, set[str]]:
    muted: dict[int, set[str]] = {}
    for user_id, kind in MutedNotification.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "kind"
    ):
        muted.setdefault(user_id, set()).add(kind)
    return muted


def page_followers(page) -> list:
    """The people a new comment on ``page`` concerns: owner, contributors, content owner."""
    specific = page.specific
    people = [specific.owner]
    if isinstance(specific, PracticePage):
        people.append(specific.content_owner)
        people.extend(specific.contributors.all())
    return [person for person in people if person is not None]


def new_comment_notices(comment: Comment) -> list[Notice]:
    """Who hears about this visible comment, each once, with the kind of their email."""
    candidates: dict[int, tuple[object, list[str]]] = {}

    def add(user, kind):
        if user is None or user.pk == comment.author_id:
            return
        candidates.setdefault(user.pk, (user, []))[1].append(kind)

    for user in mentioned_users(comment.body):
        add(user, NotificationKind.MENTION)
    answered = comment.replied_to or comment.parent
    if answered is not None:
        add(answered.author, NotificationKind.REPLY)
    for user in page_followers(comment.page):
        add(user, NotificationKind.NEW_COMMENT)

    muted = muted_kinds(candidates)
    notices = []
    for user_id, (user, kinds) in candidates.items():
        if not reachable(user):
            continue
        wanted = [kind for kind in PRIORITY if kind in kinds and kind not in muted.get(user_id, set())]
        if wanted and can_view(comment.page, user):
            notices.append(Notice(user, wanted[0]))
    return notices


def moderators_to_tell(comment: Comment) -> list:
    """The CoP's facilitators; the learning-center team when it has none who can be reached."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    facilitators = list(
        users.filter(
            cop_memberships__community_id=comment.community_id,
            cop_memberships__role=MembershipRole.FACILITATOR,
        ).distinct()
    )
    return facilitators or list(users.filter(groups__name=LEARNING_CENTER_TEAM).distinct())


def report_notices(report: CommentReport) -> list[Notice]:
    moderators = [user for user in moderators_to_tell(report.comment) if user.pk != report.reporter_id]
    muted = muted_kinds([user.pk for user in moderators])
    return [
        Notice(user, NotificationKind.REPORT)
        for user in moderators
        if NotificationKind.REPORT not in muted.get(user.pk, set()) and can_view(report.comment.page, user)
    ]


# What they are told.


def comment_url(comment: Comment) -> str | None:
    """The comment on its page, as an absolute link."""
    url_parts = comment.page.get_url_parts()
    if not url_parts:
        return None
    return f"{absolute_url(url_parts[2])}#komentar-{comment.pk}"


def notification_email(notice: Notice, comment: Comment, report: CommentReport | None = None):
    """The email for one notice, in its recipient's language."""
    recipient = notice.recipient
    with translation.override(user_language(recipient)):
        context = {
            "kind": notice.kind,
            "recipient_name": display_name(recipient),
            "author_name": display_name(comment.author),
            "page_title": comment.page.title,
            "community_title": comment.community.title,
            "comment_body": comment.body,
            "comment_url": comment_url(comment),
            "reporter_name": display_name(report.reporter) if report else "",
            "reason": report.reason if report else comment.moderation_reason,
            "preferences_url": (
                absolute_url(reverse("notification_preferences")) if notice.kind != HIDDEN else None
            ),
        }
        return render_email(
            recipient.email,
            subject_template=SUBJECT_TEMPLATE,
            text_template=TEXT_TEMPLATE,
            html_template=HTML_TEMPLATE,
            context=context,
        )


def send_all(messages) -> int:
    """Send every message; one failure does not stop the others, but fails the task."""
    if not messages:
        return 0
    sent = 0
    failures = []
    with get_connection() as connection:
        for message in messages:
            message.connection = connection
            try:
                message.send()
            except Exception as error:
                logger.exception("Comment notification to %s failed", message.to)
                failures.append(error)
            else:
                sent += 1
    if failures:
        raise failures[0]
    return sent


# The tasks (enqueued by cop_pages.comments after commit); each returns how many emails it sent.


def visible_comment(comment_id: int) -> Comment | None:
    comment = (
        Comment.objects.select_related("page", "community", "author", "parent__author", "replied_to__author")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or comment.is_deleted or comment.state != CommentState.VISIBLE:
        return None
    return comment


@task()
def notify_new_comment(comment_id: int) -> int:
    """Tell the people a newly visible comment concerns (skipped if it is gone or hidden by now)."""
    comment = visible_comment(comment_id)
    if comment is None:
        return 0
    return send_all([notification_email(notice, comment) for notice in new_comment_notices(comment)])


@task()
def notify_report(report_id: int) -> int:
    """Tell the CoP's moderators about a report (skipped if resolved or the comment is gone)."""
    report = (
        CommentReport.objects.select_related("reporter", "comment")
        .filter(pk=report_id, resolved_at=None)
        .first()
    )
    if report is None:
        return 0
    comment = visible_comment(report.comment_id)
    if comment is None:
        return 0
    report.comment = comment
    return send_all([notification_email(notice, comment, report) for notice in report_notices(report)])


@task()
def notify_hidden(comment_id: int) -> int:
    """Tell the author why a moderator hid their comment (skipped if it was restored meanwhile)."""
    comment = (
        Comment.objects.select_related("page", "community", "author")
        .filter(pk=comment_id, state=CommentState.HIDDEN)
        .first()
    )
    if comment is None or not reachable(comment.author) or not can_view(comment.page, comment.author):
        return 0
    return send_all([notification_email(Notice(comment.author, HIDDEN), comment)])
