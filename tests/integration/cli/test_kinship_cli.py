"""`kintrace kinship lr` and `kintrace kinship search` on real files: output and bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from kintrace.cli.main import app
from kintrace.kinship.familias import format_fam
from kintrace.kinship.markers import parse_frequency_csv
from kintrace.kinship.mutation import MutationModel, MutationSpec
from kintrace.kinship.pedfile import parse_ped

H1 = (
    "id\tfid\tmid\tsex\tTH01\tVWA\n"
    "AF\t0\t0\t1\t12/12\t16/17\n"
    "MO\t0\t0\t2\t-/-\t-/-\n"
    "CH\tAF\tMO\t1\t12/13\t-/-\n"
)
H2 = "id\tfid\tmid\tsex\tTH01\tVWA\nAF\t0\t0\t1\t12/12\t16/17\nCH\t0\t0\t1\t12/13\t-/-\n"
FREQS = (
    "marker,allele,frequency\nTH01,12,0.25\nTH01,13,0.25\nTH01,14,0.5\n"
    "VWA,16,0.3\nVWA,17,0.3\nVWA,18,0.4\n"
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"h1": tmp_path / "H1.ped", "h2": tmp_path / "H2.ped", "freqs": tmp_path / "f.csv"}
    for key, text in (("h1", H1), ("h2", H2), ("freqs", FREQS)):
        paths[key].write_text(text, encoding="utf-8")
    return paths


def lr(runner: CliRunner, files: dict[str, Path], *extra: str) -> tuple[int, str, str]:
    args = ["kinship", "lr", str(files["h1"]), str(files["h2"]), "--freqs", str(files["freqs"])]
    result = runner.invoke(app, [*args, *extra])
    return result.exit_code, result.stdout, result.stderr


def test_paternity_duo_json_has_the_exact_shape(runner: CliRunner, files: dict[str, Path]) -> None:
    # the paternity duo of shared/examples/kinship (README: LR total 2)
    code, out, _ = lr(runner, files, "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["lr_total", "log10_lr_total", "markers"]
    assert data["lr_total"] == pytest.approx(2.0, rel=1e-14)
    assert data["log10_lr_total"] == pytest.approx(0.30102999566398120, rel=1e-14)
    assert data["markers"] == [
        {"marker": "TH01", "lr": 2.0, "likelihood_h1": 0.015625, "likelihood_h2": 0.0078125},
        {"marker": "VWA", "lr": 1.0, "likelihood_h1": 0.18, "likelihood_h2": 0.18},
    ]


def test_table_output(runner: CliRunner, files: dict[str, Path]) -> None:
    code, out, _ = lr(runner, files)
    assert code == 0
    assert "TH01" in out and "total" in out and "log10 LR = 0.3010" in out


def test_mutation_and_theta_options(runner: CliRunner, files: dict[str, Path]) -> None:
    files["h1"].write_text(H1.replace("12/13", "13/14"), encoding="utf-8")
    files["h2"].write_text(H2.replace("12/13", "13/14"), encoding="utf-8")
    code, out, _ = lr(runner, files, "--json")
    assert code == 0 and json.loads(out)["lr_total"] == 0.0
    assert json.loads(out)["log10_lr_total"] is None
    rate = 0.002
    code, out, _ = lr(runner, files, "--json", "--mutation-male", f"equal:rate={rate}")
    assert code == 0
    # The father's 12 mutates to 13 or 14 (rate / 2 each); the mother gives the other allele.
    assert json.loads(out)["lr_total"] == pytest.approx(
        (rate / 2 * 0.5 + rate / 2 * 0.25) / (2 * 0.25 * 0.5), rel=1e-12
    )
    both = ["--mutation", f"equal:rate={rate}"]
    code, out, _ = lr(runner, files, "--json", *both, "--mutation-female", "equal:rate=0")
    assert json.loads(out)["lr_total"] == pytest.approx(
        (rate / 2 * 0.5 + rate / 2 * 0.25) / (2 * 0.25 * 0.5), rel=1e-12
    )
    files["h1"].write_text(H1, encoding="utf-8")
    files["h2"].write_text(H2, encoding="utf-8")
    code, out, _ = lr(runner, files, "--json", "--theta", "0.03")
    assert json.loads(out)["lr_total"] == pytest.approx(1 / (2 * 0.25 * 1.03), rel=1e-12)


@pytest.mark.parametrize(
    ("h2_text", "message"),
    [
        (
            H2 + "XX\t0\t0\t1\t12/12\t-/-\n",
            "H2.ped:4: person XX: marker TH01: typed here but not in",
        ),
        (
            H2.replace("CH\t0\t0\t1\t12/13", "CH\t0\t0\t1\t12/14"),
            "H2.ped:3: person CH: marker TH01: genotype differs",
        ),
        (H2.replace("16/17", "16/1/7"), "H2.ped:2: person AF: marker VWA: genotype '16/1/7'"),
        (H2.replace("CH\t0\t0\t1", "CH\t0\t0\t7"), "H2.ped:3: person CH: sex '7' not 0, 1, 2"),
    ],
)
def test_bad_h2_gets_one_clear_error_and_exit_two(
    runner: CliRunner, files: dict[str, Path], h2_text: str, message: str
) -> None:
    files["h2"].write_text(h2_text, encoding="utf-8")
    code, out, err = lr(runner, files, "--json")
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_parent_of_the_wrong_sex(runner: CliRunner, files: dict[str, Path]) -> None:
    files["h1"].write_text(H1.replace("MO\t0\t0\t2", "MO\t0\t0\t1"), encoding="utf-8")
    code, _, err = lr(runner, files)
    assert code == 2
    assert "H1.ped:4: person CH: mother MO has sex 1, expected 2 (female)" in err


def test_allele_missing_from_the_table_and_the_min_freq_rule(
    runner: CliRunner, files: dict[str, Path]
) -> None:
    files["h1"].write_text(H1.replace("16/17", "16/99"), encoding="utf-8")
    files["h2"].write_text(H2.replace("16/17", "16/99"), encoding="utf-8")
    code, _, err = lr(runner, files)
    assert code == 2
    assert "H1.ped:2: person AF: marker VWA: allele 99 is not in the frequency table" in err
    code, out, _ = lr(runner, files, "--json", "--min-freq", "0.01")
    assert code == 0
    assert json.loads(out)["lr_total"] == pytest.approx(2.0, rel=1e-12)


def test_bad_options_exit_two(runner: CliRunner, files: dict[str, Path]) -> None:
    code, _, err = lr(runner, files, "--mutation", "stepwise:rate=0.1")
    assert code == 2 and "--mutation: mutation model stepwise: rate2 is required" in err
    code, _, err = lr(runner, files, "--theta", "1.5")
    assert code == 2 and "theta 1.5 not in [0, 1)" in err
    files["freqs"].write_text("marker,allele,frequency\nTH01,12,abc\n", encoding="utf-8")
    code, _, err = lr(runner, files)
    assert code == 2 and "f.csv:2: frequency: 'abc' is not a number" in err


def test_x_linked_marker_from_the_chromosome_column(
    runner: CliRunner, files: dict[str, Path]
) -> None:
    files["freqs"].write_text(
        "marker,allele,frequency,chromosome\nDX,1,0.2,X\nDX,2,0.8,X\n", encoding="utf-8"
    )
    header = "id fid mid sex DX\n"
    files["h1"].write_text(header + "F 0 0 1 1\nMO 0 0 2 -/-\nD F MO 2 1/2\n", encoding="utf-8")
    files["h2"].write_text(header + "F 0 0 1 1/1\nD 0 0 2 1/2\n", encoding="utf-8")
    code, out, _ = lr(runner, files, "--json")
    assert code == 0
    assert json.loads(out)["lr_total"] == pytest.approx(1 / (2 * 0.2), rel=1e-12)


FAMILIES = """\
family id fid mid sex missing TH01 VWA
A FA 0 0 1 0 12/12 16/16
A MO 0 0 2 0 13/14 17/18
A MP FA MO 1 1 -/- -/-
B FA 0 0 1 0 14/14 18/18
B MP FA 0 1 1 -/- -/-
"""
PROFILES = "id sex TH01 VWA\nR1 1 12/13 16/17\nR2 1 14/14 18/18\nR3 2 12/14 16/18\n"


def test_search_json_and_csv(runner: CliRunner, tmp_path: Path, files: dict[str, Path]) -> None:
    fam, prof, out_csv = tmp_path / "fam.ped", tmp_path / "prof.ped", tmp_path / "m.csv"
    fam.write_text(FAMILIES, encoding="utf-8")
    prof.write_text(PROFILES, encoding="utf-8")
    args = ["kinship", "search", "--profiles", str(prof), "--families", str(fam)]
    args += ["--freqs", str(files["freqs"]), "--json", "--csv", str(out_csv)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    matches = json.loads(result.stdout)["matches"]
    r1 = [m for m in matches if m["profile"] == "R1"]
    # R1 fits family A only (B's father is 14/14): LR = 1/p12^2... per marker, by hand:
    # TH01 child of 12/12 and 13/14 is 12/13 with prob 1/2: LR = 0.5 / (2 * .25 * .25) = 4
    # VWA child of 16/16 and 17/18 is 16/17 with prob 1/2: LR = 0.5 / (2 * .3 * .3) = 25/9
    assert [(m["family"], m["position"], m["rank"]) for m in r1] == [("A", "MP", 1)]
    assert r1[0]["lr"] == pytest.approx(4 * 25 / 9, rel=1e-12)
    r2 = [m for m in matches if m["profile"] == "R2"]
    # B: father 14/14, mother unknown: LR = 1 / p14 at TH01 and 1 / p18 at VWA
    assert r2[0]["family"] == "B" and r2[0]["lr"] == pytest.approx(1 / 0.5 / 0.4, rel=1e-12)
    assert not [m for m in matches if m["profile"] == "R3"]  # a woman: both positions are men
    with out_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["profile"] for r in rows] == [m["profile"] for m in matches]
    assert list(rows[0]) == ["profile", "rank", "family", "position", "lr", "log10_lr"]


def test_search_bad_families_file(
    runner: CliRunner, tmp_path: Path, files: dict[str, Path]
) -> None:
    fam, prof = tmp_path / "fam.ped", tmp_path / "prof.ped"
    fam.write_text(FAMILIES.replace("A MP FA MO 1 1", "A MP FA XX 1 1"), encoding="utf-8")
    prof.write_text(PROFILES, encoding="utf-8")
    args = ["kinship", "search", "--profiles", str(prof), "--families", str(fam)]
    result = runner.invoke(app, [*args, "--freqs", str(files["freqs"])])
    assert result.exit_code == 2
    assert "fam.ped:4: person MP: mother XX is not in the pedigree" in result.stderr


def fam_file(tmp_path: Path, mutation: MutationModel | None = None) -> Path:
    table = parse_frequency_csv(FREQS)
    hypotheses = {"father": parse_ped(H1), "unrelated": parse_ped(H2)}
    path = tmp_path / "case.fam"
    text = format_fam(hypotheses, table, mutation or MutationModel())
    path.write_text(text, encoding="utf-8")
    return path


def test_fam_json_gives_each_hypothesis_lr_against_the_last(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["kinship", "fam", str(fam_file(tmp_path)), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["reference"] == "unrelated" and data["theta"] == 0.0
    father, unrelated = data["hypotheses"]
    assert father["name"] == "father"
    assert father["lr"] == pytest.approx(2.0, rel=1e-14)  # as `kinship lr` on the ped files
    assert [m["lr"] for m in father["markers"]] == pytest.approx([2.0, 1.0], rel=1e-14)
    assert father["markers"][0]["likelihood"] == pytest.approx(0.015625, rel=1e-14)
    assert father["log10_likelihood"] == pytest.approx(np.log10(0.015625 * 0.18), rel=1e-12)
    assert unrelated["lr"] == 1.0 and unrelated["log10_lr"] == 0.0


def test_fam_reference_mutation_and_table(runner: CliRunner, tmp_path: Path) -> None:
    model = MutationModel.both(MutationSpec("equal", rate=0.01))
    path = fam_file(tmp_path, model)
    args = ["kinship", "fam", str(path), "--json", "--reference", "father"]
    data = json.loads(runner.invoke(app, args).stdout)
    unrelated = data["hypotheses"][1]
    assert unrelated["lr"] > 0.5 + 1e-6  # the mutation model of the file is used ...
    plain = json.loads(runner.invoke(app, [*args, "--no-mutation"]).stdout)
    assert plain["hypotheses"][1]["lr"] == pytest.approx(0.5, rel=1e-14)  # ... unless refused
    table = runner.invoke(app, ["kinship", "fam", str(path)])
    assert table.exit_code == 0 and "father" in table.stdout and "unrelated" in table.stdout
    bad = runner.invoke(app, ["kinship", "fam", str(path), "--reference", "nobody"])
    assert bad.exit_code == 2
    assert "--reference 'nobody' is not a pedigree of the file" in bad.stderr


def test_a_fam_file_with_a_huge_count_of_extra_persons_is_refused(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = fam_file(tmp_path)
    text = path.read_text(encoding="utf-8")
    at = text.index('"father"\n') + len('"father"\n')
    assert text[at : at + 4] == "0\n0\n"  # no extra females, no extra males
    path.write_text(text[:at] + "999999999\n" + text[at + 2 :], encoding="utf-8")
    result = runner.invoke(app, ["kinship", "fam", str(path)])
    assert result.exit_code == 2
    assert "the number of extra females (a whole number from 0 to 1000)" in result.stderr


@pytest.mark.parametrize(("option", "value"), [("--theta", "nan"), ("--min-freq", "inf")])
def test_non_finite_numeric_options_are_refused(
    runner: CliRunner, files: dict[str, Path], option: str, value: str
) -> None:
    code, _, err = lr(runner, files, option, value)
    assert code == 2
    assert f"{option}: {value} is not a finite number" in err


def test_an_impossible_default_reference_points_to_the_reference_option(
    runner: CliRunner, tmp_path: Path
) -> None:
    table = parse_frequency_csv(FREQS)
    excluded = H1.replace("CH\tAF\tMO\t1\t12/13", "CH\tAF\tMO\t1\t13/14")
    hypotheses = {
        "unrelated": parse_ped(H2.replace("12/13", "13/14")),
        "father": parse_ped(excluded),
    }
    path = tmp_path / "excluded.fam"
    path.write_text(format_fam(hypotheses, table, MutationModel()), encoding="utf-8")
    result = runner.invoke(app, ["kinship", "fam", str(path)])
    assert result.exit_code == 2
    assert "mutation" not in result.stderr
    assert (
        "pedigree 'father' (the last pedigree, the default reference) makes the genotypes "
        "impossible at marker TH01 (likelihood 0)" in result.stderr
    )
    assert "--reference NAME (unrelated)" in result.stderr
    fine = runner.invoke(app, ["kinship", "fam", str(path), "--json", "--reference", "unrelated"])
    assert fine.exit_code == 0, fine.stderr
    father = json.loads(fine.stdout)["hypotheses"][1]
    assert father["name"] == "father" and father["lr"] == 0.0


def test_a_frequency_database_only_fam_file_has_no_pedigree_to_compare(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "database.fam"
    path.write_text(format_fam({}, parse_frequency_csv(FREQS)), encoding="utf-8")
    result = runner.invoke(app, ["kinship", "fam", str(path), "--json"])
    assert result.exit_code == 2
    assert "Ped 1" not in result.stdout
    assert "database.fam: no pedigree to compare: the file holds only a frequency database" in (
        result.stderr
    )


def test_a_rescaled_frequency_table_gets_one_note_on_stderr(
    runner: CliRunner, files: dict[str, Path]
) -> None:
    off = FREQS.replace("TH01,14,0.5", "TH01,14,0.505").replace("VWA,18,0.4", "VWA,18,0.399")
    files["freqs"].write_text(off, encoding="utf-8")
    code, out, err = lr(runner, files, "--json")
    assert code == 0
    notes = [line for line in err.splitlines() if line.startswith("note:")]
    assert notes == [
        f"note: {files['freqs']}: the frequencies of 2 markers (TH01, VWA) sum off 1 by up to "
        "0.005 (within the tolerance 0.01): rescaled to sum to 1"
    ]
    assert json.loads(out)["lr_total"] == pytest.approx(1.005 / 0.5, rel=1e-12)  # 1 / (2 p_12)
    files["freqs"].write_text(FREQS, encoding="utf-8")
    assert "note:" not in lr(runner, files, "--json")[2]
