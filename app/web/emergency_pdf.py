"""The incident's analysis report (事件分析报告, seed 000 line 31 "事后形成事件分析报告，用于改进预案"), written at
closing (services/emergency_response.close), in the case documents' layout (documents_pdf): the incident, the
response — each stage's time against its limit — the people and instruments sent, then cause, handling, lessons and
improvements, and lines to sign. The internal note stays out: the report may go to the enterprise."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..clock import clock
from ..models import EMERGENCY_LEVELS, EMERGENCY_STAGES
from ..services.emergency_limits import STATES
from . import pdf_styles as st
from .documents_pdf import blank, foot, head, section, signatures
from .names import label


def render(row, times):
    title = _("突发状况事件分析报告")
    story = head(title, _("事件编号：%(code)s　出具时间：%(at)s", code=row.code, at=st.moment(clock.now())))
    story += section(_("事件概况"), [
        (_("响应等级"), label(EMERGENCY_LEVELS, row.level)), (_("接报时间"), st.moment(row.received_at)),
        (_("接报人"), row.received_by.display_name), (_("报告人"), f"{row.reporter} {row.reporter_contact}".strip()),
        (_("企业"), row.enterprise.name if row.enterprise else None), (_("乡镇/园区"), row.township),
        (_("事发地点"), row.place), (_("事件情况"), row.description)])
    story.append(Paragraph(escape(_("响应时效")), st.HEADING))
    story.append(_times_table(times))
    story += section(_("出动力量"), [
        (_("出动人员"), "、".join(p.user.display_name for p in row.responders)),
        (_("出动设备"), "、".join(f"{i.instrument.model}（{i.instrument.asset_no}）" for i in row.instruments)),
        (_("处置情况"), row.handling_note)])
    story += section(_("事件分析"), [
        (_("事件原因"), row.report_cause), (_("处置经过"), row.report_handling), (_("经验教训"), row.report_lessons),
        (_("改进措施"), row.report_improvements),
        (_("登记为隐患"), row.case.code if row.case else None)])
    story += signatures(_("编写人：%(blank)s　　　日期：%(blank)s", blank=blank()),
                        _("项目负责人审核：%(blank)s　　　日期：%(blank)s", blank=blank()))
    story += foot(_("本报告由隐患排查治理闭环管理系统根据突发状况接报与处置记录生成，可凭事件编号在系统中核对。"))
    return st.build(story, f"{title} {row.code}")


def _times_table(times):
    header = [_("处置环节"), _("时间"), _("时限"), _("应于此前完成"), _("是否按时")]
    rows = [[Paragraph(escape(t), st.LABEL) for t in header]]
    for t in times:
        limit = limit_text(t.limit)
        rows.append([Paragraph(escape(label(EMERGENCY_STAGES, t.stage)), st.TEXT), Paragraph(st.moment(t.at), st.TEXT),
                     Paragraph(escape(limit), st.TEXT), Paragraph(st.moment(t.due), st.TEXT),
                     Paragraph(escape(label(STATES, t.state)), st.TEXT)])
    return st.table(rows, [30 * mm, 34 * mm, 24 * mm, 34 * mm, None], header_row=True, label_column=False)


def limit_text(limit):
    """A limit as people say it: 30 分钟, 1 小时, 2 小时; a dash for none."""
    if limit is None:
        return "—"
    total = int(limit.total_seconds() // 60)
    return _("%(n)s 小时", n=total // 60) if total % 60 == 0 else _("%(n)s 分钟", n=total)

