"""Bar charts as inline SVG: no script, no library, readable in any browser."""

from __future__ import annotations

from html import escape

BAR_HEIGHT = 20
GAP = 6
LABEL_WIDTH = 260
PLOT_WIDTH = 420
COUNT_WIDTH = 60


def bar_chart(title: str, bars: list[tuple[str, int]], *, chart_id: str) -> str:
    """A horizontal bar chart of ``(label, count)``, in the order given."""
    if not bars:
        return (
            f'<figure id="{chart_id}"><figcaption>{escape(title)}</figcaption><p>None.</p></figure>'
        )
    largest = max(count for _, count in bars) or 1
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + PLOT_WIDTH + COUNT_WIDTH
    rows = []
    for index, (label, count) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(PLOT_WIDTH * count / largest, 1)
        middle = y + BAR_HEIGHT / 2
        rows.append(
            f'<g class="bar"><title>{escape(label)}: {count}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}" '
            f'dominant-baseline="middle">{count}</text></g>'
        )
    return (
        f'<figure id="{chart_id}"><figcaption>{escape(title)}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        + "".join(rows)
        + "</svg></figure>"
    )
