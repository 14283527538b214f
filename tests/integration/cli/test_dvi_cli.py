"""``kintrace dvi`` end to end on the example of the issue (written here) and on bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kintrace.cli.main import app
from pdf_pages import pdf_text

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
    pdf = (case / "csv" / "identification-M1.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    rows = (case / "csv" / "identifications.csv").read_text(encoding="utf-8").splitlines()
    posterior = float(rows[1].split(",")[4])
    for shown in ("M1", "V1", "F1", "5.55556", f"{posterior:.6g}", "H1: the remains V1"):
        assert shown in text, shown
    assert f"date of the report {date.today().isoformat()}" in text


def test_undisputed_with_a_low_threshold(case: Path) -> None:
    code, output = run(case, "--threshold", "5", "--json", str(case / "out.json"))
    assert code == 0, output
    out = json.loads((case / "out.json").read_text(encoding="utf-8"))
    assert [(u["remains"], u["missing"], u["family"]) for u in out["undisputed"]] == [
        ("V1", "M1", "F1")
    ]
    # undisputed by dvir's rule, but not concluded: 2 remains compared, LR 5.56, so the chance
    # bound 2 / 5.56 is far above 0.01 (an unrelated body could reach it by chance)
    assert out["identifications"][0]["conclusion"] == "inconclusive"
    assert out["joint"][0]["assignment"]["V1"] == "M1"
    # a laxer chance level (2 / 5.56 = 0.36 <= 0.5) lets the pairing be concluded
    code, output = run(
        case, "--threshold", "5", "--max-chance", "0.5", "--json", str(case / "lax.json")
    )
    assert code == 0, output
    lax = json.loads((case / "lax.json").read_text(encoding="utf-8"))
    assert lax["identifications"][0]["conclusion"] == "undisputed"
    code, output = run(case, "--max-chance", "0")
    assert code == 2 and "--max-chance" in output


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


def fam_file(rate: float = 0.0, vwa_rate: float | None = None) -> str:
    """A Familias DVI file: mother MO (typed) and her missing son Missing1; remains V1, V2."""
    locus = (
        '"{name}"\n{rate}\n{rate}\n0\n0\n{n}\n0.1\n0.1\n0\n0\n#FALSE#\n0\n'
        "{n}\t(DatabaseSize = 1000 , Dropout probability = 0 , Minor allele frequency = 0 )\n"
    )
    vwa = rate if vwa_rate is None else vwa_rate
    dna = "{d}[[[[DNA data]]]]{d_}\nnSystems= 2\nSystemName= TH01\nAllele1= {a}\nAllele2= {b}\n"
    dna += "SystemName= VWA\nAllele1= {c}\nAllele2= {e}\n"
    return (
        '"Output from Familias, version 3.3.1"\n"DO NOT EDIT!"\n3.3.1 (DVI)\n""\n0\n'
        '"Known relations"\n0\n0\n0\n0\n#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: 0 )\n'
        '2\n#TRUE#\n"test"\n'
        + locus.format(name="TH01", rate=rate, n=3) + '"6"\n0.2\n"7"\n0.3\n"9.3"\n0.5\n'
        + locus.format(name="VWA", rate=vwa, n=2) + '"16"\n0.25\n"17"\n0.75\n'
        + "\n[DVI]\n[[Unidentified persons]]\nnPersons= 2\n"
        + "[[[Person 1 ]]]\nName= V1\nGender= Male\n"
        + dna.format(d="", d_="", a="9.3", b="6", c="16", e="16")
        + "[[[Person 2 ]]]\nName= V2\nGender= Male\n"
        + dna.format(d="", d_="", a="9.3", b="9.3", c="17", e="17")
        + "[[Notes]]\nnFamilies= 1\n\n[[Reference Families]]\nnFamilies= 1\n"
        + "[[[Family 1 ]]]\nName= F1\n[[[[Persons]]]]\nnPersons= 2\n"
        + "[[[[[Person 1]]]]]\nName= MO\nGender= Female\n"
        + dna.format(d="[[", d_="]]", a="6", b="7", c="16", e="17")
        + "[[[[[Person 2]]]]]\nName= Missing1\nGender= Male\n[[[[[[DNA data]]]]]]\n"
        + "nSystems= 0\n[[[[Pedigrees]]]]\nnPedigrees= 2\n"
        + "[[[[[Pedigree 1]]]]]\nName= Reference pedigree\nnRelations= 1\n"
        + "Parent= MO\nChild= Missing1\n"
        + "[[[[[Pedigree 2]]]]]\nName= F1\nnRelations= 1\nParent= MO\nChild= Missing1\n"
        + "[Prior]\nUseList= Yes\n"
    )  # fmt: skip


SAME_CASE = {
    "families.ped": "family id fid mid sex missing TH01 VWA\n"
    "F1 MO 0 0 2 0 6/7 16/17\nF1 Missing1 0 MO 1 1 -/- -/-\n",
    "remains.ped": "id sex TH01 VWA\nV1 1 9.3/6 16/16\nV2 1 9.3/9.3 17/17\n",
    "freqs.csv": "marker,allele,frequency\nTH01,6,0.2\nTH01,7,0.3\nTH01,9.3,0.5\n"
    "VWA,16,0.25\nVWA,17,0.75\n",
}


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["dvi", *args])
    return result.exit_code, result.output


def test_a_fam_file_gives_the_same_result_as_the_same_case_in_ped_files(tmp_path: Path) -> None:
    (tmp_path / "case.fam").write_text(fam_file(), encoding="utf-8")
    for name, text in SAME_CASE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, output = invoke(
        "--fam", str(tmp_path / "case.fam"), "--json", str(tmp_path / "fam.json"),
        "--csv-dir", str(tmp_path / "fam"),
    )  # fmt: skip
    assert code == 0, output
    code, output = invoke(
        "--families", str(tmp_path / "families.ped"), "--remains", str(tmp_path / "remains.ped"),
        "--freqs", str(tmp_path / "freqs.csv"), "--json", str(tmp_path / "ped.json"),
        "--csv-dir", str(tmp_path / "ped"),
    )  # fmt: skip
    assert code == 0, output
    from_fam = json.loads((tmp_path / "fam.json").read_text(encoding="utf-8"))
    from_ped = json.loads((tmp_path / "ped.json").read_text(encoding="utf-8"))
    assert from_fam == from_ped
    # the son of MO: TH01 1/(4 p_6) = 1.25, VWA 1/(2 p_16) = 2; V2 shares no TH01 allele
    assert from_fam["pairwise_lr"]["lr"] == [[pytest.approx(2.5)], [0.0]]
    for name in ("pairwise_lr.csv", "joint.csv", "identifications.csv", "remains.csv"):
        assert (tmp_path / "fam" / name).read_text(encoding="utf-8") == (
            tmp_path / "ped" / name
        ).read_text(encoding="utf-8")
    text = pdf_text((tmp_path / "fam" / "identification-Missing1.pdf").read_bytes())
    assert "mutation model none (from case.fam)" in text and "2: TH01, VWA" in text


def test_the_fam_file_mutation_models_are_used_or_replaced(tmp_path: Path) -> None:
    (tmp_path / "mut.fam").write_text(fam_file(rate=0.001), encoding="utf-8")
    code, output = invoke("--fam", str(tmp_path / "mut.fam"), "--json", str(tmp_path / "o.json"))
    assert code == 0, output
    out = json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))
    assert out["pairwise_lr"]["lr"][1][0] > 0.0  # V2 is no longer excluded
    code, output = invoke(
        "--fam", str(tmp_path / "mut.fam"), "--mutation", "trivial", "--json",
        str(tmp_path / "t.json"),
    )  # fmt: skip
    assert code == 0, output
    out = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert out["pairwise_lr"]["lr"][1][0] == 0.0
    (tmp_path / "mixed.fam").write_text(fam_file(rate=0.001, vwa_rate=0.0), encoding="utf-8")
    code, output = invoke("--fam", str(tmp_path / "mixed.fam"))
    assert code == 2
    flat = " ".join(output.split())
    assert "mixed.fam: the loci have different mutation models" in flat
    assert "give --mutation SPEC" in flat


def test_either_fam_or_the_three_ped_inputs(case: Path) -> None:
    (case / "case.fam").write_text(fam_file(), encoding="utf-8")
    code, output = invoke("--fam", str(case / "case.fam"), "--freqs", str(case / "freqs.csv"))
    assert code == 2
    assert "--freqs: give either --fam FILE.fam or --families, --remains and --freqs" in " ".join(
        output.split()
    )
    code, output = invoke("--families", str(case / "families.ped"))
    assert code == 2
    assert "missing --remains, --freqs" in " ".join(output.split())
    code, output = invoke()
    assert code == 2 and "--fam FILE.fam" in output


def test_a_bad_fam_file_exits_2_naming_the_file_line_and_what_was_expected(case: Path) -> None:
    text = fam_file().replace("nRelations= 1\nParent= MO", "nRelations= 1\nParent MO")
    (case / "bad.fam").write_text(text, encoding="utf-8")
    line = text.splitlines().index("Parent MO") + 1
    code, output = invoke("--fam", str(case / "bad.fam"), "--json", str(case / "out.json"))
    assert code == 2
    assert f"bad.fam:{line}: expected 'Key= value' or a bracketed heading, found 'Parent MO'" in (
        " ".join(output.split())
    )
    assert not (case / "out.json").exists()
    code, output = invoke("--fam", str(case / "absent.fam"))
    assert code == 2 and "absent.fam: cannot read" in " ".join(output.split())


def test_kinship_fam_refuses_a_dvi_file_and_names_the_dvi_command(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "dvi.fam"
    path.write_text(fam_file(), encoding="utf-8")
    result = runner.invoke(app, ["kinship", "fam", str(path)])
    assert result.exit_code == 2
    assert "kintrace dvi --fam" in " ".join(result.output.split())


def test_error_text_in_brackets_is_printed_as_written(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "[dvi] case.fam"
    path.write_text("not a familias file\n", encoding="utf-8")
    result = runner.invoke(app, ["dvi", "--fam", str(path)])
    assert result.exit_code == 2
    assert "[dvi] case.fam" in " ".join(result.output.split())


def test_suggestions_use_the_mutation_model(case: Path) -> None:
    """The expected LR of a suggested relative is computed under the case's mutation model."""
    outs = {}
    for spec in ("trivial", "equal:rate=0.05"):
        code, output = run(case, "--mutation", spec, "--json", str(case / f"{spec[:5]}.json"))
        assert code == 0, output
        out = json.loads((case / f"{spec[:5]}.json").read_text(encoding="utf-8"))
        outs[spec] = {
            (s["missing"], o["relative"]): o["expected_log10_lr"]
            for s in out["suggestions"]
            for o in s["options"]
        }
    plain, mutated = outs["trivial"], outs["equal:rate=0.05"]
    assert set(plain) == set(mutated) and ("M2", "father") in plain
    # a mutation model lowers the expected LR of every informative option (step 7)
    assert all(mutated[k] < plain[k] for k in plain if plain[k] > 0.0)
    assert any(mutated[k] < plain[k] for k in plain)


def test_a_families_file_with_only_a_header_is_one_clear_error(case: Path) -> None:
    (case / "families.ped").write_text(FAMILIES.splitlines()[0] + "\n", encoding="utf-8")
    code, output = run(case)
    assert code == 2
    assert "families.ped: no family, only a header" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("option", ["--threshold", "--max-chance"])
@pytest.mark.parametrize("value", ["nan", "inf"])
def test_non_finite_numbers_are_refused(case: Path, option: str, value: str) -> None:
    code, output = run(case, option, value)
    assert code == 2
    assert option in output


def test_a_subnormal_allele_frequency_is_refused(case: Path) -> None:
    freqs = FREQS.replace("TH01,12,0.25\nTH01,13,0.25", "TH01,12,1e-320\nTH01,13,0.5")
    (case / "freqs.csv").write_text(freqs, encoding="utf-8")
    code, output = run(case)
    assert code == 2
    assert "TH01" in output and "1e-320" in output
