"""Person rows in kintrace's standard columns → validated person records. Pure.

Each field has the length of its database column (:data:`FIELD_LIMITS`, the sizes in
``storage/tables.py``), checked here so that SQLite and PostgreSQL keep the same rows; dates and
ages are stored as numbers, so their limits only bound what is read. A birth date is read in
the forms :func:`~kintrace.cases.dates.parse_partial_date` knows (``12.05.1990``, ``1990
г.р.``, ``12 мая 1990``) and must lie between 1880 and today and not after the row's report
date; a report date must not lie in the future; an age is one to three digits, with or without
the word for years after it (``35``, ``35 лет``, ``35 років``). A record id may not begin with a
character that makes a spreadsheet read a cell as a formula (:data:`FORMULA_STARTS`), so that
the ids written back to files (``kintrace link --out``) are never live formulas.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from kintrace.cases.dates import SERVICE_AGES, PartialDate, parse_birth_date, parse_partial_date
from kintrace.cases.model import PersonDetails, Sex, parse_sex
from kintrace.errors import InvalidInput, SourceFormatError
from kintrace.importers.tabular import Table

PERSON_COLUMNS = (
    "id",
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "birth_date",
    "age",
    "report_date",
    "region",
    "unit",
    "rank",
    "personal_number",
)
"""The standard person columns of every list kintrace reads."""

FIELD_LIMITS = {
    "id": 100,
    "surname": 200,
    "given_name": 200,
    "patronymic": 200,
    "sex": 16,
    "birth_date": 32,
    "age": 16,
    "report_date": 32,
    "region": 200,
    "unit": 200,
    "rank": 100,
    "personal_number": 100,
}
"""Longest value of each standard column, in characters (the database's column sizes)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula; refused in record ids."""

_AGE = re.compile(
    r"^([0-9]{1,3})\s*(?:лет|года?|г\.|р\.|рок(?:ів|и)|рік|years?|yrs?\.?|y\.?\s?o\.?)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One row of a list: the list's own id, the person as written, and the row's date."""

    record_id: str
    line: int
    details: PersonDetails
    report_date: date | None = None
    extra: tuple[tuple[str, str], ...] = ()
    """The row's values under columns that are not standard ones, kept as written."""


def _parse_row(
    values: dict[str, str], default_sex: Sex, today: date
) -> tuple[PersonRecord | None, list[str]]:
    problems: list[tuple[str, str]] = []
    for name, limit in FIELD_LIMITS.items():
        if len(values.get(name, "")) > limit:
            problems.append((name, f"{len(values[name])} characters, more than {limit}"))
    if problems:
        return None, [f"field {f!r}: {m}" for f, m in problems]
    record_id = values.get("id", "")
    if not record_id:
        problems.append(("id", "is empty"))
    elif record_id.startswith(FORMULA_STARTS):
        problems.append(
            (
                "id",
                f"{record_id!r} begins with {record_id[0]!r}, which starts a spreadsheet formula",
            )
        )

    def read(field: str, parse: object) -> object:
        text = values.get(field, "")
        if not text:
            return None
        try:
            return parse(text)  # type: ignore[operator]
        except InvalidInput as error:
            problems.append((field, str(error)))
            return None

    sex = read("sex", parse_sex)
    report = read("report_date", parse_partial_date)
    report_day: date | None = None
    if isinstance(report, PartialDate):
        if report.day is None or report.month is None:
            problems.append(("report_date", "must give the day (dd.mm.yyyy or yyyy-mm-dd)"))
        else:
            report_day = date(report.year, report.month, report.day)
            if report_day > today:
                problems.append(("report_date", f"{report_day.isoformat()} is after today"))
    birth = read("birth_date", lambda text: parse_birth_date(text, report_day or today))
    age_text = values.get("age", "")
    if age_text:
        age = _AGE.match(age_text)
        youngest, oldest = SERVICE_AGES  # the message is a translated text: 14 and 90
        if not age or not youngest <= int(age[1]) <= oldest:
            problems.append(("age", f"{age_text!r} is not an age between 14 and 90"))
        elif report_day is None:
            problems.append(("age", "needs report_date, the date at which the age was given"))
        elif birth is None:
            birth = PartialDate.from_age(int(age[1]), report_day)
    if isinstance(birth, PartialDate) and values.get("birth_date"):
        if birth.earliest() > today:
            problems.append(("birth_date", f"{birth.iso()} is after today"))
        elif report_day is not None and birth.earliest() > report_day:
            problems.append(
                ("birth_date", f"{birth.iso()} is after the report date {report_day.isoformat()}")
            )
    if not values.get("surname") and not values.get("given_name"):
        problems.append(("surname", "a row needs a surname or a given name"))
    if problems:
        return None, [f"field {f!r}: {m}" for f, m in problems]
    details = PersonDetails(
        surname=values.get("surname", ""),
        given_name=values.get("given_name", ""),
        patronymic=values.get("patronymic", ""),
        sex=sex if isinstance(sex, Sex) else default_sex,
        birth=birth if isinstance(birth, PartialDate) else None,
        home_region=values.get("region", ""),
        unit=values.get("unit", ""),
        rank=values.get("rank", ""),
        personal_number=values.get("personal_number", ""),
    )
    return PersonRecord(record_id, 0, details, report_day), []


def parse_persons(
    table: Table, *, default_sex: Sex = Sex.MALE, today: date | None = None
) -> list[PersonRecord]:
    """Validate every row; raise one SourceFormatError listing each bad row and field.

    Ids must be unique within the table. Nothing is returned unless every row is good.
    ``today`` (default: the system's date) bounds birth and report dates.
    """
    day = today or date.today()
    if "id" not in table.columns:
        raise SourceFormatError(f"{table.path}: row 1: required column 'id' is missing")
    misspelt = misspelt_columns(table.columns)
    if misspelt:
        raise SourceFormatError(
            f"{table.path}: {len(misspelt)} problem(s)", [f"{table.path}: {p}" for p in misspelt]
        )
    others = [c for c in table.columns if c not in PERSON_COLUMNS]
    problems: list[str] = []
    records: list[PersonRecord] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        record, row_problems = _parse_row(row.values, default_sex, day)
        problems += [f"{table.path}: row {row.line}, {p}" for p in row_problems]
        rid = row.values.get("id", "")
        if rid and rid in seen:
            problems.append(
                f"{table.path}: row {row.line}, field 'id': {rid!r} repeats row {seen[rid]}"
            )
        seen.setdefault(rid, row.line)
        if record is not None:
            extra = tuple((c, row.values[c]) for c in others if row.values.get(c))
            records.append(
                PersonRecord(record.record_id, row.line, record.details, record.report_date, extra)
            )
    if problems:
        raise SourceFormatError(f"{table.path}: {len(problems)} problem(s)", problems)
    return records


def _header_key(header: str) -> str:
    return re.sub(r"[\s\-.]+", "_", header.strip().lower())


def misspelt_columns(columns: tuple[str, ...] | list[str]) -> list[str]:
    """Problems for headers that look like a standard column the file lacks.

    A header such as ``birthdate``, ``Surname`` or ``personal number`` would otherwise be kept
    as an extra column while the standard field stays empty: the birth dates of the whole list
    would vanish without a word. Such a header is refused with the mapping that reads it.
    Headers that resemble no standard column are kept as the row's extra values.

    >>> misspelt_columns(["id", "surname", "birthdate", "notes"])
    ["row 1, field 'birthdate': not a standard column; did you mean 'birth_date'? \
(read it with --columns birth_date=birthdate)"]
    >>> misspelt_columns(["id", "surname", "birth_date", "birthdate"])
    []
    """
    problems = []
    present = set(columns)
    for header in columns:
        if header in PERSON_COLUMNS:
            continue
        key = _header_key(header)
        matches = difflib.get_close_matches(key, PERSON_COLUMNS, n=1, cutoff=0.8)
        if matches and matches[0] not in present:
            standard = matches[0]
            problems.append(
                f"row 1, field {header!r}: not a standard column; did you mean {standard!r}? "
                f"(read it with --columns {standard}={header})"
            )
    return problems
