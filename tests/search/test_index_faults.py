"""The cluster goes away: pages still publish, nothing is lost, reconcile makes the index whole."""

import io
import logging
import socket
import uuid

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks import default_task_backend
from osmem_server import OsmemServer

from cop_pages.models import PracticePage
from search.elasticsearch_index import ensure_index
from search.elasticsearch_writes import pending_records
from search.indexing import count_searchable_pages
from search.models import KnowledgeRecord
from search.tasks import send_pending_documents, update_knowledge_index
from tests.cop_pages.matrix_setup import practice_form_data

from .osmem import PLAIN_JSON_NODE
from .test_indexing import document, documents, draft, publish, published_cop, records


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """An osmem-server of this test's own, which the test may stop and start again."""

    def __init__(self):
        self.address = f"127.0.0.1:{free_port()}"
        self.server = OsmemServer.start(japanese=False, addr=self.address)

    def stop(self) -> None:
        self.server.close()
        self.server = None

    def start(self) -> None:
        self.server = OsmemServer.start(japanese=False, addr=self.address)


@pytest.fixture
def cluster(settings):
    cluster = Cluster()
    settings.ELASTICSEARCH_URL = cluster.server.url
    settings.ELASTICSEARCH_NODE_CLASS = PLAIN_JSON_NODE
    settings.KNOWLEDGE_INDEX_ALIAS = f"knowledge-fault-{uuid.uuid4().hex[:12]}"
    ensure_index()
    yield cluster
    if cluster.server:
        cluster.server.close()


def test_an_outage_in_the_middle_of_publishing_loses_no_update(
    cluster, home, committed, administrator, client, caplog
):
    cop = published_cop(committed, title="CoP Layanan Sirkulasi", slug="sirkulasi")
    practices = [draft(cop, f"Praktik sirkulasi {n}") for n in range(6)]
    for practice in practices[:3]:
        committed(publish, practice)
    assert documents() == records()

    cluster.stop()
    client.force_login(administrator)
    with caplog.at_level(logging.ERROR, logger="search"):
        for practice in practices[3:5]:
            committed(publish, practice)
        # Through the admin, as an editor publishes: the request succeeds.
        edit = reverse("wagtailadmin_pages:edit", args=(practices[5].pk,))
        form = {**practice_form_data(practices[5], title="Diterbitkan saat gangguan"), "action-publish": "1"}
        response = committed(client.post, edit, form)
        practices[1].title = "Judul baru saat gangguan"
        committed(publish, practices[1])
        committed(PracticePage.objects.get(pk=practices[0].pk).unpublish)

    assert response.status_code == 302
    assert all(PracticePage.objects.get(pk=practice.pk).live for practice in practices[1:])
    assert set(pending_records().values_list("pk", flat=True)) == {
        p.pk for p in practices[1:2] + practices[3:]
    }
    assert not KnowledgeRecord.objects.filter(pk=practices[0].pk).exists()
    assert f"Elasticsearch at http://{cluster.address} is unreachable" in caplog.text

    cluster.start()  # it comes back empty
    ensure_index()
    out = io.StringIO()
    call_command("search_index", "reconcile", stdout=out)

    assert "missing documents" in out.getvalue()
    assert documents() == records()
    assert len(records()) == count_searchable_pages() == 6  # the CoP and five practices
    assert not pending_records().exists()
    assert document(practices[5].pk)["title"] == "Diterbitkan saat gangguan"


def test_an_index_that_vanished_is_recreated_and_refilled_by_the_next_task(cluster, home, committed):
    cop = published_cop(committed, title="CoP Pengadaan")
    first = draft(cop, "Sebelum gangguan")
    committed(publish, first)

    cluster.stop()
    cluster.start()  # empty: no index, no alias
    second = draft(cop, "Sesudah gangguan")
    committed(publish, second)

    assert documents() == records()
    assert set(records()) == {cop.pk, first.pk, second.pk}


def test_a_removal_during_an_outage_is_retried_by_a_deferred_task(elasticsearch, settings, home):
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        cop = published_cop(lambda function, *args: function(*args), title="CoP Katalog")
        practice = draft(cop, "Akan ditarik")
        publish(practice)
        update_knowledge_index.call([cop.pk, practice.pk], [])
        assert document(practice.pk) is not None
        live_url = settings.ELASTICSEARCH_URL

        settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{free_port()}"  # nobody listens there
        practice.unpublish()
        outcome = update_knowledge_index.call([practice.pk], [])

        assert "unreachable" in outcome["elasticsearch_error"]
        [retry] = [
            result
            for result in default_task_backend.results
            if result.task.func == send_pending_documents.func
        ]
        assert retry.task.run_after is not None
        removals, attempt = retry.args
        assert list(removals) == [str(practice.pk)] and attempt == 0

        settings.ELASTICSEARCH_URL = live_url
        send_pending_documents.call(*retry.args)

    assert document(practice.pk) is None
    assert documents() == records()
