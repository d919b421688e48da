"""The migration that turns a logged search's CoPs from a JSON list into rows, on logs kept from before.

It runs the real migrations back and forth on the test database, so the
test is transactional; it leaves the database as ``migrate`` left it.
"""

from collections.abc import Iterator

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Page

from search.models import SearchLog
from tests.factories import CommunityPageFactory

BEFORE = ("knowledge_search", "0002_searchlog_filtered")
AFTER = ("knowledge_search", "0003_searchlog_community_links")


@pytest.fixture(scope="module", autouse=True)
def migrated_data_restored(django_db_setup, django_db_blocker) -> Iterator[None]:
    """A transactional test ends by emptying every table, the pages ``migrate`` creates included;
    the test files that run next in this process need them back."""
    yield
    with django_db_blocker.unblock():
        connections[DEFAULT_DB_ALIAS].creation.deserialize_db_from_string(
            connections[DEFAULT_DB_ALIAS]._test_serialized_contents
        )


def migrate_to(target: tuple[str, str]):
    """The models as they are after ``target``."""
    return MigrationExecutor(connection).migrate([target]).apps


def old_search_log(old_models, communities: list[int]):
    return old_models.get_model("knowledge_search", "SearchLog").objects.create(
        query="rak buku", result_count=0, engine="database", language="id", searcher_communities=communities
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_logged_cops_become_rows_and_deleted_cops_are_left_out():
    kept, other = CommunityPageFactory(title="CoP Sirkulasi"), CommunityPageFactory(title="CoP Katalog")
    deleted_id = Page.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    old_models = migrate_to(BEFORE)
    by_members = old_search_log(old_models, [kept.pk, deleted_id, other.pk])
    by_nobody = old_search_log(old_models, [])

    migrate_to(AFTER)

    assert set(SearchLog.objects.get(pk=by_members.pk).searcher_communities.all()) == {kept, other}
    assert not SearchLog.objects.get(pk=by_nobody.pk).searcher_communities.exists()

    SearchLogBefore = migrate_to(BEFORE).get_model("knowledge_search", "SearchLog")
    assert dict(SearchLogBefore.objects.values_list("pk", "searcher_communities")) == {
        by_members.pk: sorted([kept.pk, other.pk]),
        by_nobody.pk: [],
    }
    migrate_to(AFTER)
