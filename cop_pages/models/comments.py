"""Staff discussion on published pages (not Wagtail's editor comments, which stay for reviewers)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .community import CommunityPage

MAX_COMMENT_LENGTH = 5_000


class CommentState(models.TextChoices):
    VISIBLE = "visible", _("visible")
    WAITING = "waiting", _("waiting for moderation")
    HIDDEN = "hidden", _("hidden")


class Comment(models.Model):
    """A comment on a page, or a reply to one (one level deep)."""

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="staff_comments", verbose_name=_("page")
    )
    # The CoP whose moderators look after this comment: the default-locale
    # CommunityPage of the page's CoP, kept here so the queue can filter on it.
    community = models.ForeignKey(
        CommunityPage, on_delete=models.CASCADE, related_name="+", verbose_name=_("community of practice")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_comments",
        verbose_name=_("author"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    # The comment actually answered: ``parent`` keeps threads one level deep,
    # so a reply to a reply hangs under the thread's first comment.
    replied_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("in answer to"),
    )
    body = models.TextField(_("comment"), max_length=MAX_COMMENT_LENGTH)
    state = models.CharField(
        _("state"), max_length=10, choices=CommentState.choices, default=CommentState.VISIBLE
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    moderation_reason = models.TextField(_("moderation reason"), blank=True)

    class Meta:
        verbose_name = _("staff comment")
        verbose_name_plural = _("staff comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["page", "state", "created_at"]),
            # The moderation queue filters by CoP and state; the monitoring views also count
            # and date each CoP's comments, list their authors and count them per page, from
            # this index alone.
            models.Index(fields=["community", "state", "created_at", "author", "page"]),
            # The comments waiting for approval, counted in the admin menu on every page: a few,
            # found without reading the many visible ones.
            models.Index(
                fields=["community"], condition=models.Q(state="waiting"), name="cop_pages_comment_waiting"
            ),
        ]

    def __str__(self):
        return f"{self.author} on {self.page_id}: {self.body[:40]}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class CommentVersion(models.Model):
    """An earlier text of an edited comment, kept for moderators."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    body = models.TextField()
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self):
        return f"{self.comment_id} @ {self.written_at:%Y-%m-%d %H:%M}"


class CommentReport(models.Model):
    """Someone flagged a comment for the moderators, with a reason."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"), max_length=1_000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_reporter")
        ]

    def __str__(self):
        return f"{self.reporter_id} reported {self.comment_id}"


class Reaction(models.Model):
    """A "Bermanfaat" (helpful) mark on a page or on a comment: one per person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_marks")
    # Indexed below, with what the recognition view reads of each mark.
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="helpful_marks",
        db_index=False,
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(page__isnull=True, comment__isnull=False)
                | Q(page__isnull=False, comment__isnull=True),
                name="reaction_on_a_page_or_a_comment",
            ),
            models.UniqueConstraint(
                fields=["user", "page"], condition=Q(comment__isnull=True), name="one_reaction_per_page"
            ),
            models.UniqueConstraint(
                fields=["user", "comment"], condition=Q(page__isnull=True), name="one_reaction_per_comment"
            ),
        ]
        # The recognition view counts the marks of a period, starting from their dates, then the
        # marks of each page or comment marked in it: with what it needs of each mark alongside,
        # it reads them from the indexes alone (a page's or a comment's marks are found by the
        # same indexes, in place of the foreign keys' own).
        indexes = [
            models.Index(fields=["created_at", "page", "comment", "user"]),
            models.Index(fields=["page", "created_at", "user"]),
            models.Index(fields=["comment", "created_at", "user"]),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.page_id or self.comment_id}"


class NotificationKind(models.TextChoices):
    NEW_COMMENT = "new_comment", _("A new comment on a page I own or contributed to")
    REPLY = "reply", _("A reply to my comment")
    MENTION = "mention", _("Someone mentions me")
    REPORT = "report", _("A comment is reported in a CoP I moderate")


class MutedNotification(models.Model):
    """A kind of email a person turned off on their preferences page (everything is on by default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="mute_each_kind_once")]

    def __str__(self):
        return f"{self.user_id} mutes {self.kind}"
