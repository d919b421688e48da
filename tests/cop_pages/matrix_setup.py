"""The people, CoPs and pages the permission matrix acts on, and the form data it posts.

The form data is what Wagtail's page editor posts: rich text as Draftail
contentstate JSON, a StreamField as its ``-count`` and children (see
``wagtail.test.utils.form_data``). A "save draft" posts it as is; the
editor's other buttons add ``action-submit`` or ``action-publish``.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.utils.text import slugify
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cop_pages.models import CommunityPage, MembershipRole, PracticePage
from cop_pages.models.community import SECTION_FEATURES
from cop_pages.provisioning import LEARNING_CENTER_TEAM
from tests.factories import (
    CommunityPageFactory,
    MembershipFactory,
    PracticePageFactory,
    UserFactory,
    learning_center_root,
)

ROLES = (
    "anonymous",
    "staff",
    "contributor_a",
    "moderator_a",
    "moderator_b",
    "learning_center",
    "administrator",
)
DOCUMENTED_ON = datetime.date(2026, 3, 12)


@dataclass
class World:
    home: object
    cop_a: CommunityPage
    cop_b: CommunityPage
    cop_p: CommunityPage  # private; the contributor and the moderator of A are its members
    published: PracticePage  # live, in A
    private_practice: PracticePage  # live, in P
    author_a: object  # a contributor of A who is none of the roles: "someone else"
    author_b: object
    users: dict = field(default_factory=dict)  # role -> user (None for anonymous)

    def fresh(self) -> "World":
        """The same world, every instance read again from the database.

        A test changes rows (and treebeard counts children on the parent
        instance it adds to); its rollback restores the rows, not the
        instances, so each test starts from freshly read ones.
        """

        def reread(instance):
            return None if instance is None else type(instance).objects.get(pk=instance.pk)

        return World(
            **{name: reread(getattr(self, name)) for name in self.__dataclass_fields__ if name != "users"},
            users={role: reread(user) for role, user in self.users.items()},
        )


def build_world() -> World:
    home = learning_center_root("id")
    cop_a = CommunityPageFactory(title="CoP Layanan Sirkulasi", slug="sirkulasi")
    cop_b = CommunityPageFactory(title="CoP Pengadaan Koleksi", slug="pengadaan")
    cop_p = CommunityPageFactory(title="CoP Katalog Tertutup", slug="katalog", private=True)

    def member(username, community, role=MembershipRole.MEMBER):
        user = UserFactory(username=username)
        MembershipFactory(user=user, community=community, role=role)
        return user

    contributor_a = member("kontributor.a", cop_a)
    MembershipFactory(user=contributor_a, community=cop_p)
    moderator_a = member("moderator.a", cop_a, MembershipRole.FACILITATOR)
    MembershipFactory(user=moderator_a, community=cop_p)
    team_member = UserFactory(username="timpusat")
    team_member.groups.add(Group.objects.get(name=LEARNING_CENTER_TEAM))
    return World(
        home=home,
        cop_a=cop_a,
        cop_b=cop_b,
        cop_p=cop_p,
        published=PracticePageFactory(parent=cop_a, title="Swalayan peminjaman", slug="swalayan"),
        private_practice=PracticePageFactory(parent=cop_p, title="Praktik tertutup", slug="tertutup"),
        author_a=member("penulis.a", cop_a),
        author_b=member("penulis.b", cop_b),
        users={
            "anonymous": None,
            "staff": UserFactory(username="staf"),
            "contributor_a": contributor_a,
            "moderator_a": moderator_a,
            "moderator_b": member("moderator.b", cop_b, MembershipRole.FACILITATOR),
            "learning_center": team_member,
            "administrator": UserFactory(username="admin", is_superuser=True, is_staff=True),
        },
    )


def draft_in(community: CommunityPage, owner, title: str) -> PracticePage:
    """A never-published practice with one revision, as the editor's "save draft" leaves it."""
    page = PracticePage(
        title=title,
        slug=slugify(title),
        documented_on=DOCUMENTED_ON,
        summary="<p>Ringkasan konsep.</p>",
        live=False,
        owner=owner,
    )
    community.add_child(instance=page)
    page.save_revision(user=owner)
    return page


def submitted_in(community: CommunityPage, owner, title: str) -> tuple[PracticePage, WorkflowState]:
    """A draft its owner submitted to the CoP's review workflow."""
    page = draft_in(community, owner, title)
    workflow_state = community.review_workflow.start(page, owner)
    return page, workflow_state


def _rich_text(html: str) -> str:
    return rich_text(html, features=SECTION_FEATURES)


def practice_form_data(page: PracticePage | None = None, **changes) -> dict:
    """The editor's form for ``page`` (or an empty new practice), with ``changes``."""
    values = {
        "title": page.title if page else "",
        "slug": page.slug if page else "",
        "documented_on": (page.documented_on if page else DOCUMENTED_ON).isoformat(),
        "summary": page.summary if page else "<p>Ringkasan praktik baru.</p>",
        "context": page.context if page else "",
        "practice": page.practice if page else "",
        "results": page.results if page else "",
        "lessons": page.lessons if page else "",
    }
    values.update(changes)
    for name in ("summary", "context", "practice", "results", "lessons"):
        values[name] = _rich_text(values[name])
    return nested_form_data(
        {
            **values,
            "resources": streamfield([]),
            "tags": "",
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
            "content_owner": "",
            "review_by": "",
        }
    )


def community_form_data(page: CommunityPage | None = None, **changes) -> dict:
    """The editor's form for the CoP ``page`` (or an empty new one), with ``changes``."""
    values = {
        "title": page.title if page else "",
        "slug": page.slug if page else "",
        "division": page.division if page else "",
        "domain": page.domain if page else "",
        "goals_and_scope": page.goals_and_scope if page else "",
        "norms": page.norms if page else "",
        "meeting_cadence": page.meeting_cadence if page else "monthly",
        "stage": page.stage if page else "discovery",
    }
    values.update(changes)
    for name in ("goals_and_scope", "norms"):
        values[name] = _rich_text(values[name])
    data = nested_form_data(
        {
            **values,
            "channels": streamfield([]),
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
        }
    )
    # Unticked checkboxes are absent from a real post.
    if page is not None and page.private:
        data["private"] = "on"
    if page is not None and page.comments_need_approval:
        data["comments_need_approval"] = "on"
    return data
