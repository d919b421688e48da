"""A search query as its engines see it: clauses of alternative term sets.

Each query word becomes the set of terms it may stand for (its Indonesian
roots and its English stem). Where the organisation's glossary says that
words mean the same thing (sirkulasi = peminjaman, shelving = penataan
rak), the clause also accepts the other wordings; where a word is unknown
and one letter away from a known one, the clause accepts that word too.
The glossary and vocabulary are read at query time, so edits take effect
without a reindex.
"""

from dataclasses import dataclass, field

from .analysis import query_word_terms, words
from .glossary import glossary_phrases
from .spelling import corrections_for

MAX_QUERY_WORDS = 16


@dataclass(frozen=True)
class Alternative:
    """One wording of a clause; every word of it must match."""

    words: tuple[str, ...]
    terms: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class Clause:
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class QueryPlan:
    words: tuple[str, ...]
    clauses: tuple[Clause, ...]
    corrections: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.clauses

    def all_terms(self) -> frozenset[str]:
        """Every term any alternative accepts: what the highlighter marks."""
        found: set[str] = set()
        for clause in self.clauses:
            for alternative in clause.alternatives:
                for terms in alternative.terms:
                    found |= terms
        return frozenset(found)

    def corrected_query(self) -> str | None:
        if not self.corrections:
            return None
        return " ".join(self.corrections.get(word, word) for word in self.words)


def alternative_of(phrase: tuple[str, ...]) -> Alternative:
    return Alternative(phrase, tuple(query_word_terms(word) for word in phrase))


def _phrase_matches(phrase: tuple[str, ...], query_words: list[str], start: int) -> bool:
    if start + len(phrase) > len(query_words):
        return False
    return all(
        query_word_terms(word) & query_word_terms(query_words[start + offset])
        for offset, word in enumerate(phrase)
    )


def build_plan(query: str, *, use_vocabulary: bool = True) -> QueryPlan:
    query_words = words(query)[:MAX_QUERY_WORDS]
    corrections = corrections_for(query_words) if use_vocabulary else {}
    groups = glossary_phrases() if query_words else []
    clauses = []
    position = 0
    while position < len(query_words):
        matched = None
        for group in groups:
            for phrase in sorted(group, key=len, reverse=True):
                if _phrase_matches(phrase, query_words, position) and (
                    matched is None or len(phrase) > len(matched[0])
                ):
                    matched = (phrase, group)
        if matched is None:
            word = query_words[position]
            alternatives = [alternative_of((word,))]
            if word in corrections:
                alternatives.append(alternative_of((corrections[word],)))
            clauses.append(Clause(tuple(alternatives)))
            position += 1
            continue
        phrase, group = matched
        spoken = tuple(query_words[position : position + len(phrase)])
        others = [alternative_of(other) for other in group if other != phrase]
        clauses.append(Clause((alternative_of(spoken), *others)))
        position += len(phrase)
    return QueryPlan(tuple(query_words), tuple(clauses), corrections)
