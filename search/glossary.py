"""The organisation's glossary of equivalent terms, as word tuples.

Read from the database at every search (one small query): the glossary
expands queries, not documents, so an edit applies to the next search in
every process, without a reindex and without a cache to invalidate.
"""

from .analysis import words
from .models import GlossaryEntry


def glossary_phrases() -> list[tuple[tuple[str, ...], ...]]:
    """Each entry as a group of phrases, each phrase a tuple of words."""
    groups = []
    for terms in GlossaryEntry.objects.values_list("terms", flat=True):
        phrases = tuple(dict.fromkeys(tuple(words(term)) for term in terms.split(",") if words(term)))
        if len(phrases) > 1:
            groups.append(phrases)
    return groups
