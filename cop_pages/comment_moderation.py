"""The staff-comment moderation queue in the Wagtail admin ("Moderasi komentar").

Built from Wagtail's own pieces rather than a form of our own:

- ``CommentModerationViewSet`` is a ``ModelViewSet`` cut down to an index
  and a detail view. The index filters with a ``WagtailFilterSet`` (CoP,
  state, date range) in Wagtail's filter drawer, newest first, and the
  detail view (an ``InspectView``) shows the whole text, the reports, the
  earlier versions of an edited comment and the moderation history. There is
  no add, edit or delete: comments are written on the site; moderation only
  changes their state, through ``cop_pages.comments.moderate``.
- The checkboxes and the footer of actions are Wagtail's bulk actions
  framework, which pages, images, documents, users and snippets share and
  which takes any model (``register_bulk_action``); only the checkbox column
  of the snippet index is snippet-specific, and it is one line here
  (``BulkActionsCheckboxColumn``). Choosing approve / hide / restore opens
  Wagtail's confirmation page listing the chosen comments — where "hide" asks
  for its required reason — and posting it applies the action. A form of our
  own posting ids would have duplicated the selection script, that
  confirmation, the ``next`` handling and the bulk action hooks. A row's
  "More" menu offers the same actions for that one comment.
- Scope: every view, action and count reads ``moderatable_comments(user)``:
  the comments of the CoPs the user facilitates (``moderated_communities``),
  every comment for the learning-center team and administrators, none for
  anyone else, who is sent back to the dashboard. An id outside the scope is
  "not found" (404) — in the detail view and in an action, where one such id
  refuses the whole request — so a moderator of CoP B learns nothing of CoP A.
  Comments their author deleted are left out: nothing remains to moderate.
- States: waiting (pre-moderation), reported (visible with unresolved
  reports), hidden, visible (without unresolved reports) — each comment is
  in exactly one. "Needs attention" (waiting or reported) is what the admin
  menu counts, in one query per request (``moderation_summary``), and shows
  only to users who moderate something.
"""

from abc import abstractmethod

from django import forms
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from django_filters import ChoiceFilter, DateFromToRangeFilter, ModelChoiceFilter
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.admin.ui.tables import (
    BulkActionsCheckboxColumn,
    Column,
    DateColumn,
    TitleColumn,
    UserColumn,
)
from wagtail.admin.views import generic
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, ButtonWithDropdown, HeaderButton
from wagtail.log_actions import LogFormatter
from wagtail.models import Locale, ModelLogEntry
from wagtail.permission_policies.base import BasePermissionPolicy

from .comments import MAX_REASON_LENGTH, CommentError, moderate, moderated_communities
from .models import (
    Comment,
    CommentReport,
    CommentState,
    CommentVersion,
    CommunityPage,
    Membership,
    MembershipRole,
)
from .permissions import manages_every_community
from .provisioning import LEARNING_CENTER_TEAM

VIEWSET_NAME = "comment-moderation"
LIST_PER_PAGE = 50
EXCERPT_LENGTH = 140
REPORTS_PER_ROW = 3


class QueueState:
    """The states a moderator filters on: each comment is in exactly one."""

    WAITING = "waiting"
    REPORTED = "reported"
    HIDDEN = "hidden"
    VISIBLE = "visible"
    ATTENTION = "attention"  # waiting or reported: what the menu counts

    LABELS = {
        WAITING: _("Waiting for moderation"),
        REPORTED: _("Reported"),
        HIDDEN: _("Hidden"),
        VISIBLE: _("Visible"),
    }
    CHOICES = [(ATTENTION, _("Needs attention")), *LABELS.items()]


def open_reports() -> Exists:
    return Exists(CommentReport.objects.filter(comment=OuterRef("pk"), resolved_at=None))


