"""A meeting's minutes as a PDF (会议纪要, services/meeting_minutes.py), in the case documents' layout (documents_pdf):
the meeting's facts and who attended, the agenda, the minutes, and the action items the reader sees (all of them for
the staff; an attending enterprise or department its own), then the organiser's signature line. Minutes not yet
issued are marked as a draft (草稿)."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..models import ACTION_STATUSES, MEETING_KINDS, MEETING_ORGANISERS
from . import pdf_styles as st
from .documents_pdf import blank, foot, head, section, signatures
from .names import is_english, label


def render(row, items):
    title = _("会议纪要") if row.status == "issued" else _("会议纪要（草稿）")
    issued = _("印发时间：%(at)s", at=st.moment(row.issued_at)) if row.issued_at else _("尚未印发")
    story = head(title, _("会议编号：%(id)s　%(issued)s", id=row.id, issued=issued))
    sep = ", " if is_english() else "、"
    names = {k: sep.join(a.name for a in row.attendees if a.kind == k) for k in ("enterprise", "department", "user")}
    story += section(None, [
        (_("会议名称"), row.title), (_("会议类别"), label(MEETING_KINDS, row.kind)),
        (_("会议时间"), st.moment(row.starts_at)), (_("地点"), row.place),
        (_("组织单位"), label(MEETING_ORGANISERS, row.organiser)),
        (_("参会企业"), names["enterprise"]), (_("参会部门"), names["department"]),
        (_("参会工作人员"), names["user"]), (_("其他参会人员"), sep.join(row.other_lines)),
        (_("关联案件"), sep.join(c.code for c in row.cases))])
    if row.agenda:
        story += _text(_("会议议程"), row.agenda)
    story += _text(_("会议纪要"), row.minutes)
    if items:
        story.append(Paragraph(escape(_("会议督办事项")), st.HEADING))
        story.append(_items(items))
    story += signatures(_("组织单位（盖章）：%(blank)s", blank=blank()), _("日期：%(blank)s", blank=blank()))
    story += foot(_("本纪要由隐患排查治理闭环管理系统生成，参会单位可在系统中签收。"))
    return st.build(story, f"{title} {row.title}")


def _text(heading, text):
    paragraphs = [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()] or ["—"]
    return [Paragraph(escape(heading), st.HEADING)] + \
        [Paragraph(escape(p).replace("\n", "<br/>"), st.TEXT) for p in paragraphs]


def _items(items):
    header = [_("序号"), _("事项内容"), _("责任单位/责任人"), _("完成期限"), _("状态")]
    rows = [[Paragraph(escape(t), st.LABEL) for t in header]]
    for number, item in enumerate(items, start=1):
        status = label(ACTION_STATUSES, item.status) + (f"：{item.note}" if item.note else "")
        rows.append([Paragraph(str(number), st.TEXT), Paragraph(escape(item.text), st.TEXT),
                     Paragraph(escape(item.owner_name), st.TEXT), Paragraph(item.due_on.isoformat(), st.TEXT),
                     Paragraph(escape(status), st.TEXT)])
    return st.table(rows, [12 * mm, None, 36 * mm, 24 * mm, 30 * mm], header_row=True, label_column=False)
