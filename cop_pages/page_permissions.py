"""Wagtail page permissions that follow from the roles of ARCHITECTURE.md.

Contributors (a CoP's members group) may add pages under their CoP and edit
the ones they own; Wagtail lets them submit those for review but not
publish. Moderators (its facilitators group) may edit, publish, lock and
unlock anything in their CoP. The learning-center team holds the moderators'
rights on every locale's Pusat Belajar, so on every CoP. Only these groups'
rows are managed: permissions an administrator gives other groups stay.
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page

from learning_center.models import LearningCenterPage

from .models import CommunityPage

CONTRIBUTOR_PERMISSIONS = ("add_page",)
MODERATOR_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


def page_permissions(codenames: tuple[str, ...]) -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames))


def sync_group_page_permissions(group: Group, pages: list[Page], codenames: tuple[str, ...], drift) -> None:
    """Make ``group``'s page permissions exactly ``codenames`` on each of ``pages``."""
    expected = {(page.pk, permission.pk) for page in pages for permission in page_permissions(codenames)}
    rows = GroupPagePermission.objects.filter(group=group)
    present = set(rows.values_list("page_id", "permission_id"))
    extra = present - expected
    if extra and drift.found(f"'{group.name}' has {len(extra)} page permissions it should not have"):
        for page_id, permission_id in extra:
            rows.filter(page_id=page_id, permission_id=permission_id).delete()
    missing = expected - present
    if missing and drift.found(f"'{group.name}' lacks {len(missing)} page permissions"):
        GroupPagePermission.objects.bulk_create(
            GroupPagePermission(group=group, page_id=page_id, permission_id=permission_id)
            for page_id, permission_id in missing
        )


def sync_community_page_permissions(
    community: CommunityPage, members_group: Group, facilitators_group: Group, drift
) -> None:
    translations = list(CommunityPage.objects.filter(translation_key=community.translation_key))
    sync_group_page_permissions(members_group, translations, CONTRIBUTOR_PERMISSIONS, drift)
    sync_group_page_permissions(facilitators_group, translations, MODERATOR_PERMISSIONS, drift)


def sync_team_page_permissions(team: Group, drift) -> None:
    roots = list(LearningCenterPage.objects.all())
    sync_group_page_permissions(team, roots, MODERATOR_PERMISSIONS, drift)
