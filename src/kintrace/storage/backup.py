"""Backup and restore: a consistent, engine-neutral, checked copy of the database and attachments.

A backup is a ``.tar.gz`` holding one ``tables/<name>.jsonl`` per table (read inside one
transaction, so the copy is consistent even while the app writes), ``attachments/<sha256>`` and,
last, ``manifest.json``: format, schema revision, and for each table the rows written and the
SHA-256 of its file (an attachment is named by its own SHA-256). Because rows are plain JSON, a
backup of a SQLite instance restores into PostgreSQL and back.

Restore checks everything before it writes anything: it reads the whole gzip stream (its
trailer's CRC included), every file's checksum and the manifest's shape. It then writes every
table in one transaction, counts the rows in the database before committing, and moves the
attachments into the store only once all that has passed; a failure leaves the instance as it
was. Each problem is one line naming the backup and the file or table.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError

from kintrace.errors import Conflict, InvalidInput, SourceFormatError
from kintrace.storage.files import FileStore
from kintrace.storage.tables import AccountToken, Attachment, Base, SignInThrottle, WebSession
from kintrace.storage.token_tables import ApiToken

NOT_BACKED_UP = frozenset(
    {
        WebSession.__tablename__,
        SignInThrottle.__tablename__,
        AccountToken.__tablename__,
        ApiToken.__tablename__,
    }
)
"""Tables of the running instance's own state: sign-in sessions, throttles, e-mail links,
partners' API tokens.

A restored instance must not bring back sessions that were live when the backup was made
(their cookies would work again), nor a lockout or a wait that has nothing to do with it,
nor an API token revoked since (a credential, like a session): administrators issue new
tokens to the partners after a restore.
"""


def _kept_tables() -> list[Table]:
    """The tables a backup holds, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_BACKED_UP]


FORMAT = "kintrace-backup/2"
UNCHECKED_FORMAT = "kintrace-backup/1"
"""Backups before checksums: restored with a warning (the gzip CRC still guards every byte)."""

_CHUNK = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _refuse_target(engine: Engine, files: FileStore, target: Path) -> None:
    """Refuse a target that exists or lies on the instance's own files."""
    if target.exists() or target.is_symlink():
        raise InvalidInput(
            f"{target} already exists; a backup never overwrites a file: choose a new name"
        )
    if not target.parent.is_dir():
        raise InvalidInput(f"{target}: the folder {target.parent} does not exist")
    where = target.parent.resolve() / target.name
    if where.is_relative_to(files.root.resolve()):
        raise InvalidInput(
            f"{target} lies inside the instance's attachments folder; choose another"
        )
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        own = Path(database).resolve()
        if where.parent == own.parent and where.name.startswith(own.name):
            raise InvalidInput(f"{target} is the instance's own database file; choose another")


