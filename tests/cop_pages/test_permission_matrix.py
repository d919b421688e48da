"""Who may do what, through the real admin and front end: one test per role and action.

Roles and rights come from ARCHITECTURE.md ("Who may do what") and issue 3.
Each cell acts over HTTP as that role and then asserts both the answer
(a page, or a refusal: the login page for anonymous visitors, "not found"
for a private CoP, Wagtail's refusal for the admin) and the effect in the
database (the page created or not, its revisions, its live flag, the state
of its workflow and task). CoP A and CoP B are public; CoP P is private and
the contributor and the moderator of A are among its members.
"""

import sys
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test.client import RedirectCycleError
from django.urls import reverse
from wagtail.models import Page, TaskState, WorkflowState

from cop_pages.models import CommunityPage, PracticePage

from .matrix_setup import (
    ROLES,
    build_world,
    community_form_data,
    draft_in,
    practice_form_data,
    submitted_in,
)

pytestmark = pytest.mark.django_db

LOGIN_PATH = "/akun/masuk/"
ADMIN_HOME = "/admin/"

Y, N = True, False
# fmt: off
MATRIX = {
    #                          anonymous staff contributor_a moderator_a moderator_b learning_center administrator
    "view_published_in_a":    (N,        Y,    Y,            Y,          Y,          Y,              Y),
    "view_private_cop":       (N,        N,    Y,            Y,          N,          Y,              Y),
    "view_draft_in_a":        (N,        N,    N,            Y,          N,          Y,              Y),
    "create_practice_in_a":   (N,        N,    Y,            Y,          N,          Y,              Y),
    "edit_others_draft_in_a": (N,        N,    N,            Y,          N,          Y,              Y),
    "submit_own_draft_in_a":  (N,        N,    Y,            Y,          N,          Y,              Y),
    "approve_task_in_a":      (N,        N,    N,            Y,          N,          Y,              Y),
    "publish_in_a":           (N,        N,    N,            Y,          N,          Y,              Y),
    "edit_cop_page_a":        (N,        N,    N,            Y,          N,          Y,              Y),
    "create_cop":             (N,        N,    N,            N,          N,          Y,              Y),
    # "Cannot touch any other CoP": the same rights, seen from CoP B.
    "create_practice_in_b":   (N,        N,    N,            N,          Y,          Y,              Y),
    "approve_task_in_b":      (N,        N,    N,            N,          Y,          Y,              Y),
}
# fmt: on


