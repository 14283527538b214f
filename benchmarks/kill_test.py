"""Kill test: SIGKILL `init`, `import`, `status recompute`, `backup`, `restore` at random moments.

Run: ``uv run python benchmarks/kill_test.py [TRIALS] [ENGINES] [SEED]`` (default 20 per command,
``sqlite,postgresql``, seed 1; ``KILL_TEST_COMMANDS=backup,restore`` picks commands).
Each trial starts the command on a fresh copy of a small
instance (60 demo persons, one attachment; a 1,000-row CSV for `import`), kills it with
SIGKILL at a moment drawn uniformly over the command's own run time (measured once, unkilled),
then checks the instance and runs the next command:

- SQLite ``PRAGMA integrity_check`` is ``ok``; the schema is at a recorded revision;
- every person with assessments has exactly one current assessment;
- every imported list holds as many records as it says (no half-written import);
- a killed ``restore`` left every table empty or every table complete (as its manifest says);
- a killed ``backup`` left no backup file, or one that passes restore's checks;
- no worker process outlives the killed command; no PostgreSQL session is left "idle in
  transaction";
- the same command, run again (``init`` for another administrator, ``import`` of another
  list, ``restore`` if the instance is still empty), exits 0.

The commands run in processes forked from this one after kintrace is imported, so that a kill
lands in the command's work rather than in Python's start-up. PostgreSQL:
``KINTRACE_TEST_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``);
the script creates its databases and drops them.
"""

# Imports of kintrace are inside functions: recompute's worker processes are spawned and
# re-import this file as their main module, and should not load the whole command line.
from __future__ import annotations

import os
import random
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PG = os.environ.get("KINTRACE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
COMMANDS = tuple(
    os.environ.get("KILL_TEST_COMMANDS", "init,import,recompute,backup,restore").split(",")
)
PASSWORD = "kill-test correct horse battery staple 42"


@dataclass
class Place:
    """Where one trial's instance lives."""

    url: str
    folder: Path
    pg_name: str | None = None


@dataclass
class Tally:
    kills: int = 0
    finished_first: int = 0
    problems: Counter[str] = field(default_factory=Counter)


def run_cli(argv: list[str], log: Path, kill_after: float | None = None) -> tuple[int, float]:
    """Run the command line in a forked process; kill it after ``kill_after`` s (SIGKILL).

    Returns the exit status (``-9`` when killed) and the seconds it ran.
    """
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: the command, its output into the log
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        code = 1
        try:
            from kintrace.cli.main import app

            app(args=argv, prog_name="kintrace")
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        except BaseException:  # noqa: BLE001 - the child reports any crash by its status
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    if kill_after is None:
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status), time.perf_counter() - started
    deadline = started + kill_after
    workers: set[int] = set()
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), time.perf_counter() - started
        workers |= children_of(pid)
        if time.perf_counter() >= deadline:
            break
        time.sleep(0.005)
    workers |= children_of(pid)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    run_cli.survivors = outlived(workers)  # type: ignore[attr-defined]
    return -9, time.perf_counter() - started


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def outlived(workers: set[int]) -> int:
    """Wait up to 10 s for the killed command's workers to end; kill and count the rest."""
    for _ in range(200):
        if not any(alive(p) for p in workers):
            return 0
        time.sleep(0.05)
    left = [p for p in workers if alive(p)]
    for p in left:
        os.kill(p, signal.SIGKILL)
    return len(left)


# --- instances ---------------------------------------------------------------------------


class Engine:
    """Makes instances of one engine: a base with data, an empty migrated one, a bare one."""

    def __init__(self, name: str, root: Path) -> None:
        self.name = name
        self.root = root
        self.created: list[str] = []

    def admin(self) -> Any:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        url = make_url(PG).set(drivername="postgresql+psycopg")
        return create_engine(url, isolation_level="AUTOCOMMIT")

    def pg_url(self, name: str) -> str:
        from sqlalchemy.engine import make_url

        url = make_url(PG).set(drivername="postgresql+psycopg", database=name)
        return url.render_as_string(hide_password=False)

    def bare(self, tag: str) -> Place:
        folder = self.root / f"{tag}-{uuid.uuid4().hex[:6]}"
        folder.mkdir()
        if self.name == "sqlite":
            return Place(f"sqlite:///{folder / 'kintrace.sqlite3'}", folder)
        name = f"kintrace_kill_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self._sql(f'CREATE DATABASE "{name}"')
        return Place(self.pg_url(name), folder, name)

    def copy(self, of: Place, tag: str) -> Place:
        folder = self.root / f"{tag}-{uuid.uuid4().hex[:6]}"
        shutil.copytree(of.folder, folder)
        if self.name == "sqlite":
            return Place(f"sqlite:///{folder / 'kintrace.sqlite3'}", folder)
        name = f"kintrace_kill_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self._sql(f'CREATE DATABASE "{name}" TEMPLATE "{of.pg_name}"')
        return Place(self.pg_url(name), folder, name)

    def drop(self, place: Place) -> None:
        shutil.rmtree(place.folder, ignore_errors=True)
        if place.pg_name:
            self._sql(f'DROP DATABASE IF EXISTS "{place.pg_name}" WITH (FORCE)')

    def _sql(self, statement: str) -> None:
        from sqlalchemy import text

        engine = self.admin()
        with engine.connect() as conn:
            conn.execute(text(statement))
        engine.dispose()


