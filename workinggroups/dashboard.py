"""The programme's dashboard: how many recommendations stand where, by group, for each of the three
facts, drawn as server-side SVG bars (no JavaScript, nothing to download) whose every segment links to
the tracker filtered on it. The same counts are given as a table, for screen readers and for anyone
who would rather read figures than compare lengths."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from .choices import Fact
from .models.listings import FACT_PARAMETERS, fact_counts

#: Geometry of one chart, in the SVG's own units (it scales to the width of the page, up to a maximum
#: in the CSS): each row is the group's name on a line, then its bar with the total after it, so that
#: a phone's narrow screen keeps the names whole and legible.
BAR_WIDTH = 400
ROW_HEIGHT = 50
LABEL_HEIGHT = 18
BAR_HEIGHT = 22
TOTAL_WIDTH = 44


@dataclass
class Segment:
    value: str
    label: str
    count: int
    url: str
    x: float = 0
    width: float = 0
    #: What a screen reader says of the segment's link, and its tooltip: written here rather than in
    #: the template, where a translation tag per segment (some 300 on a programme) cost tens of ms.
    aria: str = ""
    title: str = ""

    @property
    def text_x(self):
        return self.x + self.width / 2


#: The markup of a row of a chart and of its table, written here rather than in the template: a
#: programme's three charts and tables hold some 200 segments and cells, whose variables and filters
#: cost the template 25 ms, more than the rest of the page.
ROW_SVG = (
    '<g class="chart__row"><a href="{}" aria-label="{}">'
    '<text x="0" y="{}" class="chart__label"{}>{}</text></a>{}'
    '<rect class="chart__frame" x="0" y="{}" width="{}" height="{}" aria-hidden="true"></rect>'
    '<text x="{}" y="{}" dominant-baseline="middle" class="chart__total" aria-hidden="true">{}</text></g>'
)
SEGMENT_SVG = (
    '<a href="{}" aria-label="{}"><title>{}</title>'
    '<rect x="{}" y="{}" width="{}" height="{}" class="chart-value--{}"></rect>{}</a>'
)
COUNT_SVG = (
    '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="middle" '
    'class="chart__count chart__count--{}">{}</text>'
)
#: A segment narrower than this shows no count in its bar (its link's label and the table give it).
COUNT_MIN_WIDTH = 18


@dataclass
class Row:
    label: str
    total: int
    url: str
    y: int = 0
    cells: list = field(default_factory=list)  # a Segment per value of the fact, zeros included
    aria: str = ""
    last: bool = False  # the whole programme's row, in bold

    def svg(self):
        """The row in its chart: the group's name, a link, then its bar of segments, each a link."""
        bar_y, text_y = f"{self.bar_y:.1f}", f"{self.text_y:.1f}"
        segments = format_html_join(
            "",
            SEGMENT_SVG,
            (
                (
                    cell.url,
                    cell.aria,
                    cell.title,
                    f"{cell.x:.1f}",
                    bar_y,
                    f"{cell.width:.1f}",
                    BAR_HEIGHT,
                    cell.value,
                    format_html(COUNT_SVG, f"{cell.text_x:.1f}", text_y, cell.value, cell.count)
                    if cell.width >= COUNT_MIN_WIDTH
                    else "",
                )
                for cell in self.segments
            ),
        )
        bold = mark_safe(' font-weight="bold"') if self.last else ""
        label = Truncator(self.label).chars(52)
        total_x = BAR_WIDTH + 8
        return format_html(
            ROW_SVG, self.url, self.aria, f"{self.label_y:.1f}", bold, label, segments,
            bar_y, BAR_WIDTH, BAR_HEIGHT, total_x, text_y, self.total,
        )  # fmt: skip

    def table_row(self):
        """The row in the chart's table: a cell per value, each count a link, then the total."""
        cells = format_html_join(
            "",
            '<td data-label="{}">{}</td>',
            ((capfirst(cell.label), _count_link(cell) if cell.count else 0) for cell in self.cells),
        )
        return format_html(
            '<tr><th scope="row"><a href="{}">{}</a></th>{}<td data-label="{}">{}</td></tr>',
            self.url,
            self.label,
            cells,
            _("Total"),
            self.total,
        )

    @property
    def segments(self):
        return [cell for cell in self.cells if cell.count]

    @property
    def label_y(self):
        return self.y + LABEL_HEIGHT - 4

    @property
    def bar_y(self):
        return self.y + LABEL_HEIGHT

    @property
    def text_y(self):
        return self.bar_y + BAR_HEIGHT / 2


def _count_link(cell):
    return format_html('<a href="{}">{}</a>', cell.url, cell.count)


@dataclass
class Chart:
    fact: Fact
    legend: list
    rows: list
    height: int = 0
    width: int = BAR_WIDTH + TOTAL_WIDTH

    @property
    def id(self):
        return f"chart-{FACT_PARAMETERS[self.fact]}"


def _url(tracker_url, **query):
    query = {key: value for key, value in query.items() if value}
    return f"{tracker_url}?{urlencode(query)}" if query else tracker_url


def build_dashboard(scope, groups, tracker_url):
    """One chart per fact: a row per group of ``groups`` and one for the programme, each a bar split by
    the fact's values in proportion (every bar is the whole of its row, its total written after it),
    so that groups of different sizes compare at a glance."""
    totals, by_group = fact_counts(scope, groups)
    charts = []
    for fact in Fact:
        parameter = FACT_PARAMETERS[fact]
        rows = [(group.title, group.slug, by_group[group.pk][fact]) for group in groups] + [
            (_("Tout le programme"), "", totals[fact])
        ]
        chart_rows = []
        for index, (label, slug, counts) in enumerate(rows):
            # A follow-up row counts what the assembly adopted: its link lists those only.
            row_filter = {parameter: "any"} if fact == Fact.FOLLOW_UP else {}
            row = Row(
                label=str(label),
                total=sum(count for *_, count in counts),
                url=_url(tracker_url, groupe=slug, **row_filter),
                y=index * ROW_HEIGHT,
                last=index == len(rows) - 1,
            )
            row.aria = _("%(group)s : %(count)s en tout") % {"group": row.label, "count": row.total}
            x = 0.0
            for value, value_label, count in counts:
                width = BAR_WIDTH * count / (row.total or 1)
                value_label = str(value_label)
                row.cells.append(
                    Segment(
                        value=value,
                        label=value_label,
                        count=count,
                        url=_url(tracker_url, groupe=slug, **{parameter: value}),
                        x=round(x, 1),
                        width=round(width, 1),
                        aria=_("%(group)s, %(label)s : %(count)s")
                        % {"group": row.label, "label": value_label, "count": count},
                        title=f"{row.label} · {capfirst(value_label)} : {count}",
                    )
                )
                x += width
            chart_rows.append(row)
        legend = [(value, label) for value, label, count in totals[fact]]
        charts.append(Chart(fact=fact, legend=legend, rows=chart_rows, height=len(chart_rows) * ROW_HEIGHT))
    return charts
