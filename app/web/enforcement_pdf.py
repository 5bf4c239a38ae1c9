"""An enforcement referral's record (执法处置记录, services/enforcement.py) in the case documents' layout
(documents_pdf): the referral, the enterprise and the hazard, then each step of the enforcement case as recorded —
the filing decision, the measures decided, their execution, the closing — and the documents on file. An internal
record of the bureau: it carries the officers and notes that the enterprise does not see."""
from flask_babel import gettext as _

from ..clock import SHANGHAI
from ..models import ENFORCEMENT_MEASURES, ENFORCEMENT_STATUSES, FILING_CHOICES
from ..services import enforcement
from . import forms_render
from . import pdf_styles as st
from .documents_pdf import enterprise_and_hazard, foot, head, section
from .names import is_english, label


def render(row, files):
    case, outcome = row.case, row.outcome
    catalog = forms_render.Catalog(case.process_version.forms)
    title = _("执法处置记录")
    story = head(title, _("案件编号：%(code)s　第 %(round)s 轮　移送日期：%(day)s", code=case.code, round=row.round,
                          day=row.referred_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")))
    status = label(ENFORCEMENT_STATUSES, outcome.status if outcome else "pending")
    story += section(_("移送执法"), [
        (_("移送时间"), st.moment(row.referred_at)), (_("移送原因"), forms_render.bilingual(row.reason)),
        (_("立案决定期限"), _("%(n)s 个工作日，%(due)s 前", n=enforcement.FILING_WORKING_DAYS,
                          due=st.moment(enforcement.filing_due(row)))),
        (_("状态"), status + (_("（立案决定逾期）") if enforcement.is_overdue(row) else ""))])
    story += enterprise_and_hazard(case, catalog, case.inspector.display_name)
    if outcome is not None:
        story += _steps(outcome)
    if files:
        story += section(_("文书附件"), [
            (_("附件 %(n)s", n=n), _("%(name)s（%(at)s）", name=item.original_name, at=st.moment(item.created_at)))
            for n, item in enumerate(files, 1)])
    story += foot(_("本记录由隐患排查治理闭环管理系统根据执法处置登记生成，仅供内部存档核对。"))
    return st.build(story, f"{title} {case.code}")


def _steps(outcome):
    filing = [(_("立案决定"), label(FILING_CHOICES, outcome.filing)), (_("日期"), outcome.filing_date.isoformat())]
    if outcome.filing == "not_filed":
        filing.append((_("不予立案理由"), outcome.not_filed_reason))
        return section(_("立案"), filing)
    filing += [(_("执法案号"), outcome.case_number), (_("承办执法人员"), outcome.officers)]
    story = section(_("立案"), filing)
    if outcome.decision_date is not None:
        story += section(_("处理决定"), [
            (_("处理措施"), _measures(outcome)),
            (_("罚款金额"), _("%(amount)s 元", amount=outcome.fine_amount) if outcome.fine_amount is not None else None),
            (_("决定书文号"), outcome.decision_number), (_("决定日期"), outcome.decision_date.isoformat())])
    if outcome.fine_paid_on or outcome.resumed_on or outcome.execution_note:
        story += section(_("执行情况"), [
            (_("罚款缴纳日期"), _day(outcome.fine_paid_on)), (_("停产整顿解除日期"), _day(outcome.resumed_on)),
            (_("执行说明"), outcome.execution_note)])
    if outcome.closed_on is not None:
        story += section(_("结案"), [(_("结案日期"), outcome.closed_on.isoformat()),
                                     (_("结案说明"), outcome.closing_note)])
    return story


def _measures(outcome):
    return (", " if is_english() else "、").join(label(ENFORCEMENT_MEASURES, m) for m in outcome.measures or [])


def _day(value):
    return value.isoformat() if value else None
