"""``kintrace dvi``: joint disaster-victim identification of remains against reference families.

The command reads the files, runs :func:`kintrace.dvi.solve.solve_dvi` and writes the results:
OUT.json (the shape other tools depend on), CSV files and one HTML report per identification.
Every output is rendered in memory first, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

import typer
from jinja2 import Environment, select_autoescape
from rich.table import Table

from kintrace.cli.common import console, reporting_errors
from kintrace.cli.kinship import MUTATION_HELP, _frequencies, _read, _spec, _xlinked
from kintrace.dvi.data import check_dvi, parse_dvi_families, parse_remains
from kintrace.dvi.solve import Conclusion, DviResult, Identification, Settings, solve_dvi
from kintrace.dvi.suggest import Suggestion, weak_missing
from kintrace.errors import SourceFormatError
from kintrace.kinship.mutation import MutationModel

REPORT_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Identification {{ ident.missing }}</title>
<style>body{font-family:sans-serif;max-width:46em;margin:2em auto}
table{border-collapse:collapse}
td,th{border:1px solid #999;padding:.2em .6em;text-align:left}</style>
</head><body>
<h1>DNA identification report: missing person {{ ident.missing }}</h1>
<p>Family (reference case) <b>{{ ident.family }}</b>; remains <b>{{ ident.remains }}</b>.
Conclusion: <b>{{ ident.conclusion }}</b>.</p>
<h2>Hypotheses</h2>
<ul>
<li>H1: the remains {{ ident.remains }} are the missing person {{ ident.missing }}, related to the
typed members of family {{ ident.family }} as the family pedigree states.</li>
<li>H2: the remains {{ ident.remains }} are of a person unrelated to family {{ ident.family }}.</li>
</ul>
<h2>Evidence</h2>
<table>
<tr><th>likelihood ratio LR = P(DNA | H1) / P(DNA | H2)</th><td>{{ lr }}</td></tr>
<tr><th>log10 LR</th><td>{{ log10_lr }}</td></tr>
<tr><th>prior</th><td>flat over all joint assignments of remains to missing persons
(each body to at most one person, each person to at most one body)</td></tr>
<tr><th>posterior probability of the pairing</th><td>{{ posterior }}</td></tr>
<tr><th>markers</th><td>{{ n_markers }}</td></tr>
<tr><th>mutation model</th><td>{{ mutation }}</td></tr>
<tr><th>undisputed threshold</th><td>{{ threshold }}</td></tr>
</table>
{% if alternatives %}<h2>Competing pairings</h2>
<table><tr><th>remains</th><th>missing person</th><th>LR</th></tr>
{% for a in alternatives %}<tr><td>{{ a[0] }}</td><td>{{ a[1] }}</td><td>{{ a[2] }}</td></tr>
{% endfor %}</table>{% endif %}
<p>{{ explanation }}</p>
<p><i>Proposed by the kintrace DVI engine. An identification becomes final only when a second
reviewer confirms it.</i></p>
</body></html>
"""

EXPLANATIONS = {
    Conclusion.UNDISPUTED: "The LR exceeds the threshold and every competing LR of this body "
    "and of this person is below LR / threshold.",
    Conclusion.PROBABLE: "This pairing is in the most likely joint solution, its LR is at least "
    "the probable threshold (threshold / 10 by default) and a guaranteed lower bound on its "
    "posterior probability is at least 0.99.",
    Conclusion.DISPUTED: "This pairing is in the most likely joint solution, but a competing "
    "pairing keeps substantial posterior probability.",
    Conclusion.INCONCLUSIVE: "The evidence is too weak to conclude; more reference samples help.",
}


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.6g}"


def _rows_csv(rows: list[dict[str, object]], fields: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
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
                    "conclusion"]  # fmt: skip
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


