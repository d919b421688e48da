"""The search relevance set itself: well-formed, big enough, and honest about each kind of query.

No search engine is involved. These tests keep the set trustworthy, so that
a drop in recall@5 means the search got worse rather than the set drifting
(a typo query that is no longer one edit away, a synonym query answerable
without the glossary, a relevant slug that was renamed).
"""

import datetime
import itertools
import re
from collections import Counter

import pytest
from wagtail.models import Locale

from cop_pages.models import CommunityPage, PracticePage
from cop_pages.models.practice import PRACTICE_SECTIONS
from tests.factories import learning_center_root
from tests.reading import text_of
from tests.search.relevance import (
    KINDS,
    PROSE_FIELDS,
    Practice,
    Query,
    build_corpus,
    load_corpus,
    recall_at_k,
    reciprocal_rank,
    score_queries,
)

MIN_PER_KIND = {"affix": 8, "exact": 6, "cross_division": 5, "typo": 5, "english": 4, "synonym": 3}
# A shared stretch this long means two words share a root (pinjam / peminjaman).
SHARED_ROOT_LETTERS = 4
# Word overlap above this between two practices suggests a near-duplicate.
MAX_WORD_OVERLAP = 0.3

CORPUS = load_corpus()
COMMUNITIES = CORPUS["communities"]
PRACTICES = CORPUS["practices"]
QUERIES = CORPUS["queries"]
GLOSSARY = CORPUS["glossary"]


def words(text: str) -> list[str]:
    """Lowercase words as a reader sees them; hyphenated words (bolak-balik) stay whole."""
    return re.findall(r"[0-9a-z]+(?:-[0-9a-z]+)*", text.lower())


def vocabulary(practice: Practice) -> set[str]:
    return set(words(practice.text()))


def sentence_count(text: str) -> int:
    """Sentences end at . ! or ? before a capital, a digit or the end (not in 07.00 or "horor?" di)."""
    return len(re.findall(r"[.!?][\"”]?(?=\s+[\"A-Z0-9]|\s*$)", text.strip()))


