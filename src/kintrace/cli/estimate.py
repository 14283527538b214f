"""``kintrace estimate HISTORIES.csv``: multiple systems estimation from capture histories.

Touches no database. The interface (options, JSON keys) is fixed by issue 20; see
``docs/estimation.md`` for the methods.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from kintrace.cli.common import console, print_json, reporting_errors
from kintrace.errors import InvalidInput, SourceFormatError
from kintrace.estimation.decomposable import DecomposableEstimate, estimate_decomposable
from kintrace.estimation.histories import CaptureHistories, parse_histories_csv
from kintrace.estimation.lcm import LatentClassEstimate, estimate_lcm
from kintrace.estimation.loglinear import ModelEstimate
from kintrace.estimation.models import NAMED_MODELS, ModelSpec, default_models, parse_model
from kintrace.estimation.selection import Criterion, criterion_value, fit_models, select_model

SHOWN_SEARCHED = 10
"""Rows of the searched hierarchical models shown in the readable table (all are in --json)."""


def split_model_names(text: str) -> list[str]:
    """Split ``--models`` on the commas outside brackets: ``M0,[12,34]`` -> ``M0``, ``[12,34]``."""
    names: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == "," and depth == 0:
            names.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    names.append("".join(current).strip())
    empty = [name for name in names if not name]
    if empty or depth != 0:
        raise InvalidInput(f"--models: cannot read {text!r} (names separated by commas)")
    return names


def read_table(path: Path) -> CaptureHistories:
    """Read and check a HISTORIES.csv file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceFormatError(f"{path}: cannot read: {error}") from error
    return parse_histories_csv(text, source=str(path))


def _number(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def estimate_fields(estimate: ModelEstimate) -> dict[str, Any]:
    """Return the JSON fields of one model's estimate (non-finite numbers become null)."""
    return {
        "name": estimate.name,
        "abundance": _number(estimate.abundance),
        "stderr": _number(estimate.stderr),
        "deviance": _number(estimate.deviance),
        "df": estimate.df,
        "aic": _number(estimate.aic),
        "bic": _number(estimate.bic),
        "ci_low": _number(estimate.ci_low),
        "ci_high": _number(estimate.ci_high),
    }


def _fmt(value: float | None, digits: int) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.{digits}f}"


def _print_models(
    table: CaptureHistories,
    estimates: list[ModelEstimate],
    selected: ModelEstimate,
    criterion: Criterion,
) -> None:
    named = [e for e in estimates if e.name in NAMED_MODELS or e.name == selected.name]
    others = sorted(
        (e for e in estimates if e not in named),
        key=lambda e: criterion_value(e, criterion) if math.isfinite(e.abundance) else math.inf,
    )
    shown = named + others[:SHOWN_SEARCHED]
    grid = Table(
        title=f"{table.n_observed:,} persons observed on {table.n_lists} lists: "
        + ", ".join(table.lists),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 0, 0, 1),
        pad_edge=False,
    )
    grid.add_column("model", no_wrap=True)
    for header in ("N", "s.e.", "low 95%", "high 95%", "deviance", "df", "AIC", "BIC"):
        grid.add_column(header, justify="right", no_wrap=True)
    for e in shown:
        mark = " *" if e is selected else ""
        style = "bold" if e is selected else None
        grid.add_row(
            escape(e.name) + mark,
            _fmt(e.abundance, 1),
            _fmt(e.stderr, 1),
            _fmt(e.ci_low, 1),
            _fmt(e.ci_high, 1),
            _fmt(e.deviance, 1),
            str(e.df),
            _fmt(e.aic, 1),
            _fmt(e.bic, 1),
            style=style,
        )
    console.print(grid)
    hidden = len(estimates) - len(shown)
    if hidden > 0:
        console.print(f"{hidden} more searched models are in --json.", highlight=False)
    console.print(
        f"* selected by {criterion.value.upper()}: {escape(selected.name)}, "
        f"{_fmt(selected.abundance, 1)} (95% {_fmt(selected.ci_low, 1)} – "
        f"{_fmt(selected.ci_high, 1)})",
        highlight=False,
    )


def estimate(
    histories: Path = typer.Argument(..., help="CSV: one 0/1 column per list, then count."),
    models: str | None = typer.Option(
        None,
        "--models",
        help="Comma-separated: M0, Mt, Mh Chao, Mh Poisson2, Mh Darroch, Mh Gamma3.5, Mth ..., "
        "or two-way terms such as [12,34]. Default: all named models and every subset of "
        "two-way terms (up to 5 lists).",
    ),
    select: Criterion = typer.Option(Criterion.BIC, "--select", help="Criterion: bic or aic."),
    lcm: bool = typer.Option(False, "--lcm", help="Also the Bayesian latent-class model."),
    decomposable: bool = typer.Option(
        False, "--decomposable", help="Also averaging over decomposable graphical models."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the random draws (--lcm)."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Estimate the total number of persons from overlapping lists (no database)."""
    with reporting_errors():
        table = read_table(histories)
        specs: list[ModelSpec] = (
            [parse_model(name, table.n_lists) for name in split_model_names(models)]
            if models is not None
            else default_models(table.n_lists)
        )
        averaged = estimate_decomposable(table) if decomposable else None
        estimates = fit_models(table, specs)
        selected = select_model(estimates, select)
    latent = estimate_lcm(table, seed=seed) if lcm else None
    if json_output:
        output: dict[str, Any] = {
            "n_observed": table.n_observed,
            "lists": list(table.lists),
            "models": [estimate_fields(e) for e in estimates],
            "selected": {"criterion": select.value, **estimate_fields(selected)},
        }
        if latent is not None:
            output["lcm"] = {
                "median": latent.median,
                "ci_low": latent.ci_low,
                "ci_high": latent.ci_high,
            }
        if averaged is not None:
            output["decomposable"] = {
                "median": averaged.median,
                "mean": averaged.mean,
                "ci_low": averaged.ci_low,
                "ci_high": averaged.ci_high,
            }
        print_json(output)
        return
    _print_models(table, estimates, selected, select)
    if latent is not None:
        _print_lcm(latent)
    if averaged is not None:
        _print_decomposable(averaged)


def _print_decomposable(averaged: DecomposableEstimate) -> None:
    console.print(
        f"Decomposable graphs (dga-style, {averaged.graphs} models averaged): median "
        f"{averaged.median:.0f}, mean {averaged.mean:.1f}, 95% {averaged.ci_low:.0f} – "
        f"{averaged.ci_high:.0f}; most probable graph {escape(averaged.top_graph)} "
        f"({averaged.top_probability:.2f})",
        highlight=False,
    )


def _print_lcm(latent: LatentClassEstimate) -> None:
    d = latent.diagnostics
    console.print(
        f"Latent classes (LCMCR-style, seed-fixed): median {latent.median:.0f}, "
        f"95% {latent.ci_low:.0f} – {latent.ci_high:.0f}",
        highlight=False,
    )
    geweke = ", ".join(f"{z:+.2f}" for z in d.geweke_z)
    # thresholds of Vehtari, Gelman, Simpson, Carpenter & Bürkner (2021), Bayesian Analysis
    settled = d.split_rhat < 1.01 and d.ess > 400
    verdict = "chains agree" if settled else "chains disagree: read with care"
    console.print(
        f"  {d.chains} chains x {d.draws} draws: split R-hat {d.split_rhat:.3f}, "
        f"effective sample size {d.ess:.0f}, Geweke z {geweke} ({verdict})",
        highlight=False,
    )
