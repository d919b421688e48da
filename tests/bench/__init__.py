"""`make bench`: page times and SQL queries at two data sizes, and the import rate.

Run with ``python -m tests.bench``; the results go to stdout and to
``docs/benchmarks.md``. Nothing here is collected by pytest.
"""
