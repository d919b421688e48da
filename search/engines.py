"""Which search engine answers, and whether it is reachable.

Elasticsearch when ELASTICSEARCH_URL is set, Wagtail's database backend
otherwise; an unreachable cluster degrades to the database.
"""

import logging

from django.conf import settings
from elastic_transport import TransportError
from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions

logger = logging.getLogger(__name__)

PING_TIMEOUT_SECONDS = 2


def configured_engine() -> str:
    return "elasticsearch" if settings.ELASTICSEARCH_URL else "database"


def elasticsearch_reachable() -> bool:
    client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=PING_TIMEOUT_SECONDS)
    try:
        return bool(client.ping())
    except (TransportError, es_exceptions.ApiError) as error:
        logger.error("Elasticsearch at %s is unreachable: %s", settings.ELASTICSEARCH_URL, error)
        return False
    finally:
        client.close()


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
