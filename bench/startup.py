"""Start to first painted screen: leadtui vs a bare Textual app that shows one Static (DESIGN.md target 1.5x).

Each run is a fresh Python process that paints its first screen (headless) and exits; the figure is the wall time
of the whole process, median of N runs.

    python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.exit)
Bare().run(headless=True)
"""

LEADTUI = """
import sys
from leadtui.app import LeadApp
LeadApp(db_url=sys.argv[1], user="bench").run(headless=True)
"""


def timed(code: str, *args: str) -> float:
    env = {**os.environ, "LEADTUI_EXIT_AFTER_PAINT": "1"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, env=env, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        db = os.path.join(folder, "bench.db")
        subprocess.run(
            [sys.executable, "-m", "leadtui", "--db", db, "--user", "bench", "init"],
            check=True,
            capture_output=True,
            env={**os.environ, "LEADTUI_USER": "bench"},
        )
        timed(BARE), timed(LEADTUI, db)  # warm the file cache
        bare = statistics.median(timed(BARE) for _ in range(runs))
        lead = statistics.median(timed(LEADTUI, db) for _ in range(runs))
    print(f"bare Textual app (one Static): {bare * 1000:.0f} ms (median of {runs})")
    print(f"leadtui first paint:           {lead * 1000:.0f} ms (median of {runs})")
    print(f"ratio: {lead / bare:.2f} x (target <= 1.5 x)")


if __name__ == "__main__":
    main()
