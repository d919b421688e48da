"""The page tree: Pusat Belajar → CoP → practice or meeting, nothing else."""

import pytest
from wagtail.models import Page

from cop_pages.models import CommunityPage, MeetingPage, PracticePage
from learning_center.models import LearningCenterPage
from tests.factories import CommunityPageFactory


@pytest.fixture
def community(home):
    return CommunityPageFactory()


def creatable_children(page) -> set:
    return {model for model in page.specific_class.creatable_subpage_models() if model.can_create_at(page)}


def test_pusat_belajar_holds_only_communities(home):
    assert creatable_children(home) == {CommunityPage}


def test_a_community_holds_practices_and_meetings(community):
    assert creatable_children(community) == {PracticePage, MeetingPage}


def test_practices_and_meetings_are_leaves(community):
    practice = PracticePage(title="Praktik", summary="<p>x</p>")
    community.add_child(instance=practice)
    assert creatable_children(practice) == set()


def test_communities_practices_and_meetings_only_under_their_parents(home):
    root = Page.get_first_root_node()
    assert not CommunityPage.can_create_at(root)
    assert not PracticePage.can_create_at(home)
    assert not MeetingPage.can_create_at(home)


def test_one_pusat_belajar_per_locale_root(home):
    assert not LearningCenterPage.can_create_at(Page.get_first_root_node())


def test_the_admin_refuses_a_practice_directly_under_pusat_belajar(client, administrator, home):
    client.force_login(administrator)
    response = client.get(f"/admin/pages/add/cop_pages/practicepage/{home.pk}/")
    # Wagtail's admin answers a refusal by sending the user to the dashboard.
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert not PracticePage.objects.exists()


def test_pusat_belajar_exists_in_both_languages_after_migrate(home):
    english = LearningCenterPage.objects.get(translation_key=home.translation_key, locale__language_code="en")
    assert home.live and english.live
    assert home.get_site().root_page_id == home.pk