def backup(
    engine: Engine, files: FileStore, target: Path, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Write a consistent copy of the database and its attachments to a new file ``target``.

    The archive is written beside the target and moved there only when complete; an
    existing file is never overwritten.
    """
    _refuse_target(engine, files, target)
    tables: dict[str, dict[str, Any]] = {}
    hashes: list[str] = []
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as tar, engine.connect() as conn:
                _read_snapshot(conn)
                revision = MigrationContext.configure(conn).get_current_revision()
                for table in _kept_tables():
                    progress(table.name)
                    data, rows = _table_bytes(conn, table)
                    tables[table.name] = {"rows": rows, "sha256": hashlib.sha256(data).hexdigest()}
                    _add_bytes(tar, f"tables/{table.name}.jsonl", data)
                    if table.name == Attachment.__tablename__:
                        hashes = [
                            row["sha256"] for row in map(json.loads, data.splitlines()) if row
                        ]
                for digest in hashes:
                    content = files.get(digest)
                    if hashlib.sha256(content).hexdigest() != digest:
                        raise Conflict(
                            f"attachment {digest} in the store is damaged; no backup written"
                        )
                    _add_bytes(tar, f"attachments/{digest}", content)
                manifest = {
                    "format": FORMAT,
                    "created_at": datetime.now().isoformat(timespec="seconds"),
                    "schema_revision": revision,
                    "dialect": conn.dialect.name,
                    "tables": tables,
                    "attachments": hashes,
                }
                _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
            raw.flush()
            os.fsync(raw.fileno())
        try:
            os.link(partial, target)  # fails if the target appeared meanwhile: never overwrite
        except FileExistsError:
            raise InvalidInput(
                f"{target} already exists; a backup never overwrites a file: choose a new name"
            ) from None
    finally:
        Path(partial).unlink(missing_ok=True)
    return manifest


def _read_snapshot(conn: Connection) -> None:
    """Make every read on ``conn`` see one snapshot of the database."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
    elif conn.dialect.name == "sqlite":
        # pysqlite opens no transaction for reads; without one each SELECT sees the latest data
        conn.exec_driver_sql("BEGIN")


def _table_bytes(conn: Connection, table: Table) -> tuple[bytes, int]:
    lines = [
        json.dumps({k: _to_json(v) for k, v in row._mapping.items()}, ensure_ascii=False)
        for row in conn.execute(select(table).order_by(*table.primary_key.columns))
    ]
    return "\n".join(lines).encode(), len(lines)


# --- restore -------------------------------------------------------------------------------


def restore(
    engine: Engine, files: FileStore, source: Path, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Restore a backup into an empty, migrated instance; refuse a non-empty one.

    Returns the manifest with ``tables`` holding the rows counted in the database after the
    write and ``warnings`` (an old backup without checksums). All or nothing: any problem
    leaves the database and the attachments store as they were.
    """
    files.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".kintrace-restore-", dir=files.root.parent) as work:
        staged = Path(work)
        progress("checking")
        digests = _unpack(source, staged)
        manifest, warnings = _check_manifest(source, staged, digests)
        counts: dict[str, int] = {}
        added: list[str] = []
        try:
            with engine.begin() as conn:
                _check_instance(conn, source, manifest)
                for table in _kept_tables():
                    progress(table.name)
                    counts[table.name] = _write_table(conn, table, staged, source, manifest)
                for digest in manifest["attachments"]:
                    if files.adopt(staged / "attachments" / digest, digest):
                        added.append(digest)
        except BaseException:
            for digest in added:  # the transaction rolled back: so do the files it brought
                files.path_of(digest).unlink(missing_ok=True)
            raise
    return {**manifest, "tables": counts, "warnings": warnings}


def _member_target(name: str, staged: Path) -> Path | None:
    """Where a member of the archive is unpacked (None: not a name a backup holds)."""
    known = {f"tables/{t.name}.jsonl" for t in _kept_tables()}
    if name == "manifest.json" or name in known:
        return staged / name
    folder, _, digest = name.partition("/")
    if folder == "attachments" and _SHA256.fullmatch(digest):
        return staged / name
    return None


def _unpack(source: Path, staged: Path) -> dict[str, str]:
    """Read the whole archive, trailer included, into ``staged``; return each file's SHA-256."""
    digests: dict[str, str] = {}
    for folder in ("tables", "attachments"):
        (staged / folder).mkdir()
    try:
        with gzip.open(source, "rb") as stream:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for member in tar:
                    target = _member_target(member.name, staged)
                    if target is None or not member.isfile() or member.name in digests:
                        raise SourceFormatError(
                            f"{source}: not a kintrace backup (unexpected entry {member.name!r})"
                        )
                    handle = tar.extractfile(member)
                    assert handle is not None  # a regular file always has content
                    digests[member.name] = _copy_hashing(handle, target)
            while stream.read(_CHUNK):  # the rest of the stream: gzip checks its CRC at the end
                pass
    except FileNotFoundError:
        raise SourceFormatError(f"{source}: no such file") from None
    except (OSError, EOFError, zlib.error, tarfile.TarError) as error:
        raise SourceFormatError(
            f"{source}: the backup is damaged or cut short, nothing was restored "
            f"({type(error).__name__}: {error or 'end of file too early'})"
        ) from error
    return digests


def _copy_hashing(handle: IO[bytes], target: Path) -> str:
    digest = hashlib.sha256()
    with target.open("wb") as out:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _check_manifest(
    source: Path, staged: Path, digests: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """Check the manifest's shape and every file's checksum; return it and any warnings."""
    where = f"{source}: manifest.json"
    if "manifest.json" not in digests:
        raise SourceFormatError(f"{source}: not a kintrace backup (no manifest.json)")
    try:
        manifest = json.loads((staged / "manifest.json").read_bytes())
    except (ValueError, UnicodeDecodeError) as error:
        raise SourceFormatError(f"{where}: not valid JSON ({error})") from error
    if not isinstance(manifest, dict):
        raise SourceFormatError(f"{where}: not a JSON object")
    kind = manifest.get("format")
    if kind not in (FORMAT, UNCHECKED_FORMAT):
        raise SourceFormatError(f"{where}: unknown backup format {kind!r}")
    revision = manifest.get("schema_revision")
    if revision is not None and not isinstance(revision, str):
        raise SourceFormatError(f"{where}: schema_revision is not a revision")
    tables = manifest.get("tables")
    if not isinstance(tables, dict):
        raise SourceFormatError(f"{where}: no table list")
    problems: list[str] = []
    for name in (t.name for t in _kept_tables()):
        entry = tables.get(name)
        if kind == UNCHECKED_FORMAT:
            entry = {"rows": entry, "sha256": None}
        if not isinstance(entry, dict) or not _is_count(entry.get("rows")):
            problems.append(f"{where}: no row count for table {name}")
            continue
        member = f"tables/{name}.jsonl"
        if member not in digests:
            problems.append(f"{source}: table {name}: {member} is missing")
        elif kind == FORMAT and entry.get("sha256") != digests[member]:
            problems.append(f"{source}: table {name}: {member} does not match its checksum")
    attachments = manifest.get("attachments")
    if not isinstance(attachments, list) or not all(
        isinstance(d, str) and _SHA256.fullmatch(d) for d in attachments
    ):
        raise SourceFormatError(f"{where}: the attachment list is not a list of SHA-256 hashes")
    for digest in attachments:
        member = f"attachments/{digest}"
        if member not in digests:
            problems.append(f"{source}: attachment {digest} is missing")
        elif digests[member] != digest:
            problems.append(f"{source}: attachment {digest} is damaged (its checksum differs)")
    if problems:
        raise SourceFormatError(problems[0], problems)
    if kind == UNCHECKED_FORMAT:
        manifest["tables"] = {t.name: {"rows": tables[t.name]} for t in _kept_tables()}
        manifest["attachments"] = list(dict.fromkeys(attachments))
        return manifest, [
            f"{source} is an old backup without checksums: its gzip CRC, attachment hashes "
            "and row counts were checked, but not each table file"
        ]
    return manifest, []


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_instance(conn: Connection, source: Path, manifest: dict[str, Any]) -> None:
    current = MigrationContext.configure(conn).get_current_revision()
    if manifest["schema_revision"] != current:
        raise Conflict(
            f"{source}: backup schema {manifest['schema_revision']} differs from this "
            f"instance's {current}; upgrade kintrace to the backup's version first"
        )
    for table in _kept_tables():
        if conn.scalar(select(func.count()).select_from(table)):
            raise Conflict(f"restore needs an empty instance; table {table.name} has rows")


def _write_table(
    conn: Connection, table: Table, staged: Path, source: Path, manifest: dict[str, Any]
) -> int:
    """Insert one table's rows; return the rows counted in the database afterwards."""
    member = f"tables/{table.name}.jsonl"
    rows = list(_rows(table, staged / member, f"{source}: {member}"))
    expected = manifest["tables"][table.name]["rows"]
    if len(rows) != expected:
        raise SourceFormatError(
            f"{source}: table {table.name}: {member} holds {len(rows)} rows, "
            f"the manifest says {expected}"
        )
    if rows:
        try:
            _insert(conn, table, rows)
        except DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise SourceFormatError(
                f"{source}: table {table.name}: {member} cannot be written ({reason})"
            ) from error
    written = conn.scalar(select(func.count()).select_from(table)) or 0
    if written != expected:
        raise SourceFormatError(
            f"{source}: table {table.name}: {written} rows in the database after the write, "
            f"the manifest says {expected}"
        )
    return written


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    # a column that refers to its own table is filled after every row exists
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    conn.execute(insert(table), [{**r, **dict.fromkeys(self_refs)} for r in rows])
    pk = next(iter(table.primary_key.columns))
    for name in self_refs:
        for r in rows:
            if r[name] is not None:
                conn.execute(update(table).where(pk == r[pk.name]).values({name: r[name]}))
    if conn.dialect.name == "postgresql" and isinstance(pk.type, Integer):
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk.name}'), "
                f"(SELECT MAX({pk.name}) FROM {table.name}))"
            )
        )