@dataclass
class Attempt:
    """What one role's try did: whether its effect happened, and the answers to check."""

    effect: bool
    responses: list = field(default_factory=list)  # (method, path, response)
    details: list = field(default_factory=list)


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def add_url(model, parent) -> str:
    return reverse("wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, parent.pk))


def latest(page):
    return Page.objects.get(pk=page.pk).specific.get_latest_revision_as_object()


def workflow_state_of(page) -> WorkflowState | None:
    return WorkflowState.objects.for_instance(page).order_by("-pk").first()


def describe(response) -> str:
    """A failing cell's answer in a few words: status, redirect, form errors."""
    text = f"{response.status_code} {response.get('Location', '')}".strip()
    context = getattr(response, "context", None)
    form = context.get("form") if context else None
    if form is not None and getattr(form, "errors", None):
        text += f" form errors: {form.errors.as_data()}"
    return text


# Actions ----------------------------------------------------------------------


def view_published_in_a(client, world, user) -> Attempt:
    path = world.published.url
    response = client.get(path)
    served = response.status_code == 200 and world.published.title in response.content.decode()
    return Attempt(served, [("GET", path, response)])


def view_private_cop(client, world, user) -> Attempt:
    attempt = Attempt(True)
    for page in (world.cop_p, world.private_practice):
        response = client.get(page.url)
        attempt.effect &= response.status_code == 200 and page.title in response.content.decode()
        attempt.responses.append(("GET", page.url, response))
    return attempt


def view_draft_in_a(client, world, user) -> Attempt:
    """Someone else's draft, in the editor and in its preview."""
    draft = draft_in(world.cop_a, world.author_a, "Konsep milik penulis")
    attempt = Attempt(True)
    for path in (edit_url(draft), reverse("wagtailadmin_pages:view_draft", args=(draft.pk,))):
        response = client.get(path)
        attempt.effect &= response.status_code == 200 and draft.title in response.content.decode()
        attempt.responses.append(("GET", path, response))
    return attempt


def create_practice(community_name):
    def create(client, world, user) -> Attempt:
        community = getattr(world, community_name)
        path = add_url(PracticePage, community)
        form = client.get(path)
        title = "Praktik baru dari editor"
        response = client.post(path, practice_form_data(title=title, slug="praktik-baru"))
        created = PracticePage.objects.child_of(community).filter(title=title).first()
        effect = (
            form.status_code == 200
            and created is not None
            and not created.live
            and created.owner == user
            and created.revisions.count() == 1
        )
        return Attempt(effect, [("GET", path, form), ("POST", path, response)])

    return create


def edit_others_draft_in_a(client, world, user) -> Attempt:
    draft = draft_in(world.cop_a, world.author_a, "Konsep milik penulis")
    path = edit_url(draft)
    response = client.post(path, practice_form_data(draft, title="Konsep yang diubah orang lain"))
    effect = draft.revisions.count() == 2 and latest(draft).title == "Konsep yang diubah orang lain"
    return Attempt(effect, [("POST", path, response)])


def submit_own_draft_in_a(client, world, user) -> Attempt:
    # An anonymous visitor owns nothing: they try the author's draft.
    draft = draft_in(world.cop_a, user or world.author_a, "Konsep untuk ditinjau")
    path = edit_url(draft)
    response = client.post(path, {**practice_form_data(draft), "action-submit": "Kirim untuk ditinjau"})
    state = workflow_state_of(draft)
    effect = (
        state is not None
        and state.status == WorkflowState.STATUS_IN_PROGRESS
        and state.workflow_id == world.cop_a.review_workflow_id
        and state.current_task_state.status == TaskState.STATUS_IN_PROGRESS
        and state.current_task_state.task.name.startswith("Persetujuan moderator")
        and not PracticePage.objects.get(pk=draft.pk).live
    )
    return Attempt(effect, [("POST", path, response)])


def approve_task(community_name, author_name):
    def approve(client, world, user) -> Attempt:
        community, author = getattr(world, community_name), getattr(world, author_name)
        page, state = submitted_in(community, author, "Konsep yang menunggu tinjauan")
        task_state = state.current_task_state
        path = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
        response = client.post(path, {"comment": ""})
        task_state.refresh_from_db()
        state.refresh_from_db()
        # A practice not meant for every division needs only its moderators: approved is published.
        effect = (
            task_state.status == TaskState.STATUS_APPROVED
            and task_state.finished_by == user
            and state.status == WorkflowState.STATUS_APPROVED
            and PracticePage.objects.get(pk=page.pk).live
        )
        return Attempt(effect, [("POST", path, response)], [f"task {task_state.status}"])

    return approve


def publish_in_a(client, world, user) -> Attempt:
    """Publish someone else's draft and, when there is one, one's own."""
    drafts = [draft_in(world.cop_a, world.author_a, "Konsep penulis untuk terbit")]
    if user is not None:
        drafts.append(draft_in(world.cop_a, user, "Konsep sendiri untuk terbit"))
    attempt = Attempt(True)
    for draft in drafts:
        path = edit_url(draft)
        response = client.post(path, {**practice_form_data(draft), "action-publish": "Terbitkan"})
        page = PracticePage.objects.get(pk=draft.pk)
        attempt.effect &= page.live and page.live_revision_id == page.latest_revision_id
        attempt.details.append(f"{draft.title}: POST {path}: {describe(response)}, live={page.live}")
        # Wagtail answers a contributor's "publish" on their own draft by saving it:
        # only the database says it was not published.
        if draft.owner != user:
            attempt.responses.append(("POST", path, response))
    return attempt


def edit_cop_page_a(client, world, user) -> Attempt:
    cop = world.cop_a
    path = edit_url(cop)
    form = client.get(path)
    revisions = cop.revisions.count()
    domain = "Layanan sirkulasi yang cepat, ramah dan tercatat."
    response = client.post(path, community_form_data(cop, domain=domain))
    effect = (
        form.status_code == 200
        and cop.revisions.count() == revisions + 1
        and latest(cop).domain == domain
        and CommunityPage.objects.get(pk=cop.pk).live
    )
    return Attempt(effect, [("GET", path, form), ("POST", path, response)])


def create_cop(client, world, user) -> Attempt:
    path = add_url(CommunityPage, world.home)
    form = client.get(path)
    title = "CoP Penataan Rak"
    response = client.post(
        path,
        community_form_data(
            title=title, slug="penataan-rak", division="Penataan Rak", domain="Rak yang mudah ditelusuri."
        ),
    )
    created = CommunityPage.objects.child_of(world.home).filter(title=title).first()
    effect = form.status_code == 200 and created is not None and created.owner == user
    return Attempt(effect, [("GET", path, form), ("POST", path, response)])


ACTIONS = {
    "view_published_in_a": view_published_in_a,
    "view_private_cop": view_private_cop,
    "view_draft_in_a": view_draft_in_a,
    "create_practice_in_a": create_practice("cop_a"),
    "edit_others_draft_in_a": edit_others_draft_in_a,
    "submit_own_draft_in_a": submit_own_draft_in_a,
    "approve_task_in_a": approve_task("cop_a", "author_a"),
    "publish_in_a": publish_in_a,
    "edit_cop_page_a": edit_cop_page_a,
    "create_cop": create_cop,
    "create_practice_in_b": create_practice("cop_b"),
    "approve_task_in_b": approve_task("cop_b", "author_b"),
}


def is_refusal(role: str, path: str, response) -> bool:
    """The answer each kind of visitor gets when they may not do something."""
    location = response.get("Location", "")
    if role == "anonymous":
        return response.status_code == 302 and location == f"{LOGIN_PATH}?next={quote(path)}"
    if not path.startswith(ADMIN_HOME):
        # A private CoP is not found, rather than a login prompt.
        return response.status_code == 404
    if role == "staff":
        # No admin access at all: Wagtail sends them to log in as someone who has it.
        return response.status_code == 302 and location == f"{LOGIN_PATH}?next={quote(path)}"
    # In the admin but not allowed here: Wagtail's "Sorry, you do not have permission".
    return response.status_code == 403 or (response.status_code == 302 and location == ADMIN_HOME)


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The people, CoPs and pages, built once for the module and rolled back after it.

    Like Django's ``setUpTestData``: an outer transaction holds them, each
    test runs in a savepoint inside it (pytest-django's ``db``) and rolls back.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(module_world, db):
    return module_world.fresh()


CELLS = [
    pytest.param(role, action, MATRIX[action][column], id=f"{action}-{role}")
    for action in MATRIX
    for column, role in enumerate(ROLES)
]


@pytest.mark.parametrize("role, action, allowed", CELLS)
def test_permission_matrix(client, world, role, action, allowed):
    user = world.users[role]
    if user is not None:
        client.force_login(user)

    attempt = ACTIONS[action](client, world, user)

    verb = "may" if allowed else "may not"
    answers = [f"{method} {path}: {describe(response)}" for method, path, response in attempt.responses]
    assert attempt.effect is allowed, f"{role} {verb} {action}; got {answers + attempt.details}"
    for method, path, response in attempt.responses:
        refused = is_refusal(role, path, response)
        if allowed:
            assert response.status_code in (200, 302) and not refused, (
                f"{role} {verb} {action}: {method} {path} answered {describe(response)}"
            )
        else:
            assert refused, f"{role} {verb} {action}: {method} {path} answered {describe(response)}"


def test_the_matrix_covers_every_role_and_action():
    assert set(MATRIX) == set(ACTIONS)
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


@pytest.mark.parametrize("target", ["dashboard", "editor"])
def test_staff_sent_away_from_the_admin_land_on_a_page_not_in_a_redirect_loop(client, world, target):
    """Refused, staff must see an answer: not the login page sending them back where they came from."""
    path = ADMIN_HOME if target == "dashboard" else edit_url(world.published)
    client.force_login(world.users["staff"])
    try:
        response = client.get(path, follow=True)
    except RedirectCycleError:
        response = None
    if response is None:
        login = client.get(path)["Location"]
        pytest.fail(f"GET {path} as staff loops: {path} -> {login} -> {client.get(login)['Location']} -> ...")
    assert response.status_code in (200, 403)
    assert not response.request["PATH_INFO"].startswith(ADMIN_HOME)
