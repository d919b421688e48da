"""The relevance set's targets, held on both engines: recall@5 ≥ 0.9 and MRR ≥ 0.8.

The set (tests/search/relevance/) is built, indexed and scored as ``make
bench`` does it (tests/bench/search_relevance.py), once per engine: a staff
member who belongs to no CoP searches each query through
``search_knowledge``; a failure prints the figures and every missed query.
"""

import pytest

from tests.bench.search_relevance import (
    TARGET_MRR,
    TARGET_RECALL,
    build_relevance_set,
    score_engine,
    target_failures,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_relevance_targets_hold(engine, home):
    slugs = build_relevance_set(home)
    reader = UserFactory(username="pembaca-relevansi")

    result = score_engine(engine, reader, slugs)

    assert result.recall >= TARGET_RECALL and result.mrr >= TARGET_MRR, target_failures(result)
