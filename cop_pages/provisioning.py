"""Groups and view restrictions that follow from CoPs and their members.

Every CoP has a members group and a facilitators group; membership decides
who is in them (see ``sync_membership_groups``). A private CoP carries a
Wagtail group view restriction on each of its translations, open to those
two groups and the learning-center team, so that Wagtail itself refuses to
serve it and search can filter on the restricting groups.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import PageViewRestriction

from .models import CommunityPage, Membership, MembershipRole

LEARNING_CENTER_TEAM = "Tim Pusat Belajar"
ADMIN_ACCESS = ("wagtailadmin", "access_admin")


def admin_access_permission() -> Permission:
    app_label, codename = ADMIN_ACCESS
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_learning_center_team() -> Group:
    team, _created = Group.objects.get_or_create(name=LEARNING_CENTER_TEAM)
    team.permissions.add(admin_access_permission())
    return team


def community_group_names(community: CommunityPage) -> tuple[str, str]:
    # The page id keeps names unique when two CoPs share a title.
    return (
        f"{community.title} #{community.pk}: anggota",
        f"{community.title} #{community.pk}: fasilitator",
    )


def named_group(group: Group | None, name: str) -> Group:
    if group is None:
        # A page instance older than its provisioning still names no group.
        return Group.objects.get_or_create(name=name)[0]
    if group.name != name:
        group.name = name
        group.save(update_fields=["name"])
    return group


@transaction.atomic
def provision_community(community: CommunityPage) -> CommunityPage:
    """Create or repair the CoP's groups and its privacy restriction."""
    community = community.membership_page()
    members_name, facilitators_name = community_group_names(community)
    members_group = named_group(community.members_group, members_name)
    facilitators_group = named_group(community.facilitators_group, facilitators_name)
    facilitators_group.permissions.add(admin_access_permission())
    if (community.members_group_id, community.facilitators_group_id) != (
        members_group.pk,
        facilitators_group.pk,
    ):
        community.members_group = members_group
        community.facilitators_group = facilitators_group
        # Translations share the groups: they are synchronised fields.
        CommunityPage.objects.filter(translation_key=community.translation_key).update(
            members_group=members_group, facilitators_group=facilitators_group
        )
    sync_privacy(community)
    return community


def sync_privacy(community: CommunityPage) -> None:
    translations = CommunityPage.objects.filter(translation_key=community.translation_key)
    restrictions = PageViewRestriction.objects.filter(page__in=translations)
    if not community.private:
        restrictions.delete()
        return
    allowed = [community.members_group, community.facilitators_group, ensure_learning_center_team()]
    for page in translations:
        restriction = restrictions.filter(page=page).first()
        if restriction is None or restriction.restriction_type != PageViewRestriction.GROUPS:
            restrictions.filter(page=page).delete()
            restriction = PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.GROUPS
            )
        restriction.groups.set(allowed)


def remove_community_groups(deleted: CommunityPage) -> None:
    """Drop the groups once the last translation of a CoP is gone."""
    if CommunityPage.objects.filter(translation_key=deleted.translation_key).exists():
        return
    Group.objects.filter(pk__in=[deleted.members_group_id, deleted.facilitators_group_id]).delete()


def sync_membership_groups(membership: Membership) -> None:
    community = membership.community
    if community.members_group_id is None:
        community = provision_community(community)
    membership.user.groups.add(community.members_group)
    if membership.role == MembershipRole.FACILITATOR:
        membership.user.groups.add(community.facilitators_group)
    else:
        membership.user.groups.remove(community.facilitators_group)


def remove_membership_groups(membership: Membership) -> None:
    # By ids: this also runs while a user or a CoP is being deleted.
    group_ids = (
        CommunityPage.objects.filter(pk=membership.community_id)
        .values_list("members_group_id", "facilitators_group_id")
        .first()
    )
    if group_ids:
        user_groups = get_user_model().groups.through.objects
        user_groups.filter(user_id=membership.user_id, group_id__in=group_ids).delete()
