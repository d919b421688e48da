"""Who manages which memberships in the admin.

The learning-center team and administrators manage every CoP's members;
a facilitator manages the members of the CoPs they facilitate.
"""

from django.db.models import QuerySet
from wagtail.models import Locale
from wagtail.permission_policies import ModelPermissionPolicy

from .models import CommunityPage, Membership, MembershipRole
from .provisioning import LEARNING_CENTER_TEAM


def manages_every_community(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_manages_every_community", None)
    if cached is None:
        cached = user._manages_every_community = user.groups.filter(name=LEARNING_CENTER_TEAM).exists()
    return cached


def facilitated_communities(user) -> QuerySet:
    return CommunityPage.objects.filter(
        memberships__user=user, memberships__role=MembershipRole.FACILITATOR
    ).distinct()


def manages_any_community(user) -> bool:
    """The team and administrators, or the facilitator of some CoP: asked once per user object."""
    cached = getattr(user, "_manages_any_community", None)
    if cached is None:
        cached = manages_every_community(user) or (
            user.is_authenticated and user.is_active and facilitated_communities(user).exists()
        )
        user._manages_any_community = cached
    return cached


def manageable_communities(user) -> QuerySet:
    if manages_every_community(user):
        return CommunityPage.objects.filter(locale=Locale.get_default())
    if not (user.is_authenticated and user.is_active):
        return CommunityPage.objects.none()
    return facilitated_communities(user)


def manageable_memberships(user) -> QuerySet:
    if manages_every_community(user):
        return Membership.objects.all()
    return Membership.objects.filter(community__in=manageable_communities(user))


class MembershipPermissionPolicy(ModelPermissionPolicy):
    """Blanket rights for the team, rights over their own CoPs for facilitators."""

    def user_has_permission(self, user, action):
        return manages_any_community(user) or super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return manageable_memberships(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        return manageable_memberships(user)
