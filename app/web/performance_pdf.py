"""One member's monthly scorecard (services/performance.py) as an A4 PDF (员工月度绩效考核表): the figures with their
counts, weights and points, the deductions, the score, how each figure is counted, and lines to sign."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from ..clock import clock
from ..services.performance import INCIDENT_POINTS
from . import pdf_styles as st


def _cells(rows, style=st.SMALL):
    return [[Paragraph(escape(str(v)), style) for v in row] for row in rows]


def render(card, rules, part_names, part_how, deduction_names, roles):
    title = _("排查人员月度绩效考核表")
    s = card.signals
    facts = [[_("姓名"), card.user.display_name], [_("岗位"), roles or "—"], [_("考核月份"), card.month.label],
             [_("综合得分"), "—" if card.score is None else f"{card.score}"], [_("生成时间"), st.moment(clock.now())]]
    story = [Paragraph(escape(title), st.TITLE), st.table(_cells(facts, st.TEXT), [35 * mm, None]),
             Paragraph(escape(_("考核指标")), st.HEADING)]
    rows = [[_("指标"), _("权重"), _("计数"), _("得分（0–100）")]]
    for key, part in card.parts.items():
        if key == "satisfaction":
            counted = _("%(n)s 条评价，平均 %(avg)s 分", n=part.denominator, avg=part.numerator) if part.denominator \
                else _("无评价")
        elif key == "workload":
            counted = f"{part.numerator} / {part.denominator}"
        else:
            counted = f"{part.numerator} / {part.denominator}" if part.denominator else _("无可计项")
        rows.append([_(part_names[key]), part.weight, counted, "—" if part.points is None else part.points])
    weighted = card.weighted
    rows.append([_("加权得分"), "", "", "—" if weighted is None else round(float(weighted), 1)])
    story.append(st.table(_cells(rows), [45 * mm, 18 * mm, None, 30 * mm], header_row=True, label_column=False))
    story.append(Paragraph(escape(_("扣分")), st.HEADING))
    if card.deductions:
        lines = [[_("事项"), _("日期"), _("扣分")]]
        for d in card.deductions:
            day = d.record.checked_on.isoformat() if hasattr(d.record, "checked_on") else \
                (d.record.notified_at if d.kind == "incident" else d.record.approved_at) \
                .astimezone(st.SHANGHAI).date().isoformat()
            lines.append([f"{_(deduction_names[d.kind])} #{d.record.id}", day, f"−{d.points}"])
        story.append(st.table(_cells(lines), [None, 30 * mm, 20 * mm], header_row=True, label_column=False))
    else:
        story.append(Paragraph(escape(_("本月无扣分事项。")), st.TEXT))
    story.append(Paragraph(escape(_("本月工作记录")), st.HEADING))
    counts = [[_("排查走访"), len(s.visits)], [_("其中打卡异常"), sum(1 for v in s.visits if v.flags)],
              [_("登记隐患"), len(s.cases)], [_("等级被改变"), sum(1 for c in s.cases if c.regraded)],
              [_("抽查发现问题"), sum(1 for c in s.cases if c.quality_problem)],
              [_("完成复核验收"), len(s.verifications)], [_("逾期完成"), sum(1 for v in s.verifications if not v.on_time)],
              [_("属实投诉"), len(s.complaints)], [_("被督查次数"), len(s.supervisions)],
              [_("督查不合格"), sum(1 for r in s.supervisions if r.result == "fail")],
              [_("质量事故追责"), len(s.incidents)]]
    story.append(st.table(_cells(counts, st.TEXT), [50 * mm, None]))
    story.append(Paragraph(escape(_("计算口径")), st.HEADING))
    for key in card.parts:
        story.append(Paragraph(escape(f"{_(part_names[key])}：{_(part_how[key])}"), st.SMALL))
    story.append(Paragraph(escape(_("质量类指标（报告合格率、复核及时率、客户满意度）权重合计 %(n)s 分，不低于 30 分；"
                                    "无可计项的指标不参与加权，其余指标按权重折算。扣分：督查不合格每次 %(f)s 分，"
                                    "通报批评另扣 %(c)s 分，属实投诉每件 %(p)s 分；得分不低于 0。",
                                    n=card.quality_weight, f=rules.failed_check, c=rules.criticism,
                                    p=rules.complaint)), st.SMALL))
    story.append(Paragraph(escape(_("本人为责任人且追责措施不是“免予追责”的质量事故，在全公司通报当月扣分：一般 %(g)s 分，较大 %(l)s 分，"
                                    "重大 %(m)s 分。", g=INCIDENT_POINTS["general"], l=INCIDENT_POINTS["larger"],
                                    m=INCIDENT_POINTS["major"])), st.SMALL))
    story += [Spacer(1, 12 * mm),
              Paragraph(escape(_("被考核人（签字）：＿＿＿＿＿＿　　项目负责人（签字）：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿")),
                        st.TEXT)]
    return st.build(story, title)
