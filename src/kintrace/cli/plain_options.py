"""Convert a command's plain option values without importing pydantic, as Typer would.

Typer (0.29) converts every option value through a pydantic ``TypeAdapter`` it builds for the
option the first time the command runs; a path option builds a second one inside. For
``kintrace dvi`` that was importing pydantic and building about twenty adapters: 0.1 s of a
0.5 s command, to turn ``"out.json"`` into ``Path("out.json")`` and ``"1e4"`` into ``10000.0``.

:class:`PlainCommand` gives each option of a command a converter (Typer's own
``RuntimeParam`` contract, kept in the parameter's slot for it) that handles the plain values
itself: a path, a string, a float or integer written in the ordinary way, a default. Any other
value (a number written ``1_000`` or ``inf``, a string that is not valid UTF-8, a path Python
would normalise, a value outside an integer's bounds) goes to the converter Typer would have
built, so the result and every error message are Typer's own
(``tests/unit/cli/test_plain_options.py`` compares the two on many values). Options of any other
kind (lists, choices, dates, files, parsers) keep Typer's converter. Commands opt in through
:data:`kintrace.cli.main.COMMANDS` (``plain_options=True``); the top-level group converts its own
``--help`` so (:class:`PlainHelpOption`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer._click import Context
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_path
from typer.core import TyperCommand, _TyperParameter

_FLOAT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
"""A float written the ordinary way (no sign +, underscores, spaces, inf or nan)."""
_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
"""An integer written the ordinary way, small enough for any bound."""

_UNSURE = object()


def _text(value: Any) -> bool:
    """Whether ``value`` is a string pydantic takes as it is (valid UTF-8, no surrogates)."""
    if type(value) is not str:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class PlainParam(RuntimeParam):
    """Converts the plain values of one option; hands any other value to Typer's converter."""

    descriptor: TypeDescriptor

    def _plain(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        kind = self.annotation
        info = self.parameter_info
        if kind is str:
            return value if _text(value) else _UNSURE
        if kind is bool:
            return value if type(value) is bool else _UNSURE
        if kind is float:
            if type(value) is float:
                return value
            if _text(value) and _FLOAT.fullmatch(value):
                number = float(value)
                return number if abs(number) < float("inf") else _UNSURE
            return _UNSURE
        if kind is int:
            if type(value) is int:
                number = value
            elif _text(value) and _INT.fullmatch(value):
                number = int(value)
            else:
                return _UNSURE
            if info.min is not None and number < info.min:
                return _UNSURE  # Typer's message says why
            if info.max is not None and number > info.max:
                return _UNSURE
            return number
        if kind is Path:
            if type(value) is not str or not _text(value) or "\x00" in value:
                return _UNSURE
            path = Path(value)
            if str(path) != value:  # "a//b", "a/": Typer's messages name the value as given
                return _UNSURE
            return coerce_cli_path(path, info, path_type=Path, param=param, ctx=ctx)
        return _UNSURE  # pragma: no cover - only the kinds above are given a PlainParam

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        result = self._plain(value, param, ctx)
        if result is _UNSURE:
            return build_runtime_param(self.descriptor)._coerce_value(value, param, ctx)
        return result


def _plain_kind(descriptor: TypeDescriptor) -> bool:
    info = descriptor.parameter_info
    if descriptor.is_file or descriptor.is_choice or info.parser is not None or info.clamp:
        return False
    kind = descriptor.annotation
    if kind is Path:
        return info.path_type is None and descriptor.is_path
    return kind in (str, bool, float, int)


def convert_plainly(param: Any) -> Any:
    """Give ``param`` a :class:`PlainParam` if it is a plain option Typer has not converted yet.

    Return ``param``; any other parameter is left as it is.
    """
    descriptor = getattr(param, "type_descriptor", None)
    if not isinstance(param, _TyperParameter) or not isinstance(descriptor, TypeDescriptor):
        return param
    if getattr(param, "_runtime_param", _UNSURE) is not None:  # not Typer's empty slot
        return param
    if _plain_kind(descriptor):
        param._runtime_param = PlainParam(
            annotation=descriptor.annotation,
            parameter_info=descriptor.parameter_info,
            descriptor=descriptor,
        )
    return param


class PlainHelpOption:
    """Mixin for a Typer command or group: its ``--help`` option is converted plainly.

    Typer converts the value of ``--help`` (``None`` when it is not given) like any option, so
    every run of a command built its pydantic adapter, and imported pydantic, for it.
    """

    def get_help_option(self, ctx: Context) -> Any:
        return convert_plainly(super().get_help_option(ctx))  # type: ignore[misc]


class PlainCommand(PlainHelpOption, TyperCommand):
    """A Typer command whose plain options, ``--help`` among them, are converted plainly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            convert_plainly(param)
