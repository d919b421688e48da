"""Readiness of the parts a request depends on, for /healthz."""

from django.db import DatabaseError, connection

from search.engines import engine_status


def database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "vendor": connection.vendor, "error": str(error)}
    return {"ok": True, "vendor": connection.vendor}


def health_report() -> dict:
    database = database_status()
    search = engine_status()
    # Search degrades to the database, so only the database decides health.
    return {"ok": database["ok"], "database": database, "search": search}
