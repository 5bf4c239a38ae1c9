"""The non-cooperation report of an enterprise for the bureau (不配合情况报告, services/noncooperation.py), in the case
documents' layout (documents_pdf): the enterprise and its liaison, then each kind of finding with when it happened
(发生时间) and what it was (问题描述) — an empty kind says "none" —, the suggested handling (处理建议) and lines to sign.
The contact log's own notes are printed only where they are the finding (a refusal, a broken commitment)."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..clock import clock
from ..models import CONTACT_WAYS
from ..models.hazard_case import STATUSES
from ..services.noncooperation import local_day, suggestions
from . import pdf_styles as st
from .documents_pdf import blank, foot, head, section, signatures
from .names import N_, label

SUGGESTIONS = {
    "enforcement": N_("建议列入集中执法检查名单，由应急管理局安排执法人员开展检查，一企一策督促整改。"),
    "interview": N_("建议由联络专员会同项目负责人约谈企业主要负责人，限期兑现整改承诺，下月复核。"),
    "urge": N_("建议书面催办逾期未整改的隐患和未签收的通知，督促企业按期整改、签收。"),
    "none": N_("报告期内未发现不配合情形，继续保持每周对接。"),
}


def render(report, author):
    enterprise = report.enterprise
    title = _("企业不配合情况报告")
    story = head(title, _("报告期：%(since)s 至 %(until)s　生成时间：%(now)s", since=report.since.isoformat(),
                          until=report.until.isoformat(), now=st.moment(clock.now())))
    liaison = report.assignment.liaison if report.assignment else None
    story += section(_("企业基本情况"), [
        (_("企业名称"), enterprise.name), (_("统一社会信用代码"), enterprise.credit_code),
        (_("地址"), enterprise.address), (_("乡镇/园区"), enterprise.township), (_("行业"), enterprise.industry),
        (_("企业联系人"), " ".join(p for p in (enterprise.contact_person, enterprise.contact_phone) if p)),
        (_("联络专员"), " ".join(p for p in (liaison.display_name, liaison.phone or "") if p) if liaison
         else _("未指定")),
        (_("报告期内沟通次数"), str(report.contacts)),
        (_("最近一次沟通"), st.moment(report.last_contact) if report.last_contact else _("无"))])
    story += _part(_("一、未兑现的整改承诺"), [_("承诺日期"), _("承诺内容"), _("承诺完成日期"), _("情况")],
                   [(local_day(c.entry.contacted_at).isoformat(), c.text, c.due_on.isoformat(),
                     c.settle_note or _("已确认未兑现")) for c in report.broken]
                   + [(local_day(c.entry.contacted_at).isoformat(), c.text, c.due_on.isoformat(),
                       _("逾期未确认兑现")) for c in report.lapsed])
    story += _part(_("二、拒绝配合记录"), [_("发生时间"), _("沟通方式"), _("企业对接人"), _("情况")],
                   [(st.moment(e.contacted_at), label(CONTACT_WAYS, e.way), e.counterpart, e.content)
                    for e in report.refusals])
    story += _part(_("三、催办后仍未整改或未签收"), [_("发生时间"), _("事项"), _("编号/标题"), _("现状")],
                   [(st.moment(u.since), _("整改逾期催办"), u.case.code if u.case else "",
                     _("%(when)s 已整改解除", when=st.moment(u.left_at)) if u.left_at else _("仍未整改"))
                    for u in report.urgings]
                   + [(st.moment(r.notice.sign_due_at), _("通知逾期未签收"), r.notice.title, _("未签收"))
                      for r in report.unsigned_notices])
    story += _part(_("四、配合评分 C 类月份"), [_("月份"), _("得分"), _("排名"), _("类别")],
                   [(f"{s.month:%Y-%m}", f"{s.score:g}", str(s.rank), "C") for s in report.c_months])
    now = clock.now()
    story += _part(_("五、当前逾期未整改的隐患"), [_("案件编号"), _("整改期限"), _("逾期天数"), _("状态")],
                   [(c.code or "", st.moment(c.rectification_due), str((now - c.rectification_due).days),
                     label(STATUSES, c.status)) for c in report.overdue_cases])
    story += _part(_("六、移送执法"), [_("移送时间"), _("案件编号"), _("轮次"), _("理由")],
                   [(st.moment(r.referred_at), r.case.code if r.case else "", str(r.round), r.reason)
                    for r in report.referrals])
    story.append(Paragraph(escape(_("七、处理建议")), st.HEADING))
    for number, code in enumerate(suggestions(report), start=1):
        story.append(Paragraph(escape(f"{number}. {_(SUGGESTIONS[code])}"), st.TEXT))
    story += signatures(_("编制人：%(name)s　　　审核（项目负责人）：%(blank)s", name=author.display_name, blank=blank()),
                        _("报送日期：%(blank)s", blank=blank()))
    story += foot(_("本报告由隐患排查治理闭环管理系统根据沟通记录、整改承诺、催办、配合评分和案件办理记录生成，"
                    "供监管部门作为后续监管决策的参考。"))
    return st.build(story, f"{title} {enterprise.name}")


def _part(heading, header, rows):
    """A heading and a table of the findings of one kind, or "none"."""
    story = [Paragraph(escape(heading), st.HEADING)]
    if not rows:
        return story + [Paragraph(escape(_("无")), st.TEXT)]
    cells = [[Paragraph(escape(t), st.LABEL) for t in header]]
    cells += [[Paragraph(escape(str(v or "—")).replace("\n", "<br/>"), st.TEXT) for v in row] for row in rows]
    return story + [st.table(cells, [32 * mm, 30 * mm, 40 * mm, None], header_row=True, label_column=False)]
