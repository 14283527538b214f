"""Every error text a service raises that a page shows reaches the reader in Russian and
Ukrainian (issue 16).

The services raise their errors in English (the CLI and the API print them as they are); a
page translates each with :func:`kintrace.web.i18n.translate_problem`: the texts marked in
``kintrace.web.messages`` (whole texts, and templates with values), the patterns of ``i18n``,
and ``field 'x': text``. This test reads the source of the modules whose errors pages show,
takes the text of every ``raise SomeError(...)``, every problem gathered in a list
(``problems.append(...)``) and every refusal of ``viewer.require(roles, "deed")``, writes
each value of an f-string as ``7`` (a role as ``relative``), and checks that the
translation leaves no English word behind.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kintrace.web import i18n
from kintrace.web.i18n import translate_problem
from kintrace.web.limits import too_large_message

SOURCE = Path(__file__).resolve().parents[2] / "src" / "kintrace"

SHOWN = (
    "access.py",
    "attachments",
    "cases",
    "chats/service.py",
    "identification",
    "dossier",
    "importers",
    "letters",
    "linkage/service.py",
    "lists",
    "notify/service.py",
    "partners/tokens.py",
    "reports",
    "storage/fields.py",
    "storage/files.py",
    "users",
    "web",
)
"""Modules (or packages) whose errors the pages show."""

NOT_SHOWN = {
    "web/api_auth.py": "the partner API's answers to machines, in English as documented",
    "web/routes/api.py": "the JSON API, in English as documented (docs/api.md)",
    "web/routes/pfif.py": "being written by another change (PFIF pages)",
}
"""Modules under SHOWN whose errors no page shows, and why."""

ERRORS = {
    "InvalidInput",
    "Conflict",
    "Forbidden",
    "NotFound",
    "TooManyAttempts",
    "UploadTooLarge",
    "SourceFormatError",
    "NotSignedIn",
}
SAMPLE = "7"
"""What each value of an f-string is written as."""

FOREIGN_WORDS = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
KEPT_WORDS = {
    "CSV", "XLSX", "PDF", "JSON", "UTF", "MiB", "http", "https", "DVI", "TOTP", "csv", "xlsx",
    "kintrace", "dvi", "identifications", "json", "Windows", "report_date", "NUL",
    "KIND", "NAME", "columns",  # the command line's argument and option names, typed as shown
}  # fmt: skip
"""Latin words a Russian or Ukrainian text keeps (formats, protocols, units)."""


def _text(node: ast.expr, names: dict[str, str]) -> str | None:
    """Return the text an expression writes, with each value as SAMPLE; None if unknown."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        out = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                out.append(str(part.value))
            else:
                assert isinstance(part, ast.FormattedValue)
                value = "relative" if "role" in ast.unparse(part.value) else SAMPLE
                if isinstance(part.value, ast.Name) and part.value.id in names:
                    value = names[part.value.id]  # a text kept in a name
                joined = part.value
                if (
                    isinstance(joined, ast.Call)
                    and isinstance(joined.func, ast.Attribute)
                    and joined.func.attr == "join"
                    and isinstance(joined.func.value, ast.Constant)
                    and joined.args
                    and isinstance(joined.args[0], ast.Name)
                    and f"{joined.args[0].id}[]" in names
                ):  # " or ".join(CHOICES): the choices, as the text writes them
                    words = names[f"{joined.args[0].id}[]"].split("\n")
                    value = str(joined.func.value.value).join(words)
                out.append(repr(value) if part.conversion == ord("r") else value)
        return "".join(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left, names), _text(node.right, names)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Name):
        return names.get(node.id)
    return None


def _constants(tree: ast.Module) -> dict[str, str]:
    """Return the module's texts and numbers kept in names (``BAD_LINK = "..."``)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            value = _text(node.value, {})
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, int):
                value = str(node.value.value)
            if isinstance(node.value, ast.Call) and ast.unparse(node.value.func) == "N_":
                value = _text(node.value.args[0], {})  # a marked text: N_("...")
            if isinstance(node.value, ast.Tuple) and isinstance(target, ast.Name):
                words = [_text(e, {}) for e in node.value.elts]
                if words and all(w is not None for w in words):
                    found[f"{target.id}[]"] = "\n".join(w for w in words if w is not None)
            if isinstance(target, ast.Name) and value is not None:
                found[target.id] = value
    return found


def _dict_texts(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Yield the texts of module-level dicts of refusals (``NO_CONSENT = {scope: "..."}``)."""
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name) and target.id.startswith("NO_"):
                for value in node.value.values:
                    text = _text(value, {})
                    if text is not None:
                        yield node.lineno, text


