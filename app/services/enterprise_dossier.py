"""The 一企一档 dossier of one enterprise (seed 000 L656 "一企一档"原则存储; L900–L902 交付…供用户随时调阅历史记录): one ZIP,
built in memory (nothing written to disk), of what the system holds about the enterprise as of the moment it is
asked for — index.csv (the enterprise, the "as of" moment, each file and its row count), one CSV per kind of record
(cases with grade, status and deadlines; inspection visits; supervision checks; trainings; drills; the archive's
documents; the training register of its people with their 达标情况; credit records; rectification-notice and
bureau-notice receipts; platform entry; self-checks and effect evaluations, services/enterprise_dossier_records.py) and
the stored files of its archive documents under files/.

Who: the staff who see every enterprise (OVERSIGHT_ROLES: the bureau's side and the contractor's) and township
offices for their area. Another area's enterprise is NotFound; so is every dossier for an enterprise's own staff —
the dossier is the supervisors' acceptance bundle and holds records their pages do not show them (credit records,
supervision checks), so it does not exist for them rather than being forbidden. Anyone else: NotAllowed.

The files' stored sizes add up to at most `max_bytes` (the app's MAX_DOSSIER_BYTES, 200 MB): beyond that it is
TooLarge (413) before anything is read, as the whole ZIP lives in memory."""
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..clock import SHANGHAI, clock
from ..errors import NotAllowed, NotFound, TooLarge
from ..models import (CHECK_CONCLUSIONS, CREDIT_RECORD_KINDS, DOCUMENT_KINDS, DRILL_KINDS, ENTRY_STATUSES, GRADES,
                      PLATFORM_ITEMS, PLATFORMS, REVIEW_STATUSES, ROSTER_CATEGORIES, TRAINING_KINDS, VISIT_KINDS,
                      Attachment, BureauNotice, BureauNoticeRecipient, CreditRecord, Drill, EnterpriseDocument,
                      HazardCase, InspectionVisit, NoticeReceipt, PlatformEntry, RectificationCheck, TrainingEnterprise,
                      TrainingSession, User)
from ..models.hazard_case import SOURCES, STATUSES
from ..models.user import OVERSIGHT_ROLES
from . import roster, roster_rules
from . import enterprise_dossier_records
from .access import get_visible_enterprise

READERS = tuple(sorted(OVERSIGHT_ROLES | {"township"}))


@dataclass
class Table:
    name: str  # the file's name in the ZIP
    title: tuple  # (Chinese, English)
    header: list  # [(Chinese, English)]
    rows: list


def may_export(user):
    return user.has_role(*READERS)


def get_enterprise(session, user, enterprise_id):
    if not may_export(user):
        if "enterprise" in user.roles:
            raise NotFound("企业不存在 / enterprise not found")
        raise NotAllowed("一企一档供监管人员导出 / the dossier is exported by the supervisors")
    return get_visible_enterprise(session, user, enterprise_id)


def build(session, user, enterprise_id, upload_dir, max_bytes, english=False):
    """(file name, ZIP bytes) of the enterprise's dossier as of now."""
    enterprise = get_enterprise(session, user, enterprise_id)
    files = _files(session, enterprise.id)
    total = sum(a.size or 0 for _d, a in files)
    if total > max_bytes:
        raise TooLarge(f"档案文件共 {total // (1024 * 1024)} MB，超过 {max_bytes // (1024 * 1024)} MB 上限，请分批从安全档案下载 / "
                       f"the archive's files come to {total // (1024 * 1024)} MB, over the {max_bytes // (1024 * 1024)} "
                       f"MB limit: download them from the safety archive instead")
    as_of = clock.now()
    pick = (lambda pair: pair[1]) if english else (lambda pair: pair[0])
    tables = _tables(session, enterprise, pick)
    buffer = io.BytesIO()
    listed = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(table.name, _csv([[pick(h) for h in table.header]] + table.rows))
            listed.append([table.name, pick(table.title), len(table.rows)])
        for document, attachment in files:
            path = Path(upload_dir) / attachment.stored_name
            name = f"files/{document.id}-{_safe(pick(DOCUMENT_KINDS.get(document.kind, (document.kind,) * 2)))}/" \
                   f"{attachment.id}-{_safe(attachment.original_name)}"
            if path.is_file():
                archive.write(path, name)
                listed.append([name, document.title, ""])
            else:  # a file lost from the disk is named, not silently left out
                listed.append([name, document.title, pick(("文件缺失", "file missing"))])
        local = as_of.astimezone(SHANGHAI)
        index = [[pick(("一企一档", "Enterprise dossier")), enterprise.name],
                 [pick(("统一社会信用代码", "Credit code")), enterprise.credit_code or ""],
                 [pick(("乡镇/园区", "Township / park")), enterprise.township or ""],
                 [pick(("行业", "Industry")), enterprise.industry or ""],
                 [pick(("截至", "As of")), local.strftime("%Y-%m-%d %H:%M:%S %z")],
                 [pick(("导出人", "Exported by")), user.display_name],
                 [],
                 [pick(("文件", "File")), pick(("内容", "Content")), pick(("记录数", "Rows"))]] + listed
        archive.writestr("index.csv", _csv(index))
    return f"dossier-{enterprise.id}-{local:%Y%m%d-%H%M}.zip", buffer.getvalue()


