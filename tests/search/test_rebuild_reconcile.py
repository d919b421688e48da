"""Rebuild swaps the alias with everything in it; reconcile finds and repairs every kind of drift."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.search.backends import get_search_backend

from cop_pages.models import PracticePage
from search.elasticsearch_client import elasticsearch_client, index_alias
from search.elasticsearch_index import indices_behind_alias
from search.elasticsearch_writes import index_action, pending_records, record_source, write_documents
from search.indexing import count_searchable_pages, wagtail_index_entries
from search.models import KnowledgeRecord, SearchTerm
from search.rebuild import RebuildError, rebuild_index
from search.reconcile import reconcile
from search.vocabulary import vocabulary_of
from tests.factories import CommunityPageFactory, PracticePageFactory

from .osmem import PlainJsonNode
from .test_indexing import document, documents, draft, publish, records


class CountingNode(PlainJsonNode):
    """A real transport node that also notes every request it sends (method and path)."""

    sent: list[str] = []

    def perform_request(self, method, target, **kwargs):
        CountingNode.sent.append(f"{method} {target.split('?')[0]}")
        return super().perform_request(method, target, **kwargs)


@pytest.fixture
def bulk_requests(elasticsearch, settings):
    """How many _bulk requests the client sends from now on."""
    settings.ELASTICSEARCH_NODE_CLASS = "tests.search.test_rebuild_reconcile.CountingNode"
    CountingNode.sent = []
    return lambda: sum(request.endswith("/_bulk") for request in CountingNode.sent)


@pytest.fixture
def library(home):
    """Two CoPs and seven practices, live, never indexed (as after a fresh import)."""
    sirkulasi = CommunityPageFactory(title="CoP Layanan Sirkulasi", slug="sirkulasi")
    katalog = CommunityPageFactory(title="CoP Katalog", slug="katalog", private=True)
    practices = [PracticePageFactory(parent=sirkulasi, title=f"Peminjaman mandiri {n}") for n in range(4)]
    practices += [PracticePageFactory(parent=katalog, title=f"Katalogisasi salinan {n}") for n in range(3)]
    return [sirkulasi, katalog, *practices]


def searchable_ids(pages) -> set[int]:
    return {page.pk for page in pages}


def test_rebuild_streams_in_chunks_and_swaps_the_alias(library, bulk_requests):
    old_index = indices_behind_alias()[0]
    chunks = []

    report = rebuild_index(progress=chunks.append, size=4)

    assert indices_behind_alias() == [report.index] != [old_index]
    assert not elasticsearch_client().indices.exists(index=old_index)
    assert report.old_indices == [old_index]
    assert set(documents()) == searchable_ids(library) == set(records())
    assert documents() == records()
    assert not pending_records().exists()
    # Nine pages in chunks of at most four: three chunks, one bulk request each.
    assert chunks == [4, 4, 1]
    assert report.bulk_requests == 3 and bulk_requests() == 3
    assert report.pages == count_searchable_pages() == 9


def test_rebuild_catches_up_on_changes_made_while_it_ran(library, committed, elasticsearch):
    sirkulasi, _katalog, edited, deleted, unpublished, *_ = library
    added = draft(sirkulasi, "Diterbitkan selama pembangunan ulang")

    def meanwhile():
        # The stream has passed every page; these reach the old index through their tasks.
        committed(publish, added)
        edited.title = "Judul baru selama pembangunan ulang"
        committed(publish, edited)
        committed(PracticePage.objects.get(pk=deleted.pk).delete)
        committed(PracticePage.objects.get(pk=unpublished.pk).unpublish)

    report = rebuild_index(before_swap=meanwhile)

    expected = searchable_ids(library) - {deleted.pk, unpublished.pk} | {added.pk}
    assert set(documents()) == expected == set(records())
    assert documents() == records()
    assert document(edited.pk)["title"] == "Judul baru selama pembangunan ulang"
    caught_up = {drift.label.split(" (")[0]: drift.count for drift in report.caught_up}
    assert caught_up["missing documents"] == 1  # the page published meanwhile
    assert caught_up["stale documents"] == 1  # the page edited meanwhile
    assert caught_up["documents without a record"] == 2  # deleted and unpublished meanwhile


def test_rebuild_on_the_database_engine_fills_records_vocabulary_and_wagtails_index(library, settings):
    settings.ELASTICSEARCH_URL = ""
    SearchTerm.objects.create(term="usang", documents=7)  # a word no page uses
    SearchTerm.objects.create(term="peminjaman", documents=99)  # a wrong count

    report = rebuild_index(size=2)

    assert set(records()) == searchable_ids(library)
    assert report.index == "" and report.records_written == 9
    assert SearchTerm.objects.get(term="peminjaman").documents == 4
    assert not SearchTerm.objects.filter(term="usang").exists()
    entries = wagtail_index_entries()
    assert entries is None or set(entries.values_list("object_id", flat=True)) == {
        str(pk) for pk in records()
    }
    found = get_search_backend().search("katalogisasi", KnowledgeRecord)
    assert {record.pk for record in found} == {page.pk for page in library[6:]}


def test_rebuild_recounts_the_vocabulary_exactly(library, settings):
    settings.ELASTICSEARCH_URL = ""
    rebuild_index()

    expected = {}
    for title, body in KnowledgeRecord.objects.values_list("title", "body"):
        for word in vocabulary_of(title, body):
            expected[word] = expected.get(word, 0) + 1
    assert dict(SearchTerm.objects.values_list("term", "documents")) == expected


def test_a_rebuild_that_cannot_reach_the_cluster_leaves_the_alias_alone(library, elasticsearch, settings):
    old = indices_behind_alias()
    good_url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # discard port: nothing answers

    with pytest.raises(RebuildError, match=r"Elasticsearch at http://127\.0\.0\.1:9: creating .* failed"):
        rebuild_index()

    settings.ELASTICSEARCH_URL = good_url
    assert indices_behind_alias() == old


def drift_everywhere(library, committed):
    """One of each kind of drift, in the records and in the index; returns the pages concerned."""
    sirkulasi, katalog, *practices = library
    for page in library:
        committed(publish, page)
    never_indexed = PracticePageFactory(parent=sirkulasi, title="Tanpa catatan")  # no task ran
    changed = practices[0]
    PracticePage.objects.filter(pk=changed.pk).update(title="Diubah tanpa tugas")  # no task ran
    unpublished = practices[1]
    PracticePage.objects.filter(pk=unpublished.pk).update(live=False)  # no task ran
    return {"missing": never_indexed, "stale": changed, "extra": unpublished}


def test_reconcile_repairs_records_on_both_engines(engine, library, committed):
    pages = drift_everywhere(library, committed)

    out = io.StringIO()
    call_command("search_index", "reconcile", stdout=out)

    output = out.getvalue()
    assert (
        f"fixed 1 missing records (searchable pages without one): {pages['missing'].pk} 'Tanpa catatan'"
        in output
    )
    assert f"fixed 1 stale records (the page changed): {pages['stale'].pk} 'Diubah tanpa tugas'" in output
    assert "fixed 1 records of pages that are not searchable" in output
    expected = searchable_ids(library) - {pages["extra"].pk} | {pages["missing"].pk}
    assert set(records()) == expected
    assert KnowledgeRecord.objects.get(pk=pages["stale"].pk).title == "Diubah tanpa tugas"
    if engine == "elasticsearch":
        assert documents() == records()
    assert reconcile(fix=False).total == 0


def test_reconcile_repairs_the_index_both_ways(library, committed, elasticsearch):
    for page in library:
        committed(publish, page)
    sirkulasi, katalog, missing, stale, *_ = library
    client = elasticsearch_client()
    client.delete(index=index_alias(), id=str(missing.pk))
    old = KnowledgeRecord.objects.get(pk=stale.pk)
    source = {**record_source(old), "title": "Judul lama", "fingerprint": "0" * 64}
    write_documents([index_action(index_alias(), stale.pk, source, old.updated_at)])
    orphan = {**record_source(old), "title": "Halaman yang sudah tiada"}
    write_documents([index_action(index_alias(), 987654, orphan, old.updated_at)])

    with pytest.raises(CommandError) as refused:
        call_command("search_index", "reconcile", "--check", stdout=io.StringIO())
    assert refused.value.returncode == 1
    assert documents() != records()  # --check changes nothing

    out = io.StringIO()
    call_command("search_index", "reconcile", stdout=out)

    output = out.getvalue()
    assert f"fixed 1 missing documents (records Elasticsearch lacks): {missing.pk} " in output
    assert f"fixed 1 stale documents (older than their record): {stale.pk} 'Judul lama'" in output
    assert (
        "fixed 1 documents without a record (should not be there): 987654 'Halaman yang sudah tiada'"
        in output
    )
    assert documents() == records()
    assert not pending_records().exists()
    out = io.StringIO()
    call_command("search_index", "reconcile", "--check", stdout=out)
    assert "no drift" in out.getvalue()


def test_reconcile_says_where_the_cluster_could_not_be_reached(library, elasticsearch, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"

    with pytest.raises(CommandError, match=r"search_index reconcile: Elasticsearch at http://127\.0\.0\.1:9"):
        call_command("search_index", "reconcile", stdout=io.StringIO())
