"""The monitoring charts as inline SVG, drawn on the server by pygal: no JavaScript, no CDN.

pygal's own output loads its tooltip script from a CDN, carries an inline
configuration script and comments with its web address; the SVG here keeps
none of them (an xml filter removes them), so the page makes no request
outside the intranet and works without JavaScript. The SVG is one image
for assistive technology (``role="img"`` and a name); the numbers are in
the table the template puts next to each chart, which is the accessible
source. It has a viewBox and no fixed size, so it scales to the width of
its container. Lines and bars use colours of at least 4.5:1 against the
white background, and lines differ by dash pattern too, not by colour alone.
"""

import math

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

# Each at least 4.5:1 against white (WCAG's contrast for text; 3:1 suffices for graphics).
PALETTE = ("#1f5fa8", "#b34700", "#2e7d32", "#8e24aa", "#c2185b", "#00796b", "#5d4037", "#455a64")
BACKGROUND = "#ffffff"
# Solid, dashed, dotted, dash-dot, in turn: neighbouring lines differ by more than colour.
DASH_PATTERNS = (None, "9,5", "2,4", "9,4,2,4")
WIDTH, HEIGHT = 800, 360
# More bucket labels than this are slanted so that they do not overlap.
UPRIGHT_LABELS_UP_TO = 6
Y_TICKS = 5

STYLE_VALUES = {
    "background": BACKGROUND,
    "plot_background": BACKGROUND,
    "foreground": "#262626",
    "foreground_strong": "#000000",
    "foreground_subtle": "#595959",
    # Light guides: a line drawn along one stays visible.
    "guide_stroke_color": "#c8c8c8",
    "major_guide_stroke_color": "#c8c8c8",
    "opacity": "1",
    "opacity_hover": "1",
    "stroke_opacity": "1",
    "stroke_opacity_hover": "1",
    "font_family": 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    "label_font_size": 13,
    "major_label_font_size": 13,
    "legend_font_size": 14,
    "value_font_size": 13,
    "colors": PALETTE,
}
BAR_STYLE = Style(**STYLE_VALUES)
# pygal sets the width on each line itself, so a series' own stroke width would not apply.
LINE_STYLE = Style(**STYLE_VALUES, stroke_width="3", stroke_width_hover="3")


def topic_trend_chart(
    label: str, bucket_labels: list[str], series: list[tuple[str, list[int]]]
) -> SafeString:
    """A line per topic over the buckets; ``label`` names the image for screen readers."""
    highest = max((max(values) for _topic, values in series), default=0)
    chart = _chart(
        pygal.Line,
        label,
        LINE_STYLE,
        # Without dots a single bucket would draw nothing; with many, dots only slow the drawing down.
        show_dots=len(bucket_labels) == 1,
        dots_size=6,
        x_label_rotation=30 if len(bucket_labels) > UPRIGHT_LABELS_UP_TO else 0,
        y_labels=integer_ticks(highest),
        range=(0, max(highest, 1)),
    )
    chart.x_labels = bucket_labels
    for position, (topic, values) in enumerate(series):
        dashes = DASH_PATTERNS[position % len(DASH_PATTERNS)]
        chart.add(topic, values, stroke_style={"dasharray": dashes})
    return _render(chart, label)


def comparison_chart(label: str, names: list[str], series: list[tuple[str, list[int]]]) -> SafeString:
    """Horizontal bars, one group per name (the first at the top), one bar per series."""
    highest = max((max(values, default=0) for _title, values in series), default=0)
    chart = _chart(
        pygal.HorizontalBar, label, BAR_STYLE, y_labels=integer_ticks(highest), range=(0, max(highest, 1))
    )
    # pygal draws the first label at the bottom.
    chart.x_labels = list(reversed(names))
    for title, values in series:
        chart.add(title, list(reversed(values)))
    return _render(chart, label)


def integer_ticks(highest: int) -> list[int]:
    """About five whole-number ticks from 0 to at least ``highest`` (counts have no halves)."""
    step = max(1, math.ceil(highest / Y_TICKS))
    return list(range(0, max(highest, 1) + step, step))


def _chart(chart_class, label: str, style: Style, **options):
    chart = chart_class(
        style=style,
        width=WIDTH,
        height=HEIGHT,
        explicit_size=False,
        disable_xml_declaration=True,
        js=[],
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        **options,
    )
    return chart.add_xml_filter(_self_contained(label))


def _render(chart, label: str) -> SafeString:
    # pygal escapes every text it writes (tag names included): the markup is safe.
    return mark_safe(chart.render(is_unicode=True))  # noqa: S308


def _self_contained(label: str):
    """An xml_filter: no script, no comment, one named image that scales to its container."""

    def rewrite(root):
        for parent in list(root.iter()):
            for child in list(parent):
                # Comments and processing instructions have a function as their tag.
                if callable(child.tag) or _local_name(child.tag) == "script":
                    parent.remove(child)
        for child in root:
            if _local_name(child.tag) == "title":
                child.text = label
        root.set("role", "img")
        root.set("aria-label", label)
        root.set("class", f"{root.get('class', '')} monitoring-chart".strip())
        root.set("style", "display:block;width:100%;height:auto")
        return root

    return rewrite


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
