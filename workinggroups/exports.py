"""The tracker as a spreadsheet (CSV, XLSX) and the whole set as the general assembly's document (PDF).

Every export is built from the same query as the tracker (``recommendations_tracker``): it holds what
the reader may see and nothing else, with the same filters. Labels are in the reader's language; the
content (titles, texts, reasons) is the content's.

- **CSV and XLSX**: one row per recommendation, the three facts in their own columns. A cell a
  spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``...) is kept as text: in the CSV with a
  leading quote (OWASP's advice), in the XLSX as a cell typed "text", so the words stay as written.
- **PDF**: WeasyPrint lays out an HTML template (``workinggroups/assembly_document.html``) for print:
  a cover, a table of contents by group with page numbers, then each recommendation with its number,
  group, the group's text, the board's amended text, position and reasoning, and, once known, the
  assembly's outcome and the follow-up. WeasyPrint needs Pango (Debian: ``libpango-1.0-0``,
  ``libpangoft2-1.0-0``, ``libharfbuzz-subset0``); without it the intranet says so instead of failing.
"""

import csv
import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from privacy.spreadsheets import FORMULA_STARTS, neutralise_formula

from .textdiff import rich_text_paragraphs, word_diff


class DocumentUnavailable(Exception):
    """The PDF cannot be made here (WeasyPrint or its system libraries are missing)."""


def plain(html):
    """Rich text as plain paragraphs, for a spreadsheet cell."""
    return "\n\n".join(rich_text_paragraphs(html))


def _decision(recommendation):
    return getattr(recommendation, "board_decision", None)


def _fact(read):
    """A column read from the recommendation's decision, empty when it has none."""
    return lambda r: read(_decision(r)) if _decision(r) is not None else ""


def _follow_up(read):
    """A follow-up column: empty unless the assembly adopted the recommendation."""
    return _fact(lambda d: read(d) if d.to_carry_out else "")


def columns(request):
    """The spreadsheet's columns: (heading, how to read the value from a recommendation)."""
    return [
        (_("N°"), lambda r: r.number),
        (_("Recommandation"), lambda r: r.title),
        (_("Groupe de travail"), lambda r: r.working_group.title if r.working_group else ""),
        (_("Texte du groupe"), lambda r: plain(r.text)),
        (_("Position du Conseil"), _fact(lambda d: d.get_position_display())),
        (_("Texte amendé par le Conseil"), _fact(lambda d: d.shown_amended_text)),
        (_("Motivation du Conseil"), _fact(lambda d: d.reasoning)),
        (
            _("Fusionnée dans (n°)"),
            _fact(lambda d: getattr(d.visible_merge, "number", "") if hasattr(d, "visible_merge") else ""),
        ),
        (_("Assemblée générale"), _fact(lambda d: d.get_assembly_outcome_display())),
        (_("Date de l'assemblée générale"), _fact(lambda d: d.assembly_date)),
        (_("Ce que l'assemblée a dit ou changé"), _fact(lambda d: d.assembly_note)),
        (_("Voix pour"), _fact(lambda d: d.votes_for)),
        (_("Voix contre"), _fact(lambda d: d.votes_against)),
        (_("Abstentions"), _fact(lambda d: d.votes_abstaining)),
        (_("Suivi"), _follow_up(lambda d: d.get_follow_up_display())),
        (_("Avancement (%)"), _follow_up(lambda d: d.progress)),
        (_("Mots-clés"), lambda r: ", ".join(sorted(tag.name for tag in r.tags.all()))),
        (_("Adresse"), lambda r: r.get_full_url(request)),
    ]


def rows(recommendations, request):
    specs = columns(request)
    yield [str(heading) for heading, _read in specs]
    for recommendation in recommendations:
        yield [_cell(read(recommendation)) for _heading, read in specs]


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value if isinstance(value, int) else str(value)


def file_name(programme, extension, group=None):
    name = "-".join(part for part in ("recommandations", programme.slug, group.slug if group else "") if part)
    return f"{name}.{extension}"


def as_csv(recommendations, request):
    """UTF-8 with a byte order mark (spreadsheets then read the accents right), formulas as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows(recommendations, request):
        writer.writerow([neutralise_formula(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(recommendations, request, sheet_title):
    """An XLSX workbook (openpyxl, which Wagtail already installs); text cells typed as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]  # Excel's limit
    for row_number, row in enumerate(rows(recommendations, request), 1):
        for column, value in enumerate(row, 1):
            cell = sheet.cell(row=row_number, column=column)
            cell.value = value
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                cell.data_type = "s"  # text, never a formula
            if row_number == 1:
                cell.font = Font(bold=True)
            elif isinstance(value, str) and len(value) > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    for column, width in zip("ABCDEFG", (6, 40, 28, 60, 24, 60, 50), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _weasyprint():
    try:
        # Imported when a PDF is asked for: it fails (OSError) on a server without Pango, which must
        # still serve everything else, and it is heavy for every other request.
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango or its companions are missing
        raise DocumentUnavailable(str(error)) from error
    return weasyprint


def as_pdf(request, programme, recommendations, groups, group=None):
    """The general assembly's document, laid out by WeasyPrint from ``assembly_document.html``."""
    weasyprint = _weasyprint()
    by_group = {group.pk: [] for group in groups}
    for recommendation in recommendations:
        decision = _decision(recommendation)
        if decision is not None and decision.shown_amended_text.strip():
            recommendation.comparison = word_diff(recommendation.text, decision.amended_text)
        working_group = recommendation.working_group
        if working_group is not None and working_group.pk in by_group:
            by_group[working_group.pk].append(recommendation)
    sections = [(group, by_group[group.pk]) for group in groups if by_group[group.pk]]
    html = render_to_string(
        "workinggroups/assembly_document.html",
        {
            "programme": programme,
            "group": group,
            "sections": sections,
            "count": sum(len(items) for _group, items in sections),
            "made_at": timezone.now(),
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
        request=request,
    )
    return weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
