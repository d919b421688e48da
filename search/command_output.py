"""What ``manage.py search_knowledge`` prints: the search page's results as text or JSON.

Kept apart from the command so tests call it directly and the command stays
parse, call, print.

- Without ``--user`` the search runs as ``outsider()``: an unsaved account
  with no groups and no memberships, so it sees exactly what every member of
  staff sees (public CoPs' live pages) and nothing private. It is never
  saved, never a superuser, and its id (-1) matches no row.
- The text view marks the matched words «like this»; ``--json`` gives the
  passage as the page's HTML (text escaped, matches in ``<mark>``), which a
  script can show or strip without guessing where marks were.
- Editors' promoted results for the query come first, as on the page, with
  ``"promoted": true`` and no rank; ranked results carry their rank (1 is
  the best) and engine score.
- The command only reads: it does not log the search in the analytics.
- Like Django's other commands, its own lines are in English; the labels
  of results (type, CoP) follow ``--lang``, as the page's would.
"""

import json
import math
import re
from html import unescape

from django.contrib.auth import get_user_model
from django.utils import translation

from .knowledge_search import SearchHit, SearchOutcome, SearchRequest, search_knowledge

MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")
OUTSIDER_ID = -1


def outsider():
    """A staff account with no memberships, never saved: the view of a member of no CoP."""
    return get_user_model()(pk=OUTSIDER_ID, username="", is_active=True)


def search_as(query: str, user, language: str, engine: str | None = None) -> SearchOutcome:
    """The first page of results the search page shows ``user`` in ``language``."""
    with translation.override(language):
        return search_knowledge(SearchRequest(query=query, user=user, language=language, engine=engine))


def plain_highlight(html: str) -> str:
    """The passage as text, with the marked words between « and »."""
    return unescape(TAG.sub("", MARK.sub(r"«\1»", str(html))))


def score_value(score: float) -> float | None:
    return round(score, 4) if math.isfinite(score) else None


def hit_row(hit: SearchHit, promoted: bool = False) -> dict:
    return {
        "rank": None if promoted else hit.rank,
        "title": hit.title,
        "url": hit.url,
        "community": hit.community_title,
        "kind": hit.kind,
        "score": None if promoted else score_value(hit.score),
        "highlight": str(hit.highlight),
        "promoted": promoted,
    }


def result_rows(outcome: SearchOutcome) -> list[dict]:
    """Promoted results, then ranked results, as the page lists them."""
    return [hit_row(hit, promoted=True) for hit in outcome.promotions] + [
        hit_row(hit) for hit in outcome.hits
    ]


def results_json(outcome: SearchOutcome) -> str:
    return json.dumps(result_rows(outcome), ensure_ascii=False, indent=2)


def hit_lines(hit: SearchHit, label: str) -> list[str]:
    score = score_value(hit.score)
    details = [hit.kind_label, hit.community_title or "—"]
    if label != "*":
        details.append(f"score {'—' if score is None else f'{score:.3f}'}")
    lines = [f"{label:>3}. {hit.title}", f"     {hit.url}", f"     {' · '.join(details)}"]
    passage = plain_highlight(hit.highlight)
    if passage:
        lines.append(f"     {passage}")
    return lines


def results_text(outcome: SearchOutcome) -> str:
    """Readable results: a heading line, then one block per result."""
    request = outcome.request
    noun = "result" if outcome.total == 1 else "results"
    lines = [
        f'{outcome.total} {noun} for "{request.query}" (engine: {outcome.engine}, language: {request.language})'
    ]
    if outcome.suggestion:
        lines.append(f"Did you mean: {outcome.suggestion}")
    for hit in outcome.promotions:
        lines += ["", *hit_lines(hit, "*")]
    for hit in outcome.hits:
        lines += ["", *hit_lines(hit, str(hit.rank))]
    return "\n".join(lines)


DEGRADED_WARNING = "Warning: Elasticsearch did not answer; these results come from the database."
