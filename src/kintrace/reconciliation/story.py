"""Read one person's story (the JSON of ``kintrace status assess``) and write its result. Pure.

Validation gathers every problem before raising :class:`StoryError`, one line per problem,
each naming the report (its id, or its 0-based index when it has none) and the field.
A report without an id gets the key ``#<index>`` and is referred to by its index.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from kintrace.cases.dates import YEAR_MAX, YEAR_MIN
from kintrace.errors import InvalidInput, StoryError
from kintrace.reconciliation.clocks import ClockPolicy
from kintrace.reconciliation.explain import explain
from kintrace.reconciliation.model import (
    Assessment,
    AuthorityRequest,
    Claim,
    OfficialStatus,
    ReportInput,
    RequestKind,
    Role,
)
from kintrace.reconciliation.rules import retraction_problems
from kintrace.reconciliation.words import Lang
from kintrace.reports.model import RETRACTION, Grade, SourceType, Status

Ref = str | int
"""How the output refers to a report or request: its id, or its index when it has none."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STATUSES = tuple(s.value for s in Status)
_SOURCES = tuple(s.value for s in SourceType)
_KINDS = tuple(k.value for k in RequestKind)


@dataclass(frozen=True, slots=True)
class Story:
    """One person's story, checked: the day of assessment, the official status, the reports."""

    today: date
    official: OfficialStatus | None
    reports: tuple[ReportInput, ...]
    requests: tuple[AuthorityRequest, ...] = ()
    policy: ClockPolicy = ClockPolicy()
    refs: Mapping[str, Ref] = field(default_factory=dict)
    request_refs: Mapping[str, Ref] = field(default_factory=dict)

    def ref(self, key: str) -> Ref:
        """Return how the output refers to the report with this key."""
        return self.refs.get(key, key)

    def request_ref(self, key: str) -> Ref:
        """Return how the output refers to the request with this key."""
        return self.request_refs.get(key, key)


class _Fields:
    """Read the fields of one JSON object, writing down each problem with where it is."""

    def __init__(self, where: str, data: Mapping[str, Any], problems: list[str]) -> None:
        self.where, self.data, self.problems = where, data, problems

    def problem(self, name: str, message: str) -> None:
        self.problems.append(f"{self.where}: field {name!r}: {message}")

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "missing")
            return None
        if not isinstance(value, str):
            self.problem(name, f"expected text, got {value!r}")
            return None
        return value

    def day(self, name: str, required: bool = True) -> date | None:
        value = self.text(name, required)
        if value is None:
            return None
        try:
            if not _DATE.match(value):
                raise ValueError(value)
            day = date.fromisoformat(value)
        except ValueError:
            self.problem(name, f"bad date {value!r}: expected YYYY-MM-DD")
            return None
        if not YEAR_MIN <= day.year <= YEAR_MAX:
            self.problem(name, f"{value} is outside the years {YEAR_MIN}..{YEAR_MAX}")
            return None
        return day

    def word(self, name: str, words: tuple[str, ...], required: bool = True) -> str | None:
        value = self.text(name, required)
        if value is None or value in words:
            return value
        self.problem(name, f"unknown word {value!r}; expected one of: {', '.join(words)}")
        return None

    def count(self, name: str, default: int) -> int:
        value = self.data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem(name, f"expected a whole number of at least 1, got {value!r}")
            return default
        return value


def _label(kind: str, index: int, item: object) -> str:
    ident = item.get("id") if isinstance(item, dict) else None
    return f"{kind} {ident!r}" if isinstance(ident, str) and ident else f"{kind} {index}"


