"""The annual 最佳配合企业 list as an A4 PDF (fonts: pdf_styles): the places, the enterprises with their average monthly
cooperation score and credit grade, the selection rule, the bureau's note and the confirmation (or “proposal”)."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..services import credit
from . import pdf_styles as st


def render(awards):
    title = _("%(year)s 年度“最佳配合企业”名单", year=awards.year)
    row = awards.credit_year
    if awards.confirmed:
        status = _("应急管理局 %(who)s 于 %(when)s 确认", who=row.award_confirmed_by.display_name,
                   when=st.moment(row.award_confirmed_at))
    else:
        status = _("系统拟定，尚待应急管理局确认")
    story = [Paragraph(escape(title), st.TITLE), Paragraph(escape(status), st.SUBTITLE),
             Paragraph(escape(_("评选规则")), st.HEADING),
             Paragraph(escape(rule_text()), st.TEXT), Paragraph(escape(_("名单")), st.HEADING)]
    if awards.entries:
        rows = [[Paragraph(escape(t), st.LABEL) for t in (_("名次"), _("企业"), _("乡镇/园区"), _("行业"),
                                                           _("月度配合评分平均分"), _("评分月数"), _("信用等级"))]]
        for place, e in awards.entries:
            rows.append([Paragraph(escape(str(v)), st.TEXT) for v in (
                place, e.enterprise.name, e.enterprise.township or "—", e.enterprise.industry or "—",
                e.cooperation_average, e.cooperation_months, e.grade)])
        story.append(st.table(rows, [12 * mm, None, 26 * mm, 22 * mm, 24 * mm, 16 * mm, 16 * mm], header_row=True,
                              label_column=False))
    else:
        story.append(Paragraph(escape(_("本年度没有符合条件的企业。")), st.TEXT))
    if awards.confirmed and row.award_note:
        story += [Paragraph(escape(_("说明")), st.HEADING), Paragraph(escape(row.award_note), st.TEXT)]
    return st.build(story, title)


def rule_text():
    return _("全年无信用扣分、月度配合评分不少于 %(months)s 个月的企业，按全年月度配合评分平均分从高到低排列，取前 %(size)s 名；"
             "平均分相同的并列同一名次，并列第 %(size)s 名的一并入选。", months=credit.AWARD_MIN_MONTHS,
             size=credit.AWARD_SIZE)
