from django.http import Http404
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .dashboard import replace_dashboard_panels
from .models import Membership
from .permissions import MembershipPermissionPolicy
from .viewsets import MembershipViewSet
from .visibility import can_view

register_permission_policy(Membership, MembershipPermissionPolicy(Membership))


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