def _report(index: int, raw: object, today: date | None, problems: list[str]) -> ReportInput | None:
    where = _label("report", index, raw)
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be an object")
        return None
    before = len(problems)
    fields = _Fields(where, raw, problems)
    ident = raw.get("id")
    if ident is not None and (not isinstance(ident, str) or not ident):
        fields.problem("id", f"expected a non-empty text, got {ident!r}")
    day = fields.day("date")
    if day is not None and today is not None and day > today:
        fields.problem("date", f"{day.isoformat()} is after today ({today.isoformat()})")
    source = fields.word("source", _SOURCES)
    grade_text = fields.text("grade")
    grade = None
    if grade_text is not None:
        try:
            grade = Grade.parse(grade_text)
        except InvalidInput as error:
            fields.problem("grade", str(error))
    claim = fields.word("claim", (*_STATUSES, RETRACTION))
    raw_retracts = raw.get("retracts")
    retracts: str | None = None
    if isinstance(raw_retracts, int) and not isinstance(raw_retracts, bool):
        retracts = f"#{raw_retracts}"
    elif isinstance(raw_retracts, str):
        retracts = raw_retracts
    elif raw_retracts is not None:
        fields.problem("retracts", f"expected the id of a report, got {raw_retracts!r}")
    text = fields.text("text", required=False) or ""
    if len(problems) > before:
        return None
    assert day is not None and source is not None and grade is not None and claim is not None
    key = ident if isinstance(ident, str) else f"#{index}"
    said: Claim = "retraction" if claim == RETRACTION else Status(claim)
    return ReportInput(key, day, SourceType(source), grade, said, retracts, text)


def _official(raw: object, today: date | None, problems: list[str]) -> OfficialStatus | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append("official: must be an object or null")
        return None
    fields = _Fields("official", raw, problems)
    status = fields.word("status", _STATUSES)
    since = fields.day("since")
    authority = fields.text("authority", required=False) or ""
    if since is not None and today is not None and since > today:
        fields.problem("since", f"{since.isoformat()} is after today ({today.isoformat()})")
        return None
    if status is not None and since is not None:
        return OfficialStatus(Status(status), since, authority)
    return None


def _request(
    index: int, raw: object, policy: ClockPolicy, problems: list[str]
) -> AuthorityRequest | None:
    where = _label("request", index, raw)
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be an object")
        return None
    before = len(problems)
    fields = _Fields(where, raw, problems)
    authority = fields.text("authority")
    kind = fields.word("kind", _KINDS, required=False) or RequestKind.OTHER
    sent = fields.day("sent")
    due = fields.day("due", required=False)
    replied = fields.day("replied", required=False)
    if replied is not None and sent is not None and replied < sent:
        fields.problem(
            "replied", f"{replied.isoformat()} is before the request ({sent.isoformat()})"
        )
    if due is not None and sent is not None and due < sent:
        fields.problem("due", f"{due.isoformat()} is before the request ({sent.isoformat()})")
    if len(problems) > before or authority is None or sent is None:
        return None
    ident = raw.get("id")
    key = ident if isinstance(ident, str) and ident else f"#{index}"
    due = due or sent + timedelta(days=policy.reply_days)
    return AuthorityRequest(key, authority, sent, due, replied, RequestKind(kind))


MAX_STORY_DEPTH = 64
"""Deepest nesting of arrays and objects read in a story (a real one nests four deep)."""


