"""Charts draw published counts only: a hidden count gets no bar and no number."""

from __future__ import annotations

from kintrace.stats.charts import Bar, Interval, bar_chart, interval_chart, to_png, to_svg
from kintrace.stats.service import HIDDEN, Figures, publish
from kintrace.web.stats_view import figure_charts


def _drawn(fig: object) -> tuple[list[float], list[str]]:
    (ax,) = fig.axes  # type: ignore[attr-defined]
    sizes = [max(p.get_width(), p.get_height()) if p.get_width() else 0.0 for p in ax.patches]
    return sizes, [t.get_text() for t in ax.texts]


def test_a_hidden_count_has_no_bar_only_its_mark() -> None:
    fig = bar_chart([Bar("a", 12), Bar("b", None), Bar("c", 7)], "t")
    sizes, texts = _drawn(fig)
    assert [round(s) for s in sizes] == [12, 0, 7]
    assert texts[1] == HIDDEN


def test_charts_of_published_figures_never_draw_a_suppressed_count() -> None:
    exact = Figures(
        persons=40,
        requests=50,
        reports=90,
        by_status={"missing": 30, "wounded": 3, "returned": 7},
        by_region={"North": 38, "South": 2},
        by_month={"2024-01": 20, "2024-02": 16, "2024-03": 4},
    )
    public = publish(exact)
    charts = dict(figure_charts(public, [], "en"))
    assert len(charts) == 3
    for fig in charts.values():
        sizes, texts = _drawn(fig)
        # the hidden cells here are 3 and 7 (status: 7 hides 3), 38 and 2, 16 and 4
        assert not {3, 7, 38, 2, 16, 4} & {round(s) for s in sizes if s}
        assert not {"3", "7", "38", "2", "16", "4"} & set(texts)
    hidden = [
        c.key for c in public.by_status + public.by_region + public.by_month if c.text == HIDDEN
    ]
    assert sorted(hidden) == ["2024-02", "2024-03", "North", "South", "returned", "wounded"]


def test_charts_render_as_svg_and_png_with_text_escaped() -> None:
    svg = to_svg(bar_chart([Bar("<script>", 5)], "Лица"))
    assert svg.startswith("<svg") and "<script>" not in svg
    png = to_png(interval_chart([Interval("M0", 120.0, 100.0, None)], "t", observed=90))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
