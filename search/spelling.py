"""One-letter typos, corrected against the words of the indexed pages.

A query word that is neither in the vocabulary nor reducible to a word in
it, and is one edit away from a known word, gets that word as an extra
alternative (the most frequent, when several are). The same correction
serves both engines, so a typo finds the same pages on Elasticsearch and
in the database; the "did you mean" link is only offered when the
corrected query finds something the searcher may see.
"""

import string

from .analysis import query_word_terms
from .models import SearchTerm

MIN_CORRECTED_LENGTH = 5
MAX_CORRECTED_WORDS = 6
LETTERS = string.ascii_lowercase


def one_edit_away(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    transposes = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    replaces = {left + letter + right[1:] for left, right in splits if right for letter in LETTERS}
    inserts = {left + letter + right for left, right in splits for letter in LETTERS}
    return (deletes | transposes | replaces | inserts) - {word}


def corrections_for(query_words: list[str]) -> dict[str, str]:
    """Unknown words of the query mapped to the known word they misspell."""
    candidates = [w for w in dict.fromkeys(query_words) if len(w) >= MIN_CORRECTED_LENGTH and w.isalpha()]
    candidates = candidates[:MAX_CORRECTED_WORDS]
    if not candidates:
        return {}
    neighbours = {word: one_edit_away(word) for word in candidates}
    forms = {word: query_word_terms(word) | {word} for word in candidates}
    lookup = set().union(*neighbours.values(), *forms.values())
    known = dict(SearchTerm.objects.filter(term__in=lookup).values_list("term", "documents"))
    corrections = {}
    for word in candidates:
        if forms[word] & known.keys():
            continue
        found = [(known[near], near) for near in neighbours[word] if near in known]
        if found:
            corrections[word] = max(found)[1]
    return corrections
