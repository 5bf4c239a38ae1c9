"""The quarterly return-visit summary report (季度回访汇总报告) as an A4 PDF (fonts: pdf_styles): coverage of the key
enterprises, the return visits, rectification effects, the survey's averages, safety management items answered no,
the enterprises not visited, the opinions and problems listed, then the lead's summary and the report's state."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..models import RETURN_REPORT_STATUSES, RETURN_VISIT_WAYS, SAFETY_ITEMS, SURVEY_DIMENSIONS
from ..services.key_enterprises import KEY_REASON_KINDS
from . import pdf_styles as st
from .names import label


def render(report, facts):
    title = _("%(q)s 重点企业回访汇总报告", q=report.code)
    cover, visits, effects, survey = facts["coverage"], facts["visits"], facts["effects"], facts["satisfaction"]
    rate = "—" if cover["rate"] is None else f"{cover['rate']}%"
    story = [Paragraph(escape(title), st.TITLE),
             Paragraph(escape(_("统计期间 %(start)s 至 %(end)s　状态：%(status)s", start=facts["start"], end=facts["end"],
                                status=label(RETURN_REPORT_STATUSES, report.status))), st.SUBTITLE)]
    story += _pairs(_("回访覆盖"), [
        (_("重点企业"), _("%(n)s 家（每家每季度至少回访 %(r)s 次）", n=cover["due"], r=facts["required"])),
        (_("已完成回访"), _("%(n)s 家", n=cover["visited"])), (_("覆盖率"), rate),
        (_("回访次数"), _("共 %(n)s 次，涉及 %(e)s 家企业", n=visits["total"], e=visits["enterprises"])),
        (_("回访方式"), _("、").join(f"{label(RETURN_VISIT_WAYS, w)} {n}" for w, n in visits["by_way"].items()))])
    story += _pairs(_("整改成效"), [
        (_("整改效果保持"), effects["held"]), (_("整改成效反弹"), effects["recurred"]),
        (_("反弹后重新登记为隐患"), effects["registered"])])
    story += _grid(_("整改成效反弹明细"), (_("企业"), _("原隐患"), _("说明"), _("新登记隐患")),
                   [(r["enterprise"], r["case"], r["note"], r["new_case"]) for r in facts["regressed"]],
                   [40 * mm, 30 * mm, None, 30 * mm])
    averages = survey["averages"]
    story += _pairs(_("满意度"), [(_("作答企业次数"), survey["surveyed"])] + [
        (label(SURVEY_DIMENSIONS, name), _score(averages.get(name))) for name in SURVEY_DIMENSIONS]
        + [(_("综合"), _score(survey["overall"]))])
    story += _pairs(_("安全管理现状（回答“否”的次数）"),
                    [(label(SAFETY_ITEMS, code), n) for code, n in facts["safety_no"].items()])
    story += _grid(_("未完成回访的重点企业"), (_("企业"), _("本季度回访"), _("重点原因")),
                   [(r["name"], r["visits"], _reasons(r["reasons"])) for r in facts["not_visited"]],
                   [None, 24 * mm, 60 * mm])
    story += _grid(_("企业意见建议"), (_("企业"), _("日期"), _("意见建议")),
                   [(o["enterprise"], o["visited_on"], o["text"]) for o in facts["opinions"]], [40 * mm, 24 * mm, None])
    story += _grid(_("企业反映的问题与后续措施"), (_("企业"), _("日期"), _("问题"), _("后续措施")),
                   [(p["enterprise"], p["visited_on"], p["text"], p["action"]) for p in facts["problems"]],
                   [36 * mm, 22 * mm, None, None])
    story += _pairs(_("总体情况与下一步工作"), [(_("总结"), report.summary)])
    story += _pairs(_("报送"), [
        (_("起草人"), report.drafted_by.display_name),
        (_("提交人"), report.submitted_by.display_name if report.submitted_by else "—"),
        (_("提交时间"), st.moment(report.submitted_at)),
        (_("应急管理局"), (report.decided_by.display_name + " · " + st.moment(report.decided_at))
         if report.decided_by else "—")]
        + ([(_("退回原因"), report.return_reason)] if report.status == "returned" else []))
    return st.build(story, title)


def _reasons(kinds):
    return _("、").join(label(KEY_REASON_KINDS, k) for k in dict.fromkeys(kinds))


def _score(value):
    return "—" if value is None else f"{value}"


def _text(value):
    return "—" if value in (None, "") else str(value)


def _pairs(heading, pairs):
    return [Paragraph(escape(heading), st.HEADING),
            st.table([[Paragraph(escape(str(k)), st.LABEL), Paragraph(escape(_text(v)), st.TEXT)] for k, v in pairs],
                     [50 * mm, None])]


def _grid(heading, titles, rows, widths):
    story = [Paragraph(escape(heading), st.HEADING)]
    if not rows:
        return story + [Paragraph(escape(_("无")), st.TEXT)]
    body = [[Paragraph(escape(t), st.LABEL) for t in titles]]
    body += [[Paragraph(escape(_text(v)), st.SMALL) for v in row] for row in rows]
    return story + [st.table(body, widths, header_row=True, label_column=False)]
