"""A referral as a letter to the department (移送函 / 抄告函, services/referrals.py), in the case documents' layout
(documents_pdf): the addressee, what is asked and by when, the case's facts (the enterprise, the hazard, where its
rectification stands) and the bureau's contact. The internal note is never printed."""
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from ..clock import SHANGHAI
from ..models import REFERRAL_KINDS, REFERRAL_REQUESTS
from ..models.hazard_case import STATUSES
from ..services.referrals import MANAGERS
from . import forms_render
from . import pdf_styles as st
from .documents_pdf import enterprise_and_hazard_facts, foot, head, person, section
from .names import label, step_name


def title_of(row):
    return _("移送函") if row.kind == "transfer" else _("抄告函")


def case_facts(row):
    """[(heading, [(label, value)])]: the case's facts the letter attaches — the enterprise, the hazard as registered
    and where its rectification stands. A referred department's page shows these and no more of the case."""
    case = row.case
    catalog = forms_render.Catalog(case.process_version.forms)
    return enterprise_and_hazard_facts(case, catalog, case.inspector.display_name) + [(_("整改进展"), [
        (_("案件状态"), label(STATUSES, case.status)), (_("当前环节"), step_name(case.current_step)),
        (_("整改期限"), st.moment(case.rectification_due) if case.rectification_due else None),
        (_("企业联系人"), " ".join(p for p in (case.enterprise.contact_person, case.enterprise.contact_phone) if p))])]


def render(row):
    case, department = row.case, row.department
    title = title_of(row)
    story = head(title, _("文书编号：%(number)s　案件编号：%(code)s　日期：%(day)s", number=row.number, code=case.code,
                          day=row.referred_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")))
    story.append(Paragraph(escape(_("%(department)s：", department=department.name)), st.TEXT))
    request = label(REFERRAL_REQUESTS, row.request)
    due = st.moment(row.reply_due)
    if row.kind == "transfer":
        text = _("我局在安全生产事故隐患排查治理中发现下列隐患，涉及贵单位职责，现移送贵单位，请%(request)s，"
                 "并于 %(due)s 前将办理情况函告我局。", request=request, due=due)
    else:
        text = _("我局在安全生产事故隐患排查治理中发现下列隐患，涉及贵单位职责，现抄告贵单位，请%(request)s，"
                 "并于 %(due)s 前将有关情况函告我局。我局继续督促企业整改至销号。", request=request, due=due)
    story.append(Paragraph(escape(text), st.TEXT))
    story += section(_("移送事项"), [
        (_("方式"), label(REFERRAL_KINDS, row.kind)), (_("请求事项"), request), (_("移送理由"), row.reason),
        (_("回复期限"), _("%(n)s 个工作日，%(due)s 前", n=row.reply_days, due=due)),
        (_("经办人"), person(row.referred_by, MANAGERS)),
        (_("联系电话"), row.referred_by.phone or None), (_("电子邮箱"), row.referred_by.email or None)])
    for heading, pairs in case_facts(row):
        story += section(heading, pairs)
    story += [Spacer(1, 10 * mm), Paragraph(escape(_("应急管理局（盖章）：　　　　　　　　日期：")), st.TEXT)]
    story += foot(_("本函由隐患排查治理闭环管理系统根据案件办理记录生成，可凭文书编号向我局核对；回复请注明文书编号。"))
    return st.build(story, f"{title} {row.number}")
