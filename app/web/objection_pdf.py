"""An answered objection as a letter to the enterprise (异议答复书, services/objections.py), in the case documents'
layout (documents_pdf): the objection as raised, the answer — upheld or not, by whom in which role, when — and what
follows: an upheld objection is carried out through the case's process, which stays the one record."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from ..clock import clock
from ..models import OBJECTION_SUBJECTS
from ..services.objections import ANSWERERS
from . import pdf_styles as st
from .documents_pdf import foot, head, person, section
from .names import label


def render(row):
    case = row.case
    title = _("异议答复书")
    story = head(title, _("案件编号：%(code)s　异议 #%(id)s　生成时间：%(at)s", code=case.code, id=row.id,
                          at=st.moment(clock.now())))
    story.append(Paragraph(escape(_("%(enterprise)s：", enterprise=case.enterprise.name)), st.TEXT))
    story.append(Paragraph(escape(_("你单位于 %(at)s 对案件 %(code)s 提出的异议，答复如下。",
                                    at=st.moment(row.raised_at), code=case.code)), st.TEXT))
    story += section(_("异议"), [
        (_("案件编号"), case.code), (_("企业名称"), case.enterprise.name), (_("隐患描述"), case.description),
        (_("异议事项"), label(OBJECTION_SUBJECTS, row.subject)), (_("异议内容和理由"), row.text),
        (_("提出人"), row.raised_by.display_name), (_("提出时间"), st.moment(row.raised_at))])
    story += section(_("答复"), [
        (_("是否采纳"), _("采纳") if row.accepted else _("不予采纳")), (_("答复意见"), row.reply),
        (_("答复人"), person(row.replied_by, ANSWERERS)), (_("答复时间"), st.moment(row.replied_at)),
        (_("后续办理"), _("采纳的事项不直接改动案件，通过案件办理流程（下一次指派或复核验收）落实，以案件办理记录为准。")
         if row.accepted else _("异议不予采纳，案件按现有处理意见继续办理。"))])
    story += [Spacer(1, 10 * mm), Paragraph(escape(_("服务机构（盖章）：　　　　　　　　日期：")), st.TEXT)]
    story += foot(_("本答复书由隐患排查治理闭环管理系统根据案件办理记录生成，可凭案件编号在系统中核对。"))
    return st.build(story, f"{title} {case.code}")
