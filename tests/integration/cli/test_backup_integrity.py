"""Backups are checked before a restore writes anything; a backup never overwrites a file."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from kintrace.cli.main import app
from kintrace.config import Settings
from kintrace.demo.load import load_demo
from kintrace.instance import open_instance
from kintrace.reports.service import attach_file
from kintrace.storage.backup import backup
from kintrace.storage.backup import restore as restore_backup
from kintrace.storage.db import transaction
from kintrace.storage.files import FileStore
from kintrace.storage.tables import Base, Report

PNG = bytes.fromhex(  # a real 2x2 image: attachments are sniffed by Pillow
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a7300000016494441"
    "54789c633cc1c5c5c0c0c0c4c0c0c0c0c000000b3800e011f4d5d60000000049454e44ae426082"
)
PDF = b"%PDF-1.4 a letter from the ministry"

Edit = Callable[[str, bytes], bytes | None]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small instance with two attachments, and its backup: (data folder, archive)."""
    folder = tmp_path_factory.mktemp("source")
    with open_instance(Settings(database_url="", data_dir=folder)) as instance:
        with transaction(instance.sessions) as session:
            load_demo(session, persons=6, seed=3)
            report = session.scalars(select(Report).order_by(Report.id)).first()
            assert report is not None
            attach_file(session, instance.files, report=report, data=PNG, filename="a.png")
            attach_file(session, instance.files, report=report, data=PDF, filename="b.pdf")
        archive = folder.parent / "source.tar.gz"
        backup(instance.engine, instance.files, archive, progress=lambda _n: None)
    return folder, archive


def members(archive: Path) -> list[tuple[str, bytes]]:
    with tarfile.open(archive) as tar:
        out = []
        for member in tar.getmembers():
            handle = tar.extractfile(member)
            out.append((member.name, handle.read() if handle else b""))
        return out


def rewrite(archive: Path, target: Path, edit: Edit, *, fix_checksums: bool = False) -> Path:
    """Copy an archive through ``edit`` (None drops a file); recompress it properly."""
    kept = [(name, data) for name, data in members(archive)]
    edited = [(n, e) for n, d in kept if (e := edit(n, d)) is not None]
    if fix_checksums:
        manifest = json.loads(dict(edited)["manifest.json"])
        for name, data in edited:
            if name.startswith("tables/"):
                table = name.removeprefix("tables/").removesuffix(".jsonl")
                manifest["tables"][table]["sha256"] = hashlib.sha256(data).hexdigest()
        edited = [
            (n, json.dumps(manifest).encode() if n == "manifest.json" else d) for n, d in edited
        ]
    with tarfile.open(target, "w:gz") as tar:
        for name, data in edited:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def restore(runner: CliRunner, archive: Path, folder: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["restore", str(archive), "--data-dir", str(folder)])
    return result.exit_code, result.stderr


def assert_nothing_written(folder: Path) -> None:
    with open_instance(Settings(database_url="", data_dir=folder)) as instance:
        with instance.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                assert conn.scalar(select(func.count()).select_from(table)) == 0, table.name
        assert [p for p in instance.files.root.rglob("*") if p.is_file()] == []


def test_a_good_backup_restores_and_reports_the_rows_counted(
    runner: CliRunner, source: tuple[Path, Path], tmp_path: Path
) -> None:
    _folder, archive = source
    result = runner.invoke(app, ["restore", str(archive), "--json", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    restored = json.loads(result.stdout)
    assert restored["tables"]["persons"] == 6
    assert restored["warnings"] == []
    assert len(restored["attachments"]) == 3  # the photo, its thumbnail and the letter


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.5, 0.7, 0.9, 0.999])
def test_a_single_bit_flip_anywhere_is_refused(
    runner: CliRunner, source: tuple[Path, Path], tmp_path: Path, fraction: float
) -> None:
    _folder, archive = source
    data = bytearray(archive.read_bytes())
    data[int(len(data) * fraction)] ^= 0x04
    flipped = tmp_path / "flipped.tar.gz"
    flipped.write_bytes(bytes(data))
    code, stderr = restore(runner, flipped, tmp_path / "b")
    assert code == 2, stderr
    assert "flipped.tar.gz" in stderr
    assert_nothing_written(tmp_path / "b")


@pytest.mark.parametrize("cut", [4, 8, 200])
def test_a_cut_archive_is_one_clear_line(
    runner: CliRunner, source: tuple[Path, Path], tmp_path: Path, cut: int
) -> None:
    _folder, archive = source
    short = tmp_path / "short.tar.gz"
    short.write_bytes(archive.read_bytes()[:-cut])
    code, stderr = restore(runner, short, tmp_path / "b")
    assert code == 2
    assert "Aborted" not in stderr
    assert "short.tar.gz" in stderr and "damaged or cut short" in stderr
    assert_nothing_written(tmp_path / "b")


def drop_a_line(name: str, data: bytes) -> bytes:
    return b"\n".join(data.split(b"\n")[1:]) if name == "tables/reports.jsonl" else data


def edit_a_value(name: str, data: bytes) -> bytes:
    return (
        data.replace(b'"missing"', b'"identified"', 1) if name == "tables/reports.jsonl" else data
    )


@pytest.mark.parametrize("edit", [drop_a_line, edit_a_value])
def test_a_changed_table_file_is_refused_by_its_checksum(
    runner: CliRunner, source: tuple[Path, Path], tmp_path: Path, edit: Edit
) -> None:
    _folder, archive = source
    changed = rewrite(archive, tmp_path / "changed.tar.gz", edit)
    code, stderr = restore(runner, changed, tmp_path / "b")
    assert code == 2
    assert "table reports" in stderr and "checksum" in stderr
    assert_nothing_written(tmp_path / "b")


