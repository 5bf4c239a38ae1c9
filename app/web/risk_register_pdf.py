"""An enterprise's 风险分级管控清单 (一表) as a PDF on landscape A4 pages (the register has more columns than a
portrait page holds): the enterprise, the count per colour, the LS bands, then one row per point with its
assessment, measures, control level, responsible person and check frequency. Fonts and styles: pdf_styles."""
import io
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..clock import clock
from ..models import MEASURE_KINDS
from ..services import risk_levels
from . import pdf_styles as st
from .names import label
from .risk_points import risk_label

COLOURS = {"red": "#c62828", "orange": "#ef6c00", "yellow": "#f9a825", "blue": "#1565c0"}
WIDTHS = [9 * mm, 38 * mm, 42 * mm, 17 * mm, 20 * mm, 88 * mm, 30 * mm, 15 * mm, 14 * mm]
MARGIN = 12 * mm
ON_COLOUR = ParagraphStyle("on_colour", parent=st.SMALL, textColor=colors.white)


def render(enterprise, rows):
    counts = dict.fromkeys(risk_levels.COLOUR_ORDER, 0)
    for row in rows:
        counts[row.colour] += 1
    story = [Paragraph(escape(_("风险分级管控清单")), st.TITLE),
             Paragraph(escape(_("%(name)s　统一社会信用代码：%(code)s　导出时间：%(at)s", name=enterprise.name,
                                code=enterprise.credit_code, at=st.moment(clock.now()))), st.SUBTITLE),
             Spacer(1, 3 * mm),
             Paragraph(escape("　".join(f"{risk_label(c, 'risk_colour')} {counts[c]}" for c in counts)), st.TEXT),
             Paragraph(escape(_("风险评价采用风险矩阵法（LS）：R = L（可能性，1–5）× S（严重性，1–5）；R 为 20–25 为重大风险（红），"
                                "15–16 为较大风险（橙），9–12 为一般风险（黄），1–8 为低风险（蓝）；符合直接判定情形的为重大风险。")),
                       st.SMALL), Spacer(1, 3 * mm)]
    story.append(_table(rows) if rows else Paragraph(escape(_("清单中还没有风险点。")), st.TEXT))
    story += [Spacer(1, 8 * mm), Paragraph(escape(_("本清单由隐患排查治理闭环管理系统根据企业风险分级管控清单生成。")),
                                           st.LABEL)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=MARGIN, rightMargin=MARGIN, topMargin=12 * mm,
                      bottomMargin=12 * mm, title=f"{_('风险分级管控清单')} {enterprise.name}",
                      author=_("隐患排查治理闭环管理系统")).build(story)
    return out.getvalue()


def _table(rows):
    head = [_("序号"), _("风险点 / 位置"), _("事故类型 / 危险有害因素"), "L × S = R", _("风险等级"), _("管控措施"),
            _("管控层级 / 责任人"), _("排查频次"), _("审核")]
    data = [[Paragraph(escape(t), st.SMALL) for t in head]]
    style = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#a0aec0")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, 0), st.SHADE)])
    for number, r in enumerate(rows, start=1):
        measures = "\n".join(f"{label(MEASURE_KINDS, name)}：{getattr(r, name)}" for name in MEASURE_KINDS
                             if getattr(r, name))
        if r.operating_rules:
            measures += "\n" + _("操作规范：%(text)s", text=r.operating_rules)
        cells = [str(number),
                 f"{r.name}\n{risk_label(r.unit_kind, 'unit_kind')} · {r.place}"
                 + (f"\n{risk_label(r.kind, 'point_kind')}" if r.kind != "general" else ""),
                 f"{risk_label(r.accident_types, 'accident_types')}\n{r.hazard_description}".strip(),
                 f"{r.likelihood} × {r.severity} = {r.score}" + ("\n" + _("直接判定") if r.forced_major else ""),
                 risk_label(r.colour, "risk_colour"), measures,
                 f"{risk_label(r.control_level, 'control_level')}\n{r.responsible_person}",
                 risk_label(r.check_frequency, "check_frequency"), risk_label(r.status, "review_status")]
        data.append([Paragraph(escape(c).replace("\n", "<br/>"),
                               ON_COLOUR if column == 4 and r.colour != "yellow" else st.SMALL)
                     for column, c in enumerate(cells)])
        style.add("BACKGROUND", (4, number), (4, number), colors.HexColor(COLOURS[r.colour]))
    result = Table(data, colWidths=WIDTHS, repeatRows=1)
    result.setStyle(style)
    return result
