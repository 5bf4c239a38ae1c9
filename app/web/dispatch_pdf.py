"""An inspector's day sheet (排查行程单) as an A4 PDF (fonts: pdf_styles): the day's stops in route order with the
distances, each enterprise's address and contacts, the areas to check, the checklists to use and its focus points
(重点关注: most frequent hazard types, open cases, cooperation class) — to print and take along."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..models import GRADES, VISIT_KINDS
from ..services.dispatch_routes import is_overdue
from . import pdf_styles as st
from .checklists import checklist_name
from .names import label


def render(route, type_name):
    """`type_name`: a hazard type code's name (the deployed forms' labels)."""
    title = _("排查行程单")
    start = _("从项目部出发（%(lat)s, %(lng)s）", lat=route.start[0], lng=route.start[1]) \
        if route.start_kind == "office" and route.start else _("从第一个计划的企业出发")
    story = [Paragraph(escape(title), st.TITLE),
             Paragraph(escape(_("%(name)s · %(day)s · %(n)s 个排查点", name=route.inspector.display_name,
                                day=route.day.isoformat(), n=len(route.stops))), st.SUBTITLE)]
    story.append(Paragraph(escape(_("路线")), st.HEADING))
    story.append(Paragraph(escape(start + _("；按最近邻顺序，直线距离合计约 %(km)s 公里", km=route.total_km)
                                  + (_("（含返回项目部 %(km)s 公里）", km=route.return_km)
                                     if route.return_km is not None else "")), st.TEXT))
    rows = [[Paragraph(escape(t), st.LABEL) for t in (_("序号"), _("企业"), _("检查方式"), _("距上一站"))]]
    for number, stop in enumerate(route.stops, 1):
        rows.append([Paragraph(str(number), st.SMALL), Paragraph(escape(stop.plan.enterprise.name), st.SMALL),
                     Paragraph(escape(label(VISIT_KINDS, stop.plan.kind)), st.SMALL),
                     Paragraph(escape(_("%(km)s 公里", km=stop.leg_km) if stop.leg_km is not None
                                      else _("位置未知")), st.SMALL)])
    story.append(st.table(rows, [14 * mm, None, 30 * mm, 28 * mm], header_row=True, label_column=False))
    for number, stop in enumerate(route.stops, 1):
        story += _stop(number, stop, type_name)
    if not route.stops:
        story.append(Paragraph(escape(_("当天没有排查计划")), st.TEXT))
    return st.build(story, title)


def _stop(number, stop, type_name):
    plan, enterprise, focus = stop.plan, stop.plan.enterprise, stop.focus
    contact = " ".join(v for v in (enterprise.contact_person, enterprise.contact_phone) if v) or "—"
    pairs = [(_("地址"), enterprise.address or "—"), (_("乡镇（园区）"), enterprise.township or "—"),
             (_("联系人"), contact), (_("行业"), enterprise.industry or "—"), (_("排查人员"), plan.team),
             (_("涉及区域"), plan.areas), (_("检查表"), _("、").join(checklist_name(c) for c in stop.checklists) or "—")]
    if plan.campaign is not None:
        pairs.append((_("所属专项行动"), plan.campaign.name))
    types = _("、").join(_("%(type)s %(n)s 起（未销号 %(open)s）", type=type_name(kind), n=total, open=still_open)
                        for kind, total, still_open in focus.types) or _("无历史隐患")
    pairs.append((_("常见隐患类型"), types))
    if focus.cooperation is not None:
        pairs.append((_("配合评分"), _("%(month)s %(cls)s 类（%(score)s 分）", month=focus.cooperation.month.strftime("%Y-%m"),
                                       cls=focus.cooperation.cooperation_class, score=round(focus.cooperation.score, 1))))
    story = [Paragraph(escape(f"{number}. {enterprise.name}"), st.HEADING),
             st.table([[Paragraph(escape(k), st.LABEL), Paragraph(escape(str(v)), st.TEXT)] for k, v in pairs],
                      [32 * mm, None])]
    if focus.open_cases:
        rows = [[Paragraph(escape(t), st.LABEL) for t in (_("未销号隐患"), _("等级"), _("类型"), _("整改期限"))]]
        for case in focus.open_cases:
            due = st.moment(case.rectification_due) + (_("（已逾期）") if is_overdue(case) else "")
            rows.append([Paragraph(escape(f"{case.code} {case.description[:60]}"), st.SMALL),
                         Paragraph(escape(label(GRADES, case.grade) if case.grade else "—"), st.SMALL),
                         Paragraph(escape(type_name(case.hazard_type)), st.SMALL), Paragraph(escape(due), st.SMALL)])
        story.append(st.table(rows, [None, 22 * mm, 30 * mm, 36 * mm], header_row=True, label_column=False))
        if focus.open_total > len(focus.open_cases):
            story.append(Paragraph(escape(_("另有 %(n)s 项未列出", n=focus.open_total - len(focus.open_cases))), st.SMALL))
    return story
