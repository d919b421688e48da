"""Server time and SQL queries of one page, as Django's test client sees it.

The client calls Django's request handler in this process, so a timing is
the whole request/response cycle inside Django — middleware, session and
user lookup, the view, template rendering — without a network or a WSGI
server around it.
"""

import gc
import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

RUNS = 21


@dataclass
class PageTiming:
    median_ms: float
    queries: int


def get_ok(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")


def time_page(client: Client, url: str, runs: int = RUNS) -> PageTiming:
    """Median of ``runs`` requests after a warm-up, and the queries of one request."""
    return time_in_rounds(client, {url: url}, runs)[url]


def time_in_rounds(client: Client, urls: dict[str, str], runs: int = RUNS) -> dict[str, PageTiming]:
    """``time_page`` for several pages at once: each round requests every page once, in turn.

    A slow spell of the machine (on a shared virtual machine, single
    requests seen taking twice as long for a few seconds) then falls on a
    few requests of every page, which the median passes over, rather than
    on every request of one page; and each page finds the database's caches
    as the others left them, as on a server answering mixed requests,
    rather than as its own previous request did. The warm-up fills Wagtail's
    cached site root paths and Django's cached templates, as on a server
    that has been up for a while.
    """
    query_counts = {}
    for name, url in urls.items():
        get_ok(client, url)
        with CaptureQueriesContext(connection) as queries:
            get_ok(client, url)
        # Counted now: the captured list is read from the connection's log,
        # which every later request clears.
        query_counts[name] = len(queries)
    timings = {name: [] for name in urls}
    gc.collect()  # Garbage left by what ran before is not these pages' cost.
    for _ in range(runs):
        for name, url in urls.items():
            started = time.perf_counter()
            get_ok(client, url)
            timings[name].append(time.perf_counter() - started)
    return {
        name: PageTiming(median_ms=statistics.median(timings[name]) * 1000, queries=query_counts[name])
        for name in urls
    }
