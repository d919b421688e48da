"""Page changes reach the knowledge index after commit, on both engines."""

import pytest
from django.db import transaction
from django_tasks.signals import task_enqueued
from elasticsearch.helpers import scan
from wagtail.models import PageViewRestriction

from cop_pages.models import CommunityPage, PracticePage
from search.elasticsearch_client import elasticsearch_client, index_alias
from search.models import PUBLIC, KnowledgeRecord, SearchTerm
from tests.factories import CommunityPageFactory, MembershipFactory, PracticePageFactory, UserFactory


@pytest.fixture
def search_tasks():
    """The knowledge-index tasks enqueued while the test runs."""
    enqueued = []

    def collect(sender, task_result, **kwargs):
        if task_result.task.module_path.startswith("search."):
            enqueued.append(task_result)

    task_enqueued.connect(collect)
    yield enqueued
    task_enqueued.disconnect(collect)


def documents() -> dict[int, str]:
    """Page id -> fingerprint of every document behind the alias."""
    client = elasticsearch_client()
    client.indices.refresh(index=index_alias())
    hits = scan(client, index=index_alias(), query={"_source": ["fingerprint"]})
    return {int(hit["_id"]): hit["_source"]["fingerprint"] for hit in hits}


def document(page_id: int) -> dict | None:
    found = elasticsearch_client().mget(index=index_alias(), ids=[str(page_id)])["docs"][0]
    return found["_source"] if found.get("found") else None


def records() -> dict[int, str]:
    return dict(KnowledgeRecord.objects.values_list("pk", "fingerprint"))


def assert_engine_holds(engine: str, expected_ids: set[int]) -> None:
    """The records are exactly these pages, and Elasticsearch holds exactly the records."""
    assert set(records()) == expected_ids
    if engine == "elasticsearch":
        assert documents() == records()
        assert not KnowledgeRecord.objects.exclude(
            elasticsearch_fingerprint__in=list(records().values())
        ).exists()


def draft(parent, title: str, **fields) -> PracticePage:
    return PracticePageFactory(parent=parent, title=title, live=False, **fields)


def publish(page):
    """Publish a new revision of the page as the editor does; the instance is live afterwards."""
    page.save_revision().publish()
    page.refresh_from_db()


def published_cop(committed, **fields) -> CommunityPage:
    cop = CommunityPageFactory(**fields)
    committed(publish, cop)
    return CommunityPage.objects.get(pk=cop.pk)


@pytest.fixture
def cop(home, committed):
    return published_cop(committed, title="CoP Layanan Sirkulasi", slug="sirkulasi")


def test_a_published_practice_is_searchable_on_both_engines(engine, cop, committed):
    practice = draft(cop, "Swalayan peminjaman buku", summary="<p>Anggota meminjam sendiri di mesin.</p>")
    assert not KnowledgeRecord.objects.filter(pk=practice.pk).exists()

    committed(publish, practice)

    record = KnowledgeRecord.objects.get(pk=practice.pk)
    assert (record.kind, record.community_id, record.visibility) == ("practice", cop.pk, PUBLIC)
    assert "pinjam" in record.body_terms.split()
    assert SearchTerm.objects.filter(term="meminjam").exists()
    assert_engine_holds(engine, {cop.pk, practice.pk})
    if engine == "elasticsearch":
        source = document(practice.pk)
        assert source["live"] is True
        assert source["title"] == "Swalayan peminjaman buku"
        assert source["fingerprint"] == record.fingerprint


def test_unpublishing_deleting_and_expiring_take_pages_out(engine, cop, committed):
    kept, unpublished, deleted, expired = (
        draft(cop, title) for title in ("Tetap ada", "Ditarik kembali", "Dihapus saja", "Kedaluwarsa")
    )
    for page in (kept, unpublished, deleted, expired):
        committed(publish, page)
    assert_engine_holds(engine, {cop.pk, kept.pk, unpublished.pk, deleted.pk, expired.pk})

    committed(unpublished.unpublish)
    committed(deleted.delete)
    committed(
        PracticePage.objects.get(pk=expired.pk).unpublish, set_expired=True
    )  # as publish_scheduled does

    assert_engine_holds(engine, {cop.pk, kept.pk})
    assert not SearchTerm.objects.filter(term="ditarik").exists()  # the word left with its page


def test_deleting_a_cop_takes_its_pages_out_in_one_task(engine, cop, committed, search_tasks):
    practices = [draft(cop, f"Praktik sirkulasi {n}") for n in range(3)]
    for practice in practices:
        committed(publish, practice)
    other = published_cop(committed, title="CoP Pengadaan")
    search_tasks.clear()

    committed(CommunityPage.objects.get(pk=cop.pk).delete)

    assert len(search_tasks) == 1
    assert_engine_holds(engine, {other.pk})


def test_a_move_reindexes_the_page_in_its_new_cop(engine, cop, committed):
    practice = draft(cop, "Pindah ke pengadaan")
    committed(publish, practice)
    private = published_cop(committed, title="CoP Katalog", slug="katalog", private=True)

    committed(PracticePage.objects.get(pk=practice.pk).move, private, pos="last-child")

    record = KnowledgeRecord.objects.get(pk=practice.pk)
    restriction = PageViewRestriction.objects.get(page=private)
    assert (record.community_id, record.community_title) == (private.pk, "CoP Katalog")
    assert record.visibility == f"restriction:{restriction.pk}"
    assert "/katalog/" in record.url
    assert_engine_holds(engine, {cop.pk, private.pk, practice.pk})
    if engine == "elasticsearch":
        assert document(practice.pk)["visibility"] == record.visibility


