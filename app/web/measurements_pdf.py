"""The readings taken on site (services/site_measurements.py) as a table of a check's or a re-inspection's PDF
record: kind, value and unit, the limit it was judged against, the verdict (超标 in bold), where, with which
instrument and its calibration certificate, and the note; then the names of the photos and files kept with it."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..services import measurement_kinds
from ..services.site_measurements import shown
from . import pdf_styles as st
from .measurement_form import kind_name, verdict_name


def section(readings, files):
    """Nothing when the record has neither readings nor files."""
    story = []
    if readings:
        exceeded = sum(1 for r in readings if r.exceeded)
        heading = _("现场检测数据") + (_("（超标 %(n)s 项）", n=exceeded) if exceeded else "")
        story.append(Paragraph(escape(heading), st.HEADING))
        head = [_("检测项目"), _("检测值"), _("限值"), _("判定"), _("测点"), _("检测仪器 / 证书编号"), _("备注")]
        rows = [[Paragraph(escape(t), st.LABEL) for t in head]]
        for r in readings:
            verdict = escape(verdict_name(r.verdict))
            instrument = " / ".join(t for t in (r.instrument, r.calibration_no) if t) or "—"
            rows.append([Paragraph(escape(kind_name(r)), st.SMALL),
                         Paragraph(escape(f"{shown(r.value)} {r.unit}"), st.SMALL),
                         Paragraph(escape(measurement_kinds.limit_text(r.limit_rule, r.unit) or "—"), st.SMALL),
                         Paragraph(f"<b>{verdict}</b>" if r.exceeded else verdict, st.SMALL),
                         Paragraph(escape(r.location), st.SMALL), Paragraph(escape(instrument), st.SMALL),
                         Paragraph(escape(r.note or "—"), st.SMALL)])
        story.append(st.table(rows, [28 * mm, 22 * mm, 24 * mm, 14 * mm, None, 30 * mm, 24 * mm], header_row=True,
                              label_column=False))
    if files:
        story.append(Paragraph(escape(_("现场照片及文件：%(names)s", names="、".join(f.original_name for f in files))),
                               st.TEXT))
    return story
