"""A quality sampling round's special inspection report (质量抽查专项检查报告) as an A4 PDF (fonts: pdf_styles)."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..clock import clock
from . import pdf_styles as st


def render(round_, result_names):
    samples = round_.samples
    reviewed = [s for s in samples if s.reviewed_at]
    problems = [s for s in reviewed if s.result == "problem"]
    title = _("局方抽查验收报告") if round_.kind == "acceptance" else _("质量抽查专项检查报告")
    story = [Paragraph(escape(title), st.TITLE),
             Paragraph(escape(_("抽查批次 #%(id)s　生成时间 %(at)s", id=round_.id, at=st.moment(clock.now()))), st.SUBTITLE),
             Paragraph(escape(_("概况")), st.HEADING)]
    summary = [(_("销号期间"), f"{round_.period_start.isoformat()} — {round_.period_end.isoformat()}"),
               (_("期间已销号案件"), str(round_.closed_count)),
               (_("抽查比例"), f"{round_.percent}%"), (_("抽取案件"), str(len(samples))),
               (_("已复查"), f"{len(reviewed)} / {len(samples)}"), (_("发现问题"), str(len(problems))),
               (_("成果质量等级"), "　".join(f"{g}: {sum(1 for s in reviewed if s.grade == g)}" for g in "ABC")),
               (_("发起"), f"{round_.created_by.display_name}　{st.moment(round_.created_at)}"),
               *([(_("完成期限"), st.moment(round_.due_at))] if round_.due_at else []),
               (_("随机种子"), round_.seed)]
    story.append(st.table([[Paragraph(escape(k), st.LABEL), Paragraph(escape(v), st.TEXT)] for k, v in summary],
                          [50 * mm, None]))
    story.append(Paragraph(escape(_("抽查明细")), st.HEADING))
    rows = [[Paragraph(escape(t), st.LABEL) for t in (_("案件编号"), _("企业"), _("结论"), _("复查人 / 时间"),
                                                       _("抽查意见"))]]
    for s in samples:
        result = result_names.get(s.result, _("未复查")) + (f" ({s.grade})" if s.grade else "")
        who = f"{s.reviewer.display_name} {st.moment(s.reviewed_at)}" if s.reviewed_at else "—"
        rows.append([Paragraph(escape(v), st.SMALL) for v in (s.case.code, s.case.enterprise.name, result, who,
                                                               s.opinion or "—")])
    story.append(st.table(rows, [32 * mm, 38 * mm, 18 * mm, 32 * mm, None], header_row=True, label_column=False))
    return st.build(story, title)
