"""A training session's sign-in sheet (培训签到表, services/trainings.py), in the case documents' layout
(documents_pdf): the session's facts, then one line per attendee to sign — the names recorded printed, blank lines up
to the head count for those not listed (an enterprise's people sign on paper, mostly without a login) — and the
trainer's signature. Printed before the session and signed there; the scan can be attached as a material."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..models import ASSESSMENT_RESULTS, TRAINING_KINDS, TRAINING_MODULES
from . import pdf_styles as st
from .documents_pdf import blank, foot, head, section, signatures
from .names import label

MIN_BLANK_LINES = 5  # a sheet always has room for people who came unannounced
MAX_LINES = 300


def render(row):
    title = _("培训签到表")
    story = head(title, _("培训编号：%(id)s　培训时间：%(at)s", id=row.id, at=st.moment(row.held_at)))
    story += section(None, [
        (_("培训主题"), row.topic), (_("类别"), label(TRAINING_KINDS, row.kind)),
        (_("学时"), f"{row.hours:g}"), (_("授课人"), row.trainer), (_("地点"), row.location),
        (_("内容模块"), "、".join(label(TRAINING_MODULES, m) for m in row.modules or [])),
        (_("受训企业"), "、".join(e.name for e in row.enterprises) if row.kind == "enterprise" else None),
        (_("参训人数"), str(row.attendee_count))])
    story.append(Paragraph(escape(_("参训人员签到")), st.HEADING))
    story.append(_sheet(row))
    story += signatures(_("授课人：%(blank)s　　　日期：%(blank)s", blank=blank()),
                        _("组织单位（盖章）：%(blank)s", blank=blank()))
    story += foot(_("本表由隐患排查治理闭环管理系统生成，签到后扫描件可作为培训材料上传至本次培训记录。"))
    return st.build(story, f"{title} {row.topic}")


def _sheet(row):
    header = [_("序号"), _("姓名"), _("职务/岗位"), _("签名"), _("考核")]
    rows = [[Paragraph(escape(t), st.LABEL) for t in header]]
    people = [(a.name, a.position, label(ASSESSMENT_RESULTS, a.result)
               + (f" {a.score}" if a.score is not None else "")) for a in row.attendees]
    blanks = max(MIN_BLANK_LINES, row.attendee_count - len(people))
    people += [("", "", "")] * min(blanks, MAX_LINES - len(people))
    for number, (name, position, result) in enumerate(people, start=1):
        rows.append([Paragraph(str(number), st.TEXT), Paragraph(escape(name), st.TEXT),
                     Paragraph(escape(position), st.TEXT), "", Paragraph(escape(result.strip()), st.TEXT)])
    return st.table(rows, [12 * mm, 34 * mm, 40 * mm, None, 24 * mm], header_row=True, label_column=False)
