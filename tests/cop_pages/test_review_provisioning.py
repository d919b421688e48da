"""A CoP's page permissions and review workflow: provisioned in one step, kept consistent."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail_localize.operations import translate_object

from cop_pages.models import CommunityPage, LearningCenterApprovalTask, MembershipRole
from cop_pages.provisioning import LEARNING_CENTER_TEAM, provision_community
from cop_pages.review_workflow import LEARNING_CENTER_TASK
from tests.factories import CommunityPageFactory, MembershipFactory, UserFactory, learning_center_root

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(home):
    return CommunityPageFactory(title="CoP Layanan Sirkulasi")


def permission_codenames(group: Group, page) -> set[str]:
    return set(
        GroupPagePermission.objects.filter(group=group, page=page).values_list(
            "permission__codename", flat=True
        )
    )


def workflow_of(page) -> Workflow:
    return WorkflowPage.objects.get(page=page).workflow


def task_names(workflow: Workflow) -> list[str]:
    return [workflow_task.task.name for workflow_task in workflow.workflow_tasks.order_by("sort_order")]


def check(**options) -> tuple[str, bool]:
    """Run ``provision_communities --check``: its output and whether it found drift."""
    output = StringIO()
    try:
        call_command("provision_communities", check=True, stdout=output)
    except CommandError:
        return output.getvalue(), True
    return output.getvalue(), False


def test_contributors_add_and_moderators_review_in_their_cop(community):
    assert permission_codenames(community.members_group, community) == {"add_page"}
    assert permission_codenames(community.facilitators_group, community) == {
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
    }
    assert community.members_group.permissions.filter(codename="access_admin").exists()


def test_the_team_moderates_under_every_locales_pusat_belajar(community):
    team = Group.objects.get(name=LEARNING_CENTER_TEAM)
    for language in ("id", "en"):
        assert "publish_page" in permission_codenames(team, learning_center_root(language))


def test_the_review_workflow_starts_with_the_cops_moderators(community):
    workflow = workflow_of(community)
    assert workflow == community.review_workflow
    assert workflow.name == "Tinjauan CoP Layanan Sirkulasi"
    assert task_names(workflow) == ["Persetujuan moderator CoP Layanan Sirkulasi", LEARNING_CENTER_TASK]
    moderators = workflow.workflow_tasks.order_by("sort_order").first().task.specific
    assert isinstance(moderators, GroupApprovalTask)
    team = Group.objects.get(name=LEARNING_CENTER_TEAM)
    assert set(moderators.groups.all()) == {community.facilitators_group, team}
    assert list(LearningCenterApprovalTask.objects.get().groups.all()) == [team]


def test_every_cop_shares_the_one_learning_center_task(community):
    other = CommunityPageFactory(title="CoP Pengadaan Koleksi")
    assert LearningCenterApprovalTask.objects.count() == 1
    assert workflow_of(other) != workflow_of(community)


def test_provisioning_twice_changes_nothing(community):
    counts = (Workflow.objects.count(), WorkflowTask.objects.count(), GroupPagePermission.objects.count())
    assert provision_community(community) == []
    assert (
        Workflow.objects.count(),
        WorkflowTask.objects.count(),
        GroupPagePermission.objects.count(),
    ) == counts


def test_a_translation_shares_the_workflow_and_permissions(community):
    translate_object(community, [Locale.objects.get(language_code="en")])
    english = community.get_translation(Locale.objects.get(language_code="en"))
    provision_community(community)
    assert workflow_of(english) == workflow_of(community)
    assert permission_codenames(community.members_group, english) == {"add_page"}


def test_a_rename_renames_groups_workflow_and_task(community):
    community.title = "CoP Sirkulasi dan Keanggotaan"
    community.save_revision().publish()
    workflow = workflow_of(community)
    assert workflow.name == "Tinjauan CoP Sirkulasi dan Keanggotaan"
    assert task_names(workflow)[0] == "Persetujuan moderator CoP Sirkulasi dan Keanggotaan"
    community.refresh_from_db()
    assert community.members_group.name.startswith("CoP Sirkulasi dan Keanggotaan #")
    assert Workflow.objects.filter(name__startswith="Tinjauan").count() == 1


def test_publishing_an_old_revision_keeps_the_provisioned_workflow(community):
    # A revision saved before provisioning names no groups and no workflow.
    draft = community.save_revision()
    draft.content.update(members_group=None, facilitators_group=None, review_workflow=None)
    draft.save()
    draft.publish()
    community.refresh_from_db()
    assert community.review_workflow is not None
    assert Workflow.objects.filter(name__startswith="Tinjauan").count() == 1


def test_a_move_keeps_permissions_and_workflow(community):
    other = CommunityPageFactory(title="CoP Penataan Rak")
    community.move(learning_center_root("id"), pos="last-child")
    community.refresh_from_db()
    assert workflow_of(community) == community.review_workflow
    assert permission_codenames(community.members_group, community) == {"add_page"}
    assert workflow_of(other) != community.review_workflow


def test_deleting_a_cop_removes_its_groups_workflow_and_task(community):
    group_ids = [community.members_group_id, community.facilitators_group_id]
    workflow_id = community.review_workflow_id
    community.delete()
    assert not Group.objects.filter(pk__in=group_ids).exists()
    assert not Workflow.objects.filter(pk=workflow_id).exists()
    assert not GroupApprovalTask.objects.filter(name__startswith="Persetujuan moderator").exists()
    assert LearningCenterApprovalTask.objects.filter(name=LEARNING_CENTER_TASK).exists()


def test_membership_drives_the_groups(community):
    user = UserFactory()
    membership = MembershipFactory(user=user, community=community, role=MembershipRole.FACILITATOR)
    assert set(user.groups.all()) == {community.members_group, community.facilitators_group}
    membership.delete()
    assert not user.groups.exists()


def test_check_finds_nothing_on_a_provisioned_site(community):
    output, drifted = check()
    assert not drifted, output
    assert "All in order: 1 CoPs" in output


@pytest.mark.parametrize(
    "make_drift, expected",
    [
        (
            lambda cop: GroupPagePermission.objects.filter(group=cop.members_group).delete(),
            "lacks 1 page permissions",
        ),
        (lambda cop: WorkflowPage.objects.filter(page=cop).delete(), "the workflow is not assigned"),
        (lambda cop: cop.review_workflow.workflow_tasks.all().delete(), "has the wrong tasks"),
        (lambda cop: UserFactory().groups.add(cop.facilitators_group), "are not members"),
        (lambda cop: cop.members_group.permissions.clear(), "cannot open the admin"),
    ],
    ids=["permission", "assignment", "tasks", "group-member", "admin-access"],
)
def test_check_reports_hand_made_drift_and_a_plain_run_repairs_it(community, make_drift, expected):
    make_drift(community)
    output, drifted = check()
    assert drifted
    assert expected in output and "CoP Layanan Sirkulasi" in output

    repair_output = StringIO()
    call_command("provision_communities", stdout=repair_output)
    assert expected in repair_output.getvalue()
    output, drifted = check()
    assert not drifted, output


def test_check_changes_nothing(community):
    GroupPagePermission.objects.filter(group=community.members_group).delete()
    check()
    assert not GroupPagePermission.objects.filter(group=community.members_group).exists()


def test_a_private_cop_opened_to_an_outside_group_is_drift(home):
    private = CommunityPageFactory(title="CoP Rahasia", private=True)
    restriction = private.view_restrictions.get()
    restriction.groups.add(Group.objects.create(name="Tamu"))
    output, drifted = check()
    assert drifted and "open to other groups" in output
    call_command("provision_communities", stdout=StringIO())
    assert (
        Group.objects.get(name="Tamu")
        not in CommunityPage.objects.get(pk=private.pk).view_restrictions.get().groups.all()
    )
