"""Text analysis shared by every engine: words, Indonesian roots, English stems.

Elasticsearch's `indonesian` analyzer is missing from the CI engine, its
stemmer (like Snowball's) turns meminjam into "injam" and kembali into
"mbali", and the database engines have no Indonesian at all. So analysis
happens here, once, in Python: each word becomes the set of roots it may
come from ("meminjam" -> meminjam, minjam, pinjam), documents are indexed
with those sets and queries are expanded the same way. Overlapping sets
mean the words match, on Elasticsearch, on osmem and in the database alike.

No root dictionary is used (the Sastrawi list is CC-BY-NC-SA): where a
prefix hides the first letter of the root (mem- + vowel, men- + vowel,
meng- + vowel, meny- + vowel) every possible root is kept, and words the
rules cannot split stay as they are.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
# The parts of a WORD match: what words() returns (buku-buku -> buku, buku).
WORD_PART = re.compile(r"[^\W_]+", re.UNICODE)
VOWELS = frozenset("aeiou")
# Consonant pairs an Indonesian root may start with (mostly loanwords).
ROOT_ONSETS = frozenset(
    [
        "bl",
        "br",
        "dr",
        "fl",
        "fr",
        "gl",
        "gr",
        "kh",
        "kl",
        "kr",
        "ng",
        "ny",
        "pl",
        "pr",
        "sk",
        "sl",
        "sm",
        "sn",
        "sp",
        "st",
        "sw",
        "sy",
        "tr",
    ]
)
PARTICLES = ("kah", "lah", "tah", "pun")
POSSESSIVES = ("nya", "ku", "mu")
DERIVATIONAL_SUFFIXES = ("kan", "an", "i", "wan", "wati")
MAX_PREFIXES = 3

_english = snowballstemmer.stemmer("english")


def normalise(text: str) -> str:
    """Lower case without accents: how every word is compared."""
    lowered = text.lower()
    if lowered.isascii() or unicodedata.is_normalized("NFKD", lowered):
        return lowered  # nothing to take off: the common case, checked in C
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The words of a text, normalised; reduplications split (buku-buku)."""
    return WORD_PART.findall(normalise(text))


def syllables(word: str) -> int:
    return len(re.findall(r"[aeiou]+", word))


def plausible_root(word: str) -> bool:
    """Two syllables (baik counts), and an onset Indonesian roots have."""
    if len(word) < 3 or (syllables(word) < 2 and len(word) < 4):
        return False
    if word[0] in VOWELS or word[1] in VOWELS:
        return True
    return word[:2] in ROOT_ONSETS


def _prefix_removals(word: str) -> set[str]:
    """Every remainder one prefix can leave, restoring a hidden first letter."""
    found: set[str] = set()

    def after(prefix: str) -> str:
        return word[len(prefix) :] if word.startswith(prefix) else ""

    for nasal, bare in (("me", "meng"), ("pe", "peng")):
        rest = after(bare)
        if rest:
            found.add(rest)  # menggunakan, mengkaji
            if rest[0] in VOWELS:
                found.add("k" + rest)  # mengirim -> kirim
        rest = after(nasal + "ny")
        if rest and rest[0] in VOWELS:
            found.update({"s" + rest, "ny" + rest})  # menyapu -> sapu
        rest = after(nasal + "m")
        if rest:
            if rest[0] in "bfvp":
                found.add(rest)  # membaca, mempunyai
            elif rest[0] in VOWELS:
                found.update({"p" + rest, "m" + rest})  # meminjam -> pinjam
        rest = after(nasal + "n")
        if rest:
            if rest[0] in "cdjsz" or rest.startswith("t"):
                found.add(rest)  # mencari, mendengar
            elif rest[0] in VOWELS:
                found.update({"t" + rest, "n" + rest})  # menulis -> tulis
        rest = after(nasal)
        if rest and (rest[0] in "lmnrwy" or rest[:2] in ("ng", "ny")):
            found.add(rest)  # melihat, merasa
    for prefix in ("ber", "ter", "per"):
        if after(prefix):
            found.add(after(prefix))  # bermain, terbaru, perbaikan
    for prefix in ("be", "te", "pe"):
        rest = after(prefix)
        if rest and rest[0] not in VOWELS and rest[1:2] not in VOWELS:
            found.add(rest)  # bekerja
        if rest.startswith("r"):
            found.add(rest)  # berantakan -> rantakan
    for prefix in ("bel", "pel"):
        if after(prefix).startswith("ajar"):
            found.add(after(prefix))  # belajar, pelajaran
    for prefix in ("di", "ke", "se"):
        if after(prefix):
            found.add(after(prefix))
    return found


def _suffix_removals(word: str) -> set[str]:
    return {word[: -len(suffix)] for suffix in DERIVATIONAL_SUFFIXES if word.endswith(suffix)}


def _inflection_removed(word: str) -> set[str]:
    """The word without a particle and a possessive (bukunyalah -> buku)."""
    forms = {word}
    for endings in (PARTICLES, POSSESSIVES):
        for form in list(forms):
            for ending in endings:
                stripped = form[: -len(ending)]
                if form.endswith(ending) and syllables(stripped) >= 2:
                    forms.add(stripped)
    return forms


@lru_cache(maxsize=200_000)
def indonesian_roots(word: str) -> frozenset[str]:
    """The word and every root its affixes may hide: pembelajaran -> ajar."""
    word = normalise(word)
    if len(word) <= 3 or not word.isalpha():
        return frozenset({word})
    found = set(_inflection_removed(word))
    frontier = set(found)
    for _ in range(MAX_PREFIXES):
        removed = set()
        for form in frontier:
            removed |= {rest for rest in _prefix_removals(form) if len(rest) >= 3}
        frontier = removed - found
        found |= removed
    # Suffixes come off the word and every prefix-free form: pengembalian -> kembali.
    found |= {stripped for form in found for stripped in _suffix_removals(form)}
    return frozenset(form for form in found if form == word or plausible_root(form))


@lru_cache(maxsize=200_000)
def english_stem(word: str) -> str:
    return _english.stemWord(normalise(word))


def word_terms(word: str, language: str) -> frozenset[str]:
    """Index terms of one word of a page written in `language`."""
    if language == "en":
        return frozenset({word, english_stem(word)})
    return indonesian_roots(word)


@lru_cache(maxsize=200_000)
def _indexed_word(word: str, language: str) -> str:
    return " ".join(sorted(word_terms(word, language)))


def index_terms(text: str, language: str) -> str:
    """The text as index terms, space separated, for the *_terms fields."""
    # Numbers index as themselves (neither analysis changes them), outside the
    # cache: a page's numbers are often its own, and would fill it page by page.
    return " ".join([word if word.isdigit() else _indexed_word(word, language) for word in words(text)])


def query_word_terms(word: str) -> frozenset[str]:
    """A query word may be Indonesian or English: match both analyses."""
    return indonesian_roots(word) | {english_stem(word)}


def clean_text(text: str, limit: int) -> str:
    """Printable characters only (no NUL, no control or format characters)."""
    kept = "".join(char for char in text if unicodedata.category(char)[0] != "C" or char in "\t\n")
    return " ".join(kept.split())[:limit]
