"""An identification report as one self-contained HTML page (Jinja2, autoescaped)."""

from __future__ import annotations

from jinja2 import Environment, select_autoescape

from kintrace.reporting.identification import (
    CLOSING,
    IdentificationReport,
    alternatives,
    evidence,
    explanation,
    facts,
    hypotheses,
    title,
)

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Identification {{ report.missing }}</title>
<style>body{font-family:sans-serif;max-width:46em;margin:2em auto}
table{border-collapse:collapse;margin-bottom:1em}
td,th{border:1px solid #999;padding:.2em .6em;text-align:left;vertical-align:top}</style>
</head><body>
<h1>{{ title }}</h1>
<table>
{% for label, value in facts %}<tr><th>{{ label }}</th><td>{{ value }}</td></tr>
{% endfor %}</table>
<h2>Hypotheses</h2>
<ul>
{% for name, text in hypotheses %}<li>{{ name }}: {{ text }}</li>
{% endfor %}</ul>
<h2>Evidence</h2>
<table>
{% for label, value in evidence %}<tr><th>{{ label }}</th><td>{{ value }}</td></tr>
{% endfor %}</table>
{% if alternatives %}<h2>Competing pairings</h2>
<table><tr><th>remains</th><th>missing person</th><th>LR</th></tr>
{% for a in alternatives %}<tr><td>{{ a[0] }}</td><td>{{ a[1] }}</td><td>{{ a[2] }}</td></tr>
{% endfor %}</table>{% endif %}
{% if explanation %}<p>{{ explanation }}</p>{% endif %}
<p><i>{{ closing }}</i></p>
</body></html>
"""

_ENVIRONMENT = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_TEMPLATE = _ENVIRONMENT.from_string(TEMPLATE)


def render_html(report: IdentificationReport) -> str:
    """Render one identification report as an HTML page."""
    return _TEMPLATE.render(
        report=report,
        title=title(report),
        facts=facts(report),
        hypotheses=hypotheses(report),
        evidence=evidence(report),
        alternatives=alternatives(report),
        explanation=explanation(report),
        closing=CLOSING,
    )