def test_making_a_cop_private_and_public_again_reindexes_its_pages(engine, cop, committed):
    practices = [draft(cop, f"Praktik terbuka {n}") for n in range(2)]
    for practice in practices:
        committed(publish, practice)
    ids = {cop.pk, *(practice.pk for practice in practices)}

    cop = CommunityPage.objects.get(pk=cop.pk)
    cop.private = True
    committed(publish, cop)  # provisioning adds the group view restriction on publish

    restriction = PageViewRestriction.objects.get(page=cop)
    visibility = set(KnowledgeRecord.objects.filter(pk__in=ids).values_list("visibility", flat=True))
    assert visibility == {f"restriction:{restriction.pk}"}
    assert_engine_holds(engine, ids)
    if engine == "elasticsearch":
        assert {document(pk)["visibility"] for pk in ids} == visibility

    cop = CommunityPage.objects.get(pk=cop.pk)
    cop.private = False
    committed(publish, cop)

    assert set(KnowledgeRecord.objects.filter(pk__in=ids).values_list("visibility", flat=True)) == {PUBLIC}
    assert_engine_holds(engine, ids)
    if engine == "elasticsearch":
        assert {document(pk)["visibility"] for pk in ids} == {PUBLIC}


def test_joining_a_private_cop_needs_no_reindex(engine, home, committed, search_tasks):
    private = published_cop(committed, title="CoP Tertutup", private=True)
    practice = draft(private, "Rahasia dapur katalog")
    committed(publish, practice)
    before = dict(KnowledgeRecord.objects.values_list("pk", "updated_at"))
    search_tasks.clear()
    newcomer = UserFactory(username="pendatang")

    committed(MembershipFactory, user=newcomer, community=private)

    assert search_tasks == []
    assert dict(KnowledgeRecord.objects.values_list("pk", "updated_at")) == before
    # Visibility is the restriction; the newcomer passes it through the groups they just joined.
    record = KnowledgeRecord.objects.get(pk=practice.pk)
    restriction = PageViewRestriction.objects.get(pk=int(record.visibility.split(":")[1]))
    assert restriction.groups.filter(pk__in=newcomer.groups.all()).exists()
    outsider = UserFactory(username="orang.luar")
    assert not restriction.groups.filter(pk__in=outsider.groups.all()).exists()


def test_an_unchanged_page_is_not_written_again(engine, cop, committed):
    practice = draft(cop, "Tidak berubah")
    committed(publish, practice)
    record = KnowledgeRecord.objects.get(pk=practice.pk)
    counts = dict(SearchTerm.objects.values_list("term", "documents"))

    committed(publish, practice)  # a new revision with the same content

    again = KnowledgeRecord.objects.get(pk=practice.pk)
    assert (again.updated_at, again.fingerprint) == (record.updated_at, record.fingerprint)
    assert dict(SearchTerm.objects.values_list("term", "documents")) == counts
    assert_engine_holds(engine, {cop.pk, practice.pk})


def test_renaming_a_cop_reindexes_the_pages_that_show_its_name(engine, cop, committed):
    practice = draft(cop, "Praktik di bawah CoP")
    committed(publish, practice)

    cop = CommunityPage.objects.get(pk=cop.pk)
    cop.title = "CoP Sirkulasi dan Layanan"
    cop.slug = "layanan"
    committed(publish, cop)

    record = KnowledgeRecord.objects.get(pk=practice.pk)
    assert record.community_title == "CoP Sirkulasi dan Layanan"
    assert "/layanan/" in record.url
    assert_engine_holds(engine, {cop.pk, practice.pk})


def test_changes_in_one_transaction_are_one_task(engine, cop, committed, search_tasks):
    pages = [draft(cop, f"Sekaligus {n}") for n in range(3)]
    search_tasks.clear()

    def publish_all():
        with transaction.atomic():
            for page in pages:
                publish(page)

    committed(publish_all)

    assert len(search_tasks) == 1
    assert_engine_holds(engine, {cop.pk, *(page.pk for page in pages)})


def test_the_vocabulary_counts_the_pages_that_use_a_word(cop, committed):
    first = draft(cop, "Katalogisasi terpadu", summary="<p>Katalogisasi koleksi langka.</p>")
    second = draft(cop, "Katalogisasi cepat")
    committed(publish, first)
    committed(publish, second)
    assert SearchTerm.objects.get(term="katalogisasi").documents == 2
    assert SearchTerm.objects.get(term="langka").documents == 1

    committed(first.unpublish)

    assert SearchTerm.objects.get(term="katalogisasi").documents == 1
    assert not SearchTerm.objects.filter(term="langka").exists()


def test_nothing_is_indexed_when_the_transaction_rolls_back(engine, cop, django_capture_on_commit_callbacks):
    practice = draft(cop, "Batal terbit")

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                publish(practice)
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass

    assert not KnowledgeRecord.objects.filter(pk=practice.pk).exists()
