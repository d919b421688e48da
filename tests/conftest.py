import os
import uuid

import pytest
from django.contrib.auth.models import Group
from osmem_server import OsmemServer

from cop_pages.provisioning import LEARNING_CENTER_TEAM
from search.elasticsearch_client import elasticsearch_client
from search.elasticsearch_index import ensure_index, indices_behind_alias

from .factories import UserFactory, learning_center_root
from .search.osmem import PLAIN_JSON_NODE

# Set for a run against a real cluster; otherwise osmem-server stands in.
REAL_CLUSTER_URL = os.environ.get("ELASTICSEARCH_URL", "")


@pytest.fixture
def home(db):
    """Pusat Belajar in Indonesian; it exists right after migrate."""
    return learning_center_root("id")


@pytest.fixture
def staff(db):
    return UserFactory(username="staf")


@pytest.fixture
def learning_center_member(db):
    user = UserFactory(username="timpusat")
    user.groups.add(Group.objects.get(name=LEARNING_CENTER_TEAM))
    return user


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as a request does: its transaction commits, so the tasks queued after commit run."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


# Search engines: the database, and Elasticsearch on osmem-server --------------
#
# Every Elasticsearch test runs the real elasticsearch-dsl code and the real
# client against a fresh clone of one osmem-server per test process; with
# ELASTICSEARCH_URL set, the same tests run against that cluster instead,
# each under an alias of its own, and the tests marked elasticsearch_cluster run.


def pytest_collection_modifyitems(config, items):
    if REAL_CLUSTER_URL:
        return
    skip = pytest.mark.skip(reason="needs a real cluster: set ELASTICSEARCH_URL")
    for item in items:
        if "elasticsearch_cluster" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def osmem_base():
    if REAL_CLUSTER_URL:
        yield None
        return
    with OsmemServer.start(japanese=False) as server:
        yield server


@pytest.fixture
def elasticsearch(osmem_base, settings):
    """An empty knowledge index behind the alias; the settings point at it."""
    settings.KNOWLEDGE_INDEX_ALIAS = f"knowledge-test-{uuid.uuid4().hex[:12]}"
    if osmem_base is None:
        settings.ELASTICSEARCH_URL = REAL_CLUSTER_URL
        settings.ELASTICSEARCH_NODE_CLASS = ""
        ensure_index()
        yield REAL_CLUSTER_URL
        for name in indices_behind_alias():
            elasticsearch_client().indices.delete(index=name)
        return
    with osmem_base.clone() as clone:
        settings.ELASTICSEARCH_URL = clone.url
        settings.ELASTICSEARCH_NODE_CLASS = PLAIN_JSON_NODE
        ensure_index()
        yield clone.url


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, settings) -> str:
    """Run a test once per engine; the Elasticsearch run gets a fresh index."""
    if request.param == "elasticsearch":
        request.getfixturevalue("elasticsearch")
    else:
        settings.ELASTICSEARCH_URL = ""
    return request.param
