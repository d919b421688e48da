"""Which search engine answers, and whether it is reachable.

Elasticsearch when ELASTICSEARCH_URL is set, Wagtail's database backend
otherwise; an unreachable cluster degrades to the database.
"""

import logging

from django.conf import settings
from elastic_transport import TransportError
from elasticsearch import exceptions as es_exceptions

from .database_engine import search_database
from .elasticsearch_client import cluster_address, elasticsearch_client
from .elasticsearch_engine import search_elasticsearch
from .engine_results import EngineQuery, EngineResult

logger = logging.getLogger(__name__)

PING_TIMEOUT_SECONDS = 2
# What a failing or unreachable cluster raises through the client.
ENGINE_ERRORS = (TransportError, es_exceptions.ApiError)


def configured_engine() -> str:
    return "elasticsearch" if settings.ELASTICSEARCH_URL else "database"


def elasticsearch_reachable() -> bool:
    try:
        return bool(elasticsearch_client().options(request_timeout=PING_TIMEOUT_SECONDS).ping())
    except ENGINE_ERRORS as error:
        logger.error("Elasticsearch at %s is unreachable: %s", cluster_address(), error)
        return False


def engine_status() -> dict:
    engine = configured_engine()
    if engine == "database":
        return {"configured": "database", "active": "database", "ok": True}
    reachable = elasticsearch_reachable()
    return {
        "configured": engine,
        "active": engine if reachable else "database",
        "ok": reachable,
    }


def run_engine(engine: str, engine_query: EngineQuery) -> EngineResult:
    if engine == "elasticsearch":
        return search_elasticsearch(engine_query)
    return search_database(engine_query)


def with_fallback(engine: str, on_elasticsearch, on_database, purpose: str) -> tuple[object, str, bool]:
    """(answer, engine that gave it, degraded): the database answers when Elasticsearch fails."""
    if engine == "elasticsearch":
        try:
            return on_elasticsearch(), "elasticsearch", False
        except ENGINE_ERRORS as error:
            logger.error("%s fell back to the database: Elasticsearch failed: %s", purpose, error)
            return on_database(), "database", True
    return on_database(), "database", False
