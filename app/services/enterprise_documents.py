"""The enterprises' safety management archive (企业安全管理档案, models/enterprise_document.py): an enterprise's staff
add and update their own documents with the files (PDF or images, sniffed like every upload); the contractor's team
and the bureau review them (已审核) or return them with a reason (已退回); a document that is no longer in force (a
certificate of someone who left) is retired, kept and readable.

Who: enterprise staff write their own enterprise's archive only (another enterprise's is NotFound, as its cases are).
Reading follows the cases' rule (services/access.py) for the roles that see cases — the bureau's side and the
contractor (OVERSIGHT_ROLES) every enterprise, a township office its area; process owners and technical leads have
no business here (NotAllowed). Reviewing: inspectors, project team, project leads and the bureau; township offices
read only, like everything else of theirs.

Every change is audited with its values before → after under the document (subject `enterprise_document`). A change
made on an older page (the document's `version` moved meanwhile) is a Conflict, not a silent overwrite."""
from datetime import date

from sqlalchemy import update as sql_update

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import (CERTIFICATE_KINDS, DOCUMENT_KINDS, LICENCE_KINDS, MANAGER_CATEGORIES, OPERATION_CATEGORIES,
                      Attachment, EnterpriseDocument)
from ..models.attachment import free_of_owners
from ..models.enterprise_document import mask_id_number
from ..models.user import OVERSIGHT_ROLES
from . import audit, record_reviews
from .access import get_visible_enterprise
from .field_rules import clean_text, parse_date, raise_if, years_later_less_a_day as _years_after

SUBJECT = "enterprise_document"
READERS = tuple(sorted(OVERSIGHT_ROLES | {"township", "enterprise"}))
REVIEWERS = ("inspector", "project_team", "project_lead", "bureau")
FIELDS = ("title", "number", "issuer", "valid_from", "valid_to", "holder_name", "holder_id_number", "category",
          "note")
FILE_FIELD = "enterprise_document"
PLAN_REVISION_YEARS = 3  # 《生产安全事故应急预案管理办法》第三十六条: 每三年进行一次应急预案评估
MAX_TITLE, MAX_NUMBER, MAX_ISSUER, MAX_NAME, MAX_NOTE, MAX_REASON, MAX_FILES = 200, 64, 200, 64, 2000, 500, 20
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


# ---- who ---------------------------------------------------------------------------------------------------------
def may_read(user):
    return user.has_role(*READERS)


def may_review(user):
    return user.has_role(*REVIEWERS)


def may_write(user, enterprise_id):
    return "enterprise" in user.roles and user.enterprise_id is not None and user.enterprise_id == enterprise_id


def get_enterprise(session, user, enterprise_id):
    """The enterprise whose archive the user may read: NotAllowed for roles without business here, NotFound for an
    enterprise they may not see (another enterprise's staff, another area's township office)."""
    if not may_read(user):
        raise NotAllowed("企业安全档案供企业本身、排查和监管人员查看 / the safety archive is for the enterprise itself, "
                         "the inspection team and the supervisors")
    return get_visible_enterprise(session, user, enterprise_id)


def get(session, user, enterprise_id, document_id):
    get_enterprise(session, user, enterprise_id)
    row = session.get(EnterpriseDocument, document_id) if isinstance(document_id, int) else None
    if row is None or row.enterprise_id != enterprise_id:
        raise NotFound("档案资料不存在 / document not found")
    return row


def readable_document(session, user, document_id):
    """A document the user may read, by its id alone (an attachment's owner); NotFound otherwise."""
    row = session.get(EnterpriseDocument, document_id)
    if row is None or not may_read(user):
        raise NotFound("档案资料不存在 / document not found")
    return get(session, user, row.enterprise_id, row.id)


def documents_of(session, enterprise_id, retired=False):
    """The enterprise's documents in the archive's order (kind, then the soonest to expire first); `retired`: the
    retired ones instead."""
    query = session.query(EnterpriseDocument).filter(
        EnterpriseDocument.enterprise_id == enterprise_id,
        EnterpriseDocument.retired_at.isnot(None) if retired else EnterpriseDocument.retired_at.is_(None))
    order = list(DOCUMENT_KINDS)
    rows = query.order_by(EnterpriseDocument.id).all()
    return sorted(rows, key=lambda d: (order.index(d.kind) if d.kind in order else len(order),
                                       d.valid_to or date.max, d.id))


