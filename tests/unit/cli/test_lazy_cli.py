"""The ``kintrace`` command loads a command's module only when that command is used.

``kintrace --help`` must not import NumPy, SQLAlchemy, the web app... (it took 5 s when it
did), yet print exactly what Typer prints for the same commands registered the ordinary way.
Start-up times are in ``benchmarks/bench_start.py``; these tests check behaviour only.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from kintrace.cli.lazy import load_command
from kintrace.cli.main import COMMANDS, app, main

HEAVY = {
    "sqlalchemy", "splink", "fastapi", "numpy", "fpdf", "openpyxl", "duckdb", "pandas",
    "pydantic", "pydantic_settings", "alembic", "uvicorn", "scipy", "matplotlib", "jinja2",
}  # fmt: skip
WIDTH = "100"
TYPER_USES = {"pydantic"}
"""Typer itself imports pydantic to convert a command's parameters, once a command is built."""


def _modules_after(code: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; return the heavy and kintrace modules then imported."""
    probe = (
        f"{code}\n"
        "import json, sys\n"
        "print(json.dumps({'heavy': sorted({m.split('.')[0] for m in sys.modules} & "
        f"set({sorted(HEAVY)!r})), 'rich': sorted(m for m in sys.modules if m in "
        "('rich.markdown', 'rich.traceback')), 'cli': sorted(m for m in sys.modules "
        "if m.startswith('kintrace.cli.'))}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": WIDTH},
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_importing_the_cli_imports_no_heavy_module() -> None:
    seen = _modules_after("import kintrace.cli.main")
    assert seen["heavy"] == []
    assert seen["cli"] == ["kintrace.cli.lazy", "kintrace.cli.main", "kintrace.cli.plain_options"]


def test_help_lists_every_command_without_importing_one() -> None:
    seen = _modules_after(
        "from kintrace.cli.main import app\ntry:\n    app(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert seen["heavy"] == []
    assert seen["rich"] == []  # Typer's rich help loaded without Markdown and tracebacks
    assert seen["cli"] == ["kintrace.cli.lazy", "kintrace.cli.main", "kintrace.cli.plain_options"]


@pytest.mark.parametrize(
    ("argv", "absent", "shared"),
    [
        # dvi reads files with the helpers it shares with kinship (kintrace.cli.kinship_inputs),
        # not the kinship command's module, and converts its options without pydantic
        (["dvi", "--help"], HEAVY - {"numpy"}, set()),
        (["kinship", "--help"], HEAVY - {"numpy"} - TYPER_USES, set()),
        (["status", "assess", "--help"], HEAVY - TYPER_USES, set()),
    ],
)
def test_a_command_imports_only_what_it_uses(
    argv: list[str], absent: set[str], shared: set[str]
) -> None:
    seen = _modules_after(
        f"from kintrace.cli.main import app\ntry:\n    app({argv!r})\nexcept SystemExit:\n    pass"
    )
    assert set(seen["heavy"]) & absent == set()
    module = COMMANDS[argv[0]].target.partition(":")[0]
    others = {e.target.partition(":")[0] for e in COMMANDS.values()} - {module} - shared
    assert module in seen["cli"]
    assert others.isdisjoint(seen["cli"])


def _first_paragraph(command: Any) -> str:
    return str(inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0])


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_table_holds_each_commands_own_short_help(name: str) -> None:
    command = load_command(name, COMMANDS[name].target)
    assert command.name == name
    assert _first_paragraph(command) == COMMANDS[name].help


def _eager_app() -> typer.Typer:
    """The same commands registered the ordinary (eager) Typer way: the reference."""
    eager = typer.Typer(
        name="kintrace",
        help=app.info.help,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    eager.callback()(main)
    for name, entry in COMMANDS.items():
        module_name, _, attr = entry.target.partition(":")
        found = getattr(__import__(module_name, fromlist=[attr]), attr)
        if isinstance(found, typer.Typer):
            eager.add_typer(found, name=name)
        else:
            eager.command(name)(found)
    return eager


def _argvs() -> list[list[str]]:
    argvs: list[list[str]] = [[], ["--help"], ["--version"], ["dv"], ["nosuch", "x"]]
    for name, entry in COMMANDS.items():
        argvs.append([name, "--help"])
        module_name, _, attr = entry.target.partition(":")
        found = getattr(__import__(module_name, fromlist=[attr]), attr)
        if isinstance(found, typer.Typer):
            argvs.append([name])
            group = typer.main.get_group(found)
            argvs += [[name, sub, "--help"] for sub in group.list_commands(None)]  # type: ignore[arg-type]
    return argvs


def test_every_help_and_error_is_what_typer_prints_for_eager_commands() -> None:
    eager = _eager_app()
    runner = CliRunner(env={"COLUMNS": WIDTH})
    argvs = _argvs()
    assert len(argvs) > 30  # every command and sub-command
    for argv in argvs:
        lazy_result = runner.invoke(app, argv)
        eager_result = runner.invoke(eager, argv)
        assert lazy_result.exit_code == eager_result.exit_code, argv
        assert lazy_result.output == eager_result.output, argv


def test_a_misspelt_command_gets_a_suggestion() -> None:
    result = CliRunner(env={"COLUMNS": WIDTH}).invoke(app, ["kinshp"])
    assert result.exit_code == 2
    assert "Did you mean 'kinship'?" in result.output


def test_the_help_printed_by_a_fresh_process_is_typers_own() -> None:
    """The subprocess prints with the rich stand-ins; this process with the real modules."""
    fresh = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kintrace.cli.main import app; app(['--help'], prog_name='kintrace')",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": WIDTH},
    )
    eager = CliRunner(env={"COLUMNS": WIDTH}).invoke(_eager_app(), ["--help"])
    assert fresh.returncode == 0 == eager.exit_code
    assert "dvi" in fresh.stdout
    assert fresh.stdout == eager.output


def test_the_rich_stand_ins_give_the_real_classes_when_used() -> None:
    code = (
        "from kintrace.cli.lazy import import_rich_help\n"
        "import_rich_help()\n"
        "import sys, typer.rich_utils as r\n"
        "assert 'rich.markdown' not in sys.modules and 'rich.traceback' not in sys.modules\n"
        "import rich.markdown, rich.traceback\n"
        "assert type(r.Markdown('**x**')) is rich.markdown.Markdown\n"
        "assert r.Traceback.from_exception == rich.traceback.Traceback.from_exception\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr


def test_dvi_imports_neither_the_screens_nor_their_threads() -> None:
    """``kintrace dvi`` builds the family tables of kintrace.kinship.search, not its screens:
    the pruned screen, the screening module and concurrent.futures load only with them."""
    probe = (
        "from kintrace.cli.main import app\ntry:\n    app(['dvi', '--help'])\n"
        "except SystemExit:\n    pass\nimport sys\n"
        "print(sorted(m for m in ('concurrent.futures', 'kintrace.kinship.pruning', "
        "'kintrace.kinship.screening', 'kintrace.kinship.search') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "['kintrace.kinship.search']"