def one_edit_apart(a: str, b: str) -> bool:
    """True when one substitution, insertion, deletion or adjacent transposition turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def shares_root(a: str, b: str) -> bool:
    return any(a[i : i + SHARED_ROOT_LETTERS] in b for i in range(len(a) - SHARED_ROOT_LETTERS + 1))


def queries_of(kind: str) -> list[Query]:
    return [query for query in QUERIES if query.kind == kind]


def ids(queries: list[Query]) -> list[str]:
    return [query.query for query in queries]


# --- the files ---------------------------------------------------------------


def test_the_set_parses_into_communities_practices_queries_and_glossary():
    assert set(CORPUS) == {"communities", "practices", "queries", "glossary"}
    assert PROSE_FIELDS == PRACTICE_SECTIONS


def test_load_corpus_hands_out_fresh_containers():
    first = load_corpus()
    first["practices"].clear()
    first["queries"].clear()
    assert load_corpus()["practices"] and load_corpus()["queries"]


def test_counts_meet_the_minimums():
    languages = Counter(practice.language for practice in PRACTICES.values())
    assert len(COMMUNITIES) == 5
    assert languages["id"] >= 40
    assert languages["en"] == 3
    assert set(languages) == {"id", "en"}
    per_community = Counter(p.community for p in PRACTICES.values() if p.language == "id")
    assert set(per_community) == set(COMMUNITIES)
    assert min(per_community.values()) >= 6, per_community  # spread, not piled into one CoP

    assert len(QUERIES) >= 30
    kinds = Counter(query.kind for query in QUERIES)
    assert set(kinds) <= set(KINDS)
    for kind, minimum in MIN_PER_KIND.items():
        assert kinds[kind] >= minimum, (kind, kinds[kind])


def test_communities_are_described():
    for community in COMMUNITIES.values():
        assert community.title.startswith("CoP ")
        assert community.division and community.domain
        assert sentence_count(community.domain) == 1, community.slug


@pytest.mark.parametrize("practice", PRACTICES.values(), ids=list(PRACTICES))
def test_each_practice_is_complete(practice: Practice):
    assert practice.title
    assert 1 <= sentence_count(practice.summary) <= 2
    for name in PROSE_FIELDS[1:]:
        assert 1 <= sentence_count(getattr(practice, name)) <= 4, name
    assert 1 <= len(practice.tags) <= 3
    assert all(tag == tag.lower() and tag.strip() for tag in practice.tags)
    assert len(set(practice.tags)) == len(practice.tags)
    assert datetime.date(2022, 1, 1) <= practice.documented_on <= datetime.date(2026, 12, 31)


def test_english_practices_belong_to_communities_with_an_english_title():
    for practice in PRACTICES.values():
        if practice.language == "en":
            assert COMMUNITIES[practice.community].title_en, practice.slug


def test_no_two_practices_are_near_duplicates():
    content = {slug: {w for w in vocabulary(p) if len(w) > 3} for slug, p in PRACTICES.items()}
    for (slug_a, a), (slug_b, b) in itertools.combinations(content.items(), 2):
        overlap = len(a & b) / len(a | b)
        assert overlap < MAX_WORD_OVERLAP, (slug_a, slug_b, overlap)


def test_several_topics_span_divisions():
    spanning = [
        query
        for query in QUERIES
        if len({PRACTICES[slug].community for slug in query.relevant if slug in PRACTICES}) >= 2
    ]
    assert len(spanning) >= 5


def test_glossary_groups_are_lists_of_distinct_terms():
    assert len(GLOSSARY) >= 3
    seen: set[str] = set()
    for group in GLOSSARY:
        terms = [term.lower() for term in group]
        assert len(terms) >= 2 and len(set(terms)) == len(terms), group
        assert not seen & set(terms), group  # one term, one group
        seen.update(terms)


# --- the queries -------------------------------------------------------------


@pytest.mark.parametrize("query", QUERIES, ids=ids(QUERIES))
def test_relevant_lists_name_existing_practices(query: Query):
    assert query.query.strip()
    assert 1 <= len(query.relevant) <= 4
    assert len(set(query.relevant)) == len(query.relevant)
    unknown = [slug for slug in query.relevant if slug not in PRACTICES]
    assert not unknown
    languages = {PRACTICES[slug].language for slug in query.relevant}
    # English queries target the English practices; the rest the Indonesian ones.
    assert languages == ({"en"} if query.kind == "english" else {"id"})


def test_queries_are_not_repeated():
    texts = Counter(query.query.lower() for query in QUERIES)
    assert [text for text, count in texts.items() if count > 1] == []


def test_every_english_practice_is_the_answer_to_some_query():
    answered = {slug for query in queries_of("english") for slug in query.relevant}
    assert answered == {slug for slug, p in PRACTICES.items() if p.language == "en"}


@pytest.mark.parametrize("query", queries_of("cross_division"), ids=ids(queries_of("cross_division")))
def test_cross_division_queries_find_practices_in_several_cops(query: Query):
    assert len({PRACTICES[slug].community for slug in query.relevant}) >= 2


@pytest.mark.parametrize("query", queries_of("exact"), ids=ids(queries_of("exact")))
def test_exact_queries_use_the_documents_own_words(query: Query):
    for slug in query.relevant:
        missing = set(words(query.query)) - vocabulary(PRACTICES[slug])
        assert not missing, (slug, missing)


@pytest.mark.parametrize("query", queries_of("affix"), ids=ids(queries_of("affix")))
def test_affix_queries_use_another_form_of_a_document_word(query: Query):
    """Some query word is absent as written, but a word sharing its root is there."""
    for slug in query.relevant:
        vocab = vocabulary(PRACTICES[slug])
        other_forms = [
            word
            for word in words(query.query)
            if word not in vocab and any(shares_root(word, known) for known in vocab)
        ]
        assert other_forms, slug


@pytest.mark.parametrize("query", queries_of("english"), ids=ids(queries_of("english")))
def test_english_queries_use_another_word_form(query: Query):
    for slug in query.relevant:
        vocab = vocabulary(PRACTICES[slug])
        other_forms = [
            word
            for word in words(query.query)
            if word not in vocab and any(shares_root(word, known) for known in vocab)
        ]
        assert other_forms, slug


@pytest.mark.parametrize("query", queries_of("typo"), ids=ids(queries_of("typo")))
def test_typo_queries_are_one_edit_from_a_word_of_each_relevant_practice(query: Query):
    for slug in query.relevant:
        vocab = vocabulary(PRACTICES[slug])
        unknown = [word for word in words(query.query) if word not in vocab]
        assert len(unknown) == 1, (slug, unknown)  # one word misspelt, the rest as written
        intended = [word for word in vocab if len(word) >= 6 and one_edit_apart(unknown[0], word)]
        assert intended, (slug, unknown[0])


@pytest.mark.parametrize("query", queries_of("synonym"), ids=ids(queries_of("synonym")))
def test_synonym_queries_are_answerable_only_through_the_glossary(query: Query):
    text = query.query.lower()
    groups = [group for group in GLOSSARY if any(term.lower() in text for term in group)]
    assert groups, "the query uses no glossary term"
    for slug in query.relevant:
        document = PRACTICES[slug].text().lower()
        # Substring, not word, match: an affixed form (mendonasikan) would also count.
        assert not [word for word in words(text) if word in document], slug
        assert any(
            term.lower() in document for group in groups for term in group if term.lower() not in text
        ), (slug, "no glossary equivalent in the document")


# --- the metrics -------------------------------------------------------------


def test_recall_at_k_counts_relevant_documents_in_the_top_k():
    assert recall_at_k(["a", "x", "b"], ["a", "b"]) == 1.0
    assert recall_at_k(["a", "x", "y"], ["a", "b"]) == 0.5
    assert recall_at_k([], ["a"]) == 0.0
    assert recall_at_k(["x", "y", "z", "w", "v", "a"], ["a"]) == 0.0  # sixth is outside the top 5
    assert recall_at_k(["x", "a"], ["a"], k=1) == 0.0
    assert recall_at_k(["a", "a", "x"], ["a", "b"]) == 0.5  # a repeated hit counts once


def test_recall_at_k_caps_the_denominator_at_k():
    relevant = ["a", "b", "c"]
    assert recall_at_k(["a", "b"], relevant, k=2) == 1.0
    assert recall_at_k(["a", "x"], relevant, k=2) == 0.5


def test_reciprocal_rank_is_one_over_the_first_relevant_rank():
    assert reciprocal_rank(["x", "a"], ["a"]) == 0.5
    assert reciprocal_rank(["a", "b"], ["a", "b"]) == 1.0
    assert reciprocal_rank(["x", "y", "b", "a"], ["a", "b"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x", "y"], ["a"]) == 0.0


def test_metrics_refuse_a_query_without_relevant_documents():
    with pytest.raises(ValueError):
        recall_at_k(["a"], [])
    with pytest.raises(ValueError):
        reciprocal_rank(["a"], [])


def test_a_perfect_search_scores_one_everywhere():
    answers = {query.query: list(query.relevant) for query in QUERIES}
    scores = score_queries(lambda text: answers[text])
    assert scores["overall"] == {"queries": len(QUERIES), "recall@5": 1.0, "mrr": 1.0}
    assert set(scores["per_kind"]) == {query.kind for query in QUERIES}
    assert all(kind["recall@5"] == 1.0 and kind["mrr"] == 1.0 for kind in scores["per_kind"].values())
    assert scores["misses"] == []


def test_a_search_that_finds_nothing_lists_every_query_as_missed():
    scores = score_queries(lambda text: [])
    assert scores["overall"]["recall@5"] == 0.0
    assert scores["overall"]["mrr"] == 0.0
    assert [miss["query"] for miss in scores["misses"]] == [query.query for query in QUERIES]


def test_scores_are_averaged_per_kind():
    """A search that knows only the exact queries, answering with noise first, scores 1/2 MRR there."""
    answers = {query.query: ["noise", *query.relevant] for query in queries_of("exact")}
    scores = score_queries(lambda text: answers.get(text, []))
    exact = scores["per_kind"]["exact"]
    assert exact == {"queries": len(queries_of("exact")), "recall@5": 1.0, "mrr": 0.5}
    assert scores["per_kind"]["typo"]["recall@5"] == 0.0
    assert scores["overall"]["mrr"] == pytest.approx(0.5 * len(queries_of("exact")) / len(QUERIES))
    missed = {miss["query"] for miss in scores["misses"]}
    assert missed == {query.query for query in QUERIES if query.kind != "exact"}


# --- the pages ---------------------------------------------------------------


@pytest.mark.django_db
def test_build_corpus_creates_and_publishes_every_page(home):
    pages = build_corpus(home)

    assert set(pages) == set(PRACTICES)
    english_locale = Locale.objects.get(language_code="en")
    for slug, page in pages.items():
        practice = PRACTICES[slug]
        page = PracticePage.objects.get(pk=page.pk)
        assert page.live and page.has_unpublished_changes is False
        assert page.latest_revision is not None
        assert page.title == practice.title
        assert page.documented_on == practice.documented_on
        assert page.summary == f"<p>{practice.summary}</p>"
        assert text_of(page.lessons) == practice.lessons
        assert sorted(page.tags.names()) == sorted(practice.tags)
        parent = page.get_parent().specific
        assert isinstance(parent, CommunityPage)
        assert parent.slug == practice.community
        expected_locale = "en" if practice.language == "en" else "id"
        assert page.locale.language_code == expected_locale
        assert parent.locale.language_code == expected_locale
        if practice.language == "en":
            assert parent.title == COMMUNITIES[practice.community].title_en
            assert page.url.startswith("/en/")

    indonesian = CommunityPage.objects.live().filter(locale=home.locale)
    assert sorted(indonesian.values_list("slug", flat=True)) == sorted(COMMUNITIES)
    assert all(community.get_parent().pk == home.pk for community in indonesian)
    english = CommunityPage.objects.live().filter(locale=english_locale)
    assert all(community.get_parent().pk == learning_center_root("en").pk for community in english)
    assert {community.division for community in indonesian} == {c.division for c in COMMUNITIES.values()}
    assert english.count() == len({p.community for p in PRACTICES.values() if p.language == "en"})
    assert PracticePage.objects.live().count() == len(PRACTICES)
