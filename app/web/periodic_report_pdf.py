"""A periodic report to the bureau (定期报告) as an A4 PDF (fonts: pdf_styles): its title, period and version, the
figures frozen in the version (the figures as they are now for a draft, said so in the header), the narrative
sections, the chosen typical cases, and who issued, signed or returned it when."""
from datetime import datetime
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..models import PERIODIC_REPORT_KINDS, PERIODIC_REPORT_SECTIONS, PERIODIC_REPORT_STATUSES
from ..services import periodic_reports
from . import pdf_styles as st
from .names import label


def render(report, version, figures, labels):
    title = periodic_reports.title(report)
    state = _("第 %(n)s 版，报送时间 %(at)s", n=version.number, at=st.moment(version.issued_at)) if version else \
        _("未报送的稿本（数据截至 %(at)s）", at=st.moment(datetime.fromisoformat(figures["as_of"])))
    story = [Paragraph(escape(title), st.TITLE),
             Paragraph(escape(_("%(kind)s　期间 %(start)s 至 %(end)s　%(state)s",
                                kind=label(PERIODIC_REPORT_KINDS, report.kind), start=report.period_start.isoformat(),
                                end=report.period_end.isoformat(), state=state)), st.SUBTITLE)]
    story += figure_story(figures, labels)
    text = version.sections if version else report.sections
    for code, _required in periodic_reports.sections_of(report.kind):
        story += [Paragraph(escape(label(PERIODIC_REPORT_SECTIONS, code)), st.HEADING),
                  Paragraph(escape(text.get(code) or "—").replace("\n", "<br/>"), st.TEXT)]
    story += _typical_cases(figures.get("typical_cases") or [])
    story += _record(report, version)
    return st.build(story, title)


def _rate(value):
    return "—" if value is None else f"{value}%"


def figure_story(figures, labels):
    """The figures as tables (also the public edition's, which has no typical cases)."""
    t, a, e = figures["totals"], figures["activity"], figures["effectiveness"]
    story = _pairs(_("主要数据"), [
        (_("期间登记隐患"), _("%(n)s 项（上一同长期间 %(before)s 项）", n=a["registered"], before=a["registered_before"])),
        (_("期间完成整改销号"), _("%(n)s 项（不论登记时间）", n=a["closed"])),
        (_("期末逾期未整改"), _("%(n)s 项", n=a["open_overdue"])),
        (_("期末未销号重大隐患"), _("%(n)s 项", n=a["open_major"])),
        (_("期间登记隐患的整改率"), _("%(rate)s（已销号 %(closed)s / 登记 %(registered)s）", rate=_rate(t["rate"]),
                                    closed=t["closed"], registered=t["registered"])),
        (_("隐患复发率"), _rate(t["recurrence_rate"])),
        (_("平均整改天数"), "—" if t["average_days_to_close"] is None else str(t["average_days_to_close"]))])
    c = figures["coverage"]
    story += _grid(_("重点行业排查覆盖率"), (_("行业"), _("已排查企业"), _("在册企业"), _("覆盖率")),
                   [(name, done, all_, _rate(round(100 * done / all_, 1) if all_ else None))
                    for name, done, all_ in c["industries"]]
                   + [(_("合计"), c["total"][0], c["total"][1],
                       _rate(round(100 * c["total"][0] / c["total"][1], 1) if c["total"][1] else None))],
                   [None, 28 * mm, 28 * mm, 24 * mm])
    story += _grid(_("按等级"), (_("等级"), _("登记"), _("已销号"), _("逾期"), _("整改率")),
                   [(labels["grade"](g), x["registered"], x["closed"], x["overdue"], _rate(x["rate"]))
                    for g, x in figures["by_grade"]], [None, 24 * mm, 24 * mm, 24 * mm, 24 * mm])
    story += _grid(_("按类型（前十）"), (_("类型"), _("登记"), _("已销号"), _("逾期"), _("整改率")),
                   [(labels["hazard_type"](code), x["registered"], x["closed"], x["overdue"], _rate(x["rate"]))
                    for code, x in figures["by_type"]], [None, 24 * mm, 24 * mm, 24 * mm, 24 * mm])
    story += _grid(_("按乡镇/园区"), (_("乡镇/园区"), _("登记"), _("已销号"), _("逾期"), _("整改率")),
                   [(town or _("未填写"), x["registered"], x["closed"], x["overdue"], _rate(x["rate"]))
                    for town, x in figures["by_township"]], [None, 24 * mm, 24 * mm, 24 * mm, 24 * mm])
    story += _pairs(_("整改措施有效性"), [
        (_("一次复核通过"), _("%(first)s / %(closed)s 项已销号隐患（%(rate)s），%(returned)s 项经退回重新整改",
                         first=e["first_round"], closed=e["closed"], rate=_rate(e["first_round_rate"]),
                         returned=e["returned"])),
        (_("销号后复查"), _("保持 %(held)s 次，复发 %(recurred)s 次", held=e["follow_ups"].get("held", 0),
                        recurred=e["follow_ups"].get("recurred", 0)))])
    tr = figures["trend"]
    story += _pairs(_("近六个月趋势"), [
        (_("每月登记"), "、".join(f"{m} {n}" for m, n in zip(tr["months"], tr["counts"]))),
        (_("趋势与预测"), _("%(direction)s，预测 %(month)s 约 %(n)s 项", direction=direction(tr["direction"]),
                          month=tr["next_month"], n=tr["forecast"]))])
    if "year" in figures:
        y = figures["year"]
        story += _pairs(_("年度隐患趋势"), [
            (_("每月登记"), "、".join(f"{m} {n}" for m, n in zip(y["months"], y["counts"]))),
            (_("全年走势"), direction(y["direction"])),
            (_("上一年度"), _("登记 %(n)s 项，整改率 %(rate)s", n=y["previous_year"]["registered"],
                          rate=_rate(y["previous_year"]["rate"]))),
            (_("增加最多的类型"), "、".join(f"{labels['hazard_type'](c)} {now}（{then}）"
                                        for c, now, then in y["rising_types"]) or "—"),
            (_("隐患最多的乡镇/园区"), "、".join(f"{town or '—'} {x['registered']}" for town, x in y["townships"]) or "—")])
    return story


