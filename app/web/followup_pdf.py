"""A recorded re-inspection after closing (回头看复查记录, services/followups.py) as an A4 PDF in the case documents'
layout (documents_pdf): the enterprise and the original hazard, how it was rectified and closed (from the receipt of
closure, services/case_documents.py), then the re-inspection — which one, its window, when and by whom, the result
and what follows from it, with the readings taken on site (measurements_pdf) — and lines for the re-inspector and the enterprise to sign."""
from flask_babel import gettext as _

from ..clock import clock
from ..models import FOLLOW_UP_RESULTS
from ..services.followups import RECORDERS
from . import forms_render, measurements_pdf
from . import pdf_styles as st
from .documents_pdf import blank, enterprise_and_hazard, foot, head, person, section, signatures
from .names import N_, label

WHEN = {1: N_("销号后一周内"), 2: N_("销号后一个月")}  # followups.SCHEDULE's two, as the seed words them


def render(row, receipt):
    case = row.case
    catalog = forms_render.Catalog(case.process_version.forms)
    title = _("回头看复查记录")
    story = head(title, _("案件编号：%(code)s　销号后第 %(n)s 次复查　生成时间：%(at)s", code=case.code, n=row.sequence,
                          at=st.moment(clock.now())))
    story += enterprise_and_hazard(case, catalog, case.inspector.display_name)
    fix = receipt.rectification
    story += section(_("整改与销号"), [
        (_("整改措施"), fix.get("measures")), (_("整改责任人"), fix.get("responsible_person")),
        (_("整改轮次"), str(receipt.rounds)),
        (_("复核销号"), "\n".join(_("%(who)s　%(at)s", who=s.by, at=st.moment(s.at)) for s in receipt.sign_offs)),
        (_("销号时间"), st.moment(case.closed_at)), (_("电子回执编号"), receipt.number)])
    story += section(_("本次复查"), [
        (_("复查"), _("第 %(n)s 次（%(when)s）", n=row.sequence, when=_(WHEN[row.sequence]))
         if row.sequence in WHEN else _("第 %(n)s 次", n=row.sequence)),
        (_("复查时间"), f"{row.not_before.isoformat()} — {row.due_on.isoformat()}"),
        (_("实际复查时间"), st.moment(row.done_at)), (_("复查人员"), person(row.done_by, RECORDERS)),
        (_("复查结论"), label(FOLLOW_UP_RESULTS, row.result)), (_("复查情况"), row.notes),
        (_("后续处理"), _follows(row))])
    story += measurements_pdf.section(row.measurements, row.files)
    story += signatures(_("复查人员（签字）：%(line)s　日期：%(line)s", line=blank()),
                        _("企业负责人（签字）：%(line)s　日期：%(line)s", line=blank()))
    story += foot(_("本记录由隐患排查治理闭环管理系统根据复查登记生成，可凭案件编号在系统中核对。"))
    return st.build(story, f"{title} {case.code}")


def _follows(row):
    if row.result == "recurred":
        return _("隐患反弹：已通知应急管理局和项目负责人，反弹的隐患另行登记为新的隐患案件。")
    return _("整改效果保持，本次复查完成。")
