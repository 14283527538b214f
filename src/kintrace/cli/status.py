"""``kintrace status``: assess a person's status from a story file, touching no database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from kintrace.cli.common import print_json, reporting_errors
from kintrace.errors import StoryError
from kintrace.reconciliation.rules import reconcile
from kintrace.reconciliation.story import parse_story, story_result
from kintrace.reconciliation.words import Lang

app = typer.Typer(
    name="status",
    help="Assess what the evidence supports about a missing person.",
    no_args_is_help=True,
)


def read_story(path: Path) -> Any:
    """Read and decode a story file, or raise StoryError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StoryError(f"{path}: no such file", [f"{path}: no such file"]) from None
    except (OSError, UnicodeDecodeError) as error:
        message = f"{path}: cannot read the file: {error}"
        raise StoryError(message, [message]) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        message = (
            f"{path}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        )
        raise StoryError(message, [message]) from error


@app.command()
def assess(
    story: Path = typer.Argument(..., help="The person's story: a JSON file.", show_default=False),
    lang: Lang = typer.Option(Lang.EN, "--lang", help="Language of the explanation."),
) -> None:
    """Print the assessed status, confidence, flags and explanation of one story as JSON."""
    with reporting_errors():
        parsed = parse_story(read_story(story))
        assessment = reconcile(
            parsed.reports, parsed.official, parsed.today, parsed.policy, parsed.requests
        )
        print_json(story_result(parsed, assessment, lang))
