"""The statistics (services/reports.py) as an A4 PDF: a title, the period, then each section's table as the
page shows it (web/reports.sections)."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..clock import clock
from . import pdf_styles as st


def render(report, sections, area_name):
    """`area_name`: the counted area in words (the county, townships / parks or an enterprise), in the title."""
    return render_tables(_("%(area)s隐患排查治理统计报表", area=area_name),
                         _("统计期间 %(start)s — %(end)s（按登记时间）　生成时间 %(at)s",
                           start=report.start.isoformat(), end=report.end.isoformat(), at=st.moment(clock.now())),
                         sections)


def render_tables(title, subtitle, sections, first_column=None):
    """A title, a subtitle, then each (heading, rows) section as a table: the statistics and the analyses beside
    them (the rankings, the recurring hazard types) alike. `first_column`: its width when it is not a name (a
    rank)."""
    story = [Paragraph(escape(title), st.TITLE), Paragraph(escape(subtitle), st.SUBTITLE)]
    for heading, rows in sections:
        story.append(Paragraph(escape(heading), st.HEADING))
        style = st.SMALL if len(rows[0]) > 4 else st.TEXT
        cells = [[Paragraph(escape(str(value)), style) for value in row] for row in rows]
        if len(rows[0]) == 2:  # label / value pairs
            story.append(st.table(cells, [70 * mm, None]))
        else:
            first = first_column or (50 * mm if len(rows[0]) > 6 else 45 * mm)
            story.append(st.table(cells, [first] + [None] * (len(rows[0]) - 1), header_row=True, label_column=False))
    return st.build(story, title)