def _csv(rows):
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 with the Chinese intact
    csv.writer(out).writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8")


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value  # never a formula in Excel
    return value


def _safe(name):
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name or "")[:120] or "file"


def _files(session, enterprise_id):
    return session.query(EnterpriseDocument, Attachment) \
        .join(Attachment, Attachment.document_id == EnterpriseDocument.id) \
        .filter(EnterpriseDocument.enterprise_id == enterprise_id) \
        .order_by(EnterpriseDocument.id, Attachment.id).all()


def _names(session, ids):
    ids = {i for i in ids if i}
    return {u.id: u.display_name for u in session.query(User).filter(User.id.in_(ids))} if ids else {}


def _tables(session, enterprise, pick):
    eid = enterprise.id

    def name_of(table, code):
        return pick(table[code]) if code in table else (code or "")

    cases = session.query(HazardCase).filter_by(enterprise_id=eid).order_by(HazardCase.registered_at,
                                                                             HazardCase.id).all()
    codes = {c.id: c.code for c in cases}
    tables = [Table("cases.csv", ("隐患", "Hazard cases"),
                    [("编号", "Code"), ("来源", "Source"), ("隐患类型", "Type"), ("地点", "Place"),
                     ("描述", "Description"), ("等级", "Grade"), ("状态", "Status"), ("当前步骤", "Current step"),
                     ("整改轮次", "Round"), ("登记时间", "Registered"), ("指派期限", "Assignment due"),
                     ("整改期限", "Rectification due"), ("复核期限", "Verification due"), ("办结时间", "Closed")],
                    [[c.code, name_of(SOURCES, c.source), c.hazard_type, c.place, c.description,
                      name_of(GRADES, c.grade), name_of(STATUSES, c.status), c.current_step, c.round,
                      c.registered_at, c.assignment_due, c.rectification_due, c.verification_due, c.closed_at]
                     for c in cases])]
    visits = session.query(InspectionVisit).filter_by(enterprise_id=eid).order_by(InspectionVisit.visited_on,
                                                                                  InspectionVisit.id).all()
    tables.append(Table("visits.csv", ("排查记录", "Inspection visits"),
                        [("日期", "Date"), ("类型", "Kind"), ("排查人员", "Inspectors"), ("检查内容", "Scope"),
                         ("发现问题", "Findings"), ("企业确认时间", "Acknowledged"), ("企业意见", "Remarks")],
                        [[v.visited_on, name_of(VISIT_KINDS, v.kind), v.inspectors, v.scope, v.findings,
                          v.acknowledged_at, v.enterprise_remarks] for v in visits]))
    checks = session.query(RectificationCheck).join(HazardCase, HazardCase.id == RectificationCheck.case_id) \
        .filter(HazardCase.enterprise_id == eid).order_by(RectificationCheck.checked_at, RectificationCheck.id).all()
    tables.append(Table("checks.csv", ("督导检查", "Supervision checks"),
                        [("隐患编号", "Case"), ("轮次", "Round"), ("检查时间", "Checked"), ("检查人员", "Checkers"),
                         ("整改进度%", "Progress %"), ("检查情况", "Findings"), ("结论", "Conclusion")],
                        [[codes.get(k.case_id), k.round, k.checked_at, k.checkers, k.progress_percent, k.findings,
                          name_of(CHECK_CONCLUSIONS, k.conclusion)] for k in checks]))
    trainings = session.query(TrainingSession).join(TrainingEnterprise,
                                                    TrainingEnterprise.training_id == TrainingSession.id) \
        .filter(TrainingEnterprise.enterprise_id == eid).order_by(TrainingSession.held_at, TrainingSession.id).all()
    tables.append(Table("trainings.csv", ("培训", "Trainings"),
                        [("时间", "Held"), ("类型", "Kind"), ("主题", "Topic"), ("学时", "Hours"),
                         ("授课人", "Trainer"), ("地点", "Location"), ("参训人数", "Attendees")],
                        [[t.held_at, name_of(TRAINING_KINDS, t.kind), t.topic, t.hours, t.trainer, t.location,
                          t.attendee_count] for t in trainings]))
    drills = session.query(Drill).filter_by(enterprise_id=eid).order_by(Drill.held_on, Drill.id).all()
    tables.append(Table("drills.csv", ("应急演练", "Drills"),
                        [("日期", "Date"), ("演练预案", "Scenario"), ("形式", "Kind"), ("参演人数", "Participants"),
                         ("评估", "Evaluation"), ("存在问题", "Problems"), ("改进措施", "Improvements")],
                        [[d.held_on, d.scenario, name_of(DRILL_KINDS, d.kind), d.participants, d.evaluation,
                          d.problems, d.improvements] for d in drills]))
    documents = session.query(EnterpriseDocument).filter_by(enterprise_id=eid).order_by(EnterpriseDocument.id).all()
    tables.append(Table("documents.csv", ("安全档案资料", "Archive documents"),
                        [("编号", "Id"), ("资料类别", "Kind"), ("资料名称", "Title"), ("证书编号", "Number"),
                         ("发证/备案机关", "Issuer"), ("有效期起", "Valid from"), ("有效期至", "Valid to"),
                         ("持证人", "Holder"), ("审核状态", "Review"), ("已移出档案", "Retired"),
                         ("文件数", "Files")],
                        [[d.id, name_of(DOCUMENT_KINDS, d.kind), d.title, d.number, d.issuer, d.valid_from,
                          d.valid_to, d.holder_name, name_of(REVIEW_STATUSES, d.status), d.retired_at,
                          len(d.attachments)] for d in documents]))
    credits = session.query(CreditRecord).filter_by(enterprise_id=eid).order_by(CreditRecord.created_at,
                                                                                CreditRecord.id).all()
    tables.append(Table("credit_records.csv", ("信用记录", "Credit records"),
                        [("时间", "When"), ("类型", "Kind"), ("隐患编号", "Case"), ("说明", "Note")],
                        [[r.created_at, name_of(CREDIT_RECORD_KINDS, r.kind), codes.get(r.case_id), r.note]
                         for r in credits]))
    receipts = session.query(NoticeReceipt).filter(NoticeReceipt.case_id.in_(list(codes) or [-1])) \
        .order_by(NoticeReceipt.signed_at, NoticeReceipt.id).all()
    notices = session.query(BureauNotice, BureauNoticeRecipient) \
        .join(BureauNoticeRecipient, BureauNoticeRecipient.notice_id == BureauNotice.id) \
        .filter(BureauNoticeRecipient.enterprise_id == eid).order_by(BureauNotice.id).all()
    signers = _names(session, [r.signed_by_id for r in receipts] + [n.signed_by_id for _b, n in notices])
    rows = [[pick(("整改通知书", "Rectification notice")), f"{codes.get(r.case_id)} #{r.round}", None, r.signed_at,
             signers.get(r.signed_by_id, ""), ""] for r in receipts]
    rows += [[pick(("监管通知", "Bureau notice")), b.title, n.read_at, n.signed_at, signers.get(n.signed_by_id, ""),
              n.reply] for b, n in notices]
    tables.append(Table("notice_receipts.csv", ("通知签收", "Notice receipts"),
                        [("类别", "Kind"), ("通知", "Notice"), ("阅读时间", "Read"), ("签收时间", "Signed"),
                         ("签收人", "Signed by"), ("回复", "Reply")], rows))
    tables.append(_roster_table(session, enterprise, pick, name_of))
    entries = session.query(PlatformEntry).filter_by(enterprise_id=eid) \
        .order_by(PlatformEntry.platform, PlatformEntry.item).all()
    people = _names(session, [e.entered_by_id for e in entries] + [e.checked_by_id for e in entries])
    tables.append(Table("platform_entries.csv", ("平台录入", "Platform entry"),
                        [("平台", "Platform"), ("录入事项", "Item"), ("状态", "Status"), ("录入日期", "Entered"),
                         ("录入人", "Entered by"), ("核对日期", "Checked"), ("核对人", "Checked by"),
                         ("备注", "Note")],
                        [[name_of(PLATFORMS, e.platform), name_of(PLATFORM_ITEMS, e.item),
                          name_of(ENTRY_STATUSES, e.status), e.entered_on, people.get(e.entered_by_id, ""),
                          e.checked_on, people.get(e.checked_by_id, ""), e.note] for e in entries]))
    tables += [Table(*more) for more in enterprise_dossier_records.tables(session, eid, name_of, codes)]
    return tables


