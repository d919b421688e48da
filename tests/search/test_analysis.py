"""Indonesian and English word forms find each other; nothing else is promised."""

import pytest

from search.analysis import clean_text, index_terms, indonesian_roots, query_word_terms, words

AFFIX_FAMILIES = [
    ("pinjam", ["meminjam", "peminjaman", "dipinjamkan", "pinjaman", "meminjamkan"]),
    ("kembali", ["pengembalian", "dikembalikan", "mengembalikan"]),
    ("ajar", ["belajar", "pembelajaran", "pelajaran", "mengajar", "pengajar"]),
    ("baca", ["membaca", "pembaca", "bacaan", "dibaca"]),
    ("tata", ["menata", "penataan", "ditata"]),
    ("tulis", ["menulis", "penulis", "tulisan", "ditulis"]),
    ("sapu", ["menyapu", "penyapu"]),
    ("kirim", ["mengirim", "pengiriman", "dikirimkan"]),
    ("baik", ["diperbaiki", "perbaikan"]),
    ("katalog", ["pengatalogan", "mengkatalogkan", "katalognya"]),
    ("buku", ["bukunya", "buku-buku"]),
]


@pytest.mark.parametrize(("root", "forms"), AFFIX_FAMILIES)
def test_affixed_forms_share_their_root(root, forms):
    for form in forms:
        assert root in query_word_terms(form) or root in {
            t for w in words(form) for t in indonesian_roots(w)
        }, form


@pytest.mark.parametrize(("first", "second"), [("meminjam", "dipinjamkan"), ("pengembalian", "dikembalikan")])
def test_two_affixed_forms_meet_without_the_root(first, second):
    assert indonesian_roots(first) & indonesian_roots(second)


@pytest.mark.parametrize(
    ("word", "unrelated"),
    [("buku", "bukan"), ("baca", "bacot"), ("pinjam", "pintu"), ("tata", "data"), ("ajar", "akar")],
)
def test_unrelated_words_stay_apart(word, unrelated):
    assert not indonesian_roots(word) & indonesian_roots(unrelated)


def test_short_words_and_numbers_stay_as_they_are():
    assert indonesian_roots("rak") == {"rak"}
    assert indonesian_roots("2024") == {"2024"}


def test_english_pages_match_english_word_forms():
    document = set(index_terms("Borrowed books are returned on the shelves", "en").split())
    for query in ("borrowing", "returns", "shelving", "book"):
        assert query_word_terms(query) & document, query


def test_words_are_lower_case_without_accents_and_split_reduplication():
    assert words("Buku-buku Café, ANAK2!") == ["buku", "buku", "cafe", "anak2"]


def test_clean_text_drops_control_and_format_characters():
    assert clean_text("a\x00b\u202ec\u200bd  e", 10) == "abcd e"
    assert len(clean_text("x" * 5000, 200)) == 200
