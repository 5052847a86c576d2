"""What every bench shares: `--db URL` (a SQLite file or a PostgreSQL URL), timing with the machine's load beside
it, and peak memory per measured step.

    parser = argparse.ArgumentParser(...)
    _harness.add_db_argument(parser)            # --db URL, --runs N
    url = _harness.database_url(args.db, folder / "bench.db")
    with _harness.measure("import") as m:       # wall, CPU (all threads), peak RSS of the step
        ...
    print(m.line())                             # "import: 4.21 s (CPU 3.90 s), peak RSS 131 MB, load 1.02 0.80 0.66"

Peak memory: Linux resets the process's high-water mark (VmHWM) when 5 is written to /proc/self/clear_refs, so
each step reports its own peak, not the peak of the data generation before it; elsewhere ru_maxrss (the
process's peak so far) is reported instead.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/x.py`: the repository root on the path for leadtui
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def add_db_argument(parser: argparse.ArgumentParser, *, runs: int = 3) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="SQLite file or URL, or postgresql+asyncpg://... (its database is emptied); default: a temporary file",
    )
    parser.add_argument("--runs", type=int, default=runs, help="repeat each measurement and report the median")


def database_url(given: str | None, default_file: Path) -> str:
    """A SQLAlchemy URL from --db: a PostgreSQL or SQLite URL as given, a path as a SQLite file."""
    if not given:
        return f"sqlite+aiosqlite:///{default_file}"
    if given.startswith("postgres://") or given.startswith("postgresql://"):
        return "postgresql+asyncpg://" + given.split("://", 1)[1]
    if "://" in given:
        return given.replace("sqlite://", "sqlite+aiosqlite://", 1) if given.startswith("sqlite://") else given
    return f"sqlite+aiosqlite:///{Path(given).expanduser().resolve()}"


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def backend_name(url: str) -> str:
    return "PostgreSQL" if is_postgres(url) else "SQLite"


def sqlite_file(url: str) -> Path | None:
    return None if is_postgres(url) else Path(url.split(":///", 1)[1])


def remove_sqlite(url: str) -> None:
    """A fresh SQLite database: the file and its WAL removed (PostgreSQL is emptied by init_database(force=True))."""
    path = sqlite_file(url)
    if path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_kb(exact: bool) -> int:
    if exact:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@dataclass
class Measure:
    label: str
    wall: float = 0.0
    cpu: float = 0.0
    peak_mb: float = 0.0
    load: str = ""
    peak_exact: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        peak = "peak RSS" if self.peak_exact else "peak RSS of the process so far"
        return f"{self.label}: {self.wall:.2f} s (CPU {self.cpu:.2f} s), {peak} {self.peak_mb:.0f} MB, load {self.load}"


@contextmanager
def measure(label: str) -> Iterator[Measure]:
    """Wall time, CPU time of the process (every thread: the driver's too) and peak RSS of the block."""
    result = Measure(label, load=loadavg())
    result.peak_exact = _reset_peak()
    start, cpu = time.perf_counter(), time.process_time()
    try:
        yield result
    finally:
        result.wall = time.perf_counter() - start
        result.cpu = time.process_time() - cpu
        result.peak_mb = _peak_kb(result.peak_exact) / 1024


def median_of(runs: int, step: Callable[[int], Measure]) -> tuple[Measure, list[Measure]]:
    """Run `step(i)` `runs` times; the run with the median wall time, and all runs."""
    results = [step(i) for i in range(max(1, runs))]
    middle = statistics.median_low([r.wall for r in results])
    return next(r for r in results if r.wall == middle), results


def os_user() -> str:
    return os.environ.get("USER", "admin")


# sample names for the import benchmarks (Danish, Dutch and Norwegian letters on purpose)
FIRST = [
    "Anna",
    "Bo",
    "Carla",
    "Dirk",
    "Eva",
    "Frederik",
    "Greta",
    "Hans",
    "Ida",
    "Jens",
    "Karin",
    "Lars",
    "Mette",
    "Niels",
    "Olga",
    "Peter",
    "Rikke",
    "Søren",
    "Tove",
    "Ulla",
    "Vibeke",
    "Willem",
    "Øystein",
    "Åse",
]
LAST = [
    "Andersen",
    "Berg",
    "Christensen",
    "de Vries",
    "Eriksen",
    "Fischer",
    "Hansen",
    "Jansen",
    "Johansen",
    "Larsen",
    "Madsen",
    "Nielsen",
    "Olsen",
    "Pedersen",
    "Rasmussen",
    "Sørensen",
    "Thomsen",
    "van Dijk",
    "Visser",
    "Aas",
]
WORDS = ["Nordic", "Blue", "North", "Atlas", "Delta", "Fjord", "Green", "Harbour", "Polar", "Summit", "Tulip", "Viking"]
