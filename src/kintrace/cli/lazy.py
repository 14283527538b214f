"""A Typer group whose commands are imported only when they are run or asked for help.

``kintrace --help`` lists every command with its short help from a static table, without
importing a single command module (each one pulls in NumPy, SQLAlchemy, the web app...).
``kintrace dvi ...`` imports the ``dvi`` module only. The technique is click's documented
"lazy loading" of subcommands (click docs, *Complex Applications*, "Lazily Loading
Subcommands"): a group whose ``list_commands`` answers from a table and whose ``get_command``
imports ``module:attr`` on demand.

Each entry of the table names a module and an attribute in it: either a ``typer.Typer`` (a group
of sub-commands, as ``app.add_typer`` would add it) or a plain function (one command, as
``app.command(name)`` would add it). ``tests/unit/cli/test_lazy_cli.py`` checks that each entry's
short help is the one its command carries.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any, ClassVar, NamedTuple

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from kintrace.cli.plain_options import PlainCommand, PlainHelpOption

_HEAVY_RICH = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}
"""What ``typer.rich_utils`` imports but uses only for Markdown help and pretty tracebacks."""


def _stand_in(module_name: str, attr: str) -> type:
    """A class that stands for ``module_name.attr``: using it imports the real one then."""

    def real() -> Any:
        return getattr(importlib.import_module(module_name), attr)

    class Forwarding(type):
        def __getattr__(cls, name: str) -> Any:  # Traceback.from_exception(...)
            return getattr(real(), name)

        def __call__(cls, *args: Any, **kwargs: Any) -> Any:  # Markdown(text, ...)
            return real()(*args, **kwargs)

    return Forwarding(attr, (), {"__module__": module_name})


def import_rich_help() -> None:
    """Import ``typer.rich_utils`` (Typer's rich help) without rich's Markdown and traceback.

    Typer's help module imports ``rich.markdown`` (markdown-it) and ``rich.traceback``
    (Pygments) at its top, about 0.2 s of a 0.45 s ``kintrace --help``; it needs them only for
    ``rich_markup_mode="markdown"`` and pretty tracebacks, which kintrace does not use. While it
    is imported, those two modules are stand-ins whose class imports the real module the first
    time it is used; the stand-ins leave ``sys.modules`` right after, so any later
    ``import rich.markdown`` gets the real module. The help printed is the same text
    (``tests/unit/cli/test_lazy_cli.py`` compares it with Typer's own).
    """
    if "typer.rich_utils" in sys.modules:
        return
    stand_ins: dict[str, types.ModuleType] = {}
    for module_name, attr in _HEAVY_RICH.items():
        if module_name not in sys.modules:
            module = types.ModuleType(module_name, "stand-in while typer.rich_utils is imported")
            setattr(module, attr, _stand_in(module_name, attr))
            stand_ins[module_name] = module
    sys.modules.update(stand_ins)
    try:
        importlib.import_module("typer.rich_utils")
    finally:
        for module_name, module in stand_ins.items():
            if sys.modules.get(module_name) is module:
                del sys.modules[module_name]


class Lazy(NamedTuple):
    """Where a command lives (``"package.module:attribute"``) and its one-line help.

    ``plain_options``: the command's plain option values are converted without pydantic
    (:mod:`kintrace.cli.plain_options`), for a command whose start-up time matters.
    """

    target: str
    help: str
    plain_options: bool = False


def load_command(name: str, target: str, plain_options: bool = False) -> Any:
    """Import ``module:attr`` and return it as a click command named ``name``.

    A ``typer.Typer`` becomes a group exactly as ``add_typer`` makes it (``typer.main.get_group``);
    a function becomes one command exactly as ``app.command(name)`` makes it. With
    ``plain_options`` a function's plain options are converted without pydantic
    (:class:`kintrace.cli.plain_options.PlainCommand`).
    """
    module_name, _, attr = target.partition(":")
    found = getattr(importlib.import_module(module_name), attr)
    if isinstance(found, typer.Typer):
        command: Any = typer.main.get_group(found)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name, cls=PlainCommand if plain_options else None)(found)
        command = typer.main.get_command(single)
    command.name = name
    return command


class _Commands(MutableMapping[str, Any]):
    """The group's commands by name: the names come from the table; a command is imported the
    first time it is looked up (and kept)."""

    def __init__(self, table: Mapping[str, Lazy], eager: Mapping[str, Any]) -> None:
        self._table = table
        self._loaded: dict[str, Any] = dict(eager)

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded:
            entry = self._table[name]  # KeyError: no such command
            self._loaded[name] = load_command(name, entry.target, entry.plain_options)
        return self._loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError("commands cannot be removed")

    def __iter__(self) -> Iterator[str]:
        yield from self._loaded
        yield from (name for name in self._table if name not in self._loaded)

    def __len__(self) -> int:
        return len(set(self._table) | set(self._loaded))

    def __contains__(self, name: object) -> bool:
        return name in self._table or name in self._loaded

    def summary(self, name: str) -> Any:
        """The command if it is loaded already, else a stand-in carrying only name and help."""
        if name in self._loaded:
            return self._loaded[name]
        return TyperCommand(name=name, help=self._table[name].help)


class LazyGroup(PlainHelpOption, TyperGroup):
    """A TyperGroup whose commands come from ``table`` (set by a subclass) and load on demand.

    While the group's own help is printed, the commands listed are stand-ins made from the
    table, so printing it imports nothing. Its ``--help`` option is converted without pydantic
    (:class:`kintrace.cli.plain_options.PlainHelpOption`).
    """

    table: ClassVar[Mapping[str, Lazy]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.lazy = _Commands(self.table, self.commands)
        self.commands = self.lazy
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        """The names in the table's order (the order ``--help`` lists them in)."""
        return list(self.table) + [n for n in self.lazy if n not in self.table]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command, imported now if need be (a stand-in while the group's help is printed)."""
        if cmd_name not in self.lazy:
            return None
        if self._listing:
            return self.lazy.summary(cmd_name)
        return self.lazy[cmd_name]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Print the group's help; the commands listed are not imported."""
        import_rich_help()
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
