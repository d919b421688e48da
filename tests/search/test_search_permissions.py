"""The permission matrix of the workflows issue, applied to the knowledge search.

For each role, on both engines: the private CoP's practice appears in
results, facet counts, autocomplete, suggestions and related lists exactly
when the role may view that CoP; drafts and unpublished pages appear for
nobody (the search holds published knowledge only).
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from search.autocomplete import autocomplete_suggestions
from search.indexing import index_pages
from search.knowledge_search import SearchRequest, search_knowledge
from search.records import searchable_pages
from search.related import related_practices
from tests.cop_pages.matrix_setup import ROLES, build_world, draft_in

from .indexed import refresh_index

pytestmark = pytest.mark.django_db

SEES_PRIVATE_COP = {
    "anonymous": False,
    "staff": False,
    "contributor_a": True,
    "moderator_a": True,
    "moderator_b": False,
    "learning_center": True,
    "administrator": True,
}
PRIVATE_TITLE = "Praktik tertutup"
PRIVATE_TAG = "rahasia-katalog"
HIDDEN_DRAFT = "Konsep katalog tertutup"
WITHDRAWN = "Katalog tertutup yang ditarik"


@pytest.fixture
def world(engine):
    world = build_world()
    world.published.summary = "<p>Peminjaman katalog swalayan di meja depan.</p>"
    world.published.tags.add("katalog")
    world.published.save_revision().publish()
    world.private_practice.summary = "<p>Peminjaman katalog tertutup untuk arsip pimpinan.</p>"
    world.private_practice.tags.add("katalog", PRIVATE_TAG)
    world.private_practice.save_revision().publish()
    draft_in(world.cop_a, world.author_a, HIDDEN_DRAFT)
    withdrawn = draft_in(world.cop_a, world.author_a, WITHDRAWN)
    withdrawn.save_revision().publish()
    withdrawn.refresh_from_db()
    withdrawn.unpublish()
    index_pages([page.pk for page in searchable_pages()] + [withdrawn.pk])
    refresh_index(engine)
    return world


def user_for(world, role: str):
    return world.users[role] or AnonymousUser()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_finds_the_private_cop_exactly_when_it_may_view_it(world, engine, role):
    user = user_for(world, role)
    sees = SEES_PRIVATE_COP[role]

    outcome = search_knowledge(SearchRequest(query="katalog tertutup", user=user))
    titles = {hit.title for hit in outcome.hits}
    assert (PRIVATE_TITLE in titles) is sees
    assert HIDDEN_DRAFT not in titles and WITHDRAWN not in titles
    assert outcome.total == len(titles)

    counted = {(name, value.label) for name, values in outcome.facets.items() for value in values}
    assert (("community", world.cop_p.title) in counted) is sees
    assert (("tags", PRIVATE_TAG) in counted) is sees

    suggested = {suggestion["label"] for suggestion in autocomplete_suggestions("tertu", user, "id")}
    assert (PRIVATE_TITLE in suggested) is sees
    assert HIDDEN_DRAFT not in suggested and WITHDRAWN not in suggested
    tags = {suggestion["label"] for suggestion in autocomplete_suggestions("rahasia", user, "id")}
    assert (PRIVATE_TAG in tags) is sees

    # "arsip" is written only in the private practice: the correction of a typo
    # is offered only to those who may see what it finds.
    assert (search_knowledge(SearchRequest(query="arsipp", user=user)).suggestion == "arsip") is sees

    related = {hit.title for hit in related_practices(world.published, user)}
    assert (PRIVATE_TITLE in related) is sees
    assert HIDDEN_DRAFT not in related and WITHDRAWN not in related
