"""The import, alone in a child process: its time and the process's peak memory.

``python -m tests.bench.import_run FOLDER DATABASE RESULT_FILE`` imports FOLDER
into DATABASE (a fresh, migrated copy made by the parent) and writes the
measurements to RESULT_FILE as JSON. A process of its own, so that
``ru_maxrss`` belongs to the import and to nothing the bench did before.
"""

import json
import resource
import sys
import time
from pathlib import Path

from .database import start_django, use_database


def peak_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    folder, database, result_file = sys.argv[1:]
    start_django(Path(database))
    use_database(database)
    from cop_pages.importing import import_content

    baseline = peak_rss_mib()
    started = time.perf_counter()
    report = import_content(Path(folder), create_missing_users=True)
    seconds = time.perf_counter() - started
    measurements = {
        "failed": len(report.errors),
        "seconds": seconds,
        "peak_rss_mib": peak_rss_mib(),
        "baseline_rss_mib": baseline,
    }
    Path(result_file).write_text(json.dumps(measurements), encoding="utf-8")


if __name__ == "__main__":
    main()
