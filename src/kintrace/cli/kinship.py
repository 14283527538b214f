"""``kintrace kinship``: likelihood ratios of pedigree hypotheses and familial search."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import typer
from rich.table import Table

from kintrace.cli.common import console, print_json, reporting_errors
from kintrace.cli.kinship_inputs import MUTATION_HELP, rescale_note
from kintrace.cli.kinship_inputs import finite as _finite
from kintrace.cli.kinship_inputs import frequencies as _frequencies
from kintrace.cli.kinship_inputs import mutation_spec as _spec
from kintrace.cli.kinship_inputs import read_text as _read
from kintrace.cli.kinship_inputs import xlinked_markers as _xlinked
from kintrace.errors import InvalidInput, MendelianInconsistency, SourceFormatError
from kintrace.kinship.familias import FamiliasCase, parse_fam
from kintrace.kinship.genotypes import add_unseen_alleles
from kintrace.kinship.lr import LRResult, likelihood_ratio
from kintrace.kinship.mutation import (
    MutationByMarker,
    MutationModel,
)
from kintrace.kinship.pedfile import parse_families, parse_ped, parse_profiles
from kintrace.kinship.search import search_families

kinship_app = typer.Typer(
    name="kinship", help="DNA kinship: likelihood ratios and familial search.", no_args_is_help=True
)


def _mutation(both: str | None, female: str | None, male: str | None) -> MutationModel:
    common = _spec(both, "--mutation")
    return MutationModel(
        female=_spec(female, "--mutation-female") if female is not None else common,
        male=_spec(male, "--mutation-male") if male is not None else common,
    )


def _number(value: float) -> str:
    return f"{value:.6g}"


@kinship_app.command("lr")
def lr_command(
    h1: Path = typer.Argument(..., help="Ped file of hypothesis H1."),
    h2: Path = typer.Argument(..., help="Ped file of hypothesis H2."),
    freqs: Path = typer.Option(..., "--freqs", help="CSV marker,allele,frequency[,chromosome]."),
    mutation: str | None = typer.Option(None, "--mutation", help=MUTATION_HELP),
    mutation_female: str | None = typer.Option(None, "--mutation-female", help="Female model."),
    mutation_male: str | None = typer.Option(None, "--mutation-male", help="Male model."),
    theta: float = typer.Option(0.0, "--theta", help="Co-ancestry coefficient of founders."),
    min_freq: float | None = typer.Option(
        None,
        "--min-freq",
        help="Give alleles missing from FREQS this frequency and renormalise (default: error).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Compute the likelihood ratio of H1 against H2, per marker and in total."""
    with reporting_errors():
        _finite(theta, "--theta")
        if min_freq is not None:
            _finite(min_freq, "--min-freq")
        table = _frequencies(freqs)
        model = _mutation(mutation, mutation_female, mutation_male)
        xlinked = _xlinked(table)
        data1 = parse_ped(_read(h1), source=str(h1), xlinked=xlinked)
        data2 = parse_ped(_read(h2), source=str(h2), xlinked=xlinked)
        if min_freq is not None:
            table = add_unseen_alleles(table, (data1, data2), min_freq)
        result = likelihood_ratio(data1, data2, table, model, theta, sources=(str(h1), str(h2)))
    if as_json:
        print_json(result.as_dict())
        return
    view = Table(title=f"LR of {h1.name} against {h2.name}")
    for column in ("marker", "likelihood H1", "likelihood H2", "LR"):
        view.add_column(column, justify="left" if column == "marker" else "right")
    for row in result.markers:
        view.add_row(
            row.marker, _number(row.likelihood_h1), _number(row.likelihood_h2), _number(row.lr)
        )
    log10 = "-" if result.log10_lr_total is None else f"{result.log10_lr_total:.4f}"
    view.add_row("total", "", "", _number(result.lr_total), end_section=True)
    console.print(view)
    console.print(f"log10 LR = {log10}")


@kinship_app.command("search")
def search_command(
    profiles: Path = typer.Option(..., "--profiles", help="Profiles: id sex + markers."),
    families: Path = typer.Option(
        ..., "--families", help="Families: family id fid mid sex missing + markers."
    ),  # noqa: E501
    freqs: Path = typer.Option(..., "--freqs", help="CSV marker,allele,frequency[,chromosome]."),
    mutation: str | None = typer.Option(None, "--mutation", help=MUTATION_HELP),
    mutation_female: str | None = typer.Option(None, "--mutation-female", help="Female model."),
    mutation_male: str | None = typer.Option(None, "--mutation-male", help="Male model."),
    top: int = typer.Option(5, "--top", min=1, help="Best matches kept per profile."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    csv_out: Path | None = typer.Option(None, "--csv", help="Also write the matches to this CSV."),
) -> None:
    """Rank reference families (and the missing person's position) for each profile by LR."""
    with reporting_errors():
        table = _frequencies(freqs)
        model = _mutation(mutation, mutation_female, mutation_male)
        xlinked = _xlinked(table)
        marker_names, profile_list = parse_profiles(
            _read(profiles), source=str(profiles), xlinked=xlinked
        )
        family_list = parse_families(_read(families), source=str(families), xlinked=xlinked)
        # the families' tables are built and screened a chunk at a time: bounded memory
        matches = search_families(
            profile_list, family_list, table, model, top=top,
            profiles_source=str(profiles), families_source=str(families),
        )  # fmt: skip
    rows = [
        {
            "profile": m.profile,
            "rank": m.rank,
            "family": m.family,
            "position": m.position,
            "lr": m.lr,
            "log10_lr": m.log10_lr if math.isfinite(m.log10_lr) else None,
        }
        for m in matches
    ]
    del marker_names
    if csv_out is not None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["profile"])
        writer.writeheader()
        from kintrace.lists.cells import csv_cell  # openpyxl: only when CSV is written

        writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
        with reporting_errors():
            try:
                csv_out.write_text(buffer.getvalue(), encoding="utf-8")
            except OSError as error:
                raise SourceFormatError(f"{csv_out}: cannot write: {error}") from error
    if as_json:
        print_json({"matches": rows})
        return
    view = Table(title="Familial search")
    for column in ("profile", "rank", "family", "position", "LR", "log10 LR"):
        view.add_column(column)
    for row in rows:
        log10 = row["log10_lr"]
        view.add_row(
            str(row["profile"]), str(row["rank"]), str(row["family"]), str(row["position"]),
            _number(float(str(row["lr"]))), "-" if log10 is None else f"{float(str(log10)):.3f}",
        )  # fmt: skip
    console.print(view)