BUILT = [
    ("web/limits.py", 0, too_large_message(25 * 2**20)),
    ("web/limits.py", 0, too_large_message(25 * 2**20, "the file")),
    ("web/limits.py", 0, too_large_message(25 * 2**20, SAMPLE)),
    ("web/app.py", 0, "field 'email': String should have at most 200 characters"),  # a form's
]
"""Error texts a function builds (the walk sees only texts written where they are raised)."""


def error_texts() -> Iterator[tuple[str, int, str]]:
    """Yield (module, line, text) for each error text of the modules the pages show."""
    yield from BUILT
    for entry in SHOWN:
        path = SOURCE / entry
        for module in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            name = str(module.relative_to(SOURCE))
            if name in NOT_SHOWN:
                continue
            tree = ast.parse(module.read_text(encoding="utf-8"))
            names = _constants(tree)
            for line, text in _dict_texts(tree):
                yield name, line, text
            for node in ast.walk(tree):
                arg: ast.expr | None = None
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                    func = node.exc.func
                    called = func.id if isinstance(func, ast.Name) else ""
                    if called in ERRORS and node.exc.args:
                        arg = node.exc.args[0]
                elif (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "require"
                    and len(node.args) == 2
                ):  # viewer.require(ROLES, "deed"): "a ROLE may not DEED"
                    deed = _text(node.args[1], names)
                    if deed is not None:
                        yield name, node.lineno, f"a relative may not {deed}"
                    continue
                elif (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "append"
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "problems"
                    and node.args
                ):
                    arg = node.args[0]
                if arg is None:
                    continue
                if isinstance(arg, ast.Tuple) and len(arg.elts) == 2:  # (field, problem)
                    field, problem = (_text(e, names) for e in arg.elts)
                    if field is not None and problem is not None:
                        yield name, node.lineno, f"field {field!r}: {problem}"
                    continue
                text = _text(arg, names)
                if text is not None and not text.startswith("--"):  # a CLI option's problem
                    yield name, node.lineno, text


def english_left(lang: str, text: str) -> list[str]:
    """Return the English words a page would still show of an error text."""
    shown = translate_problem(lang, text)
    return [w for w in FOREIGN_WORDS.findall(shown) if w not in KEPT_WORDS]


def test_the_walk_finds_the_texts_it_must_check() -> None:
    texts = {text for _, _, text in error_texts()}
    assert len(texts) > 150
    assert "the remains can be handed over only after a confirmed identification" in texts
    assert "field 'links', line 7: not an http or https address" in texts  # an f-string
    assert any(t.startswith("this link is not valid") for t in texts)  # a named constant


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_every_error_text_a_page_shows_is_translated(lang: str) -> None:
    left = [
        f"{module}:{line}: {text}"
        for module, line, text in error_texts()
        if english_left(lang, text)
    ]
    assert left == [], "mark them in kintrace.web.messages and translate them"


class _Catalogue:
    """A stand-in catalogue: a few Russian texts, the rest untranslated."""

    TEXTS = {
        "no chat mention %(id)s": "нет упоминания в чате № %(id)s",
        "%(file)s: identification %(number)s: %(problem)s": (
            "%(file)s: идентификация %(number)s: %(problem)s"
        ),
        "field “%(field)s”: %(problem)s": "поле «%(field)s»: %(problem)s",
        "not a number": "не число",
        "lr": "отношение правдоподобия",
    }

    def gettext(self, message: str) -> str:
        return self.TEXTS.get(message, message)


def test_a_template_puts_the_values_back_and_translates_a_problem_inside(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(i18n, "translations", lambda lang: _Catalogue())
    assert translate_problem("ru", "no chat mention 12") == "нет упоминания в чате № 12"
    assert translate_problem("ru", "r.json: identification 3: field 'lr': not a number") == (
        "r.json: идентификация 3: поле «отношение правдоподобия»: не число"
    )
    assert translate_problem("ru", "no chat mention") == "no chat mention"  # no value, no match
