"""Staff certificates (人员资质证书, models/staff_certificate.py): administrators and project leads keep each staff
member's certificates — kind, number, issuer, valid from / to, scans (PDF or images through the common upload, then
owned by the certificate: `attachment.certificate_id`) —; the holder reads their own on their account page. Nobody
else sees them: another staff member gets NotAllowed, and a user of an enterprise, a township office or a department
is no staff member, so their certificates page is NotFound (their people's certificates are in the enterprise's safety
archive, services/enterprise_documents.py).

Every change is audited before → after on the holder (subject `user`, so the user's page shows it), the certificate
named in the details. Removing a certificate (a wrong entry, one withdrawn) deletes the row; its scans go back to
their uploader's own uploads and the audit row keeps what it said."""
from datetime import date, timedelta

from sqlalchemy import and_, or_
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import STAFF_CERTIFICATE_KINDS, Attachment, StaffCertificate, User
from ..models.attachment import free_of_owners
from ..models.user import SCOPED_ROLES
from . import audit
from .field_rules import clean_text, parse_date, raise_if

KEEPERS = ("admin", "project_lead")
SUBJECT = "staff_certificate"  # the expiry notices' dedup keys start with it
FIELDS = ("kind", "title", "number", "issuer", "valid_from", "valid_to", "note")
FILE_FIELD = "staff_certificate"
FILE_KINDS = ("application/pdf",)  # and images
MAX_TITLE, MAX_NUMBER, MAX_ISSUER, MAX_NOTE, MAX_FILES = 100, 64, 200, 500, 5
WARN_DAYS = 30
STATES = {
    "valid": ("有效", "Valid"),
    "expiring": ("30天内到期", "Expires within 30 days"),
    "expired": ("已过期", "Expired"),
    "not_yet": ("尚未生效", "Not yet valid"),
}

_table = Attachment.__table__


# ---- who ---------------------------------------------------------------------------------------------------------
def may_keep(user):
    return user.has_role(*KEEPERS)


def is_staff(user):
    """A member of the bureau's or the contractor's staff: no enterprise, township office or department account."""
    return not (user.roles & SCOPED_ROLES)


def check_may_keep(user):
    if not may_keep(user):
        raise NotAllowed("人员资质证书由系统管理员和项目负责人维护 / staff certificates are kept by administrators and "
                         "project leads")


def holder(session, viewer, user_id):
    """The staff member whose certificates the keeper `viewer` opens; NotFound for no user or no staff member."""
    check_may_keep(viewer)
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not is_staff(user):
        raise NotFound("用户不存在或不是项目人员 / no such staff member")
    return user


# ---- reading -----------------------------------------------------------------------------------------------------
def of_user(session, user_id):
    """The user's certificates by kind (the form's order), then as entered."""
    rows = session.query(StaffCertificate).filter_by(user_id=user_id).all()
    order = list(STAFF_CERTIFICATE_KINDS)
    return sorted(rows, key=lambda r: (order.index(r.kind) if r.kind in order else len(order), r.id))


def overview(session, wanted=""):
    """[(staff member, their certificates)] of every active staff member, by name; `wanted`: only those with a
    certificate "expiring" within 30 days, an "expired" one, or "none" valid today."""
    people = [u for u in session.query(User).filter(User.active.is_(True)).order_by(User.display_name, User.id)
              if is_staff(u)]
    by_user = {}
    for row in session.query(StaffCertificate).filter(StaffCertificate.user_id.in_([u.id for u in people] or [0])):
        by_user.setdefault(row.user_id, []).append(row)
    day = today()
    result = []
    for person in people:
        rows = sorted(by_user.get(person.id, []), key=lambda r: r.id)
        states = {state(r, day) for r in rows}
        holds = bool(states & {"valid", "expiring"})
        if (wanted == "none" and holds) or (wanted not in ("", "none") and wanted not in states):
            continue
        result.append((person, rows))
    return result


def get(session, viewer, user_id, certificate_id):
    holder(session, viewer, user_id)
    row = session.get(StaffCertificate, certificate_id) if isinstance(certificate_id, int) else None
    if row is None or row.user_id != user_id:
        raise NotFound("证书不存在 / certificate not found")
    return row


def readable(session, viewer, certificate_id):
    """The certificate if the viewer may read it (the holder, a keeper); NotFound otherwise (for its scans)."""
    row = session.get(StaffCertificate, certificate_id)
    if row is None or not (row.user_id == viewer.id or may_keep(viewer)):
        raise NotFound("证书不存在 / certificate not found")
    return row


def today():
    return clock.local_now().date()


def state(row, day=None):
    """A key of STATES: valid from `valid_from` (or always) through `valid_to` (or without end)."""
    day = day or today()
    if row.valid_from is not None and row.valid_from > day:
        return "not_yet"
    if row.valid_to is None:
        return "valid"
    if row.valid_to < day:
        return "expired"
    return "expiring" if row.valid_to <= day + timedelta(days=WARN_DAYS) else "valid"


def valid_on(day):
    """SQL: the certificate is valid on `day` (the rule of `state`, "valid" or "expiring")."""
    return and_(or_(StaffCertificate.valid_from.is_(None), StaffCertificate.valid_from <= day),
                or_(StaffCertificate.valid_to.is_(None), StaffCertificate.valid_to >= day))


