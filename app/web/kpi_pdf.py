"""The project KPIs (services/kpi.py) as an A4 PDF for the acceptance meeting (验收): the project and period, the
indicators against their targets with how each is counted, the months, and lines to sign."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from ..clock import clock
from . import pdf_styles as st


def render(dashboard, summary, trend, period_text, area_text):
    """`summary` and `trend`: the page's tables (web/kpi.summary_rows, trend_rows), header row first."""
    project = dashboard.project
    title = _("项目绩效指标考核表")
    facts = [[_("服务项目"), f"{project.name}（{project.contract_no}）" if project and project.contract_no
              else project.name if project else "—"],
             [_("考核期间"), period_text], [_("统计范围"), area_text], [_("生成时间"), st.moment(clock.now())]]
    story = [Paragraph(escape(title), st.TITLE),
             st.table([[Paragraph(escape(str(v)), st.TEXT) for v in row] for row in facts], [35 * mm, None]),
             Paragraph(escape(_("指标与目标")), st.HEADING)]
    head, *rows = summary
    shown = [head[:6]] + [[row[0], row[1], f"{row[6]} {row[2]}", f"{row[7]} {row[3]}", row[4], row[5]]
                          for row in rows]
    cells = [[Paragraph(escape(str(v)), st.SMALL) for v in row] for row in shown]
    story.append(st.table(cells, [30 * mm, 18 * mm, None, None, 20 * mm, 18 * mm], header_row=True,
                          label_column=False))
    story.append(Paragraph(escape(_("按月趋势")), st.HEADING))
    story.append(st.table([[Paragraph(escape(str(v)), st.SMALL) for v in row] for row in trend],
                          [20 * mm] + [None] * (len(trend[0]) - 1), header_row=True, label_column=False))
    story.append(Paragraph(escape(_("计算口径")), st.HEADING))
    for row in rows:
        story.append(Paragraph(escape(f"{row[0]}：{row[8]}"), st.SMALL))
    story += [Spacer(1, 12 * mm),
              Paragraph(escape(_("服务机构项目负责人（签字）：＿＿＿＿＿＿　　应急管理局（签字）：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿")),
                        st.TEXT)]
    return st.build(story, title)
