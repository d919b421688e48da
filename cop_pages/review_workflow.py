"""Each CoP's review workflow, built from Wagtail's own workflows and tasks.

"Tinjauan <CoP>" is assigned to every translation of the CoP, so to its
whole subtree. Its first task is approval by that CoP's moderators (a
``GroupApprovalTask`` open to the facilitators group and the
learning-center team); its second, "Persetujuan Pusat Belajar", is one
``LearningCenterApprovalTask`` shared by every CoP, which only practices
shared with every division or featured on the home page wait for.
"""

from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, Task, Workflow, WorkflowPage, WorkflowTask

from .models import CommunityPage, LearningCenterApprovalTask

LEARNING_CENTER_TASK = "Persetujuan Pusat Belajar"


def workflow_name(community: CommunityPage) -> str:
    return f"Tinjauan {community.title}"


def moderator_task_name(community: CommunityPage) -> str:
    return f"Persetujuan moderator {community.title}"


def sync_review_workflow(community: CommunityPage, facilitators_group: Group, team: Group, drift) -> None:
    workflow = community.review_workflow
    name = workflow_name(community)
    if workflow is None:
        if not drift.found(f"the workflow '{name}' is missing"):
            return
        workflow = Workflow.objects.create(name=name)
        CommunityPage.objects.filter(translation_key=community.translation_key).update(
            review_workflow=workflow
        )
    if (workflow.name, workflow.active) != (name, True) and drift.found(
        f"the workflow '{workflow.name}' should be the active workflow '{name}'"
    ):
        workflow.name, workflow.active = name, True
        workflow.save(update_fields=["name", "active"])
    tasks = [
        sync_group_task(
            moderator_task(workflow)
            # A task taken out of the workflow by hand is put back, not duplicated.
            or GroupApprovalTask.objects.filter(name=moderator_task_name(community)).first(),
            GroupApprovalTask,
            moderator_task_name(community),
            {facilitators_group, team},
            drift,
        ),
        sync_group_task(
            learning_center_task(), LearningCenterApprovalTask, LEARNING_CENTER_TASK, {team}, drift
        ),
    ]
    if None not in tasks:
        sync_workflow_tasks(workflow, tasks, drift)
    sync_workflow_pages(community, workflow, drift)


def moderator_task(workflow: Workflow) -> Task | None:
    first = workflow.workflow_tasks.order_by("sort_order").select_related("task").first()
    if first is None or not isinstance(first.task.specific, GroupApprovalTask):
        return None
    return first.task.specific


def learning_center_task() -> LearningCenterApprovalTask | None:
    return LearningCenterApprovalTask.objects.filter(name=LEARNING_CENTER_TASK).first()


def sync_group_task(task, model, name: str, groups: set[Group], drift):
    if task is None:
        if not drift.found(f"the task '{name}' is missing"):
            return None
        task = model.objects.create(name=name)
    if (task.name, task.active) != (name, True) and drift.found(
        f"the task '{task.name}' should be active as '{name}'"
    ):
        task.name, task.active = name, True
        task.save(update_fields=["name", "active"])
    if set(task.groups.all()) != groups and drift.found(f"the task '{name}' is open to the wrong groups"):
        task.groups.set(groups)
    return task


def sync_workflow_tasks(workflow: Workflow, tasks: list[Task], drift) -> None:
    present = list(workflow.workflow_tasks.order_by("sort_order").values_list("task_id", flat=True))
    if present != [task.pk for task in tasks] and drift.found(
        f"the workflow '{workflow.name}' has the wrong tasks"
    ):
        workflow.workflow_tasks.all().delete()
        WorkflowTask.objects.bulk_create(
            WorkflowTask(workflow=workflow, task=task, sort_order=order) for order, task in enumerate(tasks)
        )


def sync_workflow_pages(community: CommunityPage, workflow: Workflow, drift) -> None:
    for page in CommunityPage.objects.filter(translation_key=community.translation_key):
        assigned = WorkflowPage.objects.filter(page=page).values_list("workflow_id", flat=True).first()
        if assigned != workflow.pk and drift.found(
            f"the workflow is not assigned to the CoP ({page.locale.language_code})"
        ):
            WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})


def remove_review_workflow(workflow: Workflow) -> None:
    """Deactivate and delete a deleted CoP's workflow and its moderators' task."""
    task = moderator_task(workflow)
    workflow.deactivate()
    workflow.delete()
    if task is not None and not task.workflow_tasks.exists():
        task.deactivate()
        task.delete()
