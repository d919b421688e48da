"""The knowledge search on both engines: word forms, facets, order, privacy, fallback."""

import pytest
from wagtail.models import Locale
from wagtail_localize.operations import translate_object

from cop_pages.models import MembershipRole
from search.autocomplete import autocomplete_suggestions
from search.knowledge_search import SearchRequest, search_knowledge
from search.related import related_practices
from tests.factories import CommunityPageFactory, MembershipFactory, PracticePageFactory, UserFactory

from .indexed import index_everything

pytestmark = pytest.mark.django_db


def practice(community, title: str, summary: str, *tags: str, **fields):
    page = PracticePageFactory(parent=community, title=title, summary=f"<p>{summary}</p>", **fields)
    if tags:
        page.tags.add(*tags)
        page.save()
    return page


@pytest.fixture
def library(engine, home):
    """Two public CoPs, a private one, a draft and an English practice, all indexed."""
    circulation = CommunityPageFactory(title="CoP Layanan Sirkulasi", division="Layanan Sirkulasi")
    cataloguing = CommunityPageFactory(title="CoP Katalogisasi", division="Katalogisasi")
    secret = CommunityPageFactory(title="CoP Pimpinan", division="Pimpinan", private=True)
    pages = {
        "kiosk": practice(
            circulation, "Swalayan peminjaman buku", "Anggota meminjam buku sendiri di mesin.", "sirkulasi"
        ),
        "returns": practice(
            circulation,
            "Kotak pengembalian malam",
            "Buku dikembalikan lewat kotak di depan gedung.",
            "sirkulasi",
        ),
        "interlibrary": practice(
            cataloguing,
            "Peminjaman antarperpustakaan",
            "Buku dipinjamkan kepada perpustakaan mitra.",
            "kerja-sama",
        ),
        "labels": practice(
            cataloguing, "Label punggung buku", "Label dicetak ulang setiap tahun.", "katalog"
        ),
        "secret": practice(
            secret, "Peminjaman rahasia pimpinan", "Pimpinan meminjam arsip rahasia.", "rahasia"
        ),
        "draft": practice(circulation, "Peminjaman malam hari", "Draf yang belum terbit.", live=False),
    }
    english_locale = Locale.objects.get(language_code="en")
    translate_object(circulation, [english_locale])
    english_circulation = circulation.get_translation(english_locale)
    english_circulation.save_revision().publish()
    pages["english"] = practice(
        english_circulation, "Self-service borrowing kiosk", "Members borrowed books without queueing."
    )
    pages.update(circulation=circulation, cataloguing=cataloguing, secret_cop=secret)
    index_everything(engine)
    return pages


def titles(outcome) -> list[str]:
    return [hit.title for hit in outcome.hits]


def search(query: str, user, **options):
    return search_knowledge(SearchRequest(query=query, user=user, **options))


def test_affixed_forms_find_each_other_on_both_engines(library, engine, staff):
    for query in ("pinjam", "dipinjamkan", "meminjam", "peminjaman"):
        outcome = search(query, staff)
        assert outcome.engine == engine and not outcome.degraded
        assert set(titles(outcome)) == {"Swalayan peminjaman buku", "Peminjaman antarperpustakaan"}, query
    assert titles(search("mengembalikan", staff)) == ["Kotak pengembalian malam"]


def test_passages_mark_the_forms_that_matched(library, staff):
    hit = search("pinjam", staff).hits[0]
    assert "<mark>" in hit.highlight
    assert "<mark>eminjam" not in hit.highlight


def test_english_pages_match_english_word_forms(library, staff):
    outcome = search("borrowing", staff)
    assert titles(outcome) == ["Self-service borrowing kiosk"]
    assert outcome.hits[0].language == "en"


def test_private_cops_and_drafts_stay_out_for_outsiders(library, staff):
    outcome = search("pinjam rahasia pimpinan malam", staff)
    assert "Peminjaman rahasia pimpinan" not in titles(outcome)
    assert "Peminjaman malam hari" not in titles(outcome)
    every_count = {value.label for values in outcome.facets.values() for value in values}
    assert "CoP Pimpinan" not in every_count and "rahasia" not in every_count


