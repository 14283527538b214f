"""``kintrace link FILE_A [FILE_B] --out PAIRS.csv``: the file-to-file command, in process."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kintrace.cli.main import app

A_CSV = (
    "id,surname,given_name,patronymic,birth_date,region,unit,rank\n"
    "A1,Петров,Саша,Иванович,1998,Курская область,в/ч 12345,рядовой\n"
    "A2,Коваленко,Сергей,,14.03.1990,Белгородская обл.,,\n"
    "A3,Петрова,Мария,Ивановна,02.02.1971,Курская область,,\n"
)
B_CSV = (
    "id,surname,given_name,patronymic,birth_date,region,unit,rank\n"
    "B1,PETROV,Aleksandr,Ivanovich,03.05.1998,Kurskaia oblast,MU 12345,private\n"
    "B2,Kovalenko,Serhii,,14.03.1990,Belgorod,,\n"
    "B3,SIDOROV,Oleg,Petrovich,1985,,military unit 54321,sergeant\n"
)


@pytest.fixture
def lists(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "A.csv", tmp_path / "B.csv"
    a.write_text(A_CSV, encoding="utf-8")  # the example of the issue, written here
    b.write_text(B_CSV, encoding="utf-8")
    return a, b


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_two_lists_in_two_scripts_are_linked(lists: tuple[Path, Path], tmp_path: Path) -> None:
    pairs, clusters = tmp_path / "pairs.csv", tmp_path / "clusters.csv"
    result = CliRunner().invoke(
        app,
        ["link", str(lists[0]), str(lists[1]), "--out", str(pairs), "--clusters", str(clusters)],
    )
    assert result.exit_code == 0, result.output
    header = pairs.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:3] == ["left_id", "right_id", "match_probability"]
    rows = read_csv(pairs)
    assert {(r["left_id"], r["right_id"]) for r in rows} == {("A1", "B1"), ("A2", "B2")}
    assert all(float(r["match_probability"]) >= 0.5 for r in rows)
    by_pair = {(r["left_id"], r["right_id"]): r for r in rows}
    assert by_pair[("A1", "B1")]["unit"] == "exact"
    persons = {r["id"]: r["cluster_id"] for r in read_csv(clusters)}
    assert set(persons) == {"A1", "A2", "A3", "B1", "B2", "B3"}
    assert persons["A1"] == persons["B1"] and persons["A2"] == persons["B2"]
    assert len({persons["A3"], persons["B3"], persons["A1"], persons["A2"]}) == 4
    assert "pairs scored" in result.output


def test_one_file_is_deduplicated_with_mapped_columns(tmp_path: Path) -> None:
    source = tmp_path / "one.csv"
    source.write_text(
        "No,last_name,first_name,dob\n"
        "1,Иванов,Алексей,12.04.1991\n"
        "2,IVANOV,Oleksii,1991-04-12\n"
        "3,Сидоров,Пётр,1970\n",
        encoding="utf-8",
    )
    pairs = tmp_path / "pairs.csv"
    result = CliRunner().invoke(
        app,
        ["link", str(source), "--out", str(pairs),
         "--columns", "id=No,surname=last_name,given_name=first_name,birth_date=dob"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [(r["left_id"], r["right_id"]) for r in read_csv(pairs)] == [("1", "2")]


def test_the_twins_guard_can_be_lifted_for_a_register_without_relatives(tmp_path: Path) -> None:
    """Everything agrees but a wholly different given name: twins, unless the list has none."""
    source = tmp_path / "register.csv"
    source.write_text(
        "id,surname,given_name,patronymic,birth_date,region,unit\n"
        "1,Карпенко,Олег,Петрович,12.04.1991,Курская область,в/ч 12345\n"
        "2,Карпенко,Игорь,Петрович,12.04.1991,Курская область,в/ч 12345\n",
        encoding="utf-8",
    )
    found = []
    for extra in ([], ["--no-twins-guard"]):
        pairs = tmp_path / f"pairs{len(extra)}.csv"
        result = CliRunner().invoke(app, ["link", str(source), "--out", str(pairs), *extra])
        assert result.exit_code == 0, result.output
        found.append([(r["left_id"], r["right_id"]) for r in read_csv(pairs)])
    assert found == [[], [("1", "2")]]


def test_two_lists_without_relatives_of_their_own_let_the_guard_yield(tmp_path: Path) -> None:
    """Four men whose given name list B replaced: linked from two files, not from one."""
    men = [
        ("Коваленко", "Сергей", "Andrei", "14.03.1990"),
        ("Петров", "Иван", "Nikolai", "02.07.1985"),
        ("Сидоренко", "Олег", "Viktor", "21.11.1979"),
        ("Мельник", "Павел", "Iurii", "30.01.1994"),
    ]
    a, b, one = tmp_path / "A.csv", tmp_path / "B.csv", tmp_path / "one.csv"
    head = "id,surname,given_name,birth_date\n"
    rows_a = [f"A{i},{s},{g},{d}\n" for i, (s, g, _, d) in enumerate(men)]
    rows_b = [f"B{i},{s.upper()},{o},{d}\n" for i, (s, _, o, d) in enumerate(men)]
    a.write_text(head + "".join(rows_a), encoding="utf-8")
    b.write_text(head + "".join(rows_b), encoding="utf-8")
    one.write_text(head + "".join(rows_a + rows_b), encoding="utf-8")
    found = []
    for files in ([a, b], [one]):
        pairs = tmp_path / f"pairs{len(files)}.csv"
        result = CliRunner().invoke(app, ["link", *map(str, files), "--out", str(pairs)])
        assert result.exit_code == 0, result.output
        found.append(sorted((r["left_id"], r["right_id"]) for r in read_csv(pairs)))
    assert found == [[(f"A{i}", f"B{i}") for i in range(4)], []]


def test_min_probability_lets_weaker_pairs_through(
    lists: tuple[Path, Path], tmp_path: Path
) -> None:
    pairs = tmp_path / "pairs.csv"
    args = ["link", str(lists[0]), str(lists[1]), "--out", str(pairs), "--min-probability", "0"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(read_csv(pairs)) >= 2


def test_bad_rows_are_named_and_nothing_is_written(tmp_path: Path) -> None:
    a, b = tmp_path / "A.csv", tmp_path / "B.csv"
    a.write_text(
        "id,surname,given_name,birth_date\nA1,Петров,Иван,31.02.1990\nA2,,,1990\n",
        encoding="utf-8",
    )
    b.write_text("id,surname,age\nB1,Petrov,200\n", encoding="utf-8")
    pairs, clusters = tmp_path / "pairs.csv", tmp_path / "clusters.csv"
    result = CliRunner().invoke(
        app, ["link", str(a), str(b), "--out", str(pairs), "--clusters", str(clusters)]
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert any("A.csv: row 2" in line and "birth_date" in line for line in lines)
    assert any("A.csv: row 3" in line and "surname" in line for line in lines)
    assert any("B.csv: row 2" in line and "age" in line for line in lines)
    assert not pairs.exists() and not clusters.exists()


def test_a_missing_file_or_id_column_is_exit_2(tmp_path: Path) -> None:
    no_id = tmp_path / "no_id.csv"
    no_id.write_text("surname\nPetrov\n", encoding="utf-8")
    pairs = tmp_path / "pairs.csv"
    runner = CliRunner()
    missing = runner.invoke(app, ["link", str(tmp_path / "absent.csv"), "--out", str(pairs)])
    assert missing.exit_code == 2 and "no such file" in missing.output
    result = runner.invoke(app, ["link", str(no_id), "--out", str(pairs)])
    assert result.exit_code == 2 and "'id'" in result.output
    three = runner.invoke(app, ["link", str(no_id), str(no_id), str(no_id), "--out", str(pairs)])
    assert three.exit_code == 2
    assert not pairs.exists()


def test_link_list_links_an_imported_list_to_the_persons(tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--data-dir", str(tmp_path / "instance")]
    registry = tmp_path / "registry.csv"
    registry.write_text(A_CSV, encoding="utf-8")
    pow_list = tmp_path / "pow.csv"
    pow_list.write_text(B_CSV, encoding="utf-8")
    imported = runner.invoke(app, ["import", str(registry), "--list", "reg", "--persons", *db])
    assert imported.exit_code == 0, imported.output
    assert runner.invoke(app, ["import", str(pow_list), "--list", "pow", *db]).exit_code == 0
    result = runner.invoke(app, ["link", "--list", "pow", "--json", *db])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["records"] == 3 and figures["persons"] == 3
    assert figures["automatic"] + figures["review"] >= 2  # Petrov and Kovalenko are found
    assert figures["unmatched"] >= 1  # Sidorov is nobody we know
    again = runner.invoke(app, ["link", "--list", "pow", "--json", *db])
    assert json.loads(again.stdout)["review"] == 0  # nothing proposed twice


def test_link_list_refuses_files_and_unknown_lists(tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--data-dir", str(tmp_path)]
    mixed = runner.invoke(app, ["link", "a.csv", "--list", "x", *db])
    assert mixed.exit_code == 2 and "--list" in mixed.stderr
    unknown = runner.invoke(app, ["link", "--list", "nope", *db])
    assert unknown.exit_code == 2 and "nope" in unknown.stderr
    no_out = runner.invoke(app, ["link", "a.csv"])
    assert no_out.exit_code == 2 and "--out" in no_out.stderr


def test_a_record_with_two_namesakes_shows_both_probabilities(tmp_path: Path) -> None:
    source = tmp_path / "namesakes.csv"
    source.write_text(
        "id,surname,given_name,patronymic,birth_date,region\n"
        "R1,Петров,Александр,Иванович,,Курская область\n"
        "L1,PETROV,Aleksandr,Ivanovich,1998-03-05,\n"
        "L2,PETROV,Aleksandr,,1990-11-20,Kursk oblast\n",
        encoding="utf-8",
    )
    pairs = tmp_path / "pairs.csv"
    result = CliRunner().invoke(
        app, ["link", str(source), "--out", str(pairs), "--min-probability", "0"]
    )
    assert result.exit_code == 0, result.output
    by_pair = {(r["left_id"], r["right_id"]): r for r in read_csv(pairs)}
    for pair in (("R1", "L1"), ("R1", "L2")):
        row = by_pair[pair]
        assert float(row["match_probability"]) < float(row["pairwise_probability"])
    row = by_pair[("L1", "L2")]
    assert float(row["match_probability"]) == float(row["pairwise_probability"]) < 0.05


def test_pairs_written_for_a_spreadsheet_hold_no_live_formula(tmp_path: Path) -> None:
    a, b = tmp_path / "=HYPERLINK(1).csv", tmp_path / "B.csv"  # file names are written too
    a.write_text(A_CSV, encoding="utf-8")
    b.write_text(B_CSV, encoding="utf-8")
    pairs = tmp_path / "pairs.csv"
    result = CliRunner().invoke(app, ["link", str(a), str(b), "--out", str(pairs)])
    assert result.exit_code == 0, result.output
    rows = read_csv(pairs)
    assert rows and {r["left_file"] for r in rows} == {"'=HYPERLINK(1).csv"}


def test_a_record_id_that_would_be_a_formula_is_refused(tmp_path: Path) -> None:
    a = tmp_path / "A.csv"
    a.write_text(A_CSV.replace("A2,", "=1+1,"), encoding="utf-8")
    result = CliRunner().invoke(app, ["link", str(a), "--out", str(tmp_path / "p.csv")])
    assert result.exit_code == 2
    assert "row 3, field 'id'" in result.stderr and "formula" in result.stderr
    assert not (tmp_path / "p.csv").exists()
