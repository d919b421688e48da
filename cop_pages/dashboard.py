"""The moderators' panels on the admin dashboard, each in a fixed number of queries.

Wagtail's own "Awaiting your review" panel (``WorkflowObjectsToModeratePanel``)
costs about one query per task awaiting review, plus one per active task
(51 with 50 CoPs) to find which tasks the user may moderate: with 500
submissions, 500+ queries for the learning-center team. ``AwaitingReviewPanel``
shows the same rows — the page with its edit link, its CoP, the task,
who submitted it and when, approve / request changes and the comparison
links — from two queries, and at most ``AWAITING_REVIEW_ROWS`` of them,
with a count of the rest and a link to Wagtail's workflow tasks report.

``DueForReviewPanel`` ("Perlu ditinjau ulang") lists the live practices past
their review-by date in the CoPs the user moderates (every CoP for the
learning-center team and administrators), the most overdue first.

``replace_dashboard_panels`` is the ``construct_homepage_panels`` hook.
"""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.models import (
    AbstractGroupApprovalTask,
    Page,
    Revision,
    TaskState,
    get_default_page_content_type,
)

from .models import CommunityPage, Membership, MembershipRole, PracticePage
from .permissions import manages_every_community

AWAITING_REVIEW_ROWS = 20
DUE_FOR_REVIEW_ROWS = 20
# What a member of a group approval task may do: the actions of Wagtail's
# ``AbstractGroupApprovalTask.get_actions`` (and its msgids).
GROUP_APPROVAL_ACTIONS = (
    ("reject", _("Request changes"), True),
    ("approve", _("Approve"), False),
    ("approve", _("Approve with comment"), True),
)


def group_approval_task_models() -> list[type[AbstractGroupApprovalTask]]:
    """Every concrete group approval task: Wagtail's and the learning center's."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, AbstractGroupApprovalTask) and not model._meta.abstract
    ]


def moderatable_task_states(user) -> QuerySet:
    """In-progress task states on pages that ``user`` may approve, as one query.

    Wagtail's ``TaskState.objects.reviewable_by`` asks every active task in
    turn; here the task's groups are matched against the user's groups in
    the database. Administrators moderate every group approval task.
    """
    states = TaskState.objects.filter(
        status=TaskState.STATUS_IN_PROGRESS,
        task__active=True,
        workflow_state__base_content_type=get_default_page_content_type(),
    )
    models = group_approval_task_models()
    if not (user.is_authenticated and user.is_active):
        return states.none()
    if user.is_superuser:
        content_types = ContentType.objects.get_for_models(*models, for_concrete_models=False).values()
        return states.filter(task__content_type__in=[content_type.pk for content_type in content_types])
    user_groups = user.groups.all()
    in_task_groups = Q()
    for model in models:
        in_task_groups |= Q(task__in=model.objects.filter(groups__in=user_groups).values("pk"))
    return states.filter(in_task_groups)


# What the panels show of a page: its title, CoP and admin links.
LISTED_PAGE_FIELDS = (
    "title",
    "draft_title",
    "path",
    "depth",
    "locale_id",
    "live_revision_id",
    "content_type_id",
)


def community_title() -> Subquery:
    """The title of the CoP a page belongs to (its own for a CoP page), inside the page's query."""
    return Subquery(
        CommunityPage.objects.filter(path=Substr(OuterRef("path"), 1, Length("path"))).values("title")[:1]
    )


def total_rows() -> Window:
    """How many rows the query matched before its slice: the count comes with the rows."""
    return Window(expression=Count("pk"))


@dataclass
class AwaitingReview:
    page: Page
    task_state: TaskState
    previous_revision_id: int | None

    @property
    def submitted_by(self):
        return self.task_state.revision.user or self.task_state.workflow_state.requested_by