def _rows(table: Table, path: Path, where: str) -> Iterator[dict[str, Any]]:
    """Decode a table file's lines, checking each row's fields against the table."""
    columns = {column.name: column for column in table.columns}
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            at = f"{where} line {number}"
            try:
                row = json.loads(line)
            except (ValueError, UnicodeDecodeError):
                raise SourceFormatError(f"{at}: not valid JSON") from None
            if not isinstance(row, dict) or set(row) != set(columns):
                raise SourceFormatError(f"{at}: the fields are not those of table {table.name}")
            decoded: dict[str, Any] = {}
            for name, value in row.items():
                try:
                    decoded[name] = _decode(columns[name].type, value)
                except (ValueError, TypeError, binascii.Error) as error:
                    raise SourceFormatError(f"{at}, field {name}: {error}") from None
            yield decoded


def _decode(kind: Any, value: Any) -> Any:
    """Turn a JSON value back into the column's Python value, or raise ValueError."""
    if value is None or isinstance(kind, JSON):
        return value
    if isinstance(kind, DateTime | Date | LargeBinary):
        return _parse(kind, value)
    if isinstance(kind, Boolean):
        return _of(bool, value, "true or false")
    if isinstance(kind, Integer):
        if isinstance(value, bool):
            raise ValueError("not a whole number")
        return _of(int, value, "a whole number")
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("not a number")
        return value
    if isinstance(kind, String):
        return _of(str, value, "text")
    return value


def _parse(kind: Any, value: Any) -> Any:
    what = (
        "a date and time (ISO 8601)"
        if isinstance(kind, DateTime)
        else "a date (YYYY-MM-DD)"
        if isinstance(kind, Date)
        else "base64 text"
    )
    try:
        if isinstance(kind, DateTime):
            return datetime.fromisoformat(_of(str, value, what))
        if isinstance(kind, Date):
            return date.fromisoformat(_of(str, value, what))
        return base64.b64decode(_of(str, value, what), validate=True)
    except (ValueError, binascii.Error):
        raise ValueError(f"not {what}") from None


def _of(kind: type[Any], value: Any, what: str) -> Any:
    if not isinstance(value, kind):
        raise ValueError(f"not {what}")
    return value