@pytest.mark.parametrize("role", ["member", "team", "administrator"])
def test_members_the_team_and_administrators_find_the_private_cop(
    library, role, learning_center_member, administrator
):
    user = {"team": learning_center_member, "administrator": administrator}.get(role)
    if user is None:
        user = UserFactory()
        MembershipFactory(user=user, community=library["secret_cop"], role=MembershipRole.MEMBER)
    outcome = search("rahasia", user)
    assert titles(outcome) == ["Peminjaman rahasia pimpinan"]
    assert "Peminjaman malam hari" not in titles(search("malam", user))


def test_joining_a_private_cop_takes_effect_without_reindexing(library, staff):
    assert search("rahasia", staff).total == 0
    MembershipFactory(user=staff, community=library["secret_cop"])
    assert search("rahasia", staff).total == 1


def test_facet_counts_stay_meaningful_when_combined(library, staff):
    outcome = search("buku", staff)
    communities = {value.label: value.count for value in outcome.facets["community"]}
    assert communities == {"CoP Layanan Sirkulasi": 2, "CoP Katalogisasi": 2}

    cataloguing = str(library["cataloguing"].pk)
    narrowed = search("buku", staff, filters={"community": (cataloguing,)})
    assert set(titles(narrowed)) == {"Peminjaman antarperpustakaan", "Label punggung buku"}
    # The CoP facet still counts the other CoP, so it can be added to the choice...
    communities = {value.label: (value.count, value.selected) for value in narrowed.facets["community"]}
    assert communities == {"CoP Layanan Sirkulasi": (2, False), "CoP Katalogisasi": (2, True)}
    # ...while the other facets count only within the chosen CoP.
    assert {value.value: value.count for value in narrowed.facets["tags"]} == {"kerja-sama": 1, "katalog": 1}

    both = search("buku", staff, filters={"community": (cataloguing,), "tags": ("katalog",)})
    assert titles(both) == ["Label punggung buku"]


def test_newest_first_and_pages_of_results(library, staff):
    newest = search("buku", staff, sort="newest")
    dates = [hit.published for hit in newest.hits]
    assert dates == sorted(dates, reverse=True)
    first, second = (search("buku", staff, per_page=2, page=page) for page in (1, 2))
    assert first.total == second.total == 4 and first.page_count == 2
    assert not set(titles(first)) & set(titles(second))
    assert [hit.rank for hit in second.hits] == [3, 4]


def test_a_one_letter_typo_still_finds_the_page_and_suggests_the_word(library, staff):
    outcome = search("pengembalain", staff)
    assert titles(outcome) == ["Kotak pengembalian malam"]
    assert outcome.suggestion == "pengembalian"


def test_no_suggestion_reveals_a_word_only_a_private_page_holds(library, staff):
    outcome = search("arsipp", staff)
    assert outcome.total == 0 and outcome.suggestion is None


def test_autocomplete_offers_visible_titles_and_tags(library, staff):
    labels = {s["label"] for s in autocomplete_suggestions("pemin", staff, "id")}
    assert labels == {"Peminjaman antarperpustakaan", "Swalayan peminjaman buku"}
    tags = [s for s in autocomplete_suggestions("sirk", staff, "id") if s["kind"] == "tag"]
    assert [tag["label"] for tag in tags] == ["sirkulasi"]
    assert autocomplete_suggestions("rahas", staff, "id") == []


def test_related_practices_come_from_other_cops_too_and_respect_privacy(library, staff):
    related = [hit.title for hit in related_practices(library["kiosk"], staff)]
    assert "Peminjaman antarperpustakaan" in related
    assert "Swalayan peminjaman buku" not in related
    assert "Peminjaman rahasia pimpinan" not in related


def test_an_unreachable_cluster_degrades_to_the_database(library, staff, settings, caplog):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    outcome = search("pinjam", staff)
    assert outcome.engine == "database" and outcome.degraded is True
    assert set(titles(outcome)) == {"Swalayan peminjaman buku", "Peminjaman antarperpustakaan"}
    assert "fell back to the database" in caplog.text