def test_a_row_count_that_does_not_match_is_refused(
    runner: CliRunner, source: tuple[Path, Path], tmp_path: Path
) -> None:
    _folder, archive = source
    changed = rewrite(archive, tmp_path / "c.tar.gz", drop_a_line, fix_checksums=True)
    code, stderr = restore(runner, changed, tmp_path / "b")
    assert code == 2
    assert "table reports" in stderr and "the manifest says" in stderr
    assert_nothing_written(tmp_path / "b")


def test_a_broken_manifest_is_one_clear_line(
    runner: CliRunner, source: tuple[Path, Path], tmp_path: Path
) -> None:
    _folder, archive = source
    changed = rewrite(
        archive, tmp_path / "m.tar.gz", lambda n, d: d[:-3] if n == "manifest.json" else d
    )
    code, stderr = restore(runner, changed, tmp_path / "b")
    assert code == 2
    assert "manifest.json: not valid JSON" in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (b'"created_at": "', b'"created_at": "19xx-', "field created_at: not a date and time"),
        (b'"surname": ', b'"surname_typo": ', "the fields are not those of table persons"),
        (b'"id": 1,', b'"id": "one",', "field id: not a whole number"),
    ],
)
def test_bad_values_name_the_file_line_and_field(
    runner: CliRunner, source: tuple[Path, Path], tmp_path: Path, old: bytes, new: bytes, said: str
) -> None:
    _folder, archive = source
    first = members(archive)
    persons = dict(first)["tables/persons.jsonl"]
    assert old in persons  # the edit below really changes something

    def edit(name: str, data: bytes) -> bytes:
        return data.replace(old, new, 1) if name == "tables/persons.jsonl" else data

    changed = rewrite(archive, tmp_path / "v.tar.gz", edit, fix_checksums=True)
    code, stderr = restore(runner, changed, tmp_path / "b")
    assert code == 2, stderr
    assert "tables/persons.jsonl line 1" in stderr and said in stderr
    assert "Traceback" not in stderr
    assert_nothing_written(tmp_path / "b")


def test_a_damaged_attachment_leaves_no_attachment_behind(
    runner: CliRunner, source: tuple[Path, Path], tmp_path: Path
) -> None:
    _folder, archive = source
    names = [n for n, _ in members(archive) if n.startswith("attachments/")]
    last = names[-1]
    changed = rewrite(archive, tmp_path / "a.tar.gz", lambda n, d: b"x" + d if n == last else d)
    code, stderr = restore(runner, changed, tmp_path / "b")
    assert code == 2
    assert "damaged" in stderr and last.removeprefix("attachments/") in stderr
    assert_nothing_written(tmp_path / "b")


def test_a_failure_after_attachments_moved_in_takes_them_back(
    source: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second attachment fails after the first was moved in: the first goes, no rows stay."""
    _folder, archive = source
    real = FileStore.adopt
    calls: list[str] = []

    def adopt_then_fail(store: FileStore, path: Path, digest: str) -> bool:
        calls.append(digest)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(store, path, digest)

    monkeypatch.setattr(FileStore, "adopt", adopt_then_fail)
    target = tmp_path / "b"
    with (
        open_instance(Settings(database_url="", data_dir=target)) as instance,
        pytest.raises(OSError, match="disk full"),
    ):
        restore_backup(instance.engine, instance.files, archive, progress=lambda _n: None)
    monkeypatch.undo()
    assert len(calls) == 2
    assert_nothing_written(target)


def test_an_old_backup_without_checksums_restores_with_a_warning(
    runner: CliRunner, source: tuple[Path, Path], tmp_path: Path
) -> None:
    _folder, archive = source

    def to_v1(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["format"] = "kintrace-backup/1"
        manifest["tables"] = {t: v["rows"] for t, v in manifest["tables"].items()}
        return json.dumps(manifest).encode()

    old = rewrite(archive, tmp_path / "old.tar.gz", to_v1)
    code, stderr = restore(runner, old, tmp_path / "b")
    assert code == 0, stderr
    assert "without checksums" in stderr


def test_backup_refuses_to_overwrite_the_live_database(
    runner: CliRunner, source: tuple[Path, Path]
) -> None:
    folder, _archive = source
    database = folder / "kintrace.sqlite3"
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    result = runner.invoke(app, ["backup", str(database), "--data-dir", str(folder)])
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before


def test_backup_refuses_any_existing_file_and_the_attachments_folder(
    runner: CliRunner, source: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, _archive = source
    mine = tmp_path / "keep.tar.gz"
    mine.write_bytes(b"precious")
    result = runner.invoke(app, ["backup", str(mine), "--data-dir", str(folder)])
    assert result.exit_code == 2
    assert mine.read_bytes() == b"precious"
    inside = folder / "attachments" / "copy.tar.gz"
    result = runner.invoke(app, ["backup", str(inside), "--data-dir", str(folder)])
    assert result.exit_code == 2
    assert "attachments folder" in result.stderr
    assert not inside.exists()


def test_gzip_reads_to_its_trailer(tmp_path: Path) -> None:
    """The premise of the bit-flip checks: gzip's CRC fails only when the trailer is read."""
    data = gzip.compress(b"x" * 1000)
    damaged = data[:-8] + bytes([data[-8] ^ 1]) + data[-7:]
    with pytest.raises(gzip.BadGzipFile):
        gzip.decompress(damaged)
