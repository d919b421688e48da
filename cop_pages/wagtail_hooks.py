from django.http import Http404
from django.template.loader import render_to_string
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from . import comment_moderation
from .dashboard import replace_dashboard_panels
from .models import Comment, Membership
from .permissions import MembershipPermissionPolicy
from .viewsets import MembershipViewSet
from .visibility import can_view

register_permission_policy(Membership, MembershipPermissionPolicy(Membership))
register_permission_policy(Comment, comment_moderation.CommentModerationPolicy(Comment))


@hooks.register("register_admin_viewset")
def register_membership_viewset():
    return MembershipViewSet("memberships")


@hooks.register("before_serve_page", order=-10)
def hide_private_communities(page, request, serve_args, serve_kwargs):
    """A private CoP is not found, rather than a login prompt, for outsiders."""
    if not can_view(page, request.user):
        raise Http404


@hooks.register("construct_homepage_panels")
def moderators_dashboard_panels(request, panels):
    """Our "Awaiting your review" in a fixed number of queries, and "Due for review"."""
    replace_dashboard_panels(request, panels)


@hooks.register("register_admin_viewset")
def register_comment_moderation_viewset():
    """The staff-comment moderation queue ("Moderasi komentar")."""
    return comment_moderation.CommentModerationViewSet(comment_moderation.VIEWSET_NAME)


for moderation_action in comment_moderation.MODERATION_ACTIONS.values():
    hooks.register("register_bulk_action", moderation_action)


@hooks.register("register_log_actions")
def register_comment_moderation_log_actions(actions):
    """Labels for "cop_pages.comment.approve" / ".hide" / ".restore" in the admin's history."""
    comment_moderation.register_log_actions(actions)


@hooks.register("insert_global_admin_css")
def comment_moderation_menu_badge_css():
    return render_to_string("cop_pages/moderation/menu_badge_css.html")
