"""An enterprise's service report (企业安全生产社会化服务情况报告) as an A4 PDF (fonts: pdf_styles): the enterprise's
register data, the inspection visits, the checklist results per dimension, the hazards of the period and how they
ended, site checks, re-inspections and referrals — from the facts frozen when it was issued — then the conclusion,
the recommendations and who issued it when."""
from datetime import datetime
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..clock import SHANGHAI
from ..models import CONCLUSION_GRADES, REPORT_STATUSES
from ..models.hazard_case import GRADES, STATUSES
from . import pdf_styles as st
from .names import label


def render(report, facts, labels):
    title = _("企业安全生产社会化服务情况报告")
    company = facts["enterprise"]
    state = _("出具时间 %(at)s", at=st.moment(report.issued_at)) if report.issued_at else \
        _("草稿，未出具（事实截至 %(at)s）", at=_moment(facts["as_of"]))
    story = [Paragraph(escape(title), st.TITLE),
             Paragraph(escape(_("报告编号 %(id)s　服务期间 %(start)s 至 %(end)s　%(state)s", id=report.id,
                                start=facts["period"]["start"], end=facts["period"]["end"], state=state)),
                       st.SUBTITLE)]
    if report.is_withdrawn:
        story.append(Paragraph(escape(_withdrawal(report)), st.SUBTITLE))
    story += _pairs(_("企业基本情况"), [
        (_("企业名称"), company["name"]), (_("统一社会信用代码"), company["credit_code"]),
        (_("地址"), company["address"]), (_("乡镇/园区"), company["township"]), (_("行业"), company["industry"]),
        (_("主要产品"), company["main_products"]), (_("员工人数"), company["employees"]),
        (_("安全管理人员"), company["safety_managers"]), (_("特种作业人员"), company["special_workers"]),
        (_("主要风险因素"), company["main_risks"]), (_("重大危险源"), company["major_hazard_sources"])])
    story += _grid(_("排查服务"), (_("排查日期"), _("排查人员"), _("检查项"), _("不符合项")),
                   [(v["visited_on"], v["inspectors"], v["checked"], v["nonconform"]) for v in facts["visits"]],
                   [30 * mm, None, 24 * mm, 24 * mm])
    story += _grid(_("检查表核对结果"), (_("检查维度"), _("符合"), _("不符合"), _("不适用")),
                   [(labels["dimension"](d["dimension"]), d["conform"], d["nonconform"], d["not_applicable"])
                    for d in facts["checklist"]], [None, 26 * mm, 26 * mm, 26 * mm])
    story += _hazards(facts["hazards"], labels)
    story += _pairs(_("整改过程督导与复查"), [
        (_("督导检查"), _site_checks(facts["site_checks"], labels)),
        (_("销号后复查"), _follow_ups(facts["follow_ups"], labels)),
        (_("移送执法"), _("、").join(f"{r['code']}（{_moment(r['referred_at'])}）" for r in facts["referrals"]))])
    story += _pairs(_("结论性意见"), [
        (_("结论等级"), label(CONCLUSION_GRADES, report.grade)), (_("结论性意见"), report.conclusion),
        (_("整改建议"), report.recommendations)])
    issued_by = report.issued_by.display_name if report.issued_by else "—"
    story += _pairs(_("出具"), [(_("状态"), label(REPORT_STATUSES, report.status)), (_("出具人"), issued_by),
                               (_("出具时间"), st.moment(report.issued_at)),
                               (_("起草人"), report.drafted_by.display_name)]
                     + ([(_("撤回人"), report.withdrawn_by.display_name), (_("撤回时间"), st.moment(report.withdrawn_at)),
                         (_("撤回原因"), report.withdrawn_reason)] if report.is_withdrawn else []))
    return st.build(story, title)


def _withdrawal(report):
    """The header's line of a withdrawn report."""
    return _("已撤回：%(at)s 由 %(who)s 撤回，原因：%(reason)s", at=st.moment(report.withdrawn_at),
             who=report.withdrawn_by.display_name, reason=report.withdrawn_reason)


def _moment(text):
    return datetime.fromisoformat(text).astimezone(SHANGHAI).strftime("%Y-%m-%d") if text else "—"


def _text(value):
    return "—" if value in (None, "") else str(value)


def _pairs(heading, pairs):
    return [Paragraph(escape(heading), st.HEADING),
            st.table([[Paragraph(escape(k), st.LABEL), Paragraph(escape(_text(v)), st.TEXT)] for k, v in pairs],
                     [38 * mm, None])]


def _grid(heading, titles, rows, widths):
    story = [Paragraph(escape(heading), st.HEADING)]
    if not rows:
        return story + [Paragraph(escape(_("无")), st.TEXT)]
    body = [[Paragraph(escape(t), st.LABEL) for t in titles]]
    body += [[Paragraph(escape(_text(v)), st.SMALL) for v in row] for row in rows]
    return story + [st.table(body, widths, header_row=True, label_column=False)]


def _hazards(hazards, labels):
    rate = hazards["rectification_rate"]
    rounds = hazards["rounds"]
    story = _pairs(_("隐患排查治理情况"), [
        (_("发现隐患"), _("%(n)s 项", n=hazards["total"])),
        (_("按等级"), _("、").join(f"{label(GRADES, g)} {n}" for g, n in hazards["by_grade"])),
        (_("按类型"), _("、").join(f"{labels['hazard_type'](t)} {n}" for t, n in hazards["by_type"])),
        (_("整改情况"), _("已销号 %(closed)s 项，未销号 %(open)s 项（其中逾期 %(overdue)s 项，重大及以上 %(major)s 项）",
                       closed=hazards["closed"], open=hazards["open"], overdue=hazards["overdue"],
                       major=hazards["major_open"])),
        (_("整改率"), "—" if rate is None else f"{rate}%"),
        (_("整改轮次"), _("共 %(total)s 轮，%(returned)s 项经复核退回重新整改，最多 %(most)s 轮", total=rounds["total"],
                       returned=rounds["returned"], most=rounds["most"]))])
    return story + _grid(_("隐患明细"), (_("案件编号"), _("等级"), _("类型"), _("部位"), _("状态"), _("轮次"), _("销号时间")),
                         [(c["code"], label(GRADES, c["grade"]), labels["hazard_type"](c["hazard_type"]), c["place"],
                           label(STATUSES, c["status"]) + (_("（逾期）") if c["overdue"] else ""), c["round"],
                           _moment(c["closed_at"])) for c in hazards["cases"]],
                         [30 * mm, 20 * mm, 24 * mm, None, 26 * mm, 12 * mm, 22 * mm])


def _site_checks(found, labels):
    return _("共 %(n)s 次", n=found["total"]) + "".join(
        _("，") + f"{labels['site_check'](code)} {found[code]}" for code in found if code != "total" and found[code])


def _follow_ups(found, labels):
    return _("已复查 %(done)s 次，待复查 %(pending)s 次", done=found["done"], pending=found["pending"]) + "".join(
        _("，") + f"{labels['follow_up'](code)} {found[code]}" for code in ("held", "recurred") if found.get(code))