# ---- writing -----------------------------------------------------------------------------------------------------
def _clean(form, errors):
    values = {"kind": str(form.get("kind") or ""),
              "title": clean_text(form.get("title"), MAX_TITLE, "title", errors),
              "number": clean_text(form.get("number"), MAX_NUMBER, "number", errors),
              "issuer": clean_text(form.get("issuer"), MAX_ISSUER, "issuer", errors),
              "valid_from": parse_date(form.get("valid_from"), "valid_from", errors),
              "valid_to": parse_date(form.get("valid_to"), "valid_to", errors),
              "note": clean_text(form.get("note"), MAX_NOTE, "note", errors)}
    if values["kind"] not in STAFF_CERTIFICATE_KINDS:
        errors["kind"] = "请选择证书类别 / choose the kind of certificate"
    if values["kind"] == "other" and not values["title"] and "title" not in errors:
        errors["title"] = "类别为“其他”时请填写证书名称 / name the certificate when its kind is “other”"
    if not values["number"] and "number" not in errors:
        errors["number"] = "请填写证书编号 / enter the certificate number"
    start, end = values["valid_from"], values["valid_to"]
    if isinstance(start, date) and isinstance(end, date) and end < start:
        errors["valid_to"] = "有效期至不能早于有效期起 / the last valid day cannot be before the first"
    return values


def save(uow, actor, user_id, form, file_ids=(), removed_ids=(), certificate_id=None):
    """Add a certificate to the staff member (certificate_id None) or change one; `file_ids`: the actor's own uploads
    to attach, `removed_ids`: scans to take off. ValidationFailed names each wrong field; the same kind and number
    twice for one person is a Conflict on the number. Audited before → after."""
    person = holder(uow.session, actor, user_id)
    row = get(uow.session, actor, user_id, certificate_id) if certificate_id is not None else None
    errors = {}
    values = _clean(form, errors)
    wanted = sorted({str(i) for i in file_ids if i})
    if len(wanted) > MAX_FILES:
        errors["files"] = f"最多 {MAX_FILES} 个文件 / at most {MAX_FILES} files"
    raise_if(errors)
    before = {name: getattr(row, name) for name in FIELDS} if row is not None else {}
    now = clock.now()
    if row is None:
        row = StaffCertificate(user_id=person.id, created_by_id=actor.id, created_at=now, **values)
        uow.session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    row.updated_by_id, row.updated_at = actor.id, now
    try:
        with uow.session.begin_nested():
            uow.session.flush()
    except IntegrityError:
        message = "此人已登记该类别、该编号的证书 / this person already has a certificate of that kind and number"
        raise Conflict(message, fields={"number": message}) from None
    removed = _detach(uow, row, removed_ids)
    added = _attach(uow, actor, row, wanted)
    changes = {audited(name): [_plain(before.get(name)), _plain(value)] for name, value in values.items()
               if before.get(name) != value and (before or value not in ("", None))}
    if added or removed:
        changes["certificate_files"] = [removed or None, added or None]
    if before and not changes:
        return row
    audit.record(uow, None, actor, "staff_certificate_updated" if before else "staff_certificate_added",
                 changes=changes, details=_details(row), subject=("user", person.id))
    return row


def remove(uow, actor, user_id, certificate_id):
    """Delete the certificate; its scans go back to their uploaders. Audited with what it said."""
    row = get(uow.session, actor, user_id, certificate_id)
    names = [a.original_name for a in row.attachments]
    uow.session.connection().execute(sql_update(_table).where(_table.c.certificate_id == row.id)
                                     .values(certificate_id=None, field=""))
    changes = {audited(name): [_plain(getattr(row, name)), None] for name in FIELDS
               if getattr(row, name) not in ("", None)}
    if names:
        changes["certificate_files"] = [names, None]
    details = _details(row)
    uow.session.delete(row)
    uow.session.flush()
    audit.record(uow, None, actor, "staff_certificate_removed", changes=changes, details=details,
                 subject=("user", user_id))


def file_of(session, viewer, certificate_id, public_id):
    row = readable(session, viewer, certificate_id)
    item = session.query(Attachment).filter_by(public_id=str(public_id), certificate_id=row.id).first()
    if item is None:
        raise NotFound("附件不存在 / attachment not found")
    return item


def _attach(uow, user, row, public_ids):
    """Put the user's own free uploads (PDF or images) on the certificate; their names."""
    if not public_ids:
        return []
    kinds = _table.c.content_type.in_(FILE_KINDS) | _table.c.content_type.like("image/%")
    linked = uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(public_ids), _table.c.uploader_id == user.id,
                                 free_of_owners(_table.c), kinds)
        .values(certificate_id=row.id, field=FILE_FIELD).returning(_table.c.public_id, _table.c.original_name)).all()
    refused = sorted(set(public_ids) - {p for p, _name in linked})
    if refused:
        raise ValidationFailed("附件无效：只能附上自己上传的 PDF 或图片 / unknown attachment: only your own PDF or image "
                               "uploads", fields={"files": f"unknown attachment {refused[0]}"})
    uow.session.expire(row, ["attachments"])
    return sorted(name for _p, name in linked)


def _detach(uow, row, public_ids):
    ids = sorted({str(i) for i in public_ids if i})
    if not ids:
        return []
    names = uow.session.connection().execute(
        sql_update(_table).where(_table.c.public_id.in_(ids), _table.c.certificate_id == row.id)
        .values(certificate_id=None, field="").returning(_table.c.original_name)).scalars().all()
    uow.session.expire(row, ["attachments"])
    return sorted(names)


# ---- audit -------------------------------------------------------------------------------------------------------
def audited(name):
    """A field's name in the audit rows (the user's history shows other records' `kind`, `number` …)."""
    return f"certificate_{name}"


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _details(row):
    return {"certificate_id": row.id, "certificate_kind": row.kind, "number": row.number}
