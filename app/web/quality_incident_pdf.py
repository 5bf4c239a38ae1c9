"""A quality incident's handling report (质量事故处置报告) as an A4 PDF (fonts: pdf_styles): the registration, the handling
limit and whether it was kept, the investigation (group, findings, cause, remedy plan, recordings), the accountability
per responsible person, the company-wide notice and the learning — what the incident's page shows, for the file."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from ..clock import clock
from ..models import ACCOUNTABILITY_MEASURES, INCIDENT_GRADES, INCIDENT_SOURCES, INCIDENT_STATUSES
from . import pdf_styles as st
from .names import label


def _p(text, style=st.TEXT):
    return Paragraph(escape(str(text or "—")).replace("\n", "<br/>"), style)


def _facts(rows):
    return st.table([[_p(k, st.LABEL), _p(v)] for k, v in rows], [36 * mm, None])


def _limit(row):
    if row.handled_at is None:
        return _("未处置，已超时") if row.overdue_at(clock.now()) else _("未处置")
    return _("超时处置") if row.handled_late else _("按时处置")


def render(row, cases, visits):
    title = _("质量事故处置报告")
    grade = label(INCIDENT_GRADES, row.grade)
    story = [Paragraph(escape(title), st.TITLE),
             Paragraph(escape(_("质量事故 #%(id)s　生成时间 %(at)s", id=row.id, at=st.moment(clock.now()))), st.SUBTITLE),
             Paragraph(escape(_("事故登记")), st.HEADING),
             _facts([(_("事故概要"), row.title), (_("事故经过"), row.description),
                     (_("事故来源"), label(INCIDENT_SOURCES, row.source)),
                     (_("事故级别"), _("%(grade)s（%(hours)s 小时内处置）", grade=grade, hours=row.limit_hours)),
                     (_("发现时间"), st.moment(row.found_at)), (_("登记时间"), st.moment(row.registered_at)),
                     (_("处置时限"), st.moment(row.due_at)), (_("处置情况"), _limit(row)),
                     (_("相关隐患"), _("、").join(c.code for c in cases)),
                     (_("相关排查"), _("、").join(f"#{v.id} {v.enterprise.name} {v.visited_on.isoformat()}"
                                               for v in visits)),
                     (_("状态"), label(INCIDENT_STATUSES, row.status))]),
             Paragraph(escape(_("调查与处置")), st.HEADING),
             _facts([(_("专项调查组"), _("、").join(p.user.display_name for p in row.investigators)),
                     (_("调查开始"), st.moment(row.investigation_started_at)), (_("调查情况"), row.findings),
                     (_("事故原因"), row.cause), (_("补救方案"), row.remedy),
                     (_("处置时间"), st.moment(row.handled_at)),
                     (_("调查录音录像"), _("、").join(a.original_name for a in row.attachments))]),
             Paragraph(escape(_("责任追究")), st.HEADING)]
    rows = [[_p(_("责任人"), st.LABEL), _p(_("追责措施"), st.LABEL), _p(_("说明"), st.LABEL)]]
    for person in row.responsible:
        rows.append([_p(person.user.display_name),
                     _p(_("、").join(label(ACCOUNTABILITY_MEASURES, m) for m in person.measures or [])),
                     _p(person.measure_note)])
    story += [st.table(rows, [36 * mm, 50 * mm, None], header_row=True),
              Paragraph(escape(_("全公司通报与组织学习")), st.HEADING),
              _facts([(_("通报时间"), st.moment(row.notified_at)),
                      (_("通报人数"), str(row.notice_count) if row.notified_at else "—"),
                      (_("通报内容和案例教训"), row.lesson),
                      (_("组织学习（内部培训）"), f"{st.moment(row.training.held_at)} {row.training.topic}"
                       if row.training else ""),
                      (_("关闭时间"), st.moment(row.closed_at))]),
              Spacer(1, 10 * mm),
              Paragraph(escape(_("质量监督专员：　　　　　　　　项目负责人：　　　　　　　　日期：")), st.TEXT)]
    return st.build(story, title)
