"""``kintrace dvi`` end to end on the example of the issue (written here) and on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kintrace.cli.main import app

FAMILIES = (
    "family\tid\tfid\tmid\tsex\tmissing\tTH01\tVWA\n"
    "F1\tF1-FA\t0\t0\t1\t0\t12/14\t16/18\n"
    "F1\tF1-MO\t0\t0\t2\t0\t13/14\t17/17\n"
    "F1\tM1\tF1-FA\tF1-MO\t1\t1\t-/-\t-/-\n"
    "F2\tF2-S1\t0\t0\t2\t0\t12/13\t16/16\n"
    "F2\tM2\t0\t0\t1\t1\t-/-\t-/-\n"
)
REMAINS = "id\tsex\tTH01\tVWA\nV1\t1\t12/13\t16/17\nV2\t1\t12/12\t18/18\nV3\t2\t14/14\t17/18\n"
FREQS = "marker,allele,frequency\nTH01,12,0.25\nTH01,13,0.25\nTH01,14,0.5\nVWA,16,0.3\nVWA,17,0.3\nVWA,18,0.4\n"  # noqa: E501


@pytest.fixture
def case(tmp_path: Path) -> Path:
    for name, content in (
        ("families.ped", FAMILIES), ("remains.ped", REMAINS), ("freqs.csv", FREQS)
    ):  # fmt: skip
        (tmp_path / name).write_text(content, encoding="utf-8")
    return tmp_path


def run(case: Path, *extra: str, remains: str = "remains.ped") -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        ["dvi", "--families", str(case / "families.ped"), "--remains", str(case / remains),
         "--freqs", str(case / "freqs.csv"), *extra],
    )  # fmt: skip
    return result.exit_code, result.output


def test_example_json_has_the_exact_shape_and_hand_derived_LRs(case: Path) -> None:
    code, output = run(case, "--json", str(case / "out.json"), "--csv-dir", str(case / "csv"))
    assert code == 0, output
    out = json.loads((case / "out.json").read_text(encoding="utf-8"))
    assert set(out) == {"pairwise_lr", "undisputed", "joint", "identifications", "suggestions"}
    pairwise = out["pairwise_lr"]
    assert pairwise["remains"] == ["V1", "V2", "V3"]
    assert pairwise["missing"] == ["M1", "M2"]
    # V1 as child of the F1 trio: TH01 (1/4)/(2*.25*.25) = 2, VWA (1/2)/(2*.3*.3); M2 untyped kin
    assert pairwise["lr"][0][0] == pytest.approx(2.0 * 0.5 / 0.18)
    assert pairwise["lr"][0][1] == pytest.approx(1.0)
    assert pairwise["lr"][1] == [0.0, 1.0]
    assert pairwise["lr"][2] == [None, None]
    assert out["undisputed"] == []
    best = out["joint"][0]
    assert set(best) == {"assignment", "loglik", "lr", "posterior"}
    assert best["assignment"] == {"V1": "M1", "V2": None, "V3": None}
    assert best["posterior"] == pytest.approx(best["lr"] / (best["lr"] + 1.0))
    idents = {i["missing"]: i for i in out["identifications"]}
    assert set(idents["M1"]) == {"family", "missing", "remains", "lr", "conclusion"}
    assert idents["M1"]["remains"] == "V1"
    assert idents["M2"] == {
        "family": "F2", "missing": "M2", "remains": None, "lr": None,
        "conclusion": "not identifiable",
    }  # fmt: skip
    # both missing persons are thinly typed (two markers): a relative is suggested for each
    suggestions = {s["missing"]: s for s in out["suggestions"]}
    assert set(suggestions) == {"M1", "M2"}
    assert suggestions["M2"]["expected_log10_lr"] == 0.0  # not identifiable now
    assert [o["relative"] for o in suggestions["M1"]["options"]] == ["sibling", "child"]
    m2 = {o["relative"]: o for o in suggestions["M2"]["options"]}
    assert suggestions["M2"]["best"] in m2 and m2["father"]["exclusion_power"] > 0.0
    lines = (case / "csv" / "suggestions.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "family,missing,relative,person,exclusion_power,expected_log10_lr,best"
    assert len(lines) == 1 + (1 + 2) + (1 + 4)
    names = {p.name for p in (case / "csv").iterdir()}
    assert {"pairwise_lr.csv", "joint.csv", "identifications.csv", "undisputed.csv"} <= names
    report = (case / "csv" / "identification-M1.html").read_text(encoding="utf-8")
    assert "H1" in report and "posterior" in report and "5.55556" in report


def test_undisputed_with_a_low_threshold(case: Path) -> None:
    code, output = run(case, "--threshold", "5", "--json", str(case / "out.json"))
    assert code == 0, output
    out = json.loads((case / "out.json").read_text(encoding="utf-8"))
    assert [(u["remains"], u["missing"], u["family"]) for u in out["undisputed"]] == [
        ("V1", "M1", "F1")
    ]
    assert out["identifications"][0]["conclusion"] == "undisputed"
    assert out["joint"][0]["assignment"]["V1"] == "M1"


def test_bad_remains_cell_exits_2_naming_file_line_and_field(case: Path) -> None:
    (case / "bad.ped").write_text("id\tsex\tTH01\tVWA\nV1\t3\t12/13\t16/x/17\n", encoding="utf-8")
    code, output = run(case, "--json", str(case / "out.json"), remains="bad.ped")
    assert code == 2
    flat = " ".join(output.split())
    assert "bad.ped:2: person V1: sex '3'" in flat
    assert "bad.ped:2: person V1: marker VWA:" in flat
    assert not (case / "out.json").exists()


def test_unknown_allele_and_bad_mutation_spec_exit_2(case: Path) -> None:
    (case / "odd.ped").write_text("id\tsex\tTH01\tVWA\nV1\t1\t99/13\t16/17\n", encoding="utf-8")
    code, output = run(case, remains="odd.ped")
    assert code == 2
    assert "person V1: marker TH01: allele 99" in " ".join(output.split())
    code, output = run(case, "--mutation", "bogus")
    assert code == 2 and "--mutation" in output


def test_the_example_runs_with_a_mutation_model(case: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["dvi", "--families", str(case / "families.ped"), "--remains",
         str(case / "remains.ped"), "--freqs", str(case / "freqs.csv"),
         "--mutation", "equal:rate=0.005", "--json", str(case / "o.json")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads((case / "o.json").read_text(encoding="utf-8"))
    assert out["pairwise_lr"]["lr"][1][0] > 0.0  # V2 is no longer excluded outright
    assert out["identifications"][0]["remains"] == "V1"
