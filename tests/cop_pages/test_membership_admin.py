"""Facilitators set their members' roles in the admin, and only theirs."""

import pytest

from cop_pages.models import Membership, MembershipRole
from tests.factories import CommunityPageFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEX = "/admin/memberships/"


@pytest.fixture
def circulation(home):
    return CommunityPageFactory(title="CoP Layanan Sirkulasi")


@pytest.fixture
def acquisition(home):
    return CommunityPageFactory(title="CoP Pengadaan Koleksi")


@pytest.fixture
def facilitator(circulation):
    return MembershipFactory(community=circulation, role=MembershipRole.FACILITATOR).user


def test_a_facilitator_lists_only_their_communitys_members(client, facilitator, circulation, acquisition):
    mine = MembershipFactory(community=circulation, user=UserFactory(username="agus.santoso"))
    MembershipFactory(community=acquisition, user=UserFactory(username="orang.lain"))
    client.force_login(facilitator)
    response = client.get(INDEX)
    assert response.status_code == 200
    listed = set(response.context["object_list"])
    assert mine in listed
    assert {m.community for m in listed} == {circulation}


def test_a_facilitator_makes_a_member_core(client, facilitator, circulation):
    membership = MembershipFactory(community=circulation)
    client.force_login(facilitator)
    response = client.post(
        f"{INDEX}edit/{membership.pk}/",
        {"user": membership.user_id, "community": circulation.pk, "role": MembershipRole.CORE},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == MembershipRole.CORE


def test_a_facilitator_cannot_touch_another_community(client, facilitator, circulation, acquisition):
    other = MembershipFactory(community=acquisition)
    client.force_login(facilitator)
    assert client.get(f"{INDEX}edit/{other.pk}/").status_code == 404
    response = client.post(
        f"{INDEX}edit/{other.pk}/",
        {"user": other.user_id, "community": acquisition.pk, "role": "facilitator"},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.role == MembershipRole.MEMBER


def test_a_facilitator_cannot_add_members_to_another_community(client, facilitator, acquisition):
    newcomer = UserFactory()
    client.force_login(facilitator)
    response = client.post(
        f"{INDEX}new/", {"user": newcomer.pk, "community": acquisition.pk, "role": "member"}
    )
    assert response.status_code == 200  # the form again, with the error
    assert "community" in response.context["form"].errors
    assert not Membership.objects.filter(user=newcomer).exists()


def test_members_who_are_not_facilitators_are_kept_out(client, staff, circulation):
    # A member contributes through the admin, but does not manage members.
    MembershipFactory(community=circulation, user=staff)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_learning_center_team_manages_every_community(
    client, learning_center_member, circulation, acquisition
):
    MembershipFactory(community=circulation)
    MembershipFactory(community=acquisition)
    client.force_login(learning_center_member)
    response = client.get(INDEX)
    assert {m.community for m in response.context["object_list"]} == {circulation, acquisition}
