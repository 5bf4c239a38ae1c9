"""What the PDF files share: reportlab's built-in Adobe CID font STSong-Light (PDF readers supply its glyphs, so
nothing is embedded and no font file is needed on the server), paragraph styles, the table grid, the A4 page."""
import io

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from ..clock import SHANGHAI

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
MARGIN = 18 * mm
TEXT = ParagraphStyle("text", fontName=FONT, fontSize=10, leading=14, wordWrap="CJK")
SMALL = ParagraphStyle("small", parent=TEXT, fontSize=8.5, leading=11)
LABEL = ParagraphStyle("label", parent=TEXT, textColor=colors.HexColor("#4a5568"))
HEADING = ParagraphStyle("heading", parent=TEXT, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
TITLE = ParagraphStyle("title", parent=TEXT, fontSize=18, leading=26, alignment=1, spaceAfter=2)
SUBTITLE = ParagraphStyle("subtitle", parent=TEXT, alignment=1, textColor=colors.HexColor("#4a5568"))
SHADE = colors.HexColor("#edf2f7")


def table(rows, widths, header_row=False, label_column=True):
    """A grid; `None` widths share what the others leave of the page's width."""
    full = A4[0] - 2 * MARGIN
    fixed = sum(w for w in widths if w)
    flexible = sum(1 for w in widths if not w) or 1
    result = Table(rows, colWidths=[w or (full - fixed) / flexible for w in widths], repeatRows=1 if header_row else 0)
    style = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#a0aec0")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP")])
    if label_column:
        style.add("BACKGROUND", (0, 0), (0, -1), SHADE)
    if header_row:
        style.add("BACKGROUND", (0, 0), (-1, 0), SHADE)
    result.setStyle(style)
    return result


def build(story, title):
    """The flowables on A4 pages, as PDF bytes."""
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=16 * mm,
                      bottomMargin=16 * mm, title=title, author=_("隐患排查治理闭环管理系统")).build(story)
    return out.getvalue()


def moment(value):
    """A stored moment as Shanghai time to the minute; a dash for none."""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else "—"
