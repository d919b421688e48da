"""Membership decides groups; privacy is a group restriction on every translation."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Locale, PageViewRestriction
from wagtail_localize.operations import translate_object

from cop_pages.membership import join_community, leave_community
from cop_pages.models import Membership, MembershipRole
from cop_pages.provisioning import LEARNING_CENTER_TEAM, provision_community
from cop_pages.visibility import can_view, visible_to
from tests.factories import CommunityPageFactory, PracticePageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(home):
    return CommunityPageFactory(title="CoP Layanan Sirkulasi")


def group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_a_community_gets_a_members_and_a_facilitators_group(community):
    assert community.members_group.name == f"CoP Layanan Sirkulasi #{community.pk}: anggota"
    assert community.facilitators_group.permissions.filter(codename="access_admin").exists()


def test_provisioning_is_idempotent_and_follows_a_rename(community):
    groups_before = Group.objects.count()
    community.title = "CoP Sirkulasi dan Keanggotaan"
    community.save()
    provision_community(community)
    provision_community(community)
    assert Group.objects.count() == groups_before
    community.refresh_from_db()
    assert community.members_group.name.startswith("CoP Sirkulasi dan Keanggotaan #")


def test_joining_adds_to_the_members_group_and_leaving_removes_it(community):
    user = UserFactory()
    join_community(user, community)
    assert community.members_group.name in group_names(user)
    assert leave_community(user, community)
    assert group_names(user) == set()
    assert not leave_community(user, community)


def test_a_facilitator_is_in_both_groups_until_made_a_member_again(community):
    user = UserFactory()
    membership = join_community(user, community)
    membership.role = MembershipRole.FACILITATOR
    membership.save()
    assert group_names(user) == {community.members_group.name, community.facilitators_group.name}
    membership.role = MembershipRole.CORE
    membership.save()
    assert group_names(user) == {community.members_group.name}


def test_deleting_a_community_removes_its_groups_and_memberships(community):
    join_community(UserFactory(), community)
    group_ids = [community.members_group_id, community.facilitators_group_id]
    community.delete()
    assert not Group.objects.filter(pk__in=group_ids).exists()
    assert not Membership.objects.exists()


def test_joining_the_english_translation_joins_the_indonesian_community(community):
    translate_object(community, [Locale.objects.get(language_code="en")])
    english = community.get_translation(Locale.objects.get(language_code="en")).specific
    user = UserFactory()
    join_community(user, english)
    assert Membership.objects.get(user=user).community_id == community.pk


def test_a_private_community_is_restricted_on_every_translation(home):
    community = CommunityPageFactory(private=True)
    translate_object(community, [Locale.objects.get(language_code="en")])
    provision_community(community)
    restrictions = PageViewRestriction.objects.filter(page__translation_key=community.translation_key)
    assert restrictions.count() == 2
    for restriction in restrictions:
        assert set(restriction.groups.values_list("name", flat=True)) == {
            community.members_group.name,
            community.facilitators_group.name,
            LEARNING_CENTER_TEAM,
        }
    community.private = False
    community.save()
    provision_community(community)
    assert not restrictions.all().exists()


@pytest.mark.parametrize(
    ("role", "sees_private"),
    [("outsider", False), ("member", True), ("facilitator", True), ("team", True), ("administrator", True)],
)
def test_who_sees_a_private_community(home, role, sees_private):
    private = CommunityPageFactory(private=True)
    hidden_practice = PracticePageFactory(parent=private)
    open_practice = PracticePageFactory(parent=CommunityPageFactory())
    user = UserFactory(is_superuser=role == "administrator")
    if role in ("member", "facilitator"):
        Membership.objects.create(
            user=user,
            community=private,
            role=MembershipRole.FACILITATOR if role == "facilitator" else "member",
        )
    if role == "team":
        user.groups.add(Group.objects.get(name=LEARNING_CENTER_TEAM))
    listed = set(visible_to(type(hidden_practice).objects.all(), user))
    assert open_practice in listed
    assert (hidden_practice in listed) is sees_private
    assert can_view(private, user) is sees_private
