"""Accessible charts rendered server-side as inline SVG (no JavaScript library, no style attribute).

Each SVG has ``role="img"`` and ``aria-labelledby`` pointing at its ``<title>`` and ``<desc>``; the
template puts the data table right after it. Series differ by fill *and* by a hatch pattern, so that no
information is carried by colour alone. Hidden figures (secret statistique) are not drawn: "< 5" is
written in their place. A chart whose every figure is hidden is not drawn blank: it says « Effectifs
trop faibles » (``secret_note``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from relogement.core.formatting import format_number

FILLS = ["#1f4e79", "#b35900", "#2e7d32", "#6a1b9a"]
WIDTH, HEIGHT = 680, 300
LEFT, RIGHT, TOP, BOTTOM = 96, 16, 36, 84
HIDDEN = "< 5"
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"]
SECRET_NOTE = (
    "Effectifs trop faibles pour tracer ce graphique : les effectifs inférieurs à 5 sont masqués "
    "(secret statistique)."
)


def _segments(points) -> list[list[str]]:
    """SVG polyline point lists of a line broken where a point is missing (None: unknown or hidden
    by the secret), so that no segment is drawn across a gap."""
    segments, current = [], []
    for point in points:
        if point is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{point[0]:.1f},{point[1]:.1f}")
    if current:
        segments.append(current)
    return segments


def secret_note(title: str) -> SafeString:
    """What stands in place of a chart whose every figure is hidden by the secret statistique."""
    return format_html(
        '<p class="chart-secret border rounded p-3 mb-2"><strong>{}</strong> : {}</p>', title, SECRET_NOTE
    )


def _all_hidden(series: Sequence[Series]) -> bool:
    """Nothing to draw, and only because of the secret (an empty chart stays an empty chart)."""
    shown = any(v is not None and not s.is_hidden(i) for s in series for i, v in enumerate(s.values))
    hidden = any(s.is_hidden(i) for s in series for i in range(len(s.values)))
    return hidden and not shown


@dataclass
class Series:
    label: str
    values: Sequence[float | int | None]
    hidden: Sequence[bool] | None = None

    def is_hidden(self, i: int) -> bool:
        return bool(self.hidden and self.hidden[i])


def _patterns(chart_id: str) -> str:
    return (
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#b35900"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>'
    )


def _fill(chart_id: str, index: int) -> str:
    return f"url(#{chart_id}-hatch)" if index == 1 else FILLS[index % len(FILLS)]


def _open(chart_id: str, title: str, desc: str, height: int = HEIGHT) -> str:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-labelledby="{}-title {}-desc" class="chart-svg" font-family="sans-serif" font-size="12">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        WIDTH,
        height,
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
    )


def _legend(chart_id: str, series: Sequence[Series]) -> str:
    parts = []
    x = LEFT
    for i, s in enumerate(series):
        parts.append(
            format_html(
                '<rect x="{}" y="8" width="14" height="14" fill="{}" stroke="#212529" stroke-width="0.5"/>'
                '<text x="{}" y="20" fill="#212529">{}</text>',
                x,
                mark_safe(_fill(chart_id, i)),
                x + 18,
                s.label,
            )
        )
        x += 24 + 7 * len(s.label)
    return "".join(parts)


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    fmt: Callable = lambda v: format_number(v),
) -> SafeString:
    """Vertical grouped bars: one group per category, one bar per series."""
    if _all_hidden(series):
        return secret_note(title)
    values = [v for s in series for i, v in enumerate(s.values) if v is not None and not s.is_hidden(i)]
    top = max([float(v) for v in values] + [0]) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(len(categories), 1)
    bar_w = min(40, group_w * 0.8 / max(len(series), 1))
    out = [_open(chart_id, title, desc), _patterns(chart_id)]
    if len(series) > 1:
        out.append(_legend(chart_id, series))
    base_y = TOP + plot_h
    out.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#212529" stroke-width="1"/>',
            LEFT,
            base_y,
            WIDTH - RIGHT,
            base_y,
        )
    )
    for ci, category in enumerate(categories):
        gx = LEFT + ci * group_w + (group_w - bar_w * len(series)) / 2
        for si, s in enumerate(series):
            x = gx + si * bar_w
            value = s.values[ci]
            if s.is_hidden(ci):
                out.append(
                    format_html(
                        '<text x="{}" y="{}" text-anchor="middle" fill="#212529">{}</text>',
                        _f(x + bar_w / 2),
                        _f(base_y - 4),
                        HIDDEN,
                    )
                )
                continue
            if value is None:
                continue
            h = max(float(value), 0) / top * plot_h
            out.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" class="bar">'
                    "<title>{} — {} : {}</title></rect>",
                    _f(x),
                    _f(base_y - h),
                    _f(bar_w - 2),
                    _f(h),
                    mark_safe(_fill(chart_id, si)),
                    category,
                    s.label,
                    fmt(value),
                )
            )
            out.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" fill="#212529" font-size="10">{}</text>',
                    _f(x + bar_w / 2),
                    _f(base_y - h - 3),
                    fmt(value),
                )
            )
        label = category if len(category) <= 24 else category[:23] + "…"
        out.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="#212529" transform="rotate(-30 {} {})">{}</text>',
                _f(LEFT + ci * group_w + group_w / 2),
                _f(base_y + 14),
                _f(LEFT + ci * group_w + group_w / 2),
                _f(base_y + 14),
                label,
            )
        )
    out.append("</svg>")
    return mark_safe("".join(out))


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    points: Sequence[tuple[dt.date, int | None]],
    marker: dt.date | None = None,
    marker_label: str = "",
) -> SafeString:
    """One line over months (None = hidden point, not drawn), with an optional vertical date marker."""
    if points and all(v is None for _, v in points):
        return secret_note(title)
    height = 200
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - 36
    months = [p[0] for p in points]
    if marker and months and marker > months[-1]:
        span_end = marker
    else:
        span_end = months[-1] if months else dt.date.today()
    start = months[0] if months else span_end
    total_days = max((span_end - start).days, 1)
    top = max([v for _, v in points if v is not None] + [1])

    def x_of(d: dt.date) -> float:
        return LEFT + (d - start).days / total_days * plot_w

    def y_of(v: float) -> float:
        return TOP + plot_h - v / top * plot_h

    out = [_open(chart_id, title, desc, height)]
    base_y = TOP + plot_h
    out.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#212529"/>'
            '<text x="{}" y="{}" text-anchor="end" fill="#212529" font-size="10">{}</text>'
            '<text x="{}" y="{}" text-anchor="end" fill="#212529" font-size="10">0</text>',
            LEFT,
            base_y,
            WIDTH - RIGHT,
            base_y,
            LEFT - 4,
            _f(TOP + 4),
            format_number(top),
            LEFT - 4,
            base_y,
        )
    )
    for seg in _segments((x_of(d), y_of(v)) if v is not None else None for d, v in points):
        out.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="#1f4e79" stroke-width="2" class="burndown"/>',
                " ".join(seg),
            )
        )
    if months:
        out.append(
            format_html(
                '<text x="{}" y="{}" fill="#212529" font-size="10">{}</text>'
                '<text x="{}" y="{}" text-anchor="end" fill="#212529" font-size="10">{}</text>',
                LEFT,
                base_y + 14,
                start.strftime("%m/%Y"),
                WIDTH - RIGHT,
                base_y + 14,
                span_end.strftime("%m/%Y"),
            )
        )
    if marker:
        mx = x_of(marker)
        out.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#b00020" stroke-width="2" '
                'stroke-dasharray="6 3"/><text x="{}" y="{}" text-anchor="end" fill="#b00020" '
                'font-size="10">{}</text>',
                _f(mx),
                TOP,
                _f(mx),
                _f(base_y),
                _f(mx - 3),
                TOP - 4,
                marker_label,
            )
        )
    out.append("</svg>")
    return mark_safe("".join(out))


def lines_chart(
    chart_id: str, title: str, desc: str, months: Sequence[dt.date], series: Sequence[Series]
) -> SafeString:
    """Several lines over the same months (None or hidden = point not drawn). Lines differ by colour
    *and* dash pattern, named in the legend; a series whose every point is hidden is named in the
    legend as « effectifs trop faibles »."""
    if not months:
        return mark_safe("")
    if _all_hidden(series):
        return secret_note(title)
    legend_rows = (len(series) + 2) // 3
    top_margin = TOP + 18 * legend_rows
    height = 240 + 18 * legend_rows
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - top_margin - 36
    start, end = months[0], months[-1]
    total_days = max((end - start).days, 1)
    values = [v for s in series for i, v in enumerate(s.values) if v is not None and not s.is_hidden(i)]
    top = max(values + [1])

    def x_of(d: dt.date) -> float:
        return LEFT + (d - start).days / total_days * plot_w

    def y_of(v: float) -> float:
        return top_margin + plot_h - v / top * plot_h

    base_y = top_margin + plot_h
    out = [
        _open(chart_id, title, desc, height),
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#212529"/>'
            '<text x="{}" y="{}" text-anchor="end" fill="#212529" font-size="10">{}</text>'
            '<text x="{}" y="{}" text-anchor="end" fill="#212529" font-size="10">0</text>'
            '<text x="{}" y="{}" fill="#212529" font-size="10">{}</text>'
            '<text x="{}" y="{}" text-anchor="end" fill="#212529" font-size="10">{}</text>',
            LEFT,
            base_y,
            WIDTH - RIGHT,
            base_y,
            LEFT - 4,
            _f(top_margin + 4),
            format_number(top),
            LEFT - 4,
            base_y,
            LEFT,
            base_y + 14,
            start.strftime("%m/%Y"),
            WIDTH - RIGHT,
            base_y + 14,
            end.strftime("%m/%Y"),
        ),
    ]
    for i, s in enumerate(series):
        colour, dash = FILLS[i % len(FILLS)], DASHES[i % len(DASHES)]
        lx, ly = LEFT + (i % 3) * 190, 10 + 18 * (i // 3)
        label = s.label if len(s.label) <= 22 else s.label[:21] + "…"
        shown = [i for i, v in enumerate(s.values) if v is not None and not s.is_hidden(i)]
        out.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}" stroke-dasharray="{}"/>'
                '<text x="{}" y="{}" fill="#212529">{}{}</text>',
                lx,
                ly + 6,
                lx + 28,
                ly + 6,
                colour,
                3 if i == 0 else 2,
                dash,
                lx + 32,
                ly + 10,
                label,
                "" if shown else " (effectifs trop faibles)",
            )
        )
        drawn = (
            None if v is None or s.is_hidden(j) else (x_of(d), y_of(v))
            for j, (d, v) in enumerate(zip(months, s.values, strict=True))
        )
        for seg in _segments(drawn):
            out.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="{}" stroke-dasharray="{}" '
                    'class="burndown-line" data-series="{}"/>',
                    " ".join(seg),
                    colour,
                    3 if i == 0 else 2,
                    dash,
                    s.label,
                )
            )
    out.append("</svg>")
    return mark_safe("".join(out))


def _f(value: float) -> str:
    return f"{value:.1f}"
