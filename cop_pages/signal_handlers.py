"""Keep groups and restrictions in step with CoPs and memberships."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from .models import CommunityPage, Membership
from .provisioning import (
    provision_community,
    remove_community_provisioning,
    remove_membership_groups,
    sync_membership_groups,
)


@receiver(page_published, sender=CommunityPage)
def provision_published_community(sender, instance: CommunityPage, **kwargs) -> None:
    provision_community(instance)


@receiver(post_delete, sender=CommunityPage)
def remove_deleted_community_provisioning(sender, instance: CommunityPage, **kwargs) -> None:
    remove_community_provisioning(instance)


@receiver(post_save, sender=Membership)
def sync_saved_membership(sender, instance: Membership, raw: bool = False, **kwargs) -> None:
    if not raw:
        sync_membership_groups(instance)


@receiver(post_delete, sender=Membership)
def sync_deleted_membership(sender, instance: Membership, **kwargs) -> None:
    remove_membership_groups(instance)
