"""The passage of a result that matched, with the matching words marked.

Computed with the same analysis that matched the page, so a search for
"pinjam" marks "peminjaman" and "dipinjamkan", on either engine; the text
is escaped before the marks are added.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .analysis import WORD, normalise, word_terms, words

PASSAGE_WORDS = 36
WHITESPACE = re.compile(r"\s+")


def _word_spans(text: str) -> list[tuple[int, int, str]]:
    return [(match.start(), match.end(), match.group()) for match in WORD.finditer(text)]


def _matches(word: str, terms: frozenset[str], language: str) -> bool:
    return any(word_terms(part, language) & terms for part in words(word))


def _best_window(marked: list[bool], size: int) -> int:
    """Start of the window of `size` words holding the most marked words."""
    if len(marked) <= size:
        return 0
    current = sum(marked[:size])
    best_start, best = 0, current
    for start in range(1, len(marked) - size + 1):
        current += marked[start + size - 1] - marked[start - 1]
        if current > best:
            best_start, best = start, current
    return best_start


def highlight(text: str, terms: frozenset[str], language: str, size: int = PASSAGE_WORDS) -> SafeString:
    """Escaped passage of about `size` words around the densest matches."""
    spans = _word_spans(text)
    if not spans:
        return mark_safe("")  # noqa: S308 - empty string
    seen: dict[str, bool] = {}  # a text repeats its words: each is analysed once
    marked = []
    for _, _, word in spans:
        if word not in seen:
            seen[word] = _matches(normalise(word), terms, language)
        marked.append(seen[word])
    start = _best_window(marked, size)
    window = spans[start : start + size]
    parts = ["… " if start > 0 else ""]
    cursor = window[0][0]
    for (begin, end, word), is_marked in zip(window, marked[start : start + size], strict=True):
        parts.append(escape(WHITESPACE.sub(" ", text[cursor:begin])))
        parts.append(f"<mark>{escape(word)}</mark>" if is_marked else escape(word))
        cursor = end
    if start + size < len(spans):
        parts.append(" …")
    else:
        parts.append(escape(text[cursor:].rstrip()))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
