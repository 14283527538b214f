"""``kintrace estimate`` through a Typer app of its own (the lead registers it in cli.main)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kintrace.cli.estimate import estimate, split_model_names

DATA = Path(__file__).parents[2] / "unit" / "estimation" / "data"

app = typer.Typer()
app.command("estimate")(estimate)


@app.callback()
def _root() -> None:
    """Make ``estimate`` a subcommand, as in the kintrace app."""


def run(*args: str):
    return CliRunner().invoke(app, ["estimate", *map(str, args)])


def test_json_has_the_documented_keys_and_the_published_hare_figures():
    result = run(DATA / "hare.csv", "--models", "M0,Mt,Mth Poisson2", "--select", "aic", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"n_observed", "lists", "models", "selected"}
    assert data["n_observed"] == 68
    assert data["lists"] == ["c1", "c2", "c3", "c4", "c5", "c6"]
    fields = {"name", "abundance", "stderr", "deviance", "df", "aic", "bic", "ci_low", "ci_high"}
    assert [m["name"] for m in data["models"]] == ["M0", "Mt", "Mth Poisson2"]
    assert all(set(m) == fields for m in data["models"])
    selected = data["selected"]
    assert set(selected) == fields | {"criterion"}
    assert selected["criterion"] == "aic" and selected["name"] == "Mth Poisson2"
    assert round(selected["abundance"], 1) == 81.1 and round(selected["aic"]) == 146
    assert selected["ci_low"] < selected["abundance"] < selected["ci_high"]


def test_default_searches_two_way_terms_and_selects_by_BIC(tmp_path):
    result = run(DATA / "HIV.csv", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    names = [m["name"] for m in data["models"]]
    assert "Mh Gamma3.5" in names and "[12,34]" in names and len(names) == 10 + 63
    assert data["selected"]["criterion"] == "bic"
    best = min(data["models"], key=lambda m: m["bic"])
    assert data["selected"]["name"] == best["name"]


def test_readable_table_marks_the_selected_model():
    result = run(DATA / "lesbian.csv", "--models", "Mt,Mth Darroch,[12,13,14]")
    assert result.exit_code == 0, result.output
    assert "2,185 persons observed on 4 lists" in result.stdout
    assert "4055.6" in result.stdout
    assert "selected by BIC" in result.stdout
    assert "[12,13,14] *" in result.stdout


def test_model_names_split_outside_brackets():
    assert split_model_names("M0, Mh Chao,[12,34],Mt") == ["M0", "Mh Chao", "[12,34]", "Mt"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("A,B,C\n1,0,0\n", "row 1, field 'C'"),
        ("A,B,count\n1,2,3\n", "row 2, field 'B': '2' is not 0 or 1"),
        ("A,B,count\n1,0,-3\n", "row 2, field 'count': -3 is negative"),
    ],
)
def test_bad_input_is_one_line_naming_file_row_and_field_and_exit_2(tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = run(path, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and expected in lines[0]


def test_unknown_model_and_missing_file_exit_2(tmp_path):
    result = run(DATA / "hare.csv", "--models", "M0,Mq")
    assert result.exit_code == 2 and "unknown model 'Mq'" in result.stderr
    result = run(tmp_path / "absent.csv")
    assert result.exit_code == 2 and "absent.csv: cannot read" in result.stderr


def test_lcm_adds_its_median_and_interval_and_is_fixed_by_the_seed():
    args = (DATA / "hare.csv", "--models", "Mt", "--lcm", "--seed", "5", "--json")
    first = json.loads(run(*args).stdout)
    again = json.loads(run(*args).stdout)
    assert set(first["lcm"]) == {"median", "ci_low", "ci_high"}
    assert first["lcm"] == again["lcm"]
    assert 68 <= first["lcm"]["ci_low"] <= first["lcm"]["median"] <= first["lcm"]["ci_high"]


def test_lcm_readable_output_prints_convergence_diagnostics():
    result = run(DATA / "hare.csv", "--models", "Mt", "--lcm")
    assert result.exit_code == 0, result.output
    assert "Latent classes" in result.stdout
    assert "split R-hat" in result.stdout and "Geweke" in result.stdout


def test_decomposable_adds_median_mean_and_interval():
    result = run(DATA / "HIV.csv", "--models", "Mt", "--decomposable", "--json")
    assert result.exit_code == 0, result.output
    averaged = json.loads(result.stdout)["decomposable"]
    assert set(averaged) == {"median", "mean", "ci_low", "ci_high"}
    assert 1896 <= averaged["ci_low"] < averaged["median"] < averaged["ci_high"]
    readable = run(DATA / "HIV.csv", "--models", "Mt", "--decomposable")
    assert "Decomposable graphs" in readable.stdout and "61 models" in readable.stdout


def test_decomposable_refuses_more_than_five_lists_with_exit_2():
    result = run(DATA / "duck.csv", "--decomposable")
    assert result.exit_code == 2 and "at most 5 lists" in result.stderr