def history(session, row):
    return audit.subject_history(session, SUBJECT, row.id)


# ---- the fields of each kind -------------------------------------------------------------------------------------
def required_fields(kind):
    """The fields a document of this kind must have (besides at least one file)."""
    if kind == "emergency_plan":
        return ("number", "valid_from")  # 备案编号, 备案日期; the revision date follows
    if kind == "production_licence":
        return ("number", "issuer", "valid_from", "valid_to")
    if kind == "other_licence":
        return ("title", "number", "issuer", "valid_from", "valid_to")
    if kind in CERTIFICATE_KINDS:
        return ("holder_name", "holder_id_number", "number", "category", "valid_to")
    return ()  # the three systems: a title defaults to the kind's name


def categories(kind):
    return MANAGER_CATEGORIES if kind == "manager_certificate" else OPERATION_CATEGORIES \
        if kind == "operator_certificate" else {}


def clean(kind, values, errors):
    """The columns of a document of `kind` from typed `values` (form strings, or dates and text); each wrong field
    named in `errors`."""
    result = {"title": clean_text(values.get("title"), MAX_TITLE, "title", errors),
              "number": clean_text(values.get("number"), MAX_NUMBER, "number", errors),
              "issuer": clean_text(values.get("issuer"), MAX_ISSUER, "issuer", errors),
              "holder_name": clean_text(values.get("holder_name"), MAX_NAME, "holder_name", errors),
              "category": clean_text(values.get("category"), 24, "category", errors),
              "note": clean_text(values.get("note"), MAX_NOTE, "note", errors),
              "valid_from": parse_date(values.get("valid_from"), "valid_from", errors),
              "valid_to": parse_date(values.get("valid_to"), "valid_to", errors)}
    id_number = clean_text(values.get("holder_id_number"), 18, "holder_id_number", errors).upper()
    result["holder_id_number"] = id_number
    if kind in CERTIFICATE_KINDS:
        if id_number and not valid_id_number(id_number):
            errors["holder_id_number"] = "身份证号码有误（18位，校验码不符） / not a valid 18-character ID number"
        if result["category"] and result["category"] not in categories(kind):
            errors["category"] = "请选择类别 / choose a category"
    else:
        result.update(holder_name="", holder_id_number="", category="")
    for name in required_fields(kind):
        if not result[name] and name not in errors:
            errors[name] = "必填 / required"
    if kind == "emergency_plan":
        filed = result["valid_from"]
        if filed and filed > clock.local_now().date():
            errors["valid_from"] = "备案日期不能晚于今天 / the filing date cannot be in the future"
        result["valid_to"] = _years_after(filed, PLAN_REVISION_YEARS) if filed else None
    elif kind not in LICENCE_KINDS + CERTIFICATE_KINDS:
        result["valid_to"] = None  # a system has no expiry; its valid_from is its 发布日期
    start, end = result["valid_from"], result["valid_to"]
    if start and end and end < start and "valid_to" not in errors:
        errors["valid_to"] = "有效期至不能早于起始日期 / the last valid day cannot be before the first"
    if not result["title"]:
        result["title"] = DOCUMENT_KINDS[kind][0]
    return result


def with_id_check_character(first17):
    """The 18-character ID number whose first 17 characters are given (demo data, tests)."""
    return first17 + _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def valid_id_number(value):
    """An 18-character 居民身份证号码 with a real birth date and the right GB 11643 check character."""
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == value[17]


def _check_unique_number(session, enterprise_id, kind, number, errors, document_id=None):
    if not number or "number" in errors:
        return
    query = session.query(EnterpriseDocument.id).filter(
        EnterpriseDocument.enterprise_id == enterprise_id, EnterpriseDocument.kind == kind,
        EnterpriseDocument.number == number, EnterpriseDocument.retired_at.is_(None))
    if document_id is not None:
        query = query.filter(EnterpriseDocument.id != document_id)
    if query.first() is not None:
        errors["number"] = "档案中已有该编号的资料，请更新原资料 / this number is in the archive already: update it"