def html_reports(result: DviResult, *, mutation: str, threshold: float) -> dict[str, str]:
    """Return one HTML report per proposed identification, by file name."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string(REPORT_TEMPLATE)
    pm = result.pairwise
    lr = pm.lr()
    out: dict[str, str] = {}
    for ident in result.missing:
        if ident.remains is None or ident.conclusion not in EXPLANATIONS:
            continue
        alternatives = []
        if ident.missing in pm.missing and ident.remains in pm.remains:
            r, c = pm.missing.index(ident.missing), pm.remains.index(ident.remains)
            for k, v in enumerate(lr[r]):
                if k != c and not math.isnan(v) and v > 0:
                    alternatives.append((pm.remains[k], ident.missing, _number(float(v))))
            for k, v in enumerate(lr[:, c]):
                if k != r and not math.isnan(v) and v > 0:
                    alternatives.append((ident.remains, pm.missing[k], _number(float(v))))
        lr_value = ident.lr
        out[f"identification-{_safe(ident.missing or '')}.html"] = template.render(
            ident=ident,
            lr=_number(lr_value),
            log10_lr="-" if not lr_value else f"{math.log10(lr_value):.3f}",
            posterior=_number(ident.posterior),
            n_markers=len(result.families[0].data.markers) if result.families else 0,
            mutation=mutation,
            threshold=_number(threshold),
            alternatives=alternatives[:20],
            explanation=EXPLANATIONS[ident.conclusion],
        )
    return out


def _write_all(files: dict[Path, str]) -> None:
    for path, text in files.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise SourceFormatError(f"{path}: cannot write: {error}") from error


def dvi_command(
    families: Path = typer.Option(
        ..., "--families", help="Families: family id fid mid sex missing + markers."
    ),
    remains: Path = typer.Option(..., "--remains", help="Remains: id sex + markers."),
    freqs: Path = typer.Option(..., "--freqs", help="CSV marker,allele,frequency[,chromosome]."),
    mutation: str | None = typer.Option(None, "--mutation", help=MUTATION_HELP),
    threshold: float = typer.Option(1e4, "--threshold", help="LR threshold of undisputed."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the result JSON here."),
    csv_dir: Path | None = typer.Option(None, "--csv-dir", help="Write CSV files (and reports)."),
    report_dir: Path | None = typer.Option(
        None, "--report-dir", help="Write HTML reports here (default: the CSV folder)."
    ),
    max_incompatible: int = typer.Option(
        2, "--max-incompatible", min=0, help="More incompatible markers exclude a pair."
    ),
    top: int = typer.Option(20, "--top", min=1, help="Best joint solutions reported."),
    suggest: bool = typer.Option(
        True,
        "--suggest/--no-suggest",
        help="Suggest an extra relative for thinly typed families (JSON key, suggestions.csv).",
    ),
) -> None:
    """Identify remains against reference families jointly (pairwise LR, undisputed, joint)."""
    with reporting_errors():
        if threshold <= 1.0:
            raise SourceFormatError(f"--threshold: {threshold} must be greater than 1")
        table = _frequencies(freqs)
        model = MutationModel.both(_spec(mutation, "--mutation"))
        xlinked = _xlinked(table)
        remains_text = _read(remains)
        fams = parse_dvi_families(_read(families), source=str(families), xlinked=xlinked)
        profiles = parse_remains(remains_text, source=str(remains), xlinked=xlinked)
        data = check_dvi(fams, profiles, remains_text=remains_text, remains_source=str(remains))
        settings = Settings(threshold=threshold, max_incompatible=max_incompatible, top=top)
        result = solve_dvi(
            data, table, model, settings, families_source=str(families),
            remains_source=str(remains),
        )  # fmt: skip
        suggestions: list[Suggestion] = []
        if suggest:
            idents = [(i.family or "", i.missing or "", i.conclusion.value) for i in result.missing]
            suggestions = weak_missing(result.families, idents, table, threshold=threshold)
        outputs: dict[Path, str] = {}
        if json_out is not None:
            document = result.as_dict()
            document["suggestions"] = suggestions_json(suggestions)
            outputs[json_out] = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if csv_dir is not None:
            outputs.update({csv_dir / name: text for name, text in csv_files(result).items()})
            outputs[csv_dir / "suggestions.csv"] = suggestions_csv(suggestions)
        folder = report_dir or csv_dir
        if folder is not None:
            reports = html_reports(result, mutation=mutation or "none", threshold=threshold)
            outputs.update({folder / name: text for name, text in reports.items()})
        _write_all(outputs)
    view = Table(title="DVI identifications")
    for column in ("family", "missing", "remains", "LR", "posterior", "conclusion"):
        view.add_column(column)
    for i in result.missing:
        view.add_row(
            i.family or "", i.missing or "", i.remains or "-", _number(i.lr),
            _number(i.posterior), i.conclusion.value,
        )  # fmt: skip
    console.print(view)


def register(app: typer.Typer) -> None:
    """Add the ``dvi`` command to the main app."""
    app.command("dvi")(dvi_command)
