"""The closure receipt (services/receipts.py) as an A4 PDF, drawn with reportlab (fonts: pdf_styles)."""
import io
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from ..clock import SHANGHAI, clock
from . import forms_render
from . import pdf_styles as st


def render(receipt):
    """The receipt as PDF bytes, its labels in the current language."""
    case = receipt.case
    catalog = forms_render.Catalog(case.process_version.forms)
    enterprise = case.enterprise
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=st.MARGIN, rightMargin=st.MARGIN, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"{_('隐患整改销号电子回执')} {case.code}",
                            author=_("隐患排查治理闭环管理系统"))
    story = [Paragraph(escape(_("隐患整改销号电子回执")), st.TITLE),
             Paragraph(escape(_("回执编号：%(number)s　出具时间：%(at)s", number=receipt.number,
                                at=_moment(clock.now()))), st.SUBTITLE)]
    story += _section(_("企业"), [(_("企业名称"), enterprise.name), (_("统一社会信用代码"), enterprise.credit_code),
                                (_("地址"), enterprise.address)])
    story += _section(_("隐患"), [
        (_("案件编号"), case.code), (_("隐患等级"), catalog.show("grade", case.grade)),
        (_("隐患类型"), catalog.show("hazard_type", case.hazard_type)), (_("地点"), case.place),
        (_("隐患描述"), case.description), (_("登记时间"), _moment(case.registered_at)),
        (_("现场排查人员"), receipt.inspector)])
    fix = receipt.rectification
    story += _section(_("整改"), [
        (_("整改轮次"), str(receipt.rounds)), (_("整改措施"), fix.get("measures")),
        (_("整改责任人"), fix.get("responsible_person")), (_("完成日期"), catalog.show("completed_on", fix.get("completed_on"))),
        (_("整改资金（元）"), catalog.show("funds", fix.get("funds"))),
        (_("整改提交"), f"{receipt.rectified_by}　{_moment(receipt.rectified_at)}" if receipt.rectified_at else None)])
    story.append(Paragraph(escape(_("复核与销号")), st.HEADING))
    rows = [[Paragraph(escape(t), st.LABEL) for t in (_("环节"), _("签批人"), _("时间"), _("意见"))]]
    rows += [[Paragraph(escape(forms_render.step_name(s.step) or "—"), st.TEXT), Paragraph(escape(s.by), st.TEXT),
              Paragraph(escape(_moment(s.at)), st.TEXT), Paragraph(escape(s.opinion or "—"), st.TEXT)]
             for s in receipt.sign_offs]
    story.append(st.table(rows, [38 * mm, 28 * mm, 34 * mm, None], header_row=True, label_column=False))
    story += _section("", [(_("销号时间"), _moment(case.closed_at))])
    story += [Spacer(1, 10 * mm), Paragraph(escape(_(
        "本回执由隐患排查治理闭环管理系统根据案件办理记录生成，可凭案件编号在系统中核对。")), st.LABEL)]
    doc.build(story)
    return out.getvalue()


def _section(heading, pairs):
    rows = [[Paragraph(escape(label), st.LABEL), Paragraph(escape(value if value not in (None, "") else "—"), st.TEXT)]
            for label, value in pairs]
    return ([Paragraph(escape(heading), st.HEADING)] if heading else [Spacer(1, 4 * mm)]) + \
        [st.table(rows, [40 * mm, None])]


def _moment(value):
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else "—"
