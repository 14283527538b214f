"""Backup and restore: a consistent, engine-neutral copy of the database and attachments.

A backup is a ``.tar.gz`` holding ``manifest.json`` (format, schema revision, row counts,
attachment hashes), one ``tables/<name>.jsonl`` per table (read inside one transaction, so
the copy is consistent even while the app writes) and ``attachments/<sha256>``. Because rows
are plain JSON, a backup of a SQLite instance restores into PostgreSQL and back.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Date,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    Table,
    func,
    insert,
    select,
    text,
    update,
)

from kintrace.errors import Conflict, SourceFormatError
from kintrace.storage.files import FileStore
from kintrace.storage.tables import Attachment, Base

FORMAT = "kintrace-backup/1"


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _from_json(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for column in table.columns:
        value = out.get(column.name)
        if value is None:
            continue
        if isinstance(column.type, DateTime):
            out[column.name] = datetime.fromisoformat(value)
        elif isinstance(column.type, Date):
            out[column.name] = date.fromisoformat(value)
        elif isinstance(column.type, LargeBinary):
            out[column.name] = base64.b64decode(value)
    return out


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def backup(
    engine: Engine, files: FileStore, target: Path, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Write a consistent copy of the database and its attachments to ``target``."""
    counts: dict[str, int] = {}
    hashes: list[str] = []
    tmp = target.with_name(target.name + ".partial")
    with engine.connect() as conn, tarfile.open(tmp, "w:gz") as tar:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        revision = MigrationContext.configure(conn).get_current_revision()
        for table in Base.metadata.sorted_tables:
            progress(table.name)
            lines = [
                json.dumps({k: _to_json(v) for k, v in row._mapping.items()}, ensure_ascii=False)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            counts[table.name] = len(lines)
            _add_bytes(tar, f"tables/{table.name}.jsonl", "\n".join(lines).encode())
            if table.name == Attachment.__tablename__:
                hashes = [json.loads(line)["sha256"] for line in lines]
        for digest in hashes:
            _add_bytes(tar, f"attachments/{digest}", files.get(digest))
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now().isoformat(timespec="seconds"),
            "schema_revision": revision,
            "dialect": conn.dialect.name,
            "tables": counts,
            "attachments": hashes,
        }
        _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
    tmp.replace(target)
    return manifest


def _read_member(tar: tarfile.TarFile, name: str, source: Path) -> bytes:
    try:
        member = tar.extractfile(name)
    except KeyError as error:
        raise SourceFormatError(f"{source}: not a kintrace backup (no {name})") from error
    if member is None:
        raise SourceFormatError(f"{source}: {name} is not a file")
    return member.read()


def restore(
    engine: Engine, files: FileStore, source: Path, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Restore a backup into an empty, migrated instance; refuse a non-empty one.

    Everything happens in one transaction: a failure leaves the instance empty.
    """
    try:
        tar = tarfile.open(source, "r:gz")  # noqa: SIM115 - closed by the with-block below
    except (OSError, tarfile.TarError) as error:
        raise SourceFormatError(f"{source}: not a readable backup ({error})") from error
    with tar:
        manifest = json.loads(_read_member(tar, "manifest.json", source))
        if manifest.get("format") != FORMAT:
            raise SourceFormatError(f"{source}: unknown backup format {manifest.get('format')!r}")
        with engine.begin() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            if manifest["schema_revision"] != current:
                raise Conflict(
                    f"{source}: backup schema {manifest['schema_revision']} differs from this "
                    f"instance's {current}; upgrade kintrace to the backup's version first"
                )
            for table in Base.metadata.sorted_tables:
                if conn.scalar(select(func.count()).select_from(table)):
                    raise Conflict(f"restore needs an empty instance; table {table.name} has rows")
            for table in Base.metadata.sorted_tables:
                progress(table.name)
                raw = _read_member(tar, f"tables/{table.name}.jsonl", source).decode()
                rows = [_from_json(table, json.loads(line)) for line in raw.splitlines() if line]
                if not rows:
                    continue
                # a column that refers to its own table is filled after every row exists
                self_refs = [
                    fk.parent.name for fk in table.foreign_keys if fk.column.table is table
                ]
                first = [{**r, **dict.fromkeys(self_refs)} for r in rows]
                conn.execute(insert(table), first)
                pk = next(iter(table.primary_key.columns))
                for name in self_refs:
                    for r in rows:
                        if r[name] is not None:
                            conn.execute(
                                update(table).where(pk == r[pk.name]).values({name: r[name]})
                            )
                if conn.dialect.name == "postgresql" and isinstance(pk.type, Integer):
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk.name}'), "
                            f"(SELECT MAX({pk.name}) FROM {table.name}))"
                        )
                    )
            for digest in manifest["attachments"]:
                data = _read_member(tar, f"attachments/{digest}", source)
                if hashlib.sha256(data).hexdigest() != digest:
                    raise SourceFormatError(f"{source}: attachment {digest} is damaged")
                files.put(data)
    return dict(manifest)
