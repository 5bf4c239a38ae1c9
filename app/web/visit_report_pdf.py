"""An inspection visit's report (安全生产隐患排查报告) as an A4 PDF (fonts: pdf_styles): the enterprise, the visit,
the checklist's nonconforming items, the hazards registered, the findings, and the enterprise's confirmation — or
lines for signatures when the report is printed before it."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from ..clock import clock
from . import pdf_styles as st
from .documents_pdf import blank
from . import key_part_pdf
from ..models import VISIT_KINDS, VISIT_REVIEW_STATUSES
from ..models.hazard_case import GRADES, STATUSES
from .names import label
from .template_helpers import distance_text
from .visit_checkins import checkin_flag, duration, site_source


def render(report):
    visit, company = report.visit, report.visit.enterprise
    title = _("安全生产隐患排查报告")
    story = [Paragraph(escape(title), st.TITLE),
             Paragraph(escape(_("排查记录 #%(id)s　生成时间 %(at)s", id=visit.id, at=st.moment(clock.now()))),
                       st.SUBTITLE)]
    story += _facts(_("被排查企业"), [
        (_("企业名称"), company.name), (_("统一社会信用代码"), company.credit_code), (_("地址"), company.address or "—"),
        (_("乡镇/园区"), company.township or "—"), (_("行业"), company.industry or "—")])
    sheet = report.checklist
    story += _facts(_("排查情况"), [
        (_("排查日期"), visit.visited_on.isoformat() + (visit.visit_time.strftime(" %H:%M") if visit.visit_time else "")),
        (_("检查方式"), label(VISIT_KINDS, visit.kind)),
        *([(_("所属专项行动"), visit.campaign.name)] if visit.campaign else []), (_("排查人员"), visit.inspectors),
        *([(_("参加单位"), "；".join(f"{name}：{people}" for name, people in report.units))] if report.units else []),
        (_("检查内容"), visit.scope),
        (_("报告审核"), label(VISIT_REVIEW_STATUSES, visit.review_status)),
        (_("检查表核对"), _("已检查 %(checked)s / %(total)s 项，不符合 %(nonconform)s 项", checked=sheet.checked,
                          total=sheet.total, nonconform=sheet.nonconform) if sheet.total else _("未使用检查表"))])
    story.append(Paragraph(escape(_("不符合项")), st.HEADING))
    if report.nonconforming:
        rows = [_header(_("编号"), _("检查内容"), _("依据"), _("发现的问题"), _("登记隐患"))]
        for row in report.nonconforming:
            case = row.result.case
            rows.append([Paragraph(escape(v), st.SMALL) for v in (
                row.item.code, row.item.content, row.item.basis or "—", row.result.note or "—",
                case.code if case else "—")])
        story.append(st.table(rows, [18 * mm, None, 34 * mm, 40 * mm, 28 * mm], header_row=True, label_column=False))
    else:
        story.append(Paragraph(escape(_("无")), st.TEXT))
    story.append(Paragraph(escape(_("登记隐患")), st.HEADING))
    if report.cases:
        rows = [_header(_("案件编号"), _("隐患描述"), _("等级"), _("整改期限"), _("状态"))]
        for case in report.cases:
            rows.append([Paragraph(escape(v), st.SMALL) for v in (
                case.code, case.description, label(GRADES, case.grade) if case.grade else "—",
                st.moment(case.rectification_due), label(STATUSES, case.status))])
        story.append(st.table(rows, [30 * mm, None, 22 * mm, 30 * mm, 22 * mm], header_row=True, label_column=False))
    else:
        story.append(Paragraph(escape(_("未发现隐患")), st.TEXT))
    story += key_part_pdf.visit_section(visit)  # 重点部位巡检: each tagged part's card, or 未巡检
    story += _facts(_("发现问题及整改建议"), [(_("意见"), visit.findings or "—")])
    story += _checkins(report.checkins)
    story += _files(report.files)
    story += _signatures(visit)
    return st.build(story, title)


def _facts(heading, pairs):
    return [Paragraph(escape(heading), st.HEADING),
            st.table([[Paragraph(escape(k), st.LABEL), Paragraph(escape(v), st.TEXT)] for k, v in pairs],
                     [38 * mm, None])]


def _checkins(views):
    """到场打卡: each inspector's arrival and departure, distance from the enterprise, time on site and flags."""
    story = [Paragraph(escape(_("到场打卡")), st.HEADING)]
    if not views:
        return story + [Paragraph(escape(checkin_flag("no_check_in")), st.TEXT)]
    rows = [_header(_("排查人员"), _("到场时间"), _("离场时间"), _("距企业"), _("在场时长"), _("提示"))]
    for view in views:
        row = view.row
        far = [distance_text(d) for d in (row.arrival_distance_m, row.departure_distance_m) if d is not None]
        measured = row.arrival_site_source or row.departure_site_source  # the enterprise's position, or its cases'
        if far and measured:
            far[-1] += _("（按%(source)s）", source=site_source(measured))
        rows.append([Paragraph(escape(v), st.SMALL) for v in (
            row.user.display_name, st.moment(row.arrived_at), st.moment(row.departed_at) if row.departed_at else "—",
            " / ".join(far) or (_("无定位") if row.arrival_latitude is None else _("距离未知")),
            duration(row.minutes_on_site), _("、").join(checkin_flag(f) for f in view.flags) or "—")])
    return story + [st.table(rows, [26 * mm, 28 * mm, 28 * mm, 30 * mm, 24 * mm, None], header_row=True,
                             label_column=False)]


def _files(files):
    """现场资料: the files on the visit, listed (the pictures stay in the system)."""
    story = [Paragraph(escape(_("现场资料")), st.HEADING)]
    if not files:
        return story + [Paragraph(escape(_("无")), st.TEXT)]
    rows = [_header(_("文件名"), _("类型"), _("上传时间"), _("拍摄时间"))]
    for item in files:
        kind = _("照片") if item.is_image else _("视频") if item.is_video else "PDF"
        rows.append([Paragraph(escape(v), st.SMALL) for v in (
            item.original_name, kind, st.moment(item.created_at), st.moment(item.taken_at) if item.taken_at else "—")])
    return story + [st.table(rows, [None, 20 * mm, 32 * mm, 32 * mm], header_row=True, label_column=False)]


def _header(*titles):
    return [Paragraph(escape(t), st.LABEL) for t in titles]


def _signatures(visit):
    heading = Paragraph(escape(_("确认")), st.HEADING)
    if visit.acknowledged_at is not None:
        who = visit.acknowledged_by.display_name if visit.acknowledged_by else "—"
        pairs = [(_("企业确认"), _("%(who)s 于 %(at)s 在线确认", who=who, at=st.moment(visit.acknowledged_at))),
                 (_("企业意见"), visit.enterprise_remarks or _("无异议"))]
        return [heading, st.table([[Paragraph(escape(k), st.LABEL), Paragraph(escape(v), st.TEXT)] for k, v in pairs],
                                  [38 * mm, None])]
    line = blank()
    return [heading, Paragraph(escape(_("排查人员（签字）：%(line)s　日期：%(line)s", line=line)), st.TEXT),
            Spacer(1, 8 * mm),
            Paragraph(escape(_("企业负责人（签字）：%(line)s　日期：%(line)s", line=line)), st.TEXT)]