def build_base(engine: Engine) -> tuple[Place, Place, Path]:
    """A base instance with data, an empty migrated one, and a backup of the base."""
    from sqlalchemy import select

    from kintrace.config import Settings
    from kintrace.demo.load import load_demo
    from kintrace.instance import open_instance
    from kintrace.reports.service import attach_file
    from kintrace.storage.backup import backup
    from kintrace.storage.db import transaction
    from kintrace.storage.tables import Report

    base = engine.bare("base")
    with open_instance(Settings(database_url=base.url, data_dir=base.folder)) as instance:
        with transaction(instance.sessions) as session:
            load_demo(session, persons=60, seed=11)
            report = session.scalars(select(Report).order_by(Report.id)).first()
            assert report is not None
            png = b"\x89PNG\r\n\x1a\n" + os.urandom(4096)
            attach_file(session, instance.files, report=report, data=png, filename="a.png")
        archive = engine.root / f"base-{engine.name}.tar.gz"
        backup(instance.engine, instance.files, archive, progress=lambda _n: None)
        if engine.name == "sqlite":
            with instance.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    empty = engine.bare("empty")
    with open_instance(Settings(database_url=empty.url, data_dir=empty.folder)):
        pass
    return base, empty, archive


def write_csv(path: Path, rows: int, seed: int) -> Path:
    rng = random.Random(seed)
    surnames = ["Петров", "Иванов", "Сидоренко", "Коваль", "Шевченко", "Бондаренко", "Ткаченко"]
    given = ["Александр", "Сергей", "Олексій", "Иван", "Дмитрий", "Андрій"]
    lines = [
        "id,surname,given_name,patronymic,sex,birth_date,age,report_date,region,unit,rank,"
        "personal_number"
    ]
    for i in range(1, rows + 1):
        lines.append(
            f"{i},{rng.choice(surnames)},{rng.choice(given)},,m,"
            f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1970, 2004)},"
            f",,Курская область,в/ч {rng.randint(10000, 99999)},рядовой,"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- checks ------------------------------------------------------------------------------


def check(place: Place, command: str, archive: Path, target: Path | None) -> list[str]:
    """Return what is wrong with an instance after a kill (nothing: an empty list)."""
    from sqlalchemy import create_engine, func, inspect, select, text

    from kintrace.storage.tables import Base

    problems: list[str] = []
    engine = create_engine(place.url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                ok = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
                if ok != "ok":
                    problems.append("integrity_check")
            tables = set(inspect(conn).get_table_names())
            kintrace_tables = tables & set(Base.metadata.tables)
            if kintrace_tables and "alembic_version" not in tables:
                problems.append("tables without a schema version")
            if {"persons", "assessments"} <= tables:
                wrong = conn.execute(
                    text(
                        "SELECT count(*) FROM persons p WHERE p.merged_into_id IS NULL AND "
                        "EXISTS (SELECT 1 FROM assessments a WHERE a.person_id = p.id) AND "
                        "(SELECT count(*) FROM assessments a WHERE a.person_id = p.id "
                        "AND a.is_current) <> 1"
                    )
                ).scalar()
                if wrong:
                    problems.append("a person without exactly one current assessment")
            if {"lists", "list_records"} <= tables:
                half = conn.execute(
                    text(
                        "SELECT count(*) FROM lists l WHERE l.row_count <> "
                        "(SELECT count(*) FROM list_records r WHERE r.list_id = l.id)"
                    )
                ).scalar()
                if half:
                    problems.append("a half-written import list")
            if command == "restore":
                manifest = read_manifest(archive)
                counts = {  # the tables a backup holds (sessions and throttles are left out)
                    t.name: conn.scalar(select(func.count()).select_from(t))
                    for t in Base.metadata.sorted_tables
                    if t.name in manifest["tables"]
                }
                full = all(counts[t] == manifest["tables"][t]["rows"] for t in counts)
                if not full and any(counts.values()):
                    problems.append("a restore half written")
            if engine.dialect.name == "postgresql":
                idle = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
                    )
                ).scalar()
                if idle:
                    problems.append("a session left idle in transaction")
    finally:
        engine.dispose()
    if command == "backup" and target is not None and target.exists():
        problems.extend(check_archive(target, place.folder))
    return problems


def read_manifest(archive: Path) -> dict[str, Any]:
    import json
    import tarfile

    with tarfile.open(archive) as tar:
        handle = tar.extractfile("manifest.json")
        assert handle is not None
        result: dict[str, Any] = json.loads(handle.read())
        return result