# ---- writing -----------------------------------------------------------------------------------------------------
def _check_writer(session, user, enterprise_id):
    enterprise = get_enterprise(session, user, enterprise_id)  # 403 / 404 first
    if not may_write(user, enterprise_id):
        raise NotAllowed("只有本企业人员可以上传和更新档案资料 / only the enterprise's own staff add and update its "
                         "documents")
    return enterprise


def create(uow, user, enterprise_id, kind, values, file_ids=()):
    """A new document with the user's own uploads `file_ids` (at least one); ValidationFailed names each wrong
    field and nothing is kept."""
    session = uow.session
    _check_writer(session, user, enterprise_id)
    errors = {}
    if kind not in DOCUMENT_KINDS:
        raise ValidationFailed("请选择资料类别 / choose the kind of document", fields={"kind": "unknown kind"})
    columns = clean(kind, values, errors)
    _check_unique_number(session, enterprise_id, kind, columns["number"], errors)
    files = _wanted(file_ids)
    if not files:
        errors.setdefault("files", "请上传资料文件（PDF 或图片） / upload the document's file (PDF or image)")
    raise_if(errors)
    now = clock.now()
    row = EnterpriseDocument(enterprise_id=enterprise_id, kind=kind, status="pending", review_note="",
                             created_by_id=user.id, created_at=now, updated_by_id=user.id, updated_at=now, version=1,
                             retire_reason="", **columns)
    session.add(row)
    session.flush()
    names = _attach(uow, user, row, files)
    changes = {**_audit_values({k: [None, v] for k, v in columns.items() if v not in (None, "")}),
               "files": [None, names]}
    audit.record(uow, None, user, "enterprise_document_added", changes=changes, details=_details(row),
                 subject=(SUBJECT, row.id))
    return row


def update(uow, user, enterprise_id, document_id, values, file_ids=(), removed_file_ids=(), version=None):
    """Rewrite a document (a renewal: its new number and dates) and its files; it awaits review again. A retired
    document is not changed (Conflict); nor one changed since `version` was read."""
    session = uow.session
    _check_writer(session, user, enterprise_id)
    row = get(session, user, enterprise_id, document_id)
    if row.is_retired:
        raise Conflict("资料已移出档案，不能修改 / the document was retired")
    errors = {}
    columns = clean(row.kind, values, errors)
    _check_unique_number(session, enterprise_id, row.kind, columns["number"], errors, row.id)
    added, removed = _wanted(file_ids), _wanted(removed_file_ids)
    current = {a.public_id for a in row.attachments}
    if not (current - set(removed)) and not added:
        errors.setdefault("files", "至少保留一个资料文件 / keep at least one file")
    raise_if(errors)
    before_names = [a.original_name for a in row.attachments]
    changes = {k: [getattr(row, k), v] for k, v in columns.items() if getattr(row, k) != v}
    values_now = {**columns, "status": "pending", "updated_by_id": user.id, "updated_at": clock.now()}
    if row.status != "pending":
        changes["status"] = [row.status, "pending"]
    _bump(session, row, version, values_now)
    _detach(uow, row, removed)
    _attach(uow, user, row, added)
    session.flush()
    session.expire(row, ["attachments"])
    after_names = [a.original_name for a in row.attachments]
    if after_names != before_names:
        changes["files"] = [before_names, after_names]
    audit.record(uow, None, user, "enterprise_document_updated", changes=_audit_values(changes),
                 details=_details(row), subject=(SUBJECT, row.id))
    return row


