"""Load: the case page, the search and the worklist under many concurrent users, on PostgreSQL.

Usage: ``uv run python benchmarks/bench_load.py [PERSONS] [USERS] [SECONDS] [WORKERS]``
(default 1000000 100 30 1). Builds a PostgreSQL database of its own (``KINTRACE_TEST_PG_URL``,
default the local server) with PERSONS persons spread over 25 regional desks, each with a
current assessment (statuses and flags spread as in a real caseload), and a tenth of them with
a report; signs in an analyst and a desk operator per region; serves the app with uvicorn in a
process of its own (WORKERS worker processes, as ``kintrace serve --workers`` runs them, but
without the scheduled jobs); then USERS threads, each a user
with a kept-alive connection, ask for pages for SECONDS: a person's case page (half of the
requests), a search by surname (a quarter) and a page of the worklist (a quarter), as analysts
and desks. Prints requests per second and the 50th, 95th and 99th percentile of the time to
the whole answer, per page and overall, and the errors, then the CPU time that the app's
server, PostgreSQL (all of its processes) and the load's users each used per request. The load
runs on the same machine as the server: on 2 cores the figures are those of one core serving.

``THINK_S=1-3``: each user pauses between pages, a time drawn evenly between 1 and 3 s (``2``:
always 2 s), as people read a page before asking for the next; without it every user asks
again the moment an answer arrives (the server saturated). ``KINTRACE_BENCH_LOAD_DB=NAME``:
the database is kept under that name and, when it exists, reused (migrated, not rebuilt; the
1,000,000 persons take a few minutes to build); drop it by hand when done.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

PG_ADMIN = os.environ.get(
    "KINTRACE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REGIONS = 25
PASSWORD = "load test password"
STATUSES = (
    ("missing", 50),
    ("captured_reported", 15),
    ("captured_confirmed", 8),
    ("dead_unrecovered", 12),
    ("returned", 6),
    ("wounded", 4),
    ("identified", 3),
    ("declared_missing", 2),
)


def build(url: str, count: int) -> list[str]:
    """Fill the database; return the surnames searched for."""
    from bench_search import rows as person_rows

    from kintrace.access import Role
    from kintrace.storage.db import make_engine, migrate, session_factory, transaction
    from kintrace.storage.tables import Person, Region
    from kintrace.storage.worklist_tables import refresh_work_flags
    from kintrace.users.service import create_user, ensure_roles

    engine = make_engine(url)
    migrate(engine)
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(
            insert(Region),
            [{"code": f"R{i:02d}", "name": f"Region {i:02d}"} for i in range(1, REGIONS + 1)],
        )
        surnames: set[str] = set()
        for chunk, start in enumerate(range(0, count, 20_000)):
            rows = person_rows(min(20_000, count - start), seed=chunk)
            rng = random.Random(chunk)
            for row in rows:
                row["region_id"] = rng.randrange(1, REGIONS + 1)
            surnames.update(str(r["surname"]) for r in rows[:20])
            connection.execute(insert(Person), rows)
        weights = [w for _, w in STATUSES]
        total = sum(weights)
        cases = " ".join(
            f"WHEN (id::bigint * 7919) % {total} < {sum(weights[: i + 1])} THEN '{name}'"
            for i, (name, _) in enumerate(STATUSES)
        )
        connection.execute(
            text(
                "INSERT INTO assessments (person_id, computed_at, status, status_since, "
                "confidence, flags, supporting, contradicting, court_date, "
                "last_information_on, explanation, reason, is_current) "
                f"SELECT id, now(), CASE {cases} ELSE 'missing' END, "
                "DATE '2023-01-01' + (id % 900), 0.3 + (id % 60) / 100.0, "
                "CASE WHEN id % 11 = 0 THEN '[\"contradiction\"]'::json "
                "WHEN id % 7 = 0 THEN '[\"court_date_passed\"]'::json ELSE '[]'::json END, "
                "'[]'::json, '[]'::json, DATE '2023-07-01' + (id % 900), "
                "DATE '2023-01-01' + (id % 900), '', 'load test', true FROM persons"
            )
        )
        refresh_work_flags(connection)  # the worklist's stored flags, as write_changes keeps them
        connection.execute(
            text(
                "INSERT INTO sources (name, type, reliability, created_at) "
                "VALUES ('Load test unit commander', 'unit_commander', 'B', now())"
            )
        )
        connection.execute(
            text(
                "INSERT INTO reports (person_id, source_id, claim, observed_on, place, "
                "reliability, credibility, text, created_at) "
                "SELECT id, (SELECT max(id) FROM sources), 'missing', "
                "DATE '2023-01-01' + (id % 900), '', 'B', 3, 'last seen in a trench', now() "
                "FROM persons WHERE id % 10 = 0"
            )
        )
        connection.execute(text("ANALYZE"))
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        ensure_roles(session)
        create_user(session, username="analyst", password=PASSWORD, role=Role.ANALYST)
        for region in range(1, REGIONS + 1):
            create_user(
                session,
                username=f"desk{region:02d}",
                password=PASSWORD,
                role=Role.OPERATOR,
                region_id=region,
            )
    engine.dispose()
    print(f"built {count:,} persons in {time.perf_counter() - started:.0f} s")
    return sorted(surnames)


def serve(url: str, port: int, data_dir: str, workers: int) -> None:
    """Run the app (WORKERS uvicorn workers) until killed."""
    import uvicorn

    from kintrace.config import Settings
    from kintrace.instance import open_instance
    from kintrace.web.app import create_app
    from kintrace.web.serving import set_worker_environment, settle_collector, take_jobs_lock

    settings = Settings(database_url=url, data_dir=Path(data_dir), secret_key="x" * 48)
    instance = open_instance(settings)
    if workers == 1:
        app = create_app(instance)
        settle_collector()  # as kintrace serve does
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
        return
    take_jobs_lock(settings.data_dir)  # held here: no worker runs the scheduled jobs
    os.environ["KINTRACE_SECRET_KEY"] = settings.secret_key
    set_worker_environment(settings)
    uvicorn.run(
        "kintrace.web.serving:worker_app",
        factory=True,
        workers=workers,
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_answers(port: int, deadline: float) -> None:
    """Wait until the server answers a page (its workers are up), not only accepts."""
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/login")
            answer = connection.getresponse()
            answer.read()
            connection.close()
            if answer.status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start")
        time.sleep(0.5)


def sign_in(port: int, username: str) -> str:
    """Return the session cookie of a signed-in user."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD})
    connection.request(
        "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    answer = connection.getresponse()
    answer.read()
    cookies = [v for k, v in answer.getheaders() if k.lower() == "set-cookie"]
    connection.close()
    if answer.status != 303 or not cookies:
        raise SystemExit(f"sign-in of {username} failed: {answer.status}")
    return "; ".join(c.split(";", 1)[0] for c in cookies)


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)


