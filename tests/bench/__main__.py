"""`python -m tests.bench`: the whole bench on databases of its own, cleaned up afterwards."""

import shutil
import tempfile
from pathlib import Path

from .database import create_databases, drop_databases, start_django


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="pusat-belajar-bench-"))
    try:
        start_django(workdir / "bench.sqlite3")
        # The models can be imported only once Django is set up.
        from .run import run_bench, step

        step("Creating and migrating the bench databases")
        original_name, import_database = create_databases()
        try:
            run_bench(workdir, import_database)
        finally:
            drop_databases(original_name)
    finally:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
