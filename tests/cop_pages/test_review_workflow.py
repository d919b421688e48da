"""The review workflow end to end in Wagtail's models, and the audit trail it leaves."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import PageLogEntry, TaskState, WorkflowState

from cop_pages.models import MembershipRole
from cop_pages.provisioning import LEARNING_CENTER_TEAM
from cop_pages.review_workflow import LEARNING_CENTER_TASK
from tests.factories import CommunityPageFactory, MembershipFactory, PracticePageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(home):
    return CommunityPageFactory(title="CoP Layanan Sirkulasi")


@pytest.fixture
def contributor(community):
    return MembershipFactory(community=community, user=UserFactory(username="penulis")).user


@pytest.fixture
def moderator(community):
    user = UserFactory(username="moderator", email="moderator@perpustakaan.example")
    return MembershipFactory(community=community, user=user, role=MembershipRole.FACILITATOR).user


@pytest.fixture
def team_member(db):
    user = UserFactory(username="tim", email="tim@perpustakaan.example")
    user.groups.add(Group.objects.get(name=LEARNING_CENTER_TEAM))
    return user


def submit(community, author, **fields) -> WorkflowState:
    practice = PracticePageFactory(parent=community, live=False, owner=author, **fields)
    practice.save_revision(user=author)
    return practice.get_workflow().start(practice, author)


def act(state: WorkflowState, user, action: str, comment: str = "") -> None:
    task_state = state.current_task_state.specific
    task_state.task.specific.on_action(task_state, user, action, comment=comment)
    state.refresh_from_db()


def test_a_plain_practice_is_published_once_its_moderators_approve(community, contributor, moderator):
    state = submit(community, contributor)
    assert state.current_task_state.task.name == "Persetujuan moderator CoP Layanan Sirkulasi"
    act(state, moderator, "approve")
    assert state.status == WorkflowState.STATUS_APPROVED
    statuses = dict(TaskState.objects.filter(workflow_state=state).values_list("task__name", "status"))
    assert statuses[LEARNING_CENTER_TASK] == TaskState.STATUS_SKIPPED
    assert state.content_object.live


@pytest.mark.parametrize("flag", ["featured", "disseminate"])
def test_a_practice_for_every_division_waits_for_the_learning_center(
    community, contributor, moderator, team_member, flag
):
    state = submit(community, contributor, **{flag: True})
    act(state, moderator, "approve")
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == LEARNING_CENTER_TASK
    assert not state.content_object.live
    act(state, team_member, "approve")
    assert state.status == WorkflowState.STATUS_APPROVED
    assert state.content_object.live


def test_moderators_are_emailed_and_the_author_gets_the_reason(community, contributor, moderator):
    contributor.email = "penulis@perpustakaan.example"
    contributor.save()
    state = submit(community, contributor)
    assert [message.to for message in mail.outbox] == [[moderator.email]]
    mail.outbox.clear()
    act(state, moderator, "reject", comment="Tambahkan angka hasil sebelum dan sesudah.")
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    (message,) = mail.outbox
    assert message.to == [contributor.email]
    assert "Tambahkan angka hasil sebelum dan sesudah." in message.body + "".join(
        content for content, _type in getattr(message, "alternatives", [])
    )


def test_every_step_is_in_the_pages_history(community, contributor, moderator, client):
    state = submit(community, contributor)
    act(state, moderator, "reject", comment="Kurang data.")
    practice = state.content_object.specific
    practice.save_revision(user=contributor)
    state.resume(contributor)
    state.refresh_from_db()
    act(state, moderator, "approve")

    entries = list(
        PageLogEntry.objects.filter(page=practice)
        .order_by("timestamp", "pk")
        .values_list("action", "user__username")
    )
    assert ("wagtail.workflow.start", "penulis") in entries
    assert ("wagtail.workflow.reject", "moderator") in entries
    assert ("wagtail.workflow.resume", "penulis") in entries
    assert ("wagtail.workflow.approve", "moderator") in entries
    assert ("wagtail.publish", "moderator") in entries

    client.force_login(moderator)
    history = client.get(f"/admin/pages/{practice.pk}/history/")
    assert history.status_code == 200
    assert "Kurang data." in history.content.decode()
