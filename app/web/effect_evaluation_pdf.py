"""The effect evaluation report (整改效果评估报告, services/effect_evaluations.py) as an A4 PDF in the case documents'
layout (documents_pdf): the enterprise and the original hazard, its closing, the evaluator and the observation
period, the visits, the four scores and the conclusion, the recurrence found and the enterprise's satisfaction, and
lines to sign. The enterprise's copy leaves out what it does not read on the page (the visits' findings and the
internal note); before the conclusion the report says it is not concluded yet."""
from flask_babel import gettext as _

from ..clock import clock
from ..models import EFFECT_CONCLUSIONS, EFFECT_DIMENSIONS
from ..services.effect_evaluations import COMMISSIONERS
from . import forms_render
from . import pdf_styles as st
from .documents_pdf import blank, enterprise_and_hazard, foot, head, person, section, signatures
from .names import label


def render(row, recurrences, satisfaction, internal):
    case = row.case
    catalog = forms_render.Catalog(case.process_version.forms)
    title = _("整改效果评估报告")
    story = head(title, _("案件编号：%(code)s　生成时间：%(at)s", code=case.code, at=st.moment(clock.now())))
    story += enterprise_and_hazard(case, catalog, case.inspector.display_name)
    story += section(_("销号与观察期"), [
        (_("销号时间"), st.moment(case.closed_at)),
        (_("观察期"), _("%(start)s 至 %(end)s（不少于三个月）", start=row.closed_on.isoformat(),
                        end=row.earliest_on.isoformat())),
        (_("最迟完成日期"), row.latest_on.isoformat())])
    body = row.body
    story += section(_("评估单位"), [
        (_("第三方评估机构"), f"{body.name}（{body.qualification}）" if body else None),
        (_("评估专家"), "、".join(f"{e.name}（{e.organisation}）" if e.organisation else e.name
                               for e in row.experts) or None),
        (_("委托时间"), st.moment(row.commissioned_at))])
    if internal and row.visits:
        story += section(_("评估走访"), [(v.visited_on.isoformat(), v.findings) for v in row.visits])
    story += section(_("评估指标"), [
        (_("隐患复发"), _("销号后同类隐患 %(n)s 起", n=len(recurrences)) +
         ("：" + "、".join(c.code for c in recurrences) if recurrences else "")),
        (_("企业满意度"), _("%(n)s 条评价，平均 %(avg)s 分（5 分制）", n=satisfaction["ratings"],
                           avg=satisfaction["average"]) if satisfaction["ratings"] else _("无评价记录"))])
    if row.concluded_at is None:
        story += section(_("评估结论"), [(_("状态"), _("尚未出具评估结论"))])
    else:
        story += section(_("评估结论"), [
            *[(label(EFFECT_DIMENSIONS, name), str(row.scores[name])) for name in EFFECT_DIMENSIONS],
            (_("评估结论"), label(EFFECT_CONCLUSIONS, row.conclusion)), (_("评估意见"), row.summary),
            *([(_("内部意见"), row.internal_note)] if internal and row.internal_note else []),
            (_("出具"), f"{person(row.concluded_by, COMMISSIONERS + ('expert',))}　{st.moment(row.concluded_at)}")])
    story += signatures(_("评估机构（盖章）：%(line)s　评估人员（签字）：%(line)s　日期：%(line)s", line=blank()),
                        _("企业负责人（签字）：%(line)s　日期：%(line)s", line=blank()))
    story += foot(_("本报告由隐患排查治理闭环管理系统根据整改效果评估记录生成，可凭案件编号在系统中核对。"))
    return st.build(story, f"{title} {case.code}")
