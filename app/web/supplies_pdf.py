"""The 应急资源调配表 (seed 000 lines 812-820: 资源类别、设备名称、数量、存放地点、责任人及联系方式) as a PDF to print and pin up
in the duty room: one row per kind at each storage point, by category, with the notes a dispatcher needs before
sending it out — how much has expired, the next expiry, a stock below its minimum. Styles: pdf_styles."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..clock import clock
from ..models import SUPPLY_CATEGORIES
from . import pdf_styles as st
from .documents_pdf import foot, head
from .names import label

WIDTHS = [9 * mm, 18 * mm, 30 * mm, 18 * mm, None, 16 * mm, 26 * mm, 32 * mm]


def render(lines):
    title = _("应急资源调配表")
    story = head(title, _("导出时间：%(at)s", at=st.moment(clock.now())))
    if lines:
        story.append(_table(lines))
    else:
        story.append(Paragraph(escape(_("储备点还没有登记物资。")), st.TEXT))
    story += foot(_("本表由隐患排查治理闭环管理系统根据应急物资出入库登记生成；数量为导出时的库存，调用前请与责任人电话确认。"))
    return st.build(story, title)


def _table(lines):
    header = [_("序号"), _("资源类别"), _("物资名称"), _("数量"), _("存放地点"), _("责任人"), _("联系方式"), _("备注")]
    rows = [[Paragraph(escape(t), st.LABEL) for t in header]]
    for number, s in enumerate(lines, start=1):
        cells = [str(number), label(SUPPLY_CATEGORIES, s.kind.category), s.kind.name, f"{s.quantity} {s.kind.unit}",
                 f"{s.point.name}\n{s.point.place}", s.point.keeper.display_name, s.point.phone, _notes(s)]
        rows.append([Paragraph(escape(c).replace("\n", "<br/>"), st.SMALL) for c in cells])
    return st.table(rows, WIDTHS, header_row=True, label_column=False)


def _notes(line):
    notes = []
    if line.expired:
        notes.append(_("已过期 %(n)s %(unit)s", n=line.expired, unit=line.kind.unit))
    if line.next_expiry:
        notes.append(_("有效期至 %(day)s", day=line.next_expiry.isoformat()))
    if line.below_minimum:
        notes.append(_("低于最低储备量 %(n)s", n=line.minimum))
    return "\n".join(notes)
