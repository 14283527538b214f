"""Benchmark: how fast every ``kintrace`` command starts (prints the figures).

Run: ``uv run python benchmarks/bench_start.py [REPEAT]`` (default 5). Runs ``kintrace --help``
and ``kintrace COMMAND --help`` for every command and sub-command, each REPEAT times in a new
process, as a user runs them (the ``kintrace`` script of this environment), and prints the
median wall time and the median CPU time (user + system) of the process. The CPU time is the
steadier figure on a shared machine: other processes lengthen the wall time, not the CPU time.
Also lists which heavy packages each command's ``--help`` imports.

Aim (issue 17): ``kintrace --help`` <= 0.3 s. Before the lazy command table
(:mod:`kintrace.cli.lazy`) every command imported every other one: ``kintrace --help`` took
about 5 s (4.4 s of CPU time).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEAVY = (
    "numpy", "scipy", "sqlalchemy", "pydantic_settings", "alembic", "fastapi", "uvicorn",
    "splink", "duckdb", "pandas", "openpyxl", "fpdf", "matplotlib", "jinja2", "statsmodels",
)  # fmt: skip


def kintrace() -> list[str]:
    """The ``kintrace`` script next to this interpreter, else ``python -c`` running the app."""
    script = Path(sys.executable).with_name("kintrace")
    if script.exists():
        return [str(script)]
    found = shutil.which("kintrace")
    if found:
        return [found]
    return [sys.executable, "-c", "from kintrace.cli.main import app; app(prog_name='kintrace')"]


def timed(argv: list[str]) -> tuple[float, float]:
    """Run ``argv`` once; return its wall time and CPU time (user + system) in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True, env={**os.environ, "COLUMNS": "100"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def heavy_imports(args: list[str]) -> list[str]:
    """The heavy packages that ``kintrace ARGS`` has imported by the time it exits."""
    probe = (
        "import atexit, json, sys\n"
        f"heavy = {HEAVY!r}\n"
        "atexit.register(lambda: print('\\nIMPORTED', json.dumps(sorted("
        "{m.split('.')[0] for m in sys.modules} & set(heavy)))))\n"
        "from kintrace.cli.main import app\n"
        f"app({args!r}, prog_name='kintrace')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("IMPORTED "):
            found: list[str] = json.loads(line.removeprefix("IMPORTED "))
            return found
    return ["?"]


def command_lines() -> list[list[str]]:
    """``[]`` (the top level), then every command and every sub-command."""
    from typer.core import TyperGroup

    from kintrace.cli.lazy import load_command
    from kintrace.cli.main import COMMANDS

    lines: list[list[str]] = [[]]
    for name, entry in COMMANDS.items():
        lines.append([name])
        command = load_command(name, entry.target)
        if isinstance(command, TyperGroup):
            lines += [[name, sub] for sub in command.list_commands(None)]  # type: ignore[arg-type]
    return lines


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    base = kintrace()
    print(f"{' '.join(base)} ... --help: median of {repeat} runs")
    print(f"{'command':<40} {'wall s':>7} {'cpu s':>7}  heavy packages imported")
    for line in command_lines():
        walls, cpus = zip(*(timed([*base, *line, "--help"]) for _ in range(repeat)), strict=True)
        label = " ".join(["kintrace", *line, "--help"])
        imported = ", ".join(heavy_imports([*line, "--help"])) or "-"
        print(
            f"{label:<40} {statistics.median(walls):7.3f} {statistics.median(cpus):7.3f}  "
            f"{imported}"
        )
    bare = [timed([sys.executable, "-c", "pass"]) for _ in range(repeat)]
    print(
        f"{'(python -c pass)':<40} {statistics.median(w for w, _ in bare):7.3f} "
        f"{statistics.median(c for _, c in bare):7.3f}"
    )


if __name__ == "__main__":
    main()