def _fam_rows(results: dict[str, LRResult]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for name, result in results.items():
        log10_likelihood = 0.0
        for m in result.markers:
            log10_likelihood += math.log10(m.likelihood_h1) if m.likelihood_h1 > 0 else -math.inf
        rows.append(
            {
                "name": name,
                "log10_likelihood": log10_likelihood if math.isfinite(log10_likelihood) else None,
                "lr": result.lr_total,
                "log10_lr": result.log10_lr_total,
                "markers": [
                    {"marker": m.marker, "likelihood": m.likelihood_h1, "lr": m.lr}
                    for m in result.markers
                ],
            }
        )
    return rows


def _check_reference(
    fam: Path,
    case: FamiliasCase,
    ref: str,
    default: bool,
    mutation: MutationModel | MutationByMarker,
) -> None:
    """Refuse a reference hypothesis under which the data are impossible, pointing to --reference.

    Every LR against it would divide by 0; the other hypotheses may well be possible.
    """
    data = case.hypotheses[ref]
    try:
        likelihood_ratio(data, data, case.table, mutation, case.theta, sources=("R", "R"))
    except MendelianInconsistency as error:
        marker = error.problems[0].removeprefix("R and R: marker ").split(": genotypes", 1)[0]
        which = "the last pedigree, the default reference" if default else "the reference"
        others = [name for name in case.hypotheses if name != ref]
        raise InvalidInput(
            f"{fam}: pedigree {ref!r} ({which}) makes the genotypes impossible at marker "
            f"{marker} (likelihood 0), so no LR can be taken against it: choose another "
            f"reference with --reference NAME ({', '.join(others) or 'no other pedigree'})"
        ) from error


@kinship_app.command("fam")
def fam_command(
    fam: Path = typer.Argument(..., help="Familias .fam file (persons, pedigrees, database)."),
    reference: str | None = typer.Option(
        None, "--reference", help="Hypothesis in the denominator (default: the last one)."
    ),
    no_mutation: bool = typer.Option(
        False, "--no-mutation", help="Ignore the file's mutation models."
    ),
    xlinked: bool = typer.Option(False, "--xlinked", help="Treat every marker as X-linked."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Compute the LR of each pedigree hypothesis of a Familias file against a reference one.

    The file's database, mutation models and theta are used (theta per connected component).
    """
    with reporting_errors():
        case = parse_fam(_read(fam), source=str(fam), xlinked=xlinked)
        rescale_note(case.table, str(fam))
        names = list(case.hypotheses)
        ref = names[-1] if reference is None else reference
        if ref not in case.hypotheses:
            raise InvalidInput(
                f"{fam}: --reference {ref!r} is not a pedigree of the file ({', '.join(names)})"
            )
        mutation = MutationModel() if no_mutation else case.mutation
        _check_reference(fam, case, ref, reference is None, mutation)
        results = {
            name: likelihood_ratio(
                data,
                case.hypotheses[ref],
                case.table,
                mutation,
                case.theta,
                sources=(f"{fam}: pedigree {name}", f"{fam}: pedigree {ref}"),
            )  # fmt: skip
            for name, data in case.hypotheses.items()
        }
    rows = _fam_rows(results)
    if as_json:
        print_json(
            {
                "file": str(fam),
                "reference": ref,
                "theta": case.theta,
                "database": case.database,
                "hypotheses": rows,
            }
        )
        return
    view = Table(title=f"{fam.name}: LR against {ref}")
    for column in ("hypothesis", "log10 likelihood", "LR", "log10 LR"):
        view.add_column(column, justify="left" if column == "hypothesis" else "right")
    for row in rows:
        loglik, log10 = row["log10_likelihood"], row["log10_lr"]
        view.add_row(
            str(row["name"]),
            "-" if loglik is None else f"{float(str(loglik)):.4f}",
            _number(float(str(row["lr"]))),
            "-" if log10 is None else f"{float(str(log10)):.4f}",
        )
    console.print(view)
