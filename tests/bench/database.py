"""The bench's own databases: never the project's db.sqlite3, never the suite's.

SQLite files in a temporary folder by default; with BENCH_DATABASE_URL, a
PostgreSQL server on which the bench creates and drops databases of its own
(``test_<name>`` and ``test_<name>_import``, like the test suite does),
leaving the database named in the URL untouched.
"""

import os
from pathlib import Path

import django
from django.db import connection

SETTINGS_MODULE = "intranet.settings.test"
IMPORT_SUFFIX = "import"


def start_django(sqlite_file: Path) -> None:
    """Set Django up before anything reads the settings, on the bench's database server."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{sqlite_file}"
    django.setup()
    if connection.vendor == "sqlite":
        # A file like a real site's, not the in-memory database of the suite.
        connection.settings_dict["TEST"]["NAME"] = str(sqlite_file)


def database_description() -> str:
    version = ".".join(str(part) for part in connection.get_database_version())
    return f"{connection.display_name} {version}"


def create_databases() -> tuple[str, str]:
    """A freshly migrated database for the pages and an empty copy of it for the import.

    Returns the name the pages run on before the bench took over, for
    ``drop_databases``, and the name of the import's copy. Django's test
    database machinery runs ``migrate`` and, on PostgreSQL, clones with
    CREATE DATABASE … TEMPLATE.
    """
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    connection.creation.clone_test_db(suffix=IMPORT_SUFFIX, verbosity=0, autoclobber=True)
    return original_name, connection.creation.get_test_db_clone_settings(IMPORT_SUFFIX)["NAME"]


def drop_databases(original_name: str) -> None:
    # Only the last call restores the original name: given earlier, it would
    # make the second call drop the database the URL names.
    connection.creation.destroy_test_db(verbosity=0, suffix=IMPORT_SUFFIX)
    connection.creation.destroy_test_db(original_name, verbosity=0)


def use_database(name: str) -> None:
    """Point this process at another database of the same server, before its first query."""
    connection.settings_dict["NAME"] = name
