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
    """Median of ``runs`` requests after a warm-up, and the queries of one request.

    The warm-up fills Wagtail's cached site root paths and Django's cached
    templates, as on a server that has been up for a while.
    """
    get_ok(client, url)
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, url)
    # Counted now: the captured list is read from the connection's log,
    # which every later request clears.
    query_count = len(queries)
    timings = []
    gc.collect()  # Garbage left by the previous page is not this page's cost.
    for _ in range(runs):
        started = time.perf_counter()
        get_ok(client, url)
        timings.append(time.perf_counter() - started)
    return PageTiming(median_ms=statistics.median(timings) * 1000, queries=query_count)


def time_pages(client: Client, urls: dict[str, str]) -> dict[str, PageTiming]:
    return {name: time_page(client, url) for name, url in urls.items()}