def direction(code):
    return {"rising": _("上升"), "falling": _("下降")}.get(code, _("平稳"))


def _typical_cases(cases):
    if not cases:
        return []
    story = [Paragraph(escape(_("典型案例")), st.HEADING)]
    for c in cases:
        story += _pairs(f"{c['title']}（{c['case_code']}）", [
            (_("企业"), c["enterprise"]), (_("问题描述"), c["problem_description"]), (_("成因分析"), c["cause_analysis"]),
            (_("整改措施"), c["measures"]), (_("整改效果"), c["effect"]), (_("经验启示"), c["lessons"])])
    return story


def _record(report, version):
    rows = [(_("状态"), label(PERIODIC_REPORT_STATUSES, report.status)),
            (_("起草人"), f"{report.drafted_by.display_name} {st.moment(report.drafted_at)}")]
    for v in report.versions:
        if version is not None and v.number > version.number:
            break
        rows.append((_("第 %(n)s 版报送", n=v.number), f"{v.issued_by.display_name} {st.moment(v.issued_at)}"))
        if v.signed_at:
            rows.append((_("签收"), f"{v.signed_by.display_name} {st.moment(v.signed_at)}"))
        if v.returned_at:
            rows.append((_("退回"), f"{v.returned_by.display_name} {st.moment(v.returned_at)}：{v.return_comments}"))
    return _pairs(_("报送与签收"), rows)


def _text(value):
    return "—" if value in (None, "") else str(value)


def _pairs(heading, pairs):
    return [Paragraph(escape(heading), st.HEADING),
            st.table([[Paragraph(escape(k), st.LABEL), Paragraph(escape(_text(v)), st.TEXT)] for k, v in pairs],
                     [42 * mm, None])]


def _grid(heading, titles, rows, widths):
    story = [Paragraph(escape(heading), st.HEADING)]
    if not rows:
        return story + [Paragraph(escape(_("无")), st.TEXT)]
    body = [[Paragraph(escape(t), st.LABEL) for t in titles]]
    body += [[Paragraph(escape(_text(v)), st.SMALL) for v in row] for row in rows]
    return story + [st.table(body, widths, header_row=True, label_column=False)]
