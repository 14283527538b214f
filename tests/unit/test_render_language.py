"""The pages' translating callables read the language from the evaluation context: the same
text as Jinja's own new-style gettext over the whole context, in loops, after ``{% set %}``,
with escaped values and plurals, and a filter of a constant (which Jinja would otherwise work
out once, in English, while compiling). The badges, flags and birth dates drawn by functions
give what the Jinja macros they replace gave, unknown (and hostile) keys escaped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from jinja2 import ChoiceLoader, DictLoader, Environment, pass_context
from jinja2.runtime import Context

from kintrace.web import i18n
from kintrace.web.render import templates


@dataclass(frozen=True)
class Born:
    birth_year: int | None
    birth_month: int | None
    birth_day: int | None
    birth_precision: str


def _lang(context: Context) -> str:
    value = context.get("lang")
    return value if isinstance(value, str) else i18n.DEFAULT_LANGUAGE


def reference_environment() -> Environment:
    """The environment as it was: Jinja's new-style wrappers over ``pass_context`` callables."""

    @pass_context
    def gettext(context: Context, message: str) -> str:
        return i18n.tr(_lang(context), message)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, n: int) -> str:
        return i18n.tr_n(_lang(context), singular, plural, n)

    def by_language(function: Any) -> Any:
        @pass_context
        def wrapped(context: Context, *args: Any) -> Any:
            return function(*args, _lang(context))

        return wrapped

    macros = DictLoader({"_status.html": MACROS})
    env = Environment(loader=ChoiceLoader([macros, templates.env.loader]), autoescape=True)
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        long_date=by_language(i18n.long_date),
        short_date=by_language(i18n.short_date),
        number=by_language(i18n.number),
        label=pass_context(
            lambda c, key, labels: i18n.tr(_lang(c), labels[key]) if key in labels else key
        ),
    )
    env.globals.update(
        {k: v for k, v in templates.env.globals.items() if k.isupper() or k == "STATUSES"}
    )
    return env


MACROS = """{% macro badge(status) -%}
<span class="badge tone-{{ STATUS_TONE.get(status, 'neutral') }}">
{{- status|label(STATUS_LABELS) }}</span>
{%- endmacro %}
{% macro flags(list) -%}
{% for f in list %}<span class="flag flag-{{ f }}">{{ f|label(FLAG_LABELS) }}</span>{% endfor %}
{%- endmacro %}
{% macro birth(p) -%}
{%- if p.birth_year -%}
{%- if p.birth_day -%}{{ '%02d.%02d.%d'|format(p.birth_day, p.birth_month, p.birth_year) }}
{%- elif p.birth_month -%}{{ '%02d.%d'|format(p.birth_month, p.birth_year) }}
{%- elif p.birth_precision == 'age' -%}~{{ p.birth_year }}
{%- else -%}{{ p.birth_year }}{%- endif -%}
{%- else -%}—{%- endif -%}
{%- endmacro %}"""
"""The macros that drew badges, flags and birth dates before they were functions."""

IMPORT = '{% from "_status.html" import badge, flags, birth with context %}'

PAGE = """<h1>{{ _("Cases") }} {{ 12345|number }}</h1>
{% set query = "q=" ~ q %}
{% for s in ["missing", "wounded", "<b>odd"] %}{% set p = s %}
<li>{{ _("Evidence") }} {{ badge(p) }} {{ flags(["contradiction", s]) }}
{% for b in births %}{{ birth(b) }} {% endfor %}
{{ ngettext("%(num)d request", "%(num)d requests", loop.index * 2) }}
{{ _("Page %(page)s of %(pages)s", page=loop.index, pages=q) }}
{% trans count=loop.index %}{{ count }} request{% pluralize %}{{ count }} requests{% endtrans %}
{{ day|long_date }} {{ day|short_date }} {{ s|label(STATUS_LABELS) }}</li>{% endfor %}
{{ query }} {{ _("no such text in any catalogue <b>") }}"""


@pytest.mark.parametrize("lang", ["ru", "uk", "en", None])
def test_the_same_text_as_the_context_wide_gettext(lang: str | None) -> None:
    births = [
        Born(1990, 3, 7, "day"),
        Born(1990, 11, None, "month"),
        Born(1971, None, None, "age"),
        Born(1985, None, None, "year"),
        Born(None, None, None, "year"),
    ]
    values: dict[str, Any] = {"q": "<script>", "day": date(2023, 4, 12), "births": births}
    if lang is not None:
        values["lang"] = lang
    ours = templates.env.from_string(PAGE).render(values)
    theirs = reference_environment().from_string(IMPORT + PAGE).render(values)
    assert ours == theirs
    assert "&lt;script&gt;" in ours and "<script>" not in ours  # values are escaped
    assert "<b>odd" not in ours and "flag-&lt;b&gt;odd" in ours
    assert "07.03.1990 11.1990 ~1971 1985 —" in ours
    if lang == "ru":
        assert "Сведения" in ours and "2 заявления" in ours and "12 апреля 2023" in ours
