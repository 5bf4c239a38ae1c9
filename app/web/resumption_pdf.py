"""The on-site acceptance of an application for resumption as a PDF (复工复产验收意见书, services/resumption.py), in
the case documents' layout (documents_pdf): the enterprise, the stop-work order, the application, the acceptance and
its conclusion — 同意复工复产, or not, with the requirements and the day to rectify by — and lines to sign."""
from flask_babel import gettext as _

from ..clock import SHANGHAI
from ..models import ACCEPTANCE_CONCLUSIONS, STOP_WORK_SOURCES
from . import pdf_styles as st
from .documents_pdf import blank, foot, head, section, signatures
from .names import is_english, label


def render(row, experts, cases):
    order, enterprise = row.order, row.enterprise
    title = _("复工复产验收意见书")
    story = head(title, _("申请编号：%(id)s　验收日期：%(day)s", id=row.id, day=row.inspected_on.isoformat()))
    story += section(_("企业"), [(_("企业名称"), enterprise.name), (_("统一社会信用代码"), enterprise.credit_code),
                                (_("地址"), enterprise.address), (_("乡镇/园区"), enterprise.township)])
    story += section(_("停产停业整顿"), [
        (_("来源"), label(STOP_WORK_SOURCES, order.source)), (_("指令书编号"), order.order_number),
        (_("停产停业范围"), order.scope), (_("理由及依据"), order.reason),
        (_("复产复业条件"), order.resumption_conditions), (_("生效时间"), st.moment(order.effective_at))])
    joiner = ", " if is_english() else "、"
    story += section(_("复工复产申请"), [
        (_("申请时间"), _("%(who)s　%(at)s", who=row.submitted_by.display_name, at=st.moment(row.submitted_at))),
        (_("涉及的隐患案件"), joiner.join(c.code for c in cases) or None),
        (_("已采取的整改措施"), row.measures), (_("自查结论"), row.self_check),
        (_("附件"), joiner.join(a.original_name for a in row.attachments if a.field == "application") or None)])
    story += section(_("现场验收"), [
        (_("验收日期"), row.inspected_on.isoformat()), (_("参加验收人员"), row.participants),
        (_("参加验收的专家"), joiner.join(u.display_name for u in experts) or None),
        (_("验收情况"), row.findings)])
    conclusion = [(_("验收结论"), label(ACCEPTANCE_CONCLUSIONS, row.status))]
    if row.status == "refused":
        conclusion += [(_("整改要求"), row.requirements), (_("整改完成期限"), row.next_date.isoformat()),
                       (_("说明"), _("请于期限前完成整改后再次提出复工复产申请；验收同意前不得恢复生产。"))]
    else:
        conclusion += [(_("说明"), _("经现场验收，同意恢复生产经营，停产停业整顿自本意见书出具之日起解除。")),
                       (_("其他要求"), row.requirements or None)]
    conclusion.append((_("作出结论"), _("%(who)s　%(at)s", who=row.decided_by.display_name,
                                       at=row.decided_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"))))
    story += section(_("验收意见"), conclusion)
    story += signatures(_("验收组组长：%(b)s　　日期：%(b)s", b=blank()),
                        _("企业负责人：%(b)s　　日期：%(b)s", b=blank()))
    story += foot(_("本意见书由隐患排查治理闭环管理系统根据复工复产验收记录生成，可凭申请编号在系统中核对。"))
    return st.build(story, f"{title} {enterprise.name}")
