"""How a query becomes clauses: glossary wordings and one-letter corrections."""

import pytest

from search.highlighting import highlight
from search.models import GlossaryEntry, SearchTerm
from search.query_plan import build_plan

pytestmark = pytest.mark.django_db


def wordings(plan):
    return [[alternative.words for alternative in clause.alternatives] for clause in plan.clauses]


def test_a_plain_query_has_one_clause_per_word():
    plan = build_plan("Peminjaman buku!")
    assert wordings(plan) == [[("peminjaman",)], [("buku",)]]
    assert "pinjam" in plan.all_terms()


def test_glossary_adds_the_other_wordings_of_a_matched_phrase():
    GlossaryEntry.objects.create(terms="shelving, penataan rak")
    GlossaryEntry.objects.create(terms="sirkulasi, peminjaman")
    assert wordings(build_plan("shelving buku")) == [[("shelving",), ("penataan", "rak")], [("buku",)]]
    # An affixed form of a glossary word counts as that word: menata ~ penataan.
    assert wordings(build_plan("menata rak")) == [[("menata", "rak"), ("shelving",)]]
    assert wordings(build_plan("meminjam")) == [[("meminjam",), ("sirkulasi",)]]


def test_glossary_changes_apply_at_the_next_query():
    assert wordings(build_plan("akuisisi")) == [[("akuisisi",)]]
    entry = GlossaryEntry.objects.create(terms="akuisisi, pengadaan")
    assert wordings(build_plan("akuisisi")) == [[("akuisisi",), ("pengadaan",)]]
    entry.delete()
    assert wordings(build_plan("akuisisi")) == [[("akuisisi",)]]


def test_an_unknown_word_one_letter_from_a_known_word_gets_it_as_an_alternative():
    SearchTerm.objects.bulk_create(
        [SearchTerm(term="peminjaman", documents=5), SearchTerm(term="pengembalian")]
    )
    plan = build_plan("peminjamn pengembalain buku")
    assert plan.corrections == {"peminjamn": "peminjaman", "pengembalain": "pengembalian"}
    assert plan.corrected_query() == "peminjaman pengembalian buku"
    assert wordings(plan)[0] == [("peminjamn",), ("peminjaman",)]


def test_known_words_and_their_affixed_forms_are_not_corrected():
    SearchTerm.objects.bulk_create([SearchTerm(term="pinjam"), SearchTerm(term="pinjem")])
    assert build_plan("meminjam pinjam").corrections == {}


def test_the_highlight_marks_every_form_the_plan_accepts():
    GlossaryEntry.objects.create(terms="sirkulasi, peminjaman")
    plan = build_plan("sirkulasi")
    passage = highlight("Meja sirkulasi melayani peminjaman <buku>.", plan.all_terms(), "id")
    assert passage == "Meja <mark>sirkulasi</mark> melayani <mark>peminjaman</mark> &lt;buku&gt;."