def state_condition(state: str) -> Q:
    reported = Q(open_reports())
    return {
        QueueState.WAITING: Q(state=CommentState.WAITING),
        QueueState.REPORTED: Q(state=CommentState.VISIBLE) & reported,
        QueueState.HIDDEN: Q(state=CommentState.HIDDEN),
        QueueState.VISIBLE: Q(state=CommentState.VISIBLE) & ~reported,
        QueueState.ATTENTION: Q(state=CommentState.WAITING) | (Q(state=CommentState.VISIBLE) & reported),
    }[state]


def queue_state(comment: Comment) -> str:
    """The queue state of a comment annotated with ``has_open_reports`` (see ``queue_rows``)."""
    if comment.state == CommentState.VISIBLE:
        return QueueState.REPORTED if comment.has_open_reports else QueueState.VISIBLE
    return QueueState.WAITING if comment.state == CommentState.WAITING else QueueState.HIDDEN


# Who moderates what ---------------------------------------------------------


def moderates_comments(user) -> bool:
    """Whether ``user`` moderates the comments of at least one CoP (cached on the user)."""
    if not (user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_moderates_comments", None)
    if cached is None:
        cached = manages_every_community(user) or moderated_communities(user).exists()
        user._moderates_comments = cached
    return cached


def moderatable_comments(user) -> QuerySet:
    """The comments ``user`` may moderate, as a lazy queryset (the CoPs are a subquery)."""
    if not moderates_comments(user):
        return Comment.objects.none()
    comments = Comment.objects.filter(deleted_at=None)
    if manages_every_community(user):
        return comments
    return comments.filter(community__in=moderated_communities(user).values("pk"))


def attention_count(comments: QuerySet) -> CombinedExpression:
    """How many of ``comments`` wait for approval or are reported, as an expression.

    Counted apart and added: the waiting ones through their own index, the
    reported ones from the open reports. Asked at once (one OR), the
    database reads every comment (70 ms at 200,000 on SQLite).
    """
    reported = CommentReport.objects.filter(resolved_at=None).values("comment_id")
    return count_of(comments.filter(state=CommentState.WAITING)) + count_of(
        comments.filter(state=CommentState.VISIBLE, pk__in=reported)
    )


def count_of(queryset: QuerySet) -> Subquery:
    """``SELECT COUNT(*)`` of ``queryset`` as a subquery expression."""
    counted = queryset.order_by().annotate(total=Func(F("pk"), function="COUNT")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def moderation_summary(user) -> tuple[bool, int]:
    """Whether ``user`` moderates any CoP, and how many comments need them: one query.

    The count is of the comments that wait for approval or are reported, in
    the CoPs ``user`` moderates. The answer also fills the caches of
    ``moderates_comments`` and ``manages_every_community`` for the request.
    """
    if not (user.is_authenticated and user.is_active):
        return False, 0
    comments = Comment.objects.filter(deleted_at=None)
    if user.is_superuser or getattr(user, "_manages_every_community", False):
        user._moderates_comments = True
        everyone = get_user_model().objects.filter(pk=user.pk).annotate(waiting=attention_count(comments))
        return True, everyone.values_list("waiting", flat=True).get()
    in_team = Exists(Group.objects.filter(name=LEARNING_CENTER_TEAM, user=OuterRef("pk")))
    facilitated = Membership.objects.filter(user=OuterRef(OuterRef("pk")), role=MembershipRole.FACILITATOR)
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            in_team=in_team,
            facilitates=Exists(
                Membership.objects.filter(user=OuterRef("pk"), role=MembershipRole.FACILITATOR)
            ),
            # Only the count that applies is computed.
            waiting=Case(
                When(in_team, then=attention_count(comments)),
                default=attention_count(comments.filter(community__in=facilitated.values("community"))),
            ),
        )
        .values("in_team", "facilitates", "waiting")
        .first()
    )
    if row is None:
        return False, 0
    moderates = row["in_team"] or row["facilitates"]
    user._manages_every_community = row["in_team"]
    user._moderates_comments = moderates
    return moderates, row["waiting"] if moderates else 0