def decode_story(text: str, *, source: str = "<story>") -> object:
    """Decode a story's JSON text, refusing nesting deeper than MAX_STORY_DEPTH.

    The depth is measured before decoding, so a file nested 100,000 deep is one StoryError
    instead of a RecursionError.

    >>> decode_story('{"today": "2024-01-01"}')
    {'today': '2024-01-01'}
    """
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_STORY_DEPTH:
                message = f"{source}: nested deeper than {MAX_STORY_DEPTH} levels"
                raise StoryError(message, [message])
        elif char in "]}":
            depth -= 1
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        message = (
            f"{source}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        )
        raise StoryError(message, [message]) from error
    except RecursionError as error:  # the count above keeps this away; kept as a last guard
        message = f"{source}: nested too deep"
        raise StoryError(message, [message]) from error


def parse_story(data: object) -> Story:
    """Check a story (decoded JSON) and turn it into a Story, or raise StoryError."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise StoryError("the story must be a JSON object", ["the story must be a JSON object"])
    top = _Fields("story", data, problems)
    today = top.day("today")
    official = _official(data.get("official"), today, problems)
    raw_policy = data.get("policy", {})
    policy = ClockPolicy()
    if isinstance(raw_policy, dict):
        rules = _Fields("policy", raw_policy, problems)
        policy = ClockPolicy(
            court_after_months=rules.count("court_after_months", policy.court_after_months),
            stale_after_days=rules.count("stale_after_days", policy.stale_after_days),
            reply_days=rules.count("reply_days", policy.reply_days),
        )
    else:
        problems.append("policy: must be an object")
    raw_reports = data.get("reports")
    if not isinstance(raw_reports, list):
        top.problem("reports", "expected a list of reports")
        raw_reports = []
    parsed = [_report(n, raw, today, problems) for n, raw in enumerate(raw_reports)]
    raw_requests = data.get("requests") or []
    if not isinstance(raw_requests, list):
        top.problem("requests", "expected a list of requests")
        raw_requests = []
    requests = [_request(n, raw, policy, problems) for n, raw in enumerate(raw_requests)]
    keys = [f"#{n}" if r is None else r.key for n, r in enumerate(parsed)]
    reports = [_resolve_index(r, keys) for r in parsed if r is not None]
    refs: dict[str, Ref] = {}
    for index, report in enumerate(parsed):
        if report is not None:
            refs[report.key] = index if report.key.startswith("#") else report.key
    if len(reports) == len(parsed):
        problems.extend(retraction_problems(reports, name=lambda key: _name(refs, key)))
    if problems or today is None:
        raise StoryError(f"{len(problems)} problem(s) in the story", problems)
    request_refs: dict[str, Ref] = {}
    for index, request in enumerate(requests):
        if request is not None:
            request_refs[request.key] = index if request.key.startswith("#") else request.key
    kept = tuple(r for r in requests if r is not None)
    return Story(today, official, tuple(reports), kept, policy, refs, request_refs)


def _resolve_index(report: ReportInput, keys: list[str]) -> ReportInput:
    """Let a retraction name a report without an id by its index (``"retracts": 2``)."""
    target = report.retracts
    if target is None or not target.startswith("#") or not target[1:].isdigit():
        return report
    index = int(target[1:])
    return replace(report, retracts=keys[index]) if index < len(keys) else report


def _name(refs: Mapping[str, Ref], key: str) -> str:
    ref = refs.get(key, key)
    return f"report {ref}" if isinstance(ref, int) else f"report {ref!r}"


def story_result(story: Story, assessment: Assessment, lang: Lang = Lang.EN) -> dict[str, Any]:
    """Write the result of ``kintrace status assess`` as plain JSON-ready data."""

    def refs(role: Role) -> list[Ref]:
        return [story.ref(key) for key in assessment.keys(role)]

    clocks = assessment.clocks
    position = {r.key: n for n, r in enumerate(story.reports)}
    in_input_order = sorted(assessment.reports, key=lambda w: position.get(w.report.key, -1))
    return {
        "status": assessment.status.value,
        "confidence": assessment.confidence,
        "flags": [flag.value for flag in assessment.flags],
        "supporting": refs(Role.SUPPORTING),
        "contradicting": refs(Role.CONTRADICTING),
        "court_date": None if clocks.court_date is None else clocks.court_date.isoformat(),
        "explanation": explain(assessment, lang, name=lambda key: str(story.ref(key))),
        "since": None if assessment.since is None else assessment.since.isoformat(),
        "superseded": refs(Role.SUPERSEDED),
        "retracted": refs(Role.RETRACTED),
        "retractions": refs(Role.RETRACTION),
        "last_information": None
        if clocks.last_information is None
        else clocks.last_information.isoformat(),
        "days_since_last_information": clocks.days_since_last_information,
        "overdue_requests": [story.request_ref(r.key) for r in clocks.overdue_requests],
        "reports": [
            {
                "report": story.ref(w.report.key),
                "role": w.role.value,
                "weight": w.weight,
                "counted_as": None if w.counted_as is None else w.counted_as.value,
                "retracted_by": None if w.retracted_by is None else story.ref(w.retracted_by),
            }
            for w in in_input_order
        ],
        "changes": [
            {
                "date": c.date.isoformat(),
                "status": c.status.value,
                "report": story.ref(c.report),
                "reason": c.reason.value,
            }
            for c in assessment.changes
        ],
    }
