"""Staff comments: the rules, as functions the views, the admin and the tests call.

Every rule of the discussion lives here — who may post, limits, the edit
window, soft deletion, pre-moderation, reports, reactions and moderation —
so that a view only turns a request into a call and a ``CommentError`` into
a message. Notifications are queued after commit (``cop_pages.comment_notifications``).
"""

import datetime
import re

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Locale, Page

from .models import (
    MAX_COMMENT_LENGTH,
    Comment,
    CommentReport,
    CommentState,
    CommentVersion,
    CommunityPage,
    MembershipRole,
    Reaction,
)
from .permissions import manages_every_community
from .visibility import can_view

EDIT_WINDOW = datetime.timedelta(minutes=15)
RATE_LIMIT_COMMENTS = 5
RATE_LIMIT_PERIOD = datetime.timedelta(minutes=1)
MAX_REASON_LENGTH = 1_000
# Characters that never belong in a comment: NUL (PostgreSQL refuses it in
# text) and the other C0 controls except tab and line breaks.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MENTION = re.compile(r"(?<![\w@.])@([\w.@+-]*\w)")


class CommentError(Exception):
    """A rule refused the action; ``message`` is for the user, in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def community_of(page: Page) -> CommunityPage | None:
    """The default-locale CoP a page belongs to (the CoP itself for a CoP page)."""
    community = CommunityPage.objects.filter(path__in=ancestor_paths(page)).first()
    return community.membership_page() if community else None


def ancestor_paths(page: Page) -> list[str]:
    return [page.path[:end] for end in range(Page.steplen, len(page.path) + 1, Page.steplen)]


def comments_open(page: Page) -> bool:
    return page.live and getattr(page.specific_deferred, "comments_enabled", False)


def clean_body(body: str) -> str:
    body = CONTROL_CHARACTERS.sub("", body or "").replace("\r\n", "\n").strip()
    if not body:
        raise CommentError(_("Write something before sending."))
    if len(body) > MAX_COMMENT_LENGTH:
        raise CommentError(
            _("A comment can be at most %(limit)s characters; this one has %(length)s.")
            % {
                "limit": number_format(MAX_COMMENT_LENGTH, force_grouping=True),
                "length": number_format(len(body), force_grouping=True),
            }
        )
    return body


def mentioned_users(body: str) -> list:
    usernames = {match.group(1) for match in MENTION.finditer(body)}
    return list(get_user_model().objects.filter(username__in=usernames, is_active=True)) if usernames else []


def check_can_view(user, page: Page) -> None:
    if not (user.is_authenticated and user.is_active and can_view(page, user)):
        raise CommentError(_("You cannot open this page."))


@transaction.atomic
def post_comment(user, page: Page, body: str, parent: Comment | None = None) -> Comment:
    check_can_view(user, page)
    if not comments_open(page):
        raise CommentError(_("Comments are turned off on this page."))
    body = clean_body(body)
    replied_to = parent
    if parent is not None:
        # Replies stay one level deep: a reply to a reply joins its thread.
        parent = parent.parent or parent
        for answered in {replied_to, parent}:
            if answered.page_id != page.pk or answered.is_deleted or answered.state != CommentState.VISIBLE:
                raise CommentError(_("That comment cannot be replied to."))
    community = community_of(page)
    if community is None:
        raise CommentError(_("Comments are turned off on this page."))
    # One post at a time per person, so that the rate limit holds under concurrency.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    recent = Comment.objects.filter(author=user, created_at__gte=timezone.now() - RATE_LIMIT_PERIOD)
    if recent.count() >= RATE_LIMIT_COMMENTS:
        raise CommentError(
            _("You have posted %(count)s comments in the last minute; wait a moment and send it again.")
            % {"count": RATE_LIMIT_COMMENTS}
        )
    needs_approval = community.comments_need_approval
    comment = Comment.objects.create(
        page=page,
        community=community,
        author=user,
        parent=parent,
        replied_to=replied_to,
        body=body,
        state=CommentState.WAITING if needs_approval else CommentState.VISIBLE,
    )
    if comment.state == CommentState.VISIBLE:
        queue_notifications_for_new_comment(comment)
    return comment


def can_edit(user, comment: Comment, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return comment.author_id == user.pk and not comment.is_deleted and now - comment.created_at <= EDIT_WINDOW


@transaction.atomic
def edit_comment(user, comment: Comment, body: str) -> Comment:
    if comment.author_id != user.pk:
        raise CommentError(_("Only its author can edit a comment."))
    check_can_view(user, comment.page)
    if comment.state == CommentState.HIDDEN or not comments_open(comment.page):
        raise CommentError(_("This comment can no longer be edited."))
    if not can_edit(user, comment):
        raise CommentError(_("A comment can be edited for 15 minutes after posting."))
    body = clean_body(body)
    if body == comment.body:
        return comment
    CommentVersion.objects.create(
        comment=comment, body=comment.body, written_at=comment.edited_at or comment.created_at
    )
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def delete_comment(user, comment: Comment) -> Comment:
    """Soft delete: the thread keeps a "comment deleted" placeholder."""
    if comment.author_id != user.pk:
        raise CommentError(_("Only its author can delete a comment."))
    check_can_view(user, comment.page)
    if not comment.is_deleted:
        comment.deleted_at = timezone.now()
        comment.save(update_fields=["deleted_at"])
    return comment


def toggle_helpful(user, *, page: Page | None = None, comment: Comment | None = None) -> bool:
    """Mark (or unmark) a page or a comment as helpful; returns whether it is marked now."""
    check_can_view(user, page or comment.page)
    if page is not None and not (page.live and hasattr(page.specific_deferred, "comments_enabled")):
        raise CommentError(_("This page cannot be marked."))
    if comment is not None and (comment.is_deleted or comment.state != CommentState.VISIBLE):
        raise CommentError(_("That comment cannot be marked."))
    target = {"page": page} if page is not None else {"comment": comment}
    deleted, _by_model = Reaction.objects.filter(user=user, **target).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(user=user, **target)
    except IntegrityError:
        # The same person clicked twice at once: one mark stands.
        pass
    return True


@transaction.atomic
def report_comment(user, comment: Comment, reason: str) -> CommentReport:
    check_can_view(user, comment.page)
    if comment.is_deleted or comment.state != CommentState.VISIBLE or comment.author_id == user.pk:
        raise CommentError(_("That comment cannot be reported."))
    reason = CONTROL_CHARACTERS.sub("", reason or "").strip()
    if not reason:
        raise CommentError(_("Say why you report this comment."))
    if len(reason) > MAX_REASON_LENGTH:
        raise CommentError(_("Keep the reason under %(limit)s characters.") % {"limit": MAX_REASON_LENGTH})
    report, created = CommentReport.objects.get_or_create(
        comment=comment, reporter=user, defaults={"reason": reason}
    )
    if created:
        queue_notifications_for_report(report)
    return report


def can_moderate(user, community: CommunityPage) -> bool:
    return moderated_communities(user).filter(pk=community.pk).exists()


def moderated_communities(user):
    """The (default-locale) CoPs whose comments ``user`` moderates."""
    if not (user.is_authenticated and user.is_active):
        return CommunityPage.objects.none()
    if manages_every_community(user):
        return CommunityPage.objects.filter(locale=Locale.get_default())
    return CommunityPage.objects.filter(memberships__user=user, memberships__role=MembershipRole.FACILITATOR)


MODERATION_STATES = {
    "approve": CommentState.VISIBLE,
    "restore": CommentState.VISIBLE,
    "hide": CommentState.HIDDEN,
}


@transaction.atomic
def moderate(user, comments, action: str, reason: str = "") -> int:
    """Approve, hide (with a reason) or restore comments; logs each and returns how many changed."""
    if action not in MODERATION_STATES:
        raise CommentError(_("Unknown moderation action."))
    reason = CONTROL_CHARACTERS.sub("", reason or "").strip()
    if action == "hide" and not reason:
        raise CommentError(_("Say why the comment is hidden: its author will read it."))
    if len(reason) > MAX_REASON_LENGTH:
        raise CommentError(_("Keep the reason under %(limit)s characters.") % {"limit": MAX_REASON_LENGTH})
    moderated = set(moderated_communities(user).values_list("pk", flat=True))
    changed = 0
    for comment in comments:
        if comment.community_id not in moderated:
            raise CommentError(_("You do not moderate this CoP."))
        new_state = MODERATION_STATES[action]
        was_waiting = comment.state == CommentState.WAITING
        open_reports = comment.reports.filter(resolved_at=None)
        if comment.state == new_state and not (action == "restore" and open_reports.exists()):
            continue
        comment.state = new_state
        comment.moderation_reason = reason if action == "hide" else ""
        comment.save(update_fields=["state", "moderation_reason"])
        open_reports.update(resolved_at=timezone.now())
        log(instance=comment, action=f"cop_pages.comment.{action}", user=user, data={"reason": reason})
        if action == "hide":
            queue_notification_of_hiding(comment)
        elif was_waiting:
            queue_notifications_for_new_comment(comment)
        changed += 1
    return changed


def queue_notifications_for_new_comment(comment: Comment) -> None:
    from .comment_notifications import notify_new_comment

    transaction.on_commit(lambda: notify_new_comment.enqueue(comment.pk))


def queue_notifications_for_report(report: CommentReport) -> None:
    from .comment_notifications import notify_report

    transaction.on_commit(lambda: notify_report.enqueue(report.pk))


def queue_notification_of_hiding(comment: Comment) -> None:
    from .comment_notifications import notify_hidden

    transaction.on_commit(lambda: notify_hidden.enqueue(comment.pk))
