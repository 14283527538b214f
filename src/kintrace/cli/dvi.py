"""``kintrace dvi``: joint disaster-victim identification of remains against reference families.

The command reads the files (ped files and a frequency table, or one Familias ``.fam`` DVI
file), runs :func:`kintrace.dvi.solve.solve_dvi` and writes the results: OUT.json (the shape
other tools depend on), CSV files and one HTML and one PDF report per identification (both from
:mod:`kintrace.reporting`). Every output is rendered in memory first, so a failure leaves
nothing half-written.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import typer

import kintrace.cli.blas_threads  # noqa: F401  # before NumPy loads: one BLAS thread
from kintrace.cli.common import console, err_console, reporting_errors
from kintrace.cli.kinship_inputs import MUTATION_HELP, rescale_note
from kintrace.cli.kinship_inputs import finite as _finite
from kintrace.cli.kinship_inputs import frequencies as _frequencies
from kintrace.cli.kinship_inputs import mutation_spec as _spec
from kintrace.cli.kinship_inputs import read_text as _read
from kintrace.cli.kinship_inputs import xlinked_markers as _xlinked
from kintrace.cli.plain_table import print_table
from kintrace.dvi import jsontext
from kintrace.dvi.data import DviData, check_dvi, parse_dvi_families, parse_remains
from kintrace.dvi.solve import DviResult, Identification, Settings, solve_dvi
from kintrace.dvi.suggest import Suggestion, weak_missing
from kintrace.errors import InvalidInput, SourceFormatError
from kintrace.kinship.markers import FrequencyTable
from kintrace.kinship.mutation import MutationModel


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.6g}"


def _rows_csv(rows: list[dict[str, object]], fields: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    from kintrace.lists.cells import csv_cell  # openpyxl: imported only when CSV is written

    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def _ident_row(i: Identification) -> dict[str, object]:
    return {
        "family": i.family or "",
        "missing": i.missing or "",
        "remains": i.remains or "",
        "lr": "" if i.lr is None else repr(i.lr),
        "posterior": "" if i.posterior is None else repr(i.posterior),
        "posterior_lower": "" if i.posterior_lower is None else repr(i.posterior_lower),
        "conclusion": i.conclusion.value,
        "reason": i.reason or "",
    }


def suggestions_json(suggestions: list[Suggestion]) -> list[dict[str, object]]:
    """Return the ``suggestions`` entries of OUT.json (one per thinly typed missing person)."""
    out: list[dict[str, object]] = []
    for s in suggestions:
        best = s.best
        out.append(
            {
                "family": s.family,
                "missing": s.missing,
                "exclusion_power": s.exclusion_power,
                "expected_log10_lr": s.expected_log10_lr,
                "best": None if best is None else best.relative,
                "options": [
                    {
                        "relative": o.relative, "person": o.person,
                        "exclusion_power": o.exclusion_power,
                        "expected_log10_lr": o.expected_log10_lr,
                    }
                    for o in s.options
                ],
            }
        )  # fmt: skip
    return out


def suggestions_csv(suggestions: list[Suggestion]) -> str:
    """Return ``suggestions.csv``: one row for the family now, one per candidate relative."""
    rows: list[dict[str, object]] = []
    for s in suggestions:
        best = s.best
        rows.append(
            {"family": s.family, "missing": s.missing, "relative": "none", "person": "",
             "exclusion_power": repr(s.exclusion_power),
             "expected_log10_lr": repr(s.expected_log10_lr), "best": ""}
        )  # fmt: skip
        for o in s.options:
            rows.append(
                {"family": s.family, "missing": s.missing, "relative": o.relative,
                 "person": o.person or "", "exclusion_power": repr(o.exclusion_power),
                 "expected_log10_lr": repr(o.expected_log10_lr),
                 "best": "yes" if o is best else ""}
            )  # fmt: skip
    fields = ["family", "missing", "relative", "person", "exclusion_power",
              "expected_log10_lr", "best"]  # fmt: skip
    return _rows_csv(rows, fields)


def csv_files(result: DviResult) -> dict[str, str]:
    """Return the CSV files of a result by file name."""
    pm = result.pairwise
    pairs = []
    for r, missing in enumerate(pm.missing):
        for c, remains in enumerate(pm.remains):
            value = float(pm.log10_lr[r, c])
            if math.isnan(value):
                continue
            pairs.append(
                {
                    "remains": remains, "missing": missing, "family": pm.families[r],
                    "lr": repr(10.0**value),
                    "log10_lr": repr(value) if math.isfinite(value) else "",
                    "incompatible": int(pm.incompatible[r, c]),
                }
            )  # fmt: skip
    undisputed = [
        {"remains": u.remains, "missing": u.missing, "family": u.family, "lr": repr(u.lr),
         "round": u.round}
        for u in result.undisputed
    ]  # fmt: skip
    joint = [
        {
            "rank": k + 1,
            "assignment": ";".join(f"{v}={m or '*'}" for v, m in s.assignment.items()),
            "loglik": repr(s.loglik), "lr": repr(s.lr), "posterior": repr(s.posterior),
        }
        for k, s in enumerate(result.solutions)
    ]  # fmt: skip
    ident_fields = ["family", "missing", "remains", "lr", "posterior", "posterior_lower",
                    "conclusion", "reason"]  # fmt: skip
    return {
        "pairwise_lr.csv": _rows_csv(
            pairs, ["remains", "missing", "family", "lr", "log10_lr", "incompatible"]
        ),
        "undisputed.csv": _rows_csv(undisputed, ["remains", "missing", "family", "lr", "round"]),
        "joint.csv": _rows_csv(joint, ["rank", "assignment", "loglik", "lr", "posterior"]),
        "identifications.csv": _rows_csv([_ident_row(i) for i in result.missing], ident_fields),
        "remains.csv": _rows_csv([_ident_row(i) for i in result.remains], ident_fields),
    }


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def report_files(
    result: DviResult, *, mutation: str, threshold: float, made_on: date
) -> dict[str, str | bytes]:
    """Return the HTML and PDF report of each identification, by file name."""
    # imported here: fpdf2 and the report model take seconds to import, and only runs that
    # write reports need them
    from kintrace.reporting.html import render_html
    from kintrace.reporting.identification import reports_from_dvi
    from kintrace.reporting.pdf import render_pdf

    out: dict[str, str | bytes] = {}
    for report in reports_from_dvi(result, mutation=mutation, threshold=threshold, made_on=made_on):
        stem = f"identification-{_safe(report.missing)}"
        k = 1
        while f"{stem}.html" in out:  # two ids may differ only in characters _safe replaces
            k += 1
            stem = f"identification-{_safe(report.missing)}-{k}"
        out[f"{stem}.html"] = render_html(report)
        out[f"{stem}.pdf"] = render_pdf(report)
    return out


def _write_all(files: dict[Path, str | bytes]) -> None:
    for path, content in files.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        except OSError as error:
            raise SourceFormatError(f"{path}: cannot write: {error}") from error


@dataclass(frozen=True, slots=True)
class _Case:
    """The inputs of one run, from ped files or from a .fam file."""

    data: DviData
    table: FrequencyTable
    model: MutationModel
    mutation: str  # in words, for the reports
    families_source: str
    remains_source: str


def _ped_case(families: Path, remains: Path, freqs: Path, mutation: str | None) -> _Case:
    table = _frequencies(freqs)
    model = MutationModel.both(_spec(mutation, "--mutation"))
    xlinked = _xlinked(table)
    remains_text = _read(remains)
    fams = parse_dvi_families(_read(families), source=str(families), xlinked=xlinked)
    profiles = parse_remains(remains_text, source=str(remains), xlinked=xlinked)
    data = check_dvi(fams, profiles, remains_text=remains_text, remains_source=str(remains))
    return _Case(data, table, model, mutation or "none", str(families), str(remains))


def _read_fam(path: Path) -> str:
    """Read a .fam file: UTF-8, else Windows-1252 (Familias on Windows), else Latin-1."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SourceFormatError(f"{path}: cannot read: {error}") from error
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _fam_case(fam: Path, mutation: str | None) -> _Case:
    # imported here: only a .fam case needs the Familias readers
    from kintrace.dvi.familias import common_mutation, describe_mutation, parse_fam_dvi
    from kintrace.kinship.mutation import marker_mutation

    case = parse_fam_dvi(_read_fam(fam), source=str(fam))
    rescale_note(case.table, str(fam))
    data = check_dvi(case.data.families, case.data.remains, remains_source=str(fam))
    if mutation is not None:
        model = MutationModel.both(_spec(mutation, "--mutation"))
        words = mutation
    else:
        markers = list(dict.fromkeys(m for f in data.families for m in f.data.markers))
        common = common_mutation(case.mutation, markers)
        if common is None:
            described = "; ".join(
                f"{m}: {describe_mutation(marker_mutation(case.mutation, m))}" for m in markers[:3]
            )
            raise SourceFormatError(
                f"{fam}: the loci have different mutation models ({described}, ...); the DVI "
                "engine uses one model for all markers: give --mutation SPEC (trivial: none)"
            )
        model = common
        words = f"{describe_mutation(common)} (from {fam.name})"
    if case.theta > 0:
        err_console.print(
            f"[yellow]warning:[/] {fam}: theta {case.theta:g} is not applied (the DVI engine "
            "has no theta correction)",
            highlight=False,
            soft_wrap=True,
        )
    if case.renamed:
        family, name, new = case.renamed[0]
        err_console.print(
            f"note: {len(case.renamed)} person(s) whose name is used in several families or by "
            f"a remains are written FAMILY/NAME (e.g. {name!r} of family {family} is {new!r})",
            highlight=False,
            soft_wrap=True,
        )
    return _Case(data, case.table, model, words, str(fam), str(fam))


