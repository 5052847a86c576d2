"""Felt speed of the command line (issue 17): whole `leadtui` processes, end to end, next to sqlite3 / psql doing the
same SQL as a whole process.

    python bench/cli_speed.py --db sqlite:////tmp/big-copy.db [--runs 7]
    python bench/cli_speed.py --db postgresql+asyncpg://postgres@127.0.0.1:5432/felt

The commands write (board move), so give a copy. For each command the SQL it sends is captured once (a run with a
cursor hook), written out with its parameters as literals and replayed by `sqlite3 FILE` / `psql` as one process;
then both are timed as whole processes (median of --runs after one warm-up). Targets: --help under 150 ms, person
show under 350 ms, board move and find --count within 3x of the same SQL run by sqlite3 / psql.

The commands run with Python's bytecode cache on (as an installed leadtui has it), whatever PYTHONDONTWRITEBYTECODE
says: compiling leadtui's own modules on every run is not what a user waits for.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = {"--help": 150.0, "person show": 350.0}
TARGET_RATIO = {"board move": 3.0, "find --count": 3.0}

# ---------------------------------------------------------------- capture mode (runs inside a leadtui process)


def _capture(out: str, argv: list[str]) -> None:
    """Run `leadtui ARGV` in this process, writing every statement sent (with its parameters) to OUT as JSON lines."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    sink = open(out, "w")  # noqa: SIM115

    def write(kind: str, sql: str = "", params: Any = None) -> None:
        sink.write(json.dumps({"kind": kind, "sql": sql, "params": params}, default=str) + "\n")
        sink.flush()

    @event.listens_for(Engine, "before_cursor_execute")
    def _sql(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if executemany:
            for one in parameters:
                write("sql", statement, list(one) if isinstance(one, (list, tuple)) else one)
        else:
            write("sql", statement, list(parameters) if isinstance(parameters, (list, tuple)) else parameters)

    @event.listens_for(Engine, "begin")
    def _begin(conn: Any) -> None:
        if conn.dialect.name != "sqlite":  # SQLite sends its own BEGIN (model/engine.py), captured above
            write("begin")

    @event.listens_for(Engine, "commit")
    def _commit(conn: Any) -> None:
        write("commit")

    @event.listens_for(Engine, "rollback")
    def _rollback(conn: Any) -> None:
        write("rollback")

    from leadtui.cli import main

    main(argv)


# ---------------------------------------------------------------- the replay script


def _literal(value: Any, pg: bool) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return ("true" if value else "false") if pg else str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):  # an array parameter (PostgreSQL: = ANY ($1::INTEGER[]))
        return "'{" + ",".join('"' + str(item).replace('"', '\\"') + '"' for item in value) + "}'"
    return "'" + str(value).replace("'", "''") + "'"


def _bind(sql: str, params: Any, pg: bool) -> str:
    """The statement with its parameters written in as literals."""
    if isinstance(params, dict):
        return re.sub(r":(\w+)", lambda m: _literal(params[m.group(1)], pg), sql)
    if pg:
        # asyncpg's casts ($1::INTEGER[]) stay: they type the literal as they typed the parameter
        return re.sub(r"\$(\d+)", lambda m: _literal(params[int(m.group(1)) - 1], pg), sql)
    values = iter(params)
    return re.sub(r"\?", lambda _m: _literal(next(values), pg), sql)


def _script(capture: Path, pg: bool) -> str:
    lines = [] if pg else ["PRAGMA busy_timeout = 15000;", "PRAGMA foreign_keys = ON;", "PRAGMA synchronous = NORMAL;"]
    open_tx = False
    for raw in capture.read_text().splitlines():
        item = json.loads(raw)
        kind = item["kind"]
        if kind == "begin":
            lines.append("BEGIN;")
            open_tx = True
            continue
        if kind in ("commit", "rollback"):
            if open_tx:
                lines.append(kind.upper() + ";")
            open_tx = False
            continue
        sql, params = item["sql"].strip().rstrip(";"), item["params"]
        if sql.upper().startswith("BEGIN"):
            open_tx = True
        if params:
            sql = _bind(sql, params, pg)
        lines.append(sql + ";")
    if open_tx:
        lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- timing


