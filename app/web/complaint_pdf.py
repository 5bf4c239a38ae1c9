"""A service complaint's written answer (投诉答复书, the desk's 72 小时内书面答复) as an A4 PDF (fonts: pdf_styles):
the complaint as raised and the answer as approved — nothing of the desk's internal notes or earlier drafts."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from ..clock import clock
from ..models import COMPLAINT_KINDS
from . import pdf_styles as st
from .names import label


def render(row, approver_name):
    title = _("服务投诉答复书")
    company = row.enterprise
    story = [Paragraph(escape(title), st.TITLE),
             Paragraph(escape(_("投诉 #%(id)s　生成时间 %(at)s", id=row.id, at=st.moment(clock.now()))), st.SUBTITLE),
             Paragraph(escape(_("投诉")), st.HEADING),
             st.table([[Paragraph(escape(k), st.LABEL), Paragraph(escape(v), st.TEXT)] for k, v in (
                 (_("企业名称"), company.name), (_("投诉类别"), label(COMPLAINT_KINDS, row.kind)),
                 (_("提出时间"), st.moment(row.raised_at)), (_("投诉内容"), row.text))], [34 * mm, None]),
             Paragraph(escape(_("答复")), st.HEADING),
             Paragraph(escape(row.answer or "").replace("\n", "<br/>"), st.TEXT),
             Spacer(1, 10 * mm),
             Paragraph(escape(_("经项目负责人 %(name)s 审核，%(when)s 发送", name=approver_name,
                                when=st.moment(row.approved_at))), st.LABEL),
             Paragraph(escape(_("服务机构（盖章）：　　　　　　　　日期：")), st.TEXT)]
    return st.build(story, title)
