"""A case's documents (services/case_documents.py) as A4 PDFs drawn with reportlab (fonts: pdf_styles): the
rectification notice (整改通知书), the verification opinions (整改验收意见书) and the receipt of closure
(销号电子回执). Labels are in the current language. The head, the foot, the label–value sections and the enterprise
and hazard sections are shared with the other case records' documents (objection_pdf, rectification_check_pdf,
followup_pdf), so every document of a case looks alike."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from ..clock import clock
from ..models import ROLES
from . import forms_render, names
from . import pdf_styles as st


def receipt(data):
    case = data.case
    catalog = forms_render.Catalog(case.process_version.forms)
    story = head(_("隐患整改销号电子回执"), _("回执编号：%(number)s　出具时间：%(at)s", number=data.number,
                                           at=st.moment(clock.now())))
    story += enterprise_and_hazard(case, catalog, data.inspector)
    fix = data.rectification
    story += section(_("整改"), [
        (_("整改轮次"), str(data.rounds)), (_("整改措施"), fix.get("measures")),
        (_("整改责任人"), fix.get("responsible_person")),
        (_("完成日期"), catalog.show("completed_on", fix.get("completed_on"))),
        (_("整改资金（元）"), catalog.show("funds", fix.get("funds"))),
        (_("整改提交"), _("%(who)s　%(at)s", who=data.rectified_by, at=st.moment(data.rectified_at))
         if data.rectified_at else None)])
    story.append(Paragraph(escape(_("复核与销号")), st.HEADING))
    story.append(_verifications_table(data.sign_offs, with_conclusion=False))
    story += section("", [(_("销号时间"), st.moment(case.closed_at))])
    story += foot(_("本回执由隐患排查治理闭环管理系统根据案件办理记录生成，可凭案件编号在系统中核对。"))
    return st.build(story, f"{_('隐患整改销号电子回执')} {case.code}")


def notice(data):
    case = data.case
    catalog = forms_render.Catalog(case.process_version.forms)
    story = head(_("隐患整改通知书"), _("文书编号：%(number)s　第 %(round)s 轮整改", number=data.number, round=data.round))
    story.append(Paragraph(escape(_("%(enterprise)s：", enterprise=case.enterprise.name)), st.TEXT))
    story.append(Paragraph(escape(_(
        "经现场排查，你单位存在下列安全生产事故隐患，请按要求在整改期限前完成整改，并在系统中提交整改情况，"
        "逾期未整改的将依法处理。")), st.TEXT))
    story += enterprise_and_hazard(case, catalog, case.inspector.display_name)
    story += section(_("整改要求"), [(who, text) for who, text in data.requirements] + [
        (_("整改期限"), st.moment(data.deadline)), (_("联系人"), data.contact_person),
        (_("联系电话"), data.contact_phone),
        (_("下达"), _("%(who)s　%(at)s", who=data.issued_by, at=st.moment(data.issued_at))),
        (_("企业签收"), _("%(who)s　%(at)s", who=data.signed_by, at=st.moment(data.signed_at))
         if data.signed_at else _("未签收"))])
    story += foot(_("本通知书由隐患排查治理闭环管理系统根据案件办理记录生成，可凭案件编号在系统中核对。"))
    return st.build(story, f"{_('隐患整改通知书')} {case.code}")


def verification(case, verifications):
    catalog = forms_render.Catalog(case.process_version.forms)
    story = head(_("隐患整改验收意见书"), _("案件编号：%(code)s　出具时间：%(at)s", code=case.code, at=st.moment(clock.now())))
    story += enterprise_and_hazard(case, catalog, case.inspector.display_name)
    for round_no in sorted({v.round for v in verifications}):
        story.append(Paragraph(escape(_("第 %(n)s 轮复核", n=round_no)), st.HEADING))
        story.append(_verifications_table([v for v in verifications if v.round == round_no], with_conclusion=True))
    story += foot(_("本意见书由隐患排查治理闭环管理系统根据案件办理记录生成，可凭案件编号在系统中核对。"))
    return st.build(story, f"{_('隐患整改验收意见书')} {case.code}")


def _verifications_table(items, with_conclusion):
    head = [_("环节"), _("签批人"), _("时间")] + ([_("结论")] if with_conclusion else []) + [_("意见")]
    rows = [[Paragraph(escape(t), st.LABEL) for t in head]]
    for v in items:
        cells = [names.step_name(v.step) or "—", v.by, st.moment(v.at)]
        if with_conclusion:
            cells.append(_("通过") if v.passed else _("不通过"))
        opinion = v.opinion or "—"
        if not v.passed and v.added_requirements:
            opinion += "\n" + _("补充整改要求：%(text)s", text=v.added_requirements)
        rows.append([Paragraph(escape(c).replace("\n", "<br/>"), st.TEXT) for c in cells + [opinion]])
    widths = [34 * mm, 24 * mm, 30 * mm] + ([18 * mm] if with_conclusion else []) + [None]
    return st.table(rows, widths, header_row=True, label_column=False)


def enterprise_and_hazard(case, catalog, inspector):
    return [part for heading, pairs in enterprise_and_hazard_facts(case, catalog, inspector)
            for part in section(heading, pairs)]


def enterprise_and_hazard_facts(case, catalog, inspector):
    """[(heading, [(label, value)])] of the enterprise and the hazard as registered: what the documents print (and
    what a referred department's page shows, web/referrals.py)."""
    enterprise = case.enterprise
    return [(_("企业"), [(_("企业名称"), enterprise.name), (_("统一社会信用代码"), enterprise.credit_code),
                       (_("地址"), enterprise.address)]),
            (_("隐患"), [(_("案件编号"), case.code), (_("隐患等级"), catalog.show("grade", case.grade)),
                       (_("隐患类型"), catalog.show("hazard_type", case.hazard_type)), (_("地点"), case.place),
                       (_("隐患描述"), case.description), (_("登记时间"), st.moment(case.registered_at)),
                       (_("现场排查人员"), inspector)])]


def head(title, subtitle):
    return [Paragraph(escape(title), st.TITLE), Paragraph(escape(subtitle), st.SUBTITLE), Spacer(1, 3 * mm)]


def foot(text):
    return [Spacer(1, 10 * mm), Paragraph(escape(text), st.LABEL)]


def signatures(*lines):
    """Lines to sign on paper, each worded with `blank()`s to write on (the visit report's style)."""
    story = [Paragraph(escape(_("签字确认")), st.HEADING)]
    for number, text in enumerate(lines):
        story += ([Spacer(1, 8 * mm)] if number else []) + [Paragraph(escape(text), st.TEXT)]
    return story


def blank():
    """A blank to write on: full-width low lines in Chinese, as the visit report draws them; ASCII ones in English."""
    return "_" * 24 if names.is_english() else "＿" * 12


def person(user, roles):
    """A user's name with the first of `roles` they hold, as they sign a record: "张三（项目负责人）"."""
    if user is None:
        return "—"
    role = next((code for code in roles if code in user.roles), None)
    if role is None:
        return user.display_name
    return _("%(name)s（%(role)s）", name=user.display_name, role=names.label(ROLES, role))


def section(heading, pairs):
    rows = [[Paragraph(escape(label), st.LABEL),
             Paragraph(escape(value if value not in (None, "") else "—").replace("\n", "<br/>"), st.TEXT)]
            for label, value in pairs]
    return ([Paragraph(escape(heading), st.HEADING)] if heading else [Spacer(1, 4 * mm)]) + \
        [st.table(rows, [40 * mm, None])]
