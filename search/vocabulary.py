"""The "did you mean" vocabulary: which words the indexed pages use, and in how many.

Indexing keeps SearchTerm in step with each record it writes or removes:
the words a page gains add one to their count, the words it loses take one
away, and a word no page uses any more is dropped, so a suggestion never
points at text that left the index. A rebuild recounts everything, which
also repairs counts that concurrent updates may have skewed.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from .analysis import words
from .models import KnowledgeRecord, SearchTerm

MIN_LENGTH = 4
MAX_LENGTH = 30
WRITE_BATCH = 1000


def vocabulary_of(title: str, body: str) -> frozenset[str]:
    """The words of a record that may be suggested: alphabetic, 4 to 30 letters."""
    return frozenset(
        word for word in words(f"{title} {body}") if word.isalpha() and MIN_LENGTH <= len(word) <= MAX_LENGTH
    )


def update_vocabulary(changes: Iterable[tuple[frozenset[str], frozenset[str]]]) -> None:
    """Apply (words before, words after) of each changed record to the counts."""
    gained: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    for before, after in changes:
        gained.update(after - before)
        lost.update(before - after)
    if gained:
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=term, documents=0) for term in gained],
            ignore_conflicts=True,
            batch_size=WRITE_BATCH,
        )
        _add_to_counts(gained, 1)
    if lost:
        _add_to_counts(lost, -1)
        SearchTerm.objects.filter(term__in=list(lost), documents__lte=0).delete()


def _add_to_counts(counts: Counter[str], sign: int) -> None:
    """One UPDATE per distinct amount, so a large change stays a few queries."""
    by_amount: dict[int, list[str]] = {}
    for term, amount in counts.items():
        by_amount.setdefault(amount, []).append(term)
    for amount, terms in by_amount.items():
        for start in range(0, len(terms), WRITE_BATCH):
            batch = terms[start : start + WRITE_BATCH]
            queryset = SearchTerm.objects.filter(term__in=batch)
            if sign < 0:
                # PositiveIntegerField: never go below zero, whatever drifted.
                queryset.filter(documents__gte=amount).update(documents=F("documents") - amount)
                queryset.filter(documents__lt=amount).update(documents=0)
            else:
                queryset.update(documents=F("documents") + amount)


def recount_vocabulary(chunk_size: int = WRITE_BATCH) -> int:
    """Count every word over all records again; returns how many words there are.

    Holds one counter of the vocabulary (bounded by the language, not by the
    number of pages) while the records stream past in chunks.
    """
    counts: Counter[str] = Counter()
    records = KnowledgeRecord.objects.order_by("pk").values_list("title", "body")
    for title, body in records.iterator(chunk_size=chunk_size):
        counts.update(vocabulary_of(title, body))
    with transaction.atomic():
        SearchTerm.objects.all().delete()
        SearchTerm.objects.bulk_create(
            (SearchTerm(term=term, documents=count) for term, count in counts.items()),
            batch_size=WRITE_BATCH,
        )
    return len(counts)
