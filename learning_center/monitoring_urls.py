"""The monitoring section's URLs, under /admin/pemantauan/.

They are mounted by the project ahead of Wagtail's admin rather than
through ``register_admin_urls``: Wagtail sends a logged-in person without
admin access to its login page, while a monitoring URL must answer 403 to
anyone signed in who monitors no CoP, staff without the admin included.
Those who may see it still pass through Wagtail's ``require_admin_access``
(the admin's language, the log context).
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.views.defaults import permission_denied
from wagtail.admin.auth import require_admin_access

from cop_pages.permissions import manages_any_community

from .community_health_views import CommunityHealthView
from .knowledge_gap_views import KnowledgeGapsView
from .recognition_views import FeaturePracticeView, RecognitionView
from .report_views import EvaluationReportView
from .topic_views import CrossCommunityTopicsView, TopicTrendsView

APP_NAMESPACE = "learning_center_monitoring"
app_name = APP_NAMESPACE


def monitoring_access(view):
    """Log in first; then 403 for anyone who monitors no CoP."""
    admin_view = require_admin_access(view)

    def checked_view(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not manages_any_community(request.user):
            return permission_denied(request, PermissionDenied())
        return admin_view(request, *args, **kwargs)

    return checked_view


urlpatterns = [
    path("kesehatan-cop/", monitoring_access(CommunityHealthView.as_view()), name="community_health"),
    path("tren-topik/", monitoring_access(TopicTrendsView.as_view()), name="topic_trends"),
    path(
        "topik-lintas-cop/",
        monitoring_access(CrossCommunityTopicsView.as_view()),
        name="cross_community_topics",
    ),
    path("laporan/", monitoring_access(EvaluationReportView.as_view()), name="evaluation_report"),
    path("kesenjangan-pengetahuan/", monitoring_access(KnowledgeGapsView.as_view()), name="knowledge_gaps"),
    path("apresiasi/", monitoring_access(RecognitionView.as_view()), name="recognition"),
    path(
        "apresiasi/pilihan/<int:page_id>/",
        monitoring_access(FeaturePracticeView.as_view()),
        name="feature_practice",
    ),
]