def awaiting_review(user, limit: int = AWAITING_REVIEW_ROWS) -> tuple[list[AwaitingReview], int]:
    """The oldest ``limit`` submissions ``user`` may approve, and how many there are in all."""
    states = list(
        moderatable_task_states(user)
        .select_related(
            "task",
            "revision",
            "revision__user",
            "workflow_state",
            "workflow_state__requested_by",
        )
        .annotate(
            previous_revision_id=Revision.objects.previous_revision_id_subquery(),
            total=total_rows(),
        )
        .order_by("started_at", "pk")[:limit]
    )
    if not states:
        return [], 0
    pages = (
        Page.objects.filter(pk__in=[int(state.workflow_state.object_id) for state in states])
        .only(*LISTED_PAGE_FIELDS)
        .annotate(community_title=community_title())
    )
    pages = {page.pk: page for page in pages}
    rows = [
        AwaitingReview(
            page=pages[int(state.workflow_state.object_id)],
            task_state=state,
            previous_revision_id=state.previous_revision_id,
        )
        for state in states
        # A page deleted between the two queries.
        if int(state.workflow_state.object_id) in pages
    ]
    return rows, states[0].total


def moderated_community_paths(user) -> list[str] | None:
    """Tree paths of the CoPs (all translations) ``user`` moderates; None: every CoP."""
    if manages_every_community(user):
        return None
    if not (user.is_authenticated and user.is_active):
        return []
    facilitated = Membership.objects.filter(user=user, role=MembershipRole.FACILITATOR)
    return list(
        CommunityPage.objects.filter(
            translation_key__in=facilitated.values("community__translation_key")
        ).values_list("path", flat=True)
    )


@dataclass
class DueForReview:
    practice: PracticePage

    @property
    def owner(self):
        return self.practice.content_owner or self.practice.owner


def due_for_review(user, limit: int = DUE_FOR_REVIEW_ROWS):
    """The most overdue ``limit`` live practices in the CoPs ``user`` moderates, and how many in all."""
    paths = moderated_community_paths(user)
    if paths == []:
        return [], 0
    practices = PracticePage.objects.live().filter(review_by__lt=timezone.localdate())
    if paths is not None:
        in_communities = Q()
        for path in paths:
            in_communities |= Q(path__startswith=path)
        practices = practices.filter(in_communities)
    # Counted apart, not by a window over the rows: a window makes the database build every
    # overdue row (tens of thousands, with its CoP's title) before it keeps ``limit`` of them,
    # where the review-by index hands the first ``limit`` over at once and the count reads it alone.
    total = practices.count()
    listed = (
        practices.select_related("content_owner", "owner")
        .only(*LISTED_PAGE_FIELDS, "review_by", "content_owner", "owner")
        .annotate(community_title=community_title())
        .order_by("review_by", "pk")[:limit]
    )
    return [DueForReview(practice=practice) for practice in listed], total


class AwaitingReviewPanel(Component):
    """Wagtail's "Awaiting your review", in a fixed number of queries."""

    name = "workflow_objects_to_moderate"
    template_name = "cop_pages/dashboard/awaiting_review.html"
    order = WorkflowObjectsToModeratePanel.order

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        # Wagtail's panel shows nothing when workflows are switched off.
        enabled = getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True)
        rows, total = awaiting_review(request.user) if enabled else ([], 0)
        return {
            "request": request,
            "csrf_token": parent_context["csrf_token"],
            "rows": rows,
            "more": total - len(rows),
            "actions": GROUP_APPROVAL_ACTIONS,
            "community_label": CommunityPage._meta.verbose_name,
        }


class DueForReviewPanel(Component):
    """Overdue practices in the CoPs the user moderates ("Perlu ditinjau ulang")."""

    name = "due_for_review"
    template_name = "cop_pages/dashboard/due_for_review.html"
    order = WorkflowObjectsToModeratePanel.order + 5

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        rows, total = due_for_review(request.user)
        return {
            "request": request,
            "rows": rows,
            "more": total - len(rows),
            "community_label": CommunityPage._meta.verbose_name,
            "owner_label": PracticePage._meta.get_field("content_owner").verbose_name,
            "review_by_label": PracticePage._meta.get_field("review_by").verbose_name,
        }


def replace_dashboard_panels(request, panels: list) -> None:
    """Swap Wagtail's review panel for ours and add the overdue practices."""
    panels[:] = [panel for panel in panels if not isinstance(panel, WorkflowObjectsToModeratePanel)]
    panels.extend([AwaitingReviewPanel(), DueForReviewPanel()])
