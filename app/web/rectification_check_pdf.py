"""A supervision check's record (督导检查记录, services/rectification_checks.py) as an A4 PDF in the case documents'
layout (documents_pdf): the enterprise and the hazard, the check as recorded — time, checkers, the round, the
progress seen, the findings, the conclusion and, for an interview (约谈), the entry it put on the enterprise's credit
record — the readings taken on site (measurements_pdf), then lines for the checkers and the enterprise to sign on
site."""
from flask_babel import gettext as _

from ..clock import clock
from ..models import CHECK_CONCLUSIONS
from . import forms_render, measurements_pdf
from . import pdf_styles as st
from .documents_pdf import blank, enterprise_and_hazard, foot, head, section, signatures
from .forms_render import bilingual
from .names import label


def render(row, credit_entry):
    case = row.case
    catalog = forms_render.Catalog(case.process_version.forms)
    title = _("督导检查记录")
    story = head(title, _("案件编号：%(code)s　督导检查 #%(id)s　生成时间：%(at)s", code=case.code, id=row.id,
                          at=st.moment(clock.now())))
    story += enterprise_and_hazard(case, catalog, case.inspector.display_name)
    story += section(_("督导检查情况"), [
        (_("检查时间"), st.moment(row.checked_at)), (_("督导人员"), row.checkers),
        (_("整改轮次"), _("第 %(n)s 轮", n=row.round)), (_("整改期限"), st.moment(case.rectification_due)),
        (_("整改进度"), f"{row.progress_percent}%"), (_("核查情况"), row.findings),
        (_("督导结论"), label(CHECK_CONCLUSIONS, row.conclusion)), (_("登记人"), row.recorded_by.display_name)]
        + _interview(row, credit_entry))
    story += measurements_pdf.section(row.measurements, row.files)
    story += signatures(_("督导检查人员（签字）：%(line)s　日期：%(line)s", line=blank()),
                        _("企业负责人（签字）：%(line)s　日期：%(line)s", line=blank()))
    story += foot(_("本记录由隐患排查治理闭环管理系统根据督导检查登记生成，可凭案件编号在系统中核对。"))
    return st.build(story, f"{title} {case.code}")


def _interview(row, credit_entry):
    """For an interview: what follows and the credit record's entry (its note is stored "中文 / English")."""
    if row.conclusion != "interview":
        return []
    entry = _("%(note)s（%(at)s 记入）", note=bilingual(credit_entry.note), at=st.moment(credit_entry.created_at)) \
        if credit_entry is not None else None
    return [(_("约谈"), _("整改不力，启动约谈程序，已通知企业和应急管理局")), (_("信用记录"), entry)]
