"""A major hazard's documents in the case documents' layout (documents_pdf): the special report to the bureau
(重大隐患专报: the finding confirmed, photos, detection data, preliminary analysis and proposed measures, and the
treatment plan's state) and the bureau's supervision notice (督办通知书) to the enterprise."""
from pathlib import Path
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from PIL import Image as PILImage
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, Spacer

from ..clock import clock
from ..models import PLAN_STATUSES
from ..services.major_hazards import REPORTERS
from . import forms_render
from . import pdf_styles as st
from .documents_pdf import enterprise_and_hazard, foot, head, person, section
from .names import label

PHOTO_WIDTH, PHOTO_HEIGHT = 80 * mm, 60 * mm
EMBEDDED = ("image/jpeg", "image/png", "image/gif")  # what reportlab draws (through Pillow)


def report(record, photos, upload_dir):
    case = record.case
    catalog = forms_render.Catalog(case.process_version.forms)
    title = _("重大隐患专报")
    story = head(title, _("案件编号：%(code)s　报送时间：%(at)s", code=case.code, at=st.moment(record.reported_at)))
    story.append(Paragraph(escape(_("应急管理局：")), st.TEXT))
    story.append(Paragraph(escape(_("现将 %(enterprise)s 存在的重大事故隐患报告如下。", enterprise=case.enterprise.name)),
                           st.TEXT))
    story += enterprise_and_hazard(case, catalog, case.inspector.display_name)
    story += section(_("专报内容"), [
        (_("问题确认"), record.report_confirmation), (_("检测数据"), record.report_detection),
        (_("初步分析意见"), record.report_analysis), (_("建议措施"), record.report_measures),
        (_("报送人"), person(record.reported_by, REPORTERS)), (_("报送时间"), st.moment(record.reported_at)),
        (_("报送期限"), st.moment(record.report_due)),
        (_("治理方案"), label(PLAN_STATUSES, record.plan_status))])
    story += _photos(photos, upload_dir)
    story += foot(_("本专报由隐患排查治理闭环管理系统根据案件办理记录生成，可凭案件编号在系统中核对。"))
    return st.build(story, f"{title} {case.code}")


def _photos(photos, upload_dir):
    """The chosen photos, each scaled into a box; one the PDF cannot draw is named instead."""
    if not photos:
        return []
    story = [Paragraph(escape(_("现场照片")), st.HEADING)]
    for item in photos:
        path = Path(upload_dir) / item.stored_name
        drawn = None
        if item.content_type in EMBEDDED and path.is_file():
            try:
                with PILImage.open(path) as image:
                    width, height = image.size
                scale = min(PHOTO_WIDTH / width, PHOTO_HEIGHT / height)
                drawn = Image(str(path), width * scale, height * scale, hAlign="LEFT")
            except (OSError, ValueError, ZeroDivisionError):
                drawn = None
        story.append(drawn or Paragraph(escape(_("照片（未能嵌入）")), st.TEXT))
        taken = st.moment(item.taken_at or item.created_at)
        story.append(Paragraph(escape(_("%(name)s　%(at)s", name=item.original_name, at=taken)), st.SMALL))
        story.append(Spacer(1, 2 * mm))
    return story


def supervision_notice(record):
    case = record.case
    catalog = forms_render.Catalog(case.process_version.forms)
    title = _("重大事故隐患挂牌督办通知书")
    story = head(title, _("案件编号：%(code)s　挂牌时间：%(at)s", code=case.code, at=st.moment(record.listed_at)))
    story.append(Paragraph(escape(_("%(enterprise)s：", enterprise=case.enterprise.name)), st.TEXT))
    story.append(Paragraph(escape(_(
        "你单位存在下列重大事故隐患，现予挂牌督办。请按经审核的治理方案落实治理目标、措施、经费物资、责任机构和人员、时限及"
        "安全措施和应急预案，在要求完成日期前完成治理并申请复核验收；治理期间应采取有效的安全防范措施，防止事故发生。")), st.TEXT))
    story += enterprise_and_hazard(case, catalog, case.inspector.display_name)
    plan = record.latest_plan
    story += section(_("督办事项"), [
        (_("督办单位"), record.supervisor_unit), (_("督办责任人"), record.supervisor_name),
        (_("要求完成日期"), record.listing_due.isoformat() if record.listing_due else None),
        (_("督办要求"), record.listing_note),
        (_("治理方案"), _("%(status)s（第 %(n)s 版）", status=label(PLAN_STATUSES, record.plan_status), n=plan.version)
         if plan else label(PLAN_STATUSES, record.plan_status)),
        (_("挂牌"), _("%(who)s　%(at)s", who=record.listed_by.display_name, at=st.moment(record.listed_at)))])
    if record.delisted_at:
        story += section(_("摘牌"), [
            (_("摘牌时间"), st.moment(record.delisted_at)),
            (_("摘牌方式"), _("案件销号自动摘牌") if record.delisted_by is None else record.delisted_by.display_name),
            (_("摘牌原因"), record.delist_reason)])
    story += [Spacer(1, 10 * mm), Paragraph(escape(_("应急管理局（盖章）：　　　　　　　　日期：%(day)s",
                                                     day=clock.local_now().date().isoformat())), st.TEXT)]
    story += foot(_("本通知书由隐患排查治理闭环管理系统根据案件办理记录生成，可凭案件编号在系统中核对。"))
    return st.build(story, f"{title} {case.code}")