def check_archive(target: Path, folder: Path) -> list[str]:
    from kintrace.errors import InvalidInput
    from kintrace.storage.backup import _check_manifest, _unpack

    with tempfile.TemporaryDirectory(dir=folder) as work:
        try:
            _check_manifest(target, Path(work), _unpack(target, Path(work)))
        except InvalidInput as error:
            return [f"a damaged backup file ({error})"]
    return []


def is_empty(place: Place) -> bool:
    from sqlalchemy import create_engine, func, inspect, select

    from kintrace.storage.tables import Base

    engine = create_engine(place.url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            return not any(
                conn.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables
                if t.name in tables
            )
    finally:
        engine.dispose()


# --- trials ------------------------------------------------------------------------------


def argv_of(command: str, place: Place, trial: int, csv: Path, archive: Path) -> list[str]:
    where = ["--database", place.url, "--data-dir", str(place.folder)]
    if command == "init":
        return ["init", *where, "--admin", f"admin{trial}", "--password", PASSWORD]
    if command == "import":
        return ["import", str(csv), "--list", f"list-{trial}", "--persons", *where]
    if command == "recompute":
        return ["status", "recompute", "--today", "2031-01-01", "--batch", "10",
                "--workers", "2", *where]  # fmt: skip
    if command == "backup":
        return ["backup", str(place.folder / f"backup-{trial}.tar.gz"), *where]
    return ["restore", str(archive), *where]


def fresh(engine: Engine, command: str, base: Place, empty: Place) -> Place:
    if command == "init":
        return engine.bare("init")
    if command == "restore":
        return engine.copy(empty, "restore")
    return engine.copy(base, command)


def trial(
    engine: Engine, command: str, n: int, base: Place, empty: Place, csv: Path, archive: Path,
    kill_at: float, tally: Tally, logs: Path,
) -> None:  # fmt: skip
    place = fresh(engine, command, base, empty)
    log = logs / f"{engine.name}-{command}-{n}.log"
    try:
        run_cli.survivors = 0  # type: ignore[attr-defined]
        code, _ = run_cli(argv_of(command, place, n, csv, archive), log, kill_after=kill_at)
        if code != -9:
            tally.finished_first += 1
            if code != 0:
                tally.problems["the unkilled command failed"] += 1
        else:
            tally.kills += 1
        if run_cli.survivors:  # type: ignore[attr-defined]
            tally.problems["a worker outlived the kill"] += 1
        target = place.folder / f"backup-{n}.tar.gz" if command == "backup" else None
        for problem in check(place, command, archive, target):
            tally.problems[problem] += 1
        again = argv_of(command, place, n + 1000, csv, archive)
        if command == "restore" and not is_empty(place):
            again = argv_of("backup", place, n + 1000, csv, archive)
        code, _ = run_cli(again, log)
        if code != 0:
            tally.problems["the next command failed"] += 1
            print(f"  next command failed, see {log}", flush=True)
    finally:
        engine.drop(place)


def main() -> None:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    engines = (sys.argv[2] if len(sys.argv) > 2 else "sqlite,postgresql").split(",")
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    # imported once here, so that each fork starts ready (the CLI imports a command's module
    # only when the command runs)
    import kintrace.cli.admin
    import kintrace.cli.lists
    import kintrace.cli.main
    import kintrace.cli.status
    import kintrace.instance
    import kintrace.reconciliation.bulk  # noqa: F401

    root = Path(tempfile.mkdtemp(prefix="kintrace-kill-"))
    logs = root / "logs"
    logs.mkdir()
    csv = write_csv(root / "list.csv", 1000, seed=2)
    results: dict[tuple[str, str], Tally] = {}
    started = time.perf_counter()
    try:
        for name in engines:
            engine = Engine(name, root)
            base, empty, archive = build_base(engine)
            try:
                for command in COMMANDS:
                    probe = fresh(engine, command, base, empty)
                    code, took = run_cli(
                        argv_of(command, probe, 9999, csv, archive), logs / "probe.log"
                    )
                    engine.drop(probe)
                    if code != 0:
                        raise SystemExit(
                            f"{command} failed unkilled:\n{logs / 'probe.log'}:\n"
                            + (logs / "probe.log").read_text()[-3000:]
                        )
                    tally = results[(name, command)] = Tally()
                    n = 0
                    while tally.kills < trials and n < 3 * trials:  # at least TRIALS kills
                        n += 1
                        kill_at = rng.uniform(0.0, took * 1.05)
                        trial(engine, command, n, base, empty, csv, archive, kill_at, tally, logs)
                    print(
                        f"{name:10} {command:9} run {took:5.2f} s  kills {tally.kills:3}  "
                        f"finished before the kill {tally.finished_first:2}  "
                        f"problems {dict(tally.problems) or 'none'}",
                        flush=True,
                    )
            finally:
                engine.drop(base)
                engine.drop(empty)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    bad = sum(sum(t.problems.values()) for t in results.values())
    kills = sum(t.kills for t in results.values())
    print(f"{kills} kills, {bad} problems, {time.perf_counter() - started:.0f} s")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