def request_moderation_summary(request) -> tuple[bool, int]:
    """``moderation_summary`` once per request, shared by the menu item's checks."""
    summary = getattr(request, "_comment_moderation_summary", None)
    if summary is None:
        summary = request._comment_moderation_summary = moderation_summary(request.user)
    return summary


class CommentModerationPolicy(BasePermissionPolicy):
    """Moderators may view and moderate the comments of their CoPs; nobody adds, edits or deletes here."""

    ACTIONS = {"view", "moderate"}

    def user_has_permission(self, user, action):
        return action in self.ACTIONS and moderates_comments(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return action in self.ACTIONS and moderatable_comments(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if self.ACTIONS.intersection(actions):
            return moderatable_comments(user)
        return Comment.objects.none()

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if not self.ACTIONS.intersection(actions):
            return users.none()
        return users.filter(
            Q(is_superuser=True)
            | Q(groups__name=LEARNING_CENTER_TEAM)
            | Q(cop_memberships__role=MembershipRole.FACILITATOR)
        ).distinct()


# The index ------------------------------------------------------------------


def filter_communities(request) -> QuerySet:
    """The CoPs offered by the filter: those the user moderates, once each (default locale)."""
    if request is None:
        return CommunityPage.objects.none()
    return (
        moderated_communities(request.user)
        .filter(locale=Locale.get_default())
        .order_by("title")
        .only("title")
    )


class CommentModerationFilterSet(WagtailFilterSet):
    community = ModelChoiceFilter(
        label=_("Community of practice"),
        queryset=filter_communities,
        empty_label=_("All"),
    )
    state = ChoiceFilter(
        label=_("State"),
        choices=QueueState.CHOICES,
        method="filter_state",
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    created_at = DateFromToRangeFilter(label=_("Posted"), widget=DateRangePickerWidget)

    class Meta:
        model = Comment
        fields = ["community", "state", "created_at"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(state_condition(value)) if value else queryset


def queue_rows(queryset: QuerySet) -> QuerySet:
    """What each row shows, loaded with the rows: two queries for any number of them."""
    return (
        queryset.select_related("page", "author", "author__wagtail_userprofile", "community")
        .annotate(
            has_open_reports=open_reports(),
            version_count=count_of(CommentVersion.objects.filter(comment=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=CommentReport.objects.order_by(
                    F("resolved_at").asc(nulls_first=True), "created_at", "pk"
                ),
            )
        )
    )


def excerpt(comment: Comment) -> str:
    return Truncator(" ".join(comment.body.split())).chars(EXCERPT_LENGTH)


def action_url(action: str, comment_ids, next_url: str) -> str:
    url = reverse("wagtail_bulk_action", args=[Comment._meta.app_label, Comment._meta.model_name, action])
    return f"{url}?{urlencode([('id', pk) for pk in comment_ids] + [('next', next_url)])}"


def actions_for(comment: Comment) -> list[str]:
    """The moderation actions that change something for this comment."""
    return [name for name, action in MODERATION_ACTIONS.items() if action.applies_to(comment)]


class PageColumn(Column):
    """The page the comment is on, linked to where staff read it."""

    cell_template_name = "cop_pages/moderation/page_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["url"] = instance.page.get_url(parent_context.get("request"))
        return context


class StateColumn(Column):
    cell_template_name = "cop_pages/moderation/state_cell.html"

    def get_value(self, instance):
        return queue_state(instance)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["label"] = QueueState.LABELS[context["value"]]
        return context


class DetailLinkColumn(Column):
    """A column whose cell links to the comment's detail view."""

    def __init__(self, *args, get_url, **kwargs):
        super().__init__(*args, **kwargs)
        self.get_url = get_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["detail_url"] = self.get_url(instance)
        return context


class ReportsColumn(DetailLinkColumn):
    cell_template_name = "cop_pages/moderation/reports_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        reports = list(instance.reports.all())
        context["reports"] = reports[:REPORTS_PER_ROW]
        context["more"] = len(reports) - REPORTS_PER_ROW
        return context


class VersionsColumn(DetailLinkColumn):
    cell_template_name = "cop_pages/moderation/versions_cell.html"


class ModeratedCommentsMixin:
    """Only the comments the user moderates exist, whatever the URL says."""

    def get_base_queryset(self):
        return queue_rows(moderatable_comments(self.request.user))

    def get_base_object_queryset(self):
        return moderatable_comments(self.request.user)


class CommentModerationIndexView(ModeratedCommentsMixin, generic.IndexView):
    page_title = _("Comment moderation")
    template_name = "cop_pages/moderation/index.html"

    @cached_property
    def verbose_name_plural(self):
        return Comment._meta.verbose_name_plural

    def get_detail_url(self, instance):
        return reverse(self.inspect_url_name, args=(quote(instance.pk),))

    @cached_property
    def columns(self):
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="comment"),
            self._get_title_column_class(TitleColumn)(
                "excerpt",
                label=_("Comment"),
                accessor=excerpt,
                get_url=self.get_detail_url,
                get_title_id=lambda comment: f"comment_{comment.pk}_title",
            ),
            PageColumn("page", label=_("Page")),
            Column("community", label=_("Community of practice"), accessor="community.title"),
            UserColumn("author", label=_("Author")),
            StateColumn("state", label=_("State")),
            ReportsColumn("reports", label=_("Reports"), accessor="pk", get_url=self.get_detail_url),
            VersionsColumn("version_count", label=_("Earlier versions"), get_url=self.get_detail_url),
            DateColumn("created_at", label=_("Posted"), sort_key="created_at"),
        ]

    def order_queryset(self, queryset):
        ordering = self.ordering or "-created_at"
        return queryset.order_by(ordering, f"{'-' if ordering.startswith('-') else ''}pk")

    @cached_property
    def next_url(self):
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        return f"{self.index_url}?{query.urlencode()}" if query else self.index_url

    def get_list_more_buttons(self, instance):
        buttons = [
            Button(_("Details"), url=self.get_detail_url(instance), icon_name="info-circle", priority=10)
        ]
        for priority, action in enumerate(actions_for(instance), start=20):
            bulk_action = MODERATION_ACTIONS[action]
            buttons.append(
                Button(
                    bulk_action.display_name,
                    url=action_url(action, [instance.pk], self.next_url),
                    icon_name=bulk_action.icon_name,
                    priority=priority,
                )
            )
        return buttons

    def get_list_buttons(self, instance):
        return [
            ButtonWithDropdown(
                buttons=self.get_list_more_buttons(instance),
                icon_name="dots-horizontal",
                attrs={"aria-label": _("More options for '%(title)s'") % {"title": excerpt(instance)}},
            )
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["model_opts"] = Comment._meta
        return context


class CommentDetailView(ModeratedCommentsMixin, generic.InspectView):
    """One comment in full: its text, reports, earlier versions and moderation history."""

    template_name = "cop_pages/moderation/detail.html"
    page_title = _("Comment")

    def get_object(self, queryset=None):
        comments = queue_rows(self.get_base_object_queryset()).select_related("parent__author")
        try:
            return comments.get(pk=self.pk)
        except (Comment.DoesNotExist, ValueError) as error:
            raise Http404 from error

    def get_page_subtitle(self):
        return Truncator(excerpt(self.object)).chars(40)

    @cached_property
    def header_buttons(self):
        next_url = self.request.get_full_path()
        return [
            HeaderButton(
                MODERATION_ACTIONS[action].display_name,
                url=action_url(action, [self.object.pk], next_url),
                icon_name=MODERATION_ACTIONS[action].icon_name,
            )
            for action in actions_for(self.object)
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        comment = self.object
        state = queue_state(comment)
        context.update(
            {
                "comment": comment,
                "state": state,
                "state_label": QueueState.LABELS[state],
                "page_url": comment.page.get_url(self.request),
                "versions": comment.versions.order_by("-written_at", "-pk"),
                "reports": comment.reports.select_related("reporter").order_by("created_at", "pk"),
                "history": ModelLogEntry.objects.for_instance(comment)
                .select_related("user")
                .order_by("-timestamp", "-pk"),
            }
        )
        return context


class ModerationMenuItem(MenuItem):
    """Shown to moderators only, with how many comments need them as a badge (one query)."""

    def is_shown(self, request):
        return request_moderation_summary(request)[0]

    def render_component(self, request):
        # The item is shared by every request: build the component, leave the item as it is.
        _moderates, waiting = request_moderation_summary(request)
        url, attrs = self.url, dict(self.attrs)
        if waiting:
            # Straight to what needs doing; the badge is drawn from the data attribute.
            url = f"{self.url}?state={QueueState.ATTENTION}"
            attrs["data-comment-moderation-waiting"] = str(waiting)
            attrs["aria-label"] = ngettext(
                "%(label)s: %(count)s comment needs attention",
                "%(label)s: %(count)s comments need attention",
                waiting,
            ) % {"label": self.label, "count": waiting}
        return LinkMenuItem(
            self.name, self.label, url, icon_name=self.icon_name, classname=self.classname, attrs=attrs
        )


class CommentModerationViewSet(ModelViewSet):
    """The moderation queue: an index with filters and bulk actions, and a detail view."""

    model = Comment
    index_view_class = CommentModerationIndexView
    inspect_view_class = CommentDetailView
    inspect_view_enabled = True
    filterset_class = CommentModerationFilterSet
    icon = "comment"
    menu_label = _("Comment moderation")
    menu_name = "comment-moderation"
    menu_order = 260
    add_to_admin_menu = True
    menu_item_class = ModerationMenuItem
    list_per_page = LIST_PER_PAGE
    ordering = "-created_at"
    search_fields = ["body", "author__username", "author__first_name", "author__last_name"]
    copy_view_enabled = False

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in (
            "add_url_name",
            "edit_url_name",
            "delete_url_name",
            "history_url_name",
            "usage_url_name",
        ):
            view_kwargs[name] = None
        return view_kwargs

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_permissions_to_register(self):
        # Moderation follows CoP roles, not model permissions a group could be given.
        return Permission.objects.none()

    @property
    def url_finder_class(self):
        return CommentURLFinder


class CommentURLFinder:
    """Where the admin (e.g. the site history report) links a comment: its detail page, for its moderators."""

    def __init__(self, user=None):
        self.user = user

    def get_edit_url(self, instance):
        if self.user is not None and not moderatable_comments(self.user).filter(pk=instance.pk).exists():
            return None
        return reverse(f"{VIEWSET_NAME}:inspect", args=(quote(instance.pk),))


# The actions ----------------------------------------------------------------


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The author receives it by email with the notice that the comment is hidden."),
        error_messages={"required": _("Say why the comment is hidden: its author will read it.")},
    )


class CommentModerationAction(BulkAction):
    """Approve, hide or restore the chosen comments through ``cop_pages.comments.moderate``."""

    models = [Comment]
    template_name = "cop_pages/moderation/confirm_action.html"
    icon_name = ""
    confirm_label = ""
    question = ""
    skipped_message = ""
    success_message = ""

    @staticmethod
    @abstractmethod
    def applies_to(comment: Comment) -> bool:
        """Whether the action would change ``comment``; the others are listed as staying as they are."""

    def get_success_message(self, num_parent_objects, num_child_objects):
        return self.success_message % {"count": num_parent_objects}

    def dispatch(self, request, *args, **kwargs):
        if not moderates_comments(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def chosen_comments(self) -> list[Comment]:
        """The comments named by ``id``; any id the user does not moderate refuses them all."""
        try:
            ids = {int(value) for value in self.request.GET.getlist("id")}
        except ValueError as error:
            raise Http404 from error
        if not ids:
            raise Http404
        comments = list(
            queue_rows(moderatable_comments(self.request.user).filter(pk__in=ids)).order_by(
                "-created_at", "-pk"
            )
        )
        if len(comments) != len(ids):
            raise Http404
        return comments

    def get_actionable_objects(self):
        applicable = [comment for comment in self.chosen_comments if self.applies_to(comment)]
        skipped = [comment for comment in self.chosen_comments if not self.applies_to(comment)]
        return applicable, {"items_with_no_access": skipped}

    def object_context(self, comment):
        return {
            "item": comment,
            "excerpt": excerpt(comment),
            "state_label": QueueState.LABELS[queue_state(comment)],
            "detail_url": reverse(f"{VIEWSET_NAME}:inspect", args=(quote(comment.pk),)),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "items_with_no_access": [self.object_context(c) for c in context["items_with_no_access"]],
                "action": self,
                "header_icon": "comment",
            }
        )
        return context

    def get_execution_context(self):
        return {"user": self.request.user, "reason": self.cleaned_form.cleaned_data.get("reason", "")}

    @classmethod
    def execute_action(cls, objects, user=None, reason="", **kwargs):
        return moderate(user, objects, cls.action_type, reason), 0

    def form_valid(self, form):
        if not self.get_actionable_objects()[0]:
            messages.warning(self.request, self.skipped_message)
            return redirect(self.next_url)
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except CommentError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)


class ApproveAction(CommentModerationAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve the selected comments")
    action_priority = 10
    icon_name = "check"
    confirm_label = _("Yes, approve")
    question = _("These comments will appear on their pages.")
    skipped_message = _("None of these comments waits for approval.")
    success_message = ngettext_lazy("%(count)d comment approved.", "%(count)d comments approved.", "count")

    @staticmethod
    def applies_to(comment):
        return comment.state == CommentState.WAITING


class HideAction(CommentModerationAction):
    display_name = _("Hide")
    action_type = "hide"
    aria_label = _("Hide the selected comments")
    action_priority = 20
    icon_name = "no-view"
    form_class = HideForm
    confirm_label = _("Yes, hide")
    question = _("These comments will disappear from their pages; each author is told why by email.")
    skipped_message = _("These comments are hidden already.")
    success_message = ngettext_lazy("%(count)d comment hidden.", "%(count)d comments hidden.", "count")
    classes = {"serious"}

    @staticmethod
    def applies_to(comment):
        return comment.state != CommentState.HIDDEN


class RestoreAction(CommentModerationAction):
    display_name = _("Restore")
    action_type = "restore"
    aria_label = _("Restore the selected comments")
    action_priority = 30
    icon_name = "undo"
    confirm_label = _("Yes, restore")
    question = _("Hidden comments will appear again; the reports on these comments will be closed.")
    skipped_message = _("None of these comments is hidden or reported.")
    success_message = ngettext_lazy("%(count)d comment restored.", "%(count)d comments restored.", "count")

    @staticmethod
    def applies_to(comment):
        return comment.state == CommentState.HIDDEN or (
            comment.state == CommentState.VISIBLE and comment.has_open_reports
        )


MODERATION_ACTIONS = {action.action_type: action for action in (ApproveAction, HideAction, RestoreAction)}


# The history ----------------------------------------------------------------


class CommentModerationFormatter(LogFormatter):
    """A moderation log entry: its label, and the reason when one was given."""

    def format_message(self, log_entry):
        reason = (log_entry.data or {}).get("reason", "")
        if reason:
            return _("%(action)s. Reason: %(reason)s") % {"action": self.label, "reason": reason}
        return self.label

    def format_comment(self, log_entry):
        return (log_entry.data or {}).get("reason", "")


LOG_ACTIONS = {
    "cop_pages.comment.approve": _("Comment approved"),
    "cop_pages.comment.hide": _("Comment hidden"),
    "cop_pages.comment.restore": _("Comment restored"),
}


def register_log_actions(actions) -> None:
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action)(type("Formatter", (CommentModerationFormatter,), {"label": label}))
