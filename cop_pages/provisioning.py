"""Everything around a CoP that follows from the CoP and its memberships.

``provision_community`` creates or repairs, in one idempotent step:

- a members group (the CoP's contributors) and a facilitators group (its
  moderators), named after the CoP, both allowed into the admin;
- who is in them, from the Membership rows (see ``sync_membership_groups``
  for the day-to-day path);
- their page permissions on every translation of the CoP
  (``cop_pages.page_permissions``);
- the CoP's review workflow (``cop_pages.review_workflow``);
- for a private CoP, a Wagtail group view restriction on each translation,
  open to those two groups and the learning-center team, so that Wagtail
  itself refuses to serve it and search can filter on the groups.

With ``repair=False`` nothing changes: the returned list says what differs
(``provision_communities --check``).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import PageViewRestriction, Workflow

from .models import CommunityPage, Membership, MembershipRole

LEARNING_CENTER_TEAM = "Tim Pusat Belajar"
ADMIN_ACCESS = ("wagtailadmin", "access_admin")


class Drift:
    """What differs from the provisioned state; repaired as it is found unless checking."""

    def __init__(self, repair: bool):
        self.repair = repair
        self.changes: list[str] = []

    def found(self, description: str) -> bool:
        """Record a difference; True when the caller should repair it now."""
        self.changes.append(description)
        return self.repair


def admin_access_permission() -> Permission:
    app_label, codename = ADMIN_ACCESS
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_learning_center_team(drift: Drift | None = None) -> Group | None:
    """The team's group, its admin access and its page permissions (None: missing, only checked)."""
    from .page_permissions import sync_team_page_permissions

    drift = drift or Drift(repair=True)
    team = Group.objects.filter(name=LEARNING_CENTER_TEAM).first()
    if team is None:
        if not drift.found(f"the group '{LEARNING_CENTER_TEAM}' is missing"):
            return None
        team = Group.objects.create(name=LEARNING_CENTER_TEAM)
    access = admin_access_permission()
    if not team.permissions.filter(pk=access.pk).exists() and drift.found(
        f"'{LEARNING_CENTER_TEAM}' cannot open the admin"
    ):
        team.permissions.add(access)
    sync_team_page_permissions(team, drift)
    return team


def community_group_names(community: CommunityPage) -> tuple[str, str]:
    # The page id keeps names unique when two CoPs share a title.
    return (
        f"{community.title} #{community.pk}: anggota",
        f"{community.title} #{community.pk}: fasilitator",
    )


@transaction.atomic
def provision_community(community: CommunityPage, *, repair: bool = True) -> list[str]:
    """Create or repair what the CoP needs; returns what differed."""
    from .page_permissions import sync_community_page_permissions
    from .review_workflow import sync_review_workflow

    drift = Drift(repair)
    community = CommunityPage.objects.get(pk=community.membership_page().pk)
    team = ensure_learning_center_team(drift)
    members_group, facilitators_group = sync_groups(community, drift)
    if members_group and facilitators_group and team:
        sync_group_members(community, members_group, facilitators_group, drift)
        sync_community_page_permissions(community, members_group, facilitators_group, drift)
        sync_review_workflow(community, facilitators_group, team, drift)
        sync_privacy(community, [members_group, facilitators_group, team], drift)
    return [f"{community.title}: {change}" for change in drift.changes]


def sync_groups(community: CommunityPage, drift: Drift) -> tuple[Group | None, Group | None]:
    access = admin_access_permission()
    groups = []
    for group, name in zip(
        (community.members_group, community.facilitators_group), community_group_names(community), strict=True
    ):
        if group is None:
            if not drift.found(f"the group '{name}' is missing"):
                groups.append(None)
                continue
            group = Group.objects.get_or_create(name=name)[0]
        elif group.name != name and drift.found(f"the group '{group.name}' should be named '{name}'"):
            group.name = name
            group.save(update_fields=["name"])
        if not group.permissions.filter(pk=access.pk).exists() and drift.found(
            f"the group '{name}' cannot open the admin"
        ):
            group.permissions.add(access)
        groups.append(group)
    members_group, facilitators_group = groups
    if members_group and facilitators_group:
        # Translations share the groups and the workflow: synchronised fields.
        CommunityPage.objects.filter(translation_key=community.translation_key).update(
            members_group=members_group, facilitators_group=facilitators_group
        )
    return members_group, facilitators_group


def sync_group_members(
    community: CommunityPage, members_group: Group, facilitators_group: Group, drift: Drift
):
    memberships = Membership.objects.filter(community=community)
    expected = {
        members_group: set(memberships.values_list("user_id", flat=True)),
        facilitators_group: set(
            memberships.filter(role=MembershipRole.FACILITATOR).values_list("user_id", flat=True)
        ),
    }
    user_groups = get_user_model().groups.through.objects
    for group, user_ids in expected.items():
        present = set(user_groups.filter(group=group).values_list("user_id", flat=True))
        if present - user_ids and drift.found(
            f"{len(present - user_ids)} people in '{group.name}' are not members"
        ):
            user_groups.filter(group=group, user_id__in=present - user_ids).delete()
        if user_ids - present and drift.found(
            f"{len(user_ids - present)} members are missing from '{group.name}'"
        ):
            user_groups.bulk_create(
                user_groups.model(group=group, user_id=user_id) for user_id in user_ids - present
            )


def sync_privacy(community: CommunityPage, allowed: list[Group], drift: Drift) -> None:
    translations = CommunityPage.objects.filter(translation_key=community.translation_key)
    restrictions = PageViewRestriction.objects.filter(page__in=translations)
    if not community.private:
        if restrictions.exists() and drift.found("a public CoP carries a view restriction"):
            restrictions.delete()
        return
    for page in translations:
        restriction = restrictions.filter(page=page).first()
        if restriction is None or restriction.restriction_type != PageViewRestriction.GROUPS:
            if not drift.found(f"the private CoP ({page.locale.language_code}) has no group restriction"):
                continue
            restrictions.filter(page=page).delete()
            restriction = PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.GROUPS
            )
        if set(restriction.groups.all()) != set(allowed) and drift.found(
            f"the private CoP ({page.locale.language_code}) is open to other groups than its own and the team"
        ):
            restriction.groups.set(allowed)


def remove_community_provisioning(deleted: CommunityPage) -> None:
    """Drop the groups and the workflow once the last translation of a CoP is gone."""
    from .review_workflow import remove_review_workflow

    if CommunityPage.objects.filter(translation_key=deleted.translation_key).exists():
        return
    Group.objects.filter(pk__in=[deleted.members_group_id, deleted.facilitators_group_id]).delete()
    workflow = Workflow.objects.filter(pk=deleted.review_workflow_id).first()
    if workflow is not None:
        remove_review_workflow(workflow)


def sync_membership_groups(membership: Membership) -> None:
    community = membership.community
    if community.members_group_id is None:
        provision_community(community)
        community.refresh_from_db()
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
