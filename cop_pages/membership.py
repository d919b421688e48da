"""Joining and leaving a CoP; groups follow through signal handlers."""

from .models import CommunityPage, Membership, MembershipRole
from .visibility import forget_visibility


def join_community(user, community: CommunityPage) -> Membership:
    membership, _created = Membership.objects.get_or_create(
        user=user, community=community.membership_page(), defaults={"role": MembershipRole.MEMBER}
    )
    forget_visibility(user)
    return membership


def leave_community(user, community: CommunityPage) -> bool:
    deleted, _by_model = Membership.objects.filter(user=user, community=community.membership_page()).delete()
    forget_visibility(user)
    return bool(deleted)