def _input_case(
    fam: Path | None,
    families: Path | None,
    remains: Path | None,
    freqs: Path | None,
    mutation: str | None,
) -> _Case:
    """Read the case from --fam or from --families, --remains and --freqs (exactly one way)."""
    given = {"--families": families, "--remains": remains, "--freqs": freqs}
    if fam is not None:
        extra = [name for name, path in given.items() if path is not None]
        if extra:
            raise InvalidInput(
                f"{', '.join(extra)}: give either --fam FILE.fam or --families, --remains and "
                "--freqs, not both"
            )
        return _fam_case(fam, mutation)
    absent = [name for name, path in given.items() if path is None]
    if absent or families is None or remains is None or freqs is None:
        raise InvalidInput(
            f"missing {', '.join(absent)}: give --families, --remains and --freqs, or --fam "
            "FILE.fam"
        )
    return _ped_case(families, remains, freqs, mutation)


def dvi_command(
    families: Path | None = typer.Option(
        None, "--families", help="Families: family id fid mid sex missing + markers."
    ),
    remains: Path | None = typer.Option(None, "--remains", help="Remains: id sex + markers."),
    freqs: Path | None = typer.Option(
        None, "--freqs", help="CSV marker,allele,frequency[,chromosome]."
    ),
    fam: Path | None = typer.Option(
        None,
        "--fam",
        help="A Familias .fam file with a DVI section (instead of --families, --remains and "
        "--freqs); its database and mutation models are used.",
    ),
    mutation: str | None = typer.Option(
        None, "--mutation", help=MUTATION_HELP + "; with --fam it replaces the file's models."
    ),
    threshold: float = typer.Option(1e4, "--threshold", help="LR threshold of undisputed."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the result JSON here."),
    csv_dir: Path | None = typer.Option(None, "--csv-dir", help="Write CSV files (and reports)."),
    report_dir: Path | None = typer.Option(
        None, "--report-dir", help="Write HTML and PDF reports here (default: the CSV folder)."
    ),
    max_incompatible: int = typer.Option(
        2, "--max-incompatible", min=0, help="More incompatible markers exclude a pair."
    ),
    top: int = typer.Option(20, "--top", min=1, help="Best joint solutions reported."),
    max_chance: float = typer.Option(
        0.01,
        "--max-chance",
        help="Conclude a pairing only when N remains compared / LR is at most this "
        "(the chance an unrelated body reaches the LR).",
    ),
    suggest: bool = typer.Option(
        True,
        "--suggest/--no-suggest",
        help="Suggest an extra relative for thinly typed families (JSON key, suggestions.csv).",
    ),
) -> None:
    """Identify remains against reference families jointly (pairwise LR, undisputed, joint)."""
    with reporting_errors():
        if _finite(threshold, "--threshold") <= 1.0:
            raise SourceFormatError(f"--threshold: {threshold} must be greater than 1")
        if not 0.0 < _finite(max_chance, "--max-chance") <= 1.0:
            raise SourceFormatError(f"--max-chance: {max_chance} must be in (0, 1]")
        case = _input_case(fam, families, remains, freqs, mutation)
        table = case.table
        settings = Settings(
            threshold=threshold, max_incompatible=max_incompatible, top=top, max_chance=max_chance
        )
        result = solve_dvi(
            case.data, table, case.model, settings, families_source=case.families_source,
            remains_source=case.remains_source,
        )  # fmt: skip
        suggestions: list[Suggestion] = []
        if suggest:
            idents = [(i.family or "", i.missing or "", i.conclusion.value) for i in result.missing]
            suggestions = weak_missing(
                result.families, idents, table, threshold=threshold, mutation=case.model
            )
        outputs: dict[Path, str | bytes] = {}
        if json_out is not None:
            document = result.as_dict()
            document["suggestions"] = suggestions_json(suggestions)
            outputs[json_out] = jsontext.dumps(document) + "\n"
        if csv_dir is not None:
            outputs.update({csv_dir / name: text for name, text in csv_files(result).items()})
            outputs[csv_dir / "suggestions.csv"] = suggestions_csv(suggestions)
        folder = report_dir or csv_dir
        if folder is not None:
            reports = report_files(
                result, mutation=case.mutation, threshold=threshold, made_on=date.today()
            )
            outputs.update({folder / name: content for name, content in reports.items()})
        _write_all(outputs)
    rows = [
        (i.family or "", i.missing or "", i.remains or "-", _number(i.lr), _number(i.posterior),
         i.conclusion.value)
        for i in result.missing
    ]  # fmt: skip
    columns = ("family", "missing", "remains", "LR", "posterior", "conclusion")
    print_table(console, "DVI identifications", columns, rows)


def register(app: typer.Typer) -> None:
    """Add the ``dvi`` command to the main app."""
    app.command("dvi")(dvi_command)