def think_time(value: str) -> tuple[float, float]:
    """THINK_S as "1-3" (a pause drawn evenly between) or "2" (always); "" or "0": none."""
    low, _, high = value.strip().partition("-")
    if not low:
        return (0.0, 0.0)
    return (float(low), float(high or low))


def page_path(page: str, rng: random.Random, count: int, surnames: list[str]) -> str:
    """The address of one request of a page: ``case page``, ``search`` or ``worklist``."""
    if page == "case page":
        return f"/persons/{rng.randrange(1, count + 1)}"
    if page == "search":
        return f"/cases?q={urllib.parse.quote(rng.choice(surnames))}"
    return f"/worklist?page={rng.randrange(1, 20)}"


def user(
    port: int,
    cookie: str,
    count: int,
    surnames: list[str],
    until: float,
    seed: int,
    tally: Tally,
    think: tuple[float, float] = (0.0, 0.0),
) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie}
    if think[1]:  # people do not all arrive in the same second
        time.sleep(rng.uniform(0, think[1]))
    while time.monotonic() < until:
        pick = rng.random()
        name = "case page" if pick < 0.5 else "search" if pick < 0.75 else "worklist"
        path = page_path(name, rng, count, surnames)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            answer = connection.getresponse()
            answer.read()
            ok = answer.status in (200, 404)  # a desk asking for another region's person
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        elapsed = time.perf_counter() - started
        with tally.lock:
            tally.times[name].append(elapsed)
            if not ok:
                tally.errors[name] += 1
        if think[1]:  # a person reads the page before asking for the next
            time.sleep(min(rng.uniform(*think), max(0.0, until - time.monotonic())))
    connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(tally: Tally, seconds: float) -> None:
    everything = [t for times in tally.times.values() for t in times]
    rows = [*sorted(tally.times.items()), ("all", everything)]
    print(f"{'page':<10} {'requests':>9} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
          f" {'errors':>7}")  # fmt: skip
    for name, times in rows:
        errors = sum(tally.errors.values()) if name == "all" else tally.errors[name]
        print(
            f"{name:<10} {len(times):>9,} {len(times) / seconds:>7.1f}"
            f" {statistics.median(times) * 1000:>8.1f} {percentile(times, 0.95) * 1000:>8.1f}"
            f" {percentile(times, 0.99) * 1000:>8.1f} {errors:>7}"
        )


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far (user and system) by the app's server (the processes this one
    started), PostgreSQL (every ``postgres`` process of the machine: other jobs' queries count
    too, and a connection closed meanwhile takes its seconds with it) and this process (the
    load's users), read from ``/proc`` (Linux only: the caller checks that it is there)."""
    tick = os.sysconf("SC_CLK_TCK")
    processes: dict[int, tuple[str, int, float]] = {}  # pid: name, parent, CPU seconds
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        processes[int(entry.name)] = (name, int(fields[1]), seconds)
    me = os.getpid()
    server: set[int] = set()
    todo = [me]
    while todo:  # this process's children, theirs and so on
        parent = todo.pop()
        children = [pid for pid, (_, ppid, _) in processes.items() if ppid == parent]
        server.update(children)
        todo += children
    used = {"server": 0.0, "postgresql": 0.0, "load": 0.0}
    for pid, (name, _, seconds) in processes.items():
        if pid == me:
            used["load"] += seconds
        elif name == "postgres":
            used["postgresql"] += seconds
        elif pid in server:
            used["server"] += seconds
    return used


def searched_surnames(url: str) -> list[str]:
    """The surnames ``build`` returned, read back from a kept database (its first 20 a chunk)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT DISTINCT surname FROM persons WHERE (id - 1) % 20000 < 20")
        ).scalars()
        surnames = sorted(str(s) for s in found)
    engine.dispose()
    return surnames


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    users = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    think = think_time(os.environ.get("THINK_S", ""))
    admin_url = make_url(PG_ADMIN).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    kept = os.environ.get("KINTRACE_BENCH_LOAD_DB", "")
    name = kept or f"kintrace_bench_load_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    server: multiprocessing.Process | None = None
    try:
        if exists:
            from kintrace.storage.db import make_engine, migrate

            engine = make_engine(url)
            migrate(engine)  # a kept database gets the migrations added since it was built
            engine.dispose()
            surnames = searched_surnames(url)
            print(f"reusing database {name} (built for {count:,} persons)")
        else:
            surnames = build(url, count)
        port = free_port()
        with tempfile.TemporaryDirectory() as data_dir:
            server = multiprocessing.get_context("spawn").Process(
                # several workers: uvicorn's process starts its own, which a daemon may not
                target=serve,
                args=(url, port, data_dir, workers),
                daemon=workers == 1,
            )
            server.start()
            wait_for_answers(port, deadline=time.monotonic() + 60 * workers)
            cookies = [sign_in(port, "analyst")] + [
                sign_in(port, f"desk{r:02d}") for r in range(1, 6)
            ]
            tally = Tally()
            until = time.monotonic() + seconds
            threads = [
                threading.Thread(
                    target=user,
                    args=(port, cookies[i % len(cookies)], count, surnames, until, i, tally, think),
                )
                for i in range(users)
            ]
            cpu_before = cpu_seconds() if Path("/proc/self/stat").exists() else {}
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            pause = f"think time {think[0]:g}-{think[1]:g} s" if think[1] else "no think time"
            print(
                f"{count:,} persons, {users} concurrent users ({pause}), {elapsed:.0f} s, "
                f"{workers} worker(s), PostgreSQL; load average "
                + " ".join(f"{v:.1f}" for v in os.getloadavg())
            )
            report(tally, elapsed)
            if cpu_before:
                done = sum(len(t) for t in tally.times.values())
                spent = {k: v - cpu_before[k] for k, v in cpu_seconds().items()}
                print(
                    "CPU per request: "
                    + ", ".join(f"{k} {v / max(done, 1) * 1000:.1f} ms" for k, v in spent.items())
                    + f"; {sum(spent.values()) / elapsed:.2f} cores busy of {os.cpu_count()}"
                )
    finally:
        if server is not None:
            server.terminate()  # uvicorn stops its workers on SIGTERM
            server.join(timeout=30)
            server.kill()
            server.join()
        if not kept:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
