"""Plain option values converted without pydantic give what Typer's own converter gives.

:mod:`kintrace.cli.plain_options` handles the plain values of ``kintrace dvi``'s options itself
and hands every other value to the converter Typer builds; the value, its type and every error
message must be Typer's, whichever path a value takes.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param

from kintrace.cli.lazy import load_command
from kintrace.cli.main import COMMANDS
from kintrace.cli.plain_options import PlainCommand, PlainParam


def _command() -> Any:
    command = load_command("dvi", COMMANDS["dvi"].target, COMMANDS["dvi"].plain_options)
    assert isinstance(command, PlainCommand)
    return command


COMMAND = _command()
PARAMS = {p.name: p for p in COMMAND.params}


def _outcome(convert: Any, value: Any, param: Any) -> tuple[str, Any]:
    ctx = Context(COMMAND)
    try:
        result = convert(value, param, ctx)
    except BadParameter as error:
        return "error", error.format_message()
    if isinstance(result, float):
        return type(result).__name__, "nan" if math.isnan(result) else repr(result)
    return type(result).__name__, result


def assert_same(name: str, value: Any) -> None:
    param = PARAMS[name]
    plain = param.get_runtime_param()
    assert isinstance(plain, PlainParam)
    typers = build_runtime_param(param.type_descriptor)
    assert _outcome(plain._coerce_value, value, param) == _outcome(
        typers._coerce_value, value, param
    ), (name, value)


def test_every_plain_option_of_dvi_is_converted_plainly() -> None:
    kinds = {name: type(p.get_runtime_param()).__name__ for name, p in PARAMS.items()}
    assert set(kinds.values()) == {"PlainParam"}, kinds
    ctx = Context(COMMAND)
    assert isinstance(COMMAND.get_help_option(ctx).get_runtime_param(), PlainParam)


NUMBERS = [
    "1e4", "10000", "1", "0", "-0", "00", "007", "1.", ".5", "-.5", "1.5e-3", "1E+4", "+1",
    "1_000", " 1", "1 ", "inf", "-inf", "nan", "NaN", "Infinity", "1e400", "-1e400", "1e-400",
    "0x10", "", "-", "e5", "1e", "1.2.3", "abc", "٣", "１", "12345678901234567890", "-1", "-7",
    "0.1", "3.0", "2", "1" * 30, "1" * 30 + ".5", "9" * 18, "9" * 19, "1e308",
    "1.7976931348623157e308", "4.9e-324", "2.4703282292062328e-324",
    "0.1000000000000000055511151231257827",
]  # fmt: skip
TEXTS = [
    "equal:rate=0.001",
    "",
    " ",
    "-",
    "a b",
    "ü",
    "\udcff",
    "a\x00b",
    "\n",
    "日本",
    "\u200b",
]
PATHS = [
    "out.json",
    "/tmp",
    "/nonexistent/x.json",
    "a//b",
    "a/",
    "./a",
    ".",
    "",
    "-",
    "~/x",
    "\udcff.ped",
    "a\x00b",
    "/",
    "//x",
    "x/../y",
    "ü.ped",
    " a",
    "a ",
]


@pytest.mark.parametrize("value", NUMBERS + [1e4, 0.5, float("inf"), 3, True, None])
def test_floats_are_typers(value: Any) -> None:
    assert_same("threshold", value)
    assert_same("max_chance", value)


@pytest.mark.parametrize("value", NUMBERS + [2, 0, -1, 1, 2.0, 2.5, True])
def test_integers_with_bounds_are_typers(value: Any) -> None:
    assert_same("max_incompatible", value)  # min 0
    assert_same("top", value)  # min 1


@pytest.mark.parametrize("value", TEXTS + [3, b"x"])
def test_strings_are_typers(value: Any) -> None:
    assert_same("mutation", value)


@pytest.mark.parametrize("value", PATHS + [Path("x"), 3])
def test_paths_are_typers(value: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out.json").write_text("{}", encoding="utf-8")
    assert_same("families", value)
    assert_same("json_out", value)


def test_an_unreadable_path_is_typers_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked.ped"
    locked.write_text("x", encoding="utf-8")
    locked.chmod(0)
    try:
        assert_same("families", str(locked))
        assert_same("families", str(tmp_path) + "//locked.ped")
    finally:
        locked.chmod(0o600)


@pytest.mark.parametrize("value", [True, False, "true", "no", "", None, 1])
def test_flags_are_typers(value: Any) -> None:
    assert_same("suggest", value)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=12),
        st.from_regex(r"-?[0-9]{0,20}(\.[0-9]{0,20})?([eE][+-]?[0-9]{1,4})?", fullmatch=True),
    )
)  # noqa: E501
def test_any_text_is_typers(value: str) -> None:
    for name in ("threshold", "top", "max_incompatible", "mutation", "json_out"):
        assert_same(name, value)


def test_kintrace_dvi_runs_without_importing_pydantic(tmp_path: Path) -> None:
    (tmp_path / "f.ped").write_text(
        "family\tid\tfid\tmid\tsex\tmissing\tTH01\nF1\tFA\t0\t0\t1\t0\t12/14\n"
        "F1\tMO\t0\t0\t2\t0\t-/-\nF1\tM1\tFA\tMO\t1\t1\t-/-\n",
        encoding="utf-8",
    )
    (tmp_path / "r.ped").write_text("id\tsex\tTH01\nV1\t1\t12/13\n", encoding="utf-8")
    (tmp_path / "q.csv").write_text(
        "marker,allele,frequency\nTH01,12,0.25\nTH01,13,0.25\nTH01,14,0.5\n", encoding="utf-8"
    )
    argv = ["dvi", "--families", "f.ped", "--remains", "r.ped", "--freqs", "q.csv",
            "--json", "out.json", "--threshold", "1e3", "--top", "5",
            "--mutation", "trivial"]  # fmt: skip
    probe = (
        f"import sys\nfrom kintrace.cli.main import app\ntry:\n    app({argv!r})\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "print('pydantic' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "COLUMNS": "100"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["identifications"]


def test_a_bad_value_gets_typers_message() -> None:
    from typer.testing import CliRunner

    from kintrace.cli.main import app

    for argv in (["--top", "0"], ["--threshold", "x"], ["--max-incompatible", "-1"]):
        result = CliRunner(env={"COLUMNS": "100"}).invoke(app, ["dvi", *argv])
        eager = typer.Typer(add_completion=False)
        eager.command("dvi")(COMMAND.callback.__wrapped__)
        reference = CliRunner(env={"COLUMNS": "100"}).invoke(eager, argv)
        assert result.exit_code == reference.exit_code == 2
        assert result.output.split("Error")[-1] == reference.output.split("Error")[-1]
