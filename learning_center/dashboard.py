"""The "Pusat Belajar sekilas" panel at the top of the admin dashboard, for the learning-center team.

What the team looks at first, each part with a link to where it is dealt with:

- the CoPs needing attention over the last 30 days (``community_health``,
  the figures of the CoP health view): how many, and the first few with the
  first of their reasons;
- the knowledge gaps of the last 7 days (search analytics): the searches
  most often left without a result;
- what waits for moderation: the review tasks in progress the user may act
  on (``moderatable_task_states``, as "Awaiting your review" counts them) and
  the comments waiting for approval.

Only the team and administrators get it (``manages_every_community``): a
facilitator's dashboard already shows the reviews of their CoPs. The panel
costs the same number of queries whatever the numbers of CoPs, searches,
tasks and comments, and needs no JavaScript.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component

from cop_pages.comment_moderation import VIEWSET_NAME as COMMENT_MODERATION
from cop_pages.comment_moderation import QueueState, moderatable_comments
from cop_pages.dashboard import moderatable_task_states
from cop_pages.models import CommentState
from cop_pages.permissions import manageable_communities, manages_every_community
from search.analytics import knowledge_gaps

from .community_health import community_health
from .periods import Period, PeriodChoice, preset_period

GLANCE_ROWS = 5
GAP_DAYS = 7


def attention_summary(user, today: datetime.date) -> tuple[list, int]:
    """The first ``GLANCE_ROWS`` CoPs (by title) needing attention over the last 30 days, and how many."""
    period = preset_period(PeriodChoice.DAYS_30, today)
    needing = [row for row in community_health(manageable_communities(user), period) if row.needs_attention]
    return needing[:GLANCE_ROWS], len(needing)


def gap_period(today: datetime.date) -> Period:
    """The last ``GAP_DAYS`` days, today included."""
    return Period(today - datetime.timedelta(days=GAP_DAYS - 1), today)


def knowledge_gaps_url(period: Period) -> str:
    """The knowledge-gaps view over ``period`` (a custom period of the section's form)."""
    query = urlencode({"periode": PeriodChoice.CUSTOM, "dari": period.first_day, "sampai": period.last_day})
    return f"{reverse('learning_center_monitoring:knowledge_gaps')}?{query}"


class GlancePanel(Component):
    """The "Pusat Belajar sekilas" panel: attention, knowledge gaps and moderation, in numbers and links."""

    name = "learning_center_glance"
    template_name = "learning_center/dashboard/glance_panel.html"
    # Above Wagtail's panels (the first of which, "What's new", is 110): the team's overview comes first.
    order = 50

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        user = request.user
        today = timezone.localdate()
        attention, attention_count = attention_summary(user, today)
        week = gap_period(today)
        return {
            "attention": attention,
            "attention_count": attention_count,
            "health_url": reverse("learning_center_monitoring:community_health"),
            # Every search, by members of a CoP or not: the team looks after the whole learning center.
            "gaps": knowledge_gaps(since=week.starts_at, until=week.ends_at, limit=GLANCE_ROWS),
            "gap_days": GAP_DAYS,
            "gaps_url": knowledge_gaps_url(week),
            "reviews": moderatable_task_states(user).count(),
            "reviews_url": f"{reverse('wagtailadmin_reports:workflow_tasks')}?reviewable=true",
            "waiting_comments": moderatable_comments(user).filter(state=CommentState.WAITING).count(),
            "comments_url": f"{reverse(f'{COMMENT_MODERATION}:index')}?state={QueueState.WAITING}",
        }


def add_glance_panel(request, panels: list) -> None:
    """The ``construct_homepage_panels`` hook: the panel for the team and administrators only."""
    if manages_every_community(request.user):
        panels.append(GlancePanel())