CODE = [ROOT]  # the leadtui source tree the commands run (--code)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(CODE[0]) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(cmds: list[list[str]], runs: int, *, stdin: str | None = None) -> tuple[float, float]:
    """Median wall and CPU (user + system) time in ms of `runs` whole processes, after one warm-up run; the
    commands are taken in turn (board move goes there and back). CPU time is what a loaded machine distorts least."""
    walls, cpus = [], []
    for index in range(runs + 1):
        cmd = cmds[index % len(cmds)]
        cpu, started = _cpu(), time.perf_counter()
        done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=_env())
        elapsed = (time.perf_counter() - started) * 1000
        if done.returncode != 0:
            raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr}")
        if index:
            walls.append(elapsed)
            cpus.append((_cpu() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def _raw_cmd(url: str) -> list[str]:
    if url.startswith("postgresql"):
        plain = "postgresql://" + url.split("://", 1)[1]
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", plain]
    return ["sqlite3", url.split(":///", 1)[1]]


def _query(url: str, sql: str) -> list[str]:
    cmd = _raw_cmd(url)
    if url.startswith("postgresql"):
        cmd += ["-A", "-t", "-c", sql]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    else:
        out = subprocess.run([*cmd, sql], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line.strip()]


def _url(given: str) -> str:
    if given.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + given.split(":///", 1)[1]
    if given.startswith("postgresql://") or given.startswith("postgres://"):
        return "postgresql+asyncpg://" + given.split("://", 1)[1]
    if "://" not in given:
        return "sqlite+aiosqlite:///" + str(Path(given).resolve())
    return given


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--capture":
        _capture(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, metavar="URL", help="a copy: board move writes")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--user", help="login (default: the first active administrator)")
    parser.add_argument(
        "--code", type=Path, help="the leadtui source tree to run (e.g. `git archive` of an older commit)"
    )
    args = parser.parse_args()
    if args.code:
        CODE[0] = args.code.resolve()
    url = _url(args.db)
    pg = url.startswith("postgresql")
    user = (
        args.user
        or _query(url, "SELECT login FROM associate WHERE role = 'administrator' AND active ORDER BY id LIMIT 1")[0]
    )
    contact = _query(
        url,
        "SELECT c.id FROM contact c JOIN company co ON co.id = c.company_id JOIN category ca ON ca.id = co.category_id"
        " WHERE c.lead_status_id IS NOT NULL AND ca.enable_lead_status AND c.deleted_at IS NULL"
        " AND co.deleted_at IS NULL ORDER BY c.id LIMIT 1",
    )[0]
    statuses = _query(url, "SELECT name FROM lead_status ORDER BY rank LIMIT 2")
    base = [sys.executable, "-m", "leadtui", "--db", url, "--user", user, "--lang", "en"]
    commands = {
        "--help": ["--help"],
        "person show": ["person", "show", contact],
        "board move": ["board", "move", "--target", "person", contact, statuses[0]],
        "find --count": ["find", "person", "--where", f"lead_status:one_of:{statuses[1]}", "--count"],
    }
    print(
        f"{'PostgreSQL' if pg else 'SQLite'} {args.db}: contact {contact}, user {user}, runs {args.runs}, code {CODE[0]}"
    )
    print(f"load before: {loadavg()}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="cli-speed-") as folder:
        # the board move goes back and forth between two statuses so that every run moves the card
        there_and_back = [base + commands["board move"][:-1] + [status] for status in reversed(statuses)]
        for name, argv in commands.items():
            raw_ms = raw_cpu = statements = None
            if name != "--help":
                capture = Path(folder) / f"{name.replace(' ', '_')}.jsonl"
                if name == "board move":
                    subprocess.run(there_and_back[0], capture_output=True, env=_env(), check=True)
                done = subprocess.run(
                    [sys.executable, __file__, "--capture", str(capture), "--db", url, "--user", user, *argv],
                    capture_output=True,
                    text=True,
                    env=_env(),
                )
                if done.returncode != 0:
                    raise SystemExit(f"capture of {name} failed: {done.stderr}")
                script = _script(capture, pg)
                (Path(folder) / f"{name.replace(' ', '_')}.sql").write_text(script)
                statements = script.count(";\n")
                raw_ms, raw_cpu = _time([_raw_cmd(url)], args.runs, stdin=script)
            cmds = there_and_back if name == "board move" else [base + argv]
            ms, cpu = _time(cmds, args.runs)
            rows.append((name, ms, cpu, raw_ms, raw_cpu, statements))
            # keep the replayed scripts for a look: the last one stays in the temporary folder only
        print()
        header = f"{'command':<14} {'leadtui ms':>10} {'(CPU)':>6} {'raw ms':>7} {'(CPU)':>6} {'ratio':>6} {'stmts':>5}  target"
        print(header)
        print("-" * len(header))
        for name, ms, cpu, raw_ms, raw_cpu, statements in rows:
            ratio = f"{ms / raw_ms:.1f}x" if raw_ms else "-"
            if name in TARGET_MS:
                target = f"< {TARGET_MS[name]:.0f} ms: {'ok' if ms < TARGET_MS[name] else 'MISSED'}"
            else:
                met = raw_ms and ms <= TARGET_RATIO[name] * raw_ms
                target = f"<= {TARGET_RATIO[name]:.0f}x: {'ok' if met else 'MISSED'}"
            raw = f"{raw_ms:>7.0f} {raw_cpu:>6.0f}" if raw_ms else f"{'-':>7} {'-':>6}"
            print(f"{name:<14} {ms:>10.0f} {cpu:>6.0f} {raw} {ratio:>6} {statements or '-':>5}  {target}")
    py_ms, py_cpu = _time([[sys.executable, "-c", "pass"]], args.runs)
    print(f"\n(python -c pass: {py_ms:.0f} ms, CPU {py_cpu:.0f} ms)  load after: {loadavg()}")


if __name__ == "__main__":
    main()