def _roster_table(session, enterprise, pick, name_of):
    """The training register (services/roster.py): each person still there with their 达标情况, then those who left."""
    result = roster.compliance_of(session, enterprise)
    rows = [[s.person.name, s.person.position, name_of(ROSTER_CATEGORIES, s.person.category), s.person.hired_on,
             None, s.initial_hours, s.initial_required, s.year_hours, s.annual_required,
             s.person.certificate_number, s.person.certificate_expires_on,
             name_of(roster_rules.CERTIFICATE_STATES, s.certificate) if s.certificate else "",
             pick(("达标", "Compliant")) if s.compliant else
             "; ".join(name_of(roster_rules.PROBLEMS, p) for p in s.problems)] for s in result.people]
    rows += [[p.name, p.position, name_of(ROSTER_CATEGORIES, p.category), p.hired_on, p.left_on, None, None, None,
              None, p.certificate_number, p.certificate_expires_on, "", ""]
             for p in roster.people_of(session, enterprise.id, left=True)]
    return Table("roster.csv", ("从业人员培训台账", "Training register"),
                 [("姓名", "Name"), ("岗位", "Position"), ("人员类别", "Category"), ("入职日期", "Hired on"),
                  ("离职日期", "Left on"), ("初次/岗前学时", "Initial hours"), ("应达学时", "Required"),
                  ("本年度学时", "This year's hours"), ("年度应达学时", "Yearly required"),
                  ("操作证编号", "Certificate number"), ("有效期至", "Expires on"), ("操作证状态", "Certificate"),
                  ("达标情况", "Compliance")], rows)