def review(uow, user, enterprise_id, document_id, decision, note="", version=None):
    """Mark a document awaiting review as reviewed (an optional remark) or return it (a reason required): the
    enterprise's staff are told of a return. Conflict when it is not awaiting review or changed since `version`."""
    session = uow.session
    row = get(session, user, enterprise_id, document_id)
    if not may_review(user):
        raise NotAllowed("只有排查人员、项目执行小组、项目负责人和应急管理局可以审核档案资料 / only inspectors, the "
                         "project team, project leads and the bureau review documents")
    note = record_reviews.checked_decision(decision, note, MAX_REASON)
    if row.is_retired or row.status != "pending":
        raise Conflict("该资料不在待审核状态 / the document is not awaiting review")
    changes = {"status": [row.status, decision], "review_note": [row.review_note, note]}
    _bump(session, row, version, {"status": decision, "review_note": note, "reviewed_by_id": user.id,
                                  "reviewed_at": clock.now()})
    action = "enterprise_document_reviewed" if decision == "reviewed" else "enterprise_document_returned"
    audit.record(uow, None, user, action, changes=_audit_values(changes), details=_details(row),
                 reason=note if decision == "returned" else "", subject=(SUBJECT, row.id))
    if decision == "returned":
        record_reviews.tell_returned(uow, row, SUBJECT, "enterprise_document_returned", f"档案资料被退回：{row.title}",
                                     note)
    return row


def retire(uow, user, enterprise_id, document_id, reason, version=None):
    """Take a document out of the archive (移出档案: someone left, a licence was cancelled) with a reason: kept and
    readable, no longer counted for completeness nor warned about. Conflict when retired already."""
    session = uow.session
    _check_writer(session, user, enterprise_id)
    row = get(session, user, enterprise_id, document_id)
    errors = {}
    reason = clean_text(reason, MAX_REASON, "retire_reason", errors)
    if not reason and not errors:
        errors["retire_reason"] = "请写明移出原因 / give the reason"
    raise_if(errors)
    if row.is_retired:
        raise Conflict("资料已移出档案 / the document was retired already")
    _bump(session, row, version, {"retired_at": clock.now(), "retired_by_id": user.id, "retire_reason": reason})
    audit.record(uow, None, user, "enterprise_document_retired", changes={"retired": [False, True]},
                 details=_details(row), reason=reason, subject=(SUBJECT, row.id))
    return row


def _bump(session, row, version, values):
    record_reviews.versioned_write(session, EnterpriseDocument, row, version, values,
                                   "资料已被他人修改，请刷新后重试 / the document was changed meanwhile; reload and try again")


# ---- files -------------------------------------------------------------------------------------------------------
_table = Attachment.__table__
FILE_KINDS = ("application/pdf",)  # and images


def _wanted(ids):
    return sorted({str(i) for i in ids if i})


def _attach(uow, user, row, public_ids):
    """Put the user's own free uploads (PDF or images) on the document; their names."""
    if not public_ids:
        return []
    if len(public_ids) > MAX_FILES:
        raise ValidationFailed(f"最多 {MAX_FILES} 个文件 / at most {MAX_FILES} files", fields={"files": "too many"})
    kinds = _table.c.content_type.in_(FILE_KINDS) | _table.c.content_type.like("image/%")
    free = free_of_owners(_table.c)
    linked = uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(public_ids), _table.c.uploader_id == user.id, free, kinds)
        .values(document_id=row.id, field=FILE_FIELD).returning(_table.c.public_id, _table.c.original_name)).all()
    refused = sorted(set(public_ids) - {p for p, _name in linked})
    if refused:
        raise ValidationFailed("附件无效：只能附上自己上传的 PDF 或图片 / unknown attachment: only your own PDF or image "
                               "uploads", fields={"files": f"unknown attachment {refused[0]}"})
    return sorted(name for _p, name in linked)


def _detach(uow, row, public_ids):
    """Take files off the document (back to their uploader's own uploads; the history names them)."""
    if public_ids:
        uow.session.connection().execute(sql_update(_table).where(
            _table.c.public_id.in_(public_ids), _table.c.document_id == row.id).values(document_id=None, field=""))


# ---- audit -------------------------------------------------------------------------------------------------------
# Audited field names that would read as another record's (the audit log names `kind` and `status` elsewhere).
_AUDIT_NAMES = {"status": "review_status", "holder_id_number": "holder_id_masked"}


def _audit_values(changes):
    """The changes as audited: the ID number masked (the audit log is read widely), some fields renamed."""
    result = {}
    for name, (before, after) in changes.items():
        if name == "holder_id_number":
            before, after = mask_id_number(before), mask_id_number(after)
        result[_AUDIT_NAMES.get(name, name)] = [_plain(before), _plain(after)]
    return result


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _details(row):
    return {"enterprise_id": row.enterprise_id, "document_kind": row.kind, "title": row.title}
