"""Registering hazards (once per client reference) and reading cases."""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, bindparam, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, make_transient_to_detached

from ..clock import SHANGHAI, clock
from ..errors import NotAllowed, NotFound, ValidationFailed
from ..models import Enterprise, HazardCase
from . import attachments, audit, case_store, checklist_results, forms, inspections, projection, risk_points
from .access import get_visible_case, visible_cases
from .processes import deployed_info, form_for

REGISTRATION_FORM = "hazard_registration"
_ENTERPRISE = select(Enterprise.id).where(Enterprise.id == bindparam("id"))


# A device's own reference of a registration: a UUID (36), a ULID (26) or the like; 16 to 64 letters, digits, "-" and
# "_", so that a short, guessable or padded value is refused rather than stored. Compared exactly as sent.
CLIENT_REF = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{15,63}$")
CLIENT_REF_RULE = "16 to 64 letters, digits, '-' or '_' (a UUID made on the device)"


def register_once(uow, actor, data, client_ref, offline=False):
    """(case, created): register the hazard of `data` under the device's reference `client_ref`, or, when the actor
    registered one under that reference already (a retry whose answer was lost), that case, whatever `data` says.
    Another user's reference is theirs: the same string makes a case of its own. Two retries at the same moment make
    one case: the unique index decides, the loser returns the winner's case. `offline`: the hazard was captured on a
    device without network and is synced now; its history says so."""
    if not may_register(actor):
        raise NotAllowed("only inspectors (and enterprise staff, for their own enterprise) register hazards")
    ref = check_client_ref(client_ref)
    existing = registered_under(uow.session, actor, ref)
    if existing is not None:
        return existing, False
    try:
        return register_hazard(uow, actor, data, client_ref=ref, offline=offline), True
    except _RegisteredMeanwhile:
        return registered_under(uow.session, actor, ref), False


def check_client_ref(value):
    if not isinstance(value, str) or not CLIENT_REF.match(value):
        raise ValidationFailed("客户端编号无效 / invalid client_ref",
                               fields={"client_ref": f"客户端编号无效 / invalid client_ref: {CLIENT_REF_RULE}"})
    return value


def registered_under(session, actor, client_ref):
    """The case `actor` registered under `client_ref`, None if none (404 if the actor may no longer see it)."""
    case_id = session.execute(select(HazardCase.id).where(HazardCase.inspector_id == actor.id,
                                                          HazardCase.client_ref == client_ref)).scalar()
    return None if case_id is None else get_visible_case(session, actor, case_id)


class _RegisteredMeanwhile(Exception):
    """Another request of the same reporter inserted a case under the same client reference first."""


def register_hazard(uow, actor, data, client_ref=None, offline=False, link_files=None):
    """data: the registration form's fields (validated here against the deployed form schema). With `client_ref`,
    call `register_once`, which returns the case already made under it. `link_files(case, public_ids, field)`: how
    the files are put on the case when they are not the actor's own free uploads (a self-check's item photos,
    services/self_check_submit.py); by default `attachments.linking`, among the start's writes."""
    if not may_register(actor):
        raise NotAllowed("only inspectors (and enterprise staff, for their own enterprise) register hazards")
    version = deployed_info(uow)
    form = form_for(version, REGISTRATION_FORM)
    # The visit is not a field of the (versioned) registration form: the case row keeps it, the diagram needs it not.
    data = dict(data)
    visit_id = data.pop("inspection_visit_id", None)
    checklist_item_id = data.pop("checklist_item_id", None)  # the nonconforming checklist item it comes from
    risk_point_id = data.pop("risk_point_id", None)  # the enterprise's risk point it was found at (optional)
    clean = forms.validate(form, data)
    enterprise_id = uow.session.connection().execute(_ENTERPRISE, {"id": clean.get("enterprise_id")}).scalar()
    if enterprise_id is None:
        raise ValidationFailed("企业不存在 / unknown enterprise", fields={"enterprise_id": "unknown enterprise"})
    risk_point = risk_points.point_for_case(uow.session, enterprise_id, risk_point_id)
    source = _source_of(actor)
    if source == "self_check":
        if enterprise_id != actor.enterprise_id:
            raise ValidationFailed("只能上报本企业的隐患 / report hazards of your own enterprise only",
                                   fields={"enterprise_id": "只能上报本企业的隐患 / your own enterprise only"})
        if visit_id not in (None, ""):
            raise ValidationFailed("企业自查不关联排查记录 / a self-check report names no inspection visit",
                                   fields={"inspection_visit_id": "not for a self-check report"})
    visit = None if visit_id in (None, "") else \
        inspections.visit_for_hazard(uow.session, visit_id, enterprise_id, clean.get("found_at"))
    checked = _checklist_result(uow.session, visit, checklist_item_id)
    now = clock.now()
    case = HazardCase(enterprise_id=enterprise_id, inspector_id=actor.id, hazard_type=clean["hazard_type"],
                      place=clean["place"], description=clean["description"], score=int(clean["score"]),
                      legal_major=bool(clean.get("legal_major", False)), latitude=clean.get("latitude"),
                      longitude=clean.get("longitude"), status="registered", registered_at=now, updated_at=now,
                      process_version_id=version.id, inspection_visit_id=visit.id if visit else None, source=source,
                      client_ref=client_ref, risk_point_id=risk_point.id if risk_point else None)
    _insert(uow.session, case, actor)
    numbered = {"code": case.code_for_id()}
    projection.set_committed(case, numbered)  # written with the case's first projected values (case_store.start)
    links = []  # the inspector's own uploads go among the start's writes (attachments.linking)
    for field in forms.attachment_fields(form):
        if link_files is not None:
            link_files(case, clean.get(field, []), field)
        else:
            links.append(attachments.linking(uow, actor, case, clean.get(field, []), field))
    if checked is not None:
        checklist_results.link_case(uow, checked, case)
    initial = {"case_id": case.id, "case_code": case.code, "enterprise_id": enterprise_id,
               "score": case.score, "legal_major": case.legal_major, "hazard_type": case.hazard_type,
               "description": case.description, "place": case.place, "inspector": actor.username,
               "registered_at": now.astimezone(SHANGHAI).isoformat()}
    case_store.start(uow, case, version, initial, case_values=numbered, writes=links, audit_rows=[audit.entry(
        case.id, actor, "hazard_registered", task_name="隐患登记",
        changes=_registration_changes(clean, visit, checked, risk_point),
        details=_registration_details(visit, client_ref, offline))])
    return case


def _insert(session, case, actor):
    """Insert the case row; with a client reference, in a savepoint: if the same reporter's other request inserted
    one under it first (the unique index waits for it to commit, then refuses), this request's part is undone and
    `register_once` returns that case.

    The row goes in by one Core INSERT … RETURNING id and the object joins the session as persistent with every
    column loaded: what add + flush did, without the unit of work's machinery (≈ 0.7 ms, a fifth of a
    registration's own work besides the engine)."""
    values = _row_values(case)
    if case.client_ref is None:
        case.id = session.connection().execute(_INSERT_CASE, values).scalar_one()
    else:
        try:
            with session.begin_nested():
                case.id = session.connection().execute(_INSERT_CASE, values).scalar_one()
        except IntegrityError:
            if registered_under(session, actor, case.client_ref) is None:
                raise  # another constraint: not a retry
            raise _RegisteredMeanwhile() from None
    make_transient_to_detached(case)  # persistent once added: no attribute left to load
    session.add(case)


_INSERT_CASE = insert(HazardCase.__table__).returning(HazardCase.__table__.c.id)


def _row_values(case):
    """Every column of the new case's row but its id, defaults filled in on the object too (so that none is left
    unloaded, which would cost a SELECT on first use)."""
    values = {}
    for column in HazardCase.__table__.columns:
        if column.key == "id":
            continue
        if column.key not in case.__dict__:
            default = column.default
            if default is not None and not default.is_scalar:  # a callable or SQL default: give it here first
                raise TypeError(f"hazard_case.{column.key}: only plain defaults are filled in on registration")
            setattr(case, column.key, default.arg if default is not None else None)
        values[column.key] = case.__dict__[column.key]
    return values


def _registration_details(visit, client_ref, offline):
    details = {}
    if visit is not None:
        details["inspection_visit_id"] = visit.id
    if client_ref is not None:
        details["client_ref"] = client_ref
    if offline:  # the case's history shows "离线采集，同步于 <the registration's time>"
        details["offline"] = True
    return details or None


def _checklist_result(session, visit, item_id):
    """The nonconforming checklist result at `visit` a hazard is registered from, or None when none is named."""
    if item_id in (None, ""):
        return None
    if visit is None:
        raise ValidationFailed("检查项须随排查记录一起提交 / a checklist item comes with its inspection visit",
                               fields={"checklist_item_id": "检查项须随排查记录一起提交 / name the visit too"})
    return checklist_results.result_for_hazard(session, visit, item_id)


def may_register(user):
    """Inspectors register at any enterprise, and so does the bureau what its own checks find (监管单位提出的整改意见纳入
    统一任务清单); an enterprise's staff report hazards of their own (自查上报)."""
    return registers_for_any_enterprise(user) or ("enterprise" in user.roles and bool(user.enterprise_id))


def registers_for_any_enterprise(user):
    """May register at any enterprise (else only at the user's own, as a self-check report)."""
    return user.has_role("inspector", "bureau")


def _source_of(actor):
    """inspection: the contractor's inspectors; supervision: the bureau's own check; self_check: the enterprise."""
    if actor.has_role("inspector"):
        return "inspection"
    return "supervision" if actor.has_role("bureau") else "self_check"


def _registration_changes(clean, visit, checked=None, risk_point=None):
    changes = {k: [None, v] for k, v in clean.items()}
    if risk_point is not None:  # the risk point of the enterprise's register it was found at
        changes["risk_point"] = [None, f"{risk_point.name}（{risk_point.place}）" if risk_point.place else risk_point.name]
    if visit is not None:  # as the history shows it: the visit's day and team
        changes["inspection_visit"] = [None, f"{visit.visited_on.isoformat()} {visit.inspectors}"]
    if checked is not None:  # and the checklist item it did not conform to
        changes["checklist_item"] = [None, f"{checked.item.code} {checked.item.content}"]
    return changes


def get_case(uow, user, case_id):
    return get_visible_case(uow.session, user, case_id)


@dataclass
class CaseFilter:
    """The case list's filters (the page, its ledger files and the API). `q`: a case code, place, description or
    enterprise name containing it; `overdue`: the running deadline (assignment, rectification or verification) has
    passed; `since` / `until`: registration days (Shanghai)."""
    status: str = None
    grade: str = None
    enterprise_id: int = None
    township: str = ""
    hazard_type: str = None
    source: str = None  # "inspection", "supervision" or "self_check"
    overdue: bool = False
    q: str = ""
    since: date = None
    until: date = None


MAX_QUERY = 100  # characters of a search


def filtered_cases(session, user, flt):
    query = visible_cases(session, user)
    for column, value in ((HazardCase.status, flt.status), (HazardCase.grade, flt.grade),
                          (HazardCase.enterprise_id, flt.enterprise_id), (HazardCase.hazard_type, flt.hazard_type),
                          (HazardCase.source, flt.source)):
        if value:
            query = query.filter(column == value)
    q = (flt.q or "").strip()[:MAX_QUERY]
    if flt.township or q:
        query = query.join(Enterprise, Enterprise.id == HazardCase.enterprise_id)
    if flt.township:
        query = query.filter(Enterprise.township == flt.township)
    if q:
        query = query.filter(or_(*(column.icontains(q, autoescape=True) for column in (
            HazardCase.code, HazardCase.place, HazardCase.description, Enterprise.name))))
    if flt.overdue:
        now = clock.now()
        query = query.filter(or_(*(and_(HazardCase.status == status, due < now) for status, due in (
            ("assigning", HazardCase.assignment_due), ("rectifying", HazardCase.rectification_due),
            ("verifying", HazardCase.verification_due)))))
    if flt.since:
        query = query.filter(HazardCase.registered_at >= datetime.combine(flt.since, time.min, SHANGHAI))
    if flt.until:
        query = query.filter(HazardCase.registered_at < datetime.combine(flt.until + timedelta(days=1), time.min,
                                                                          SHANGHAI))
    return query


def list_cases(uow, user, limit=100, offset=0, **filters):
    """(a page of the visible cases matching `filters` (CaseFilter's fields), newest first; how many match)."""
    query = filtered_cases(uow.session, user, CaseFilter(**filters))
    total = query.count()
    rows = query.order_by(HazardCase.registered_at.desc(), HazardCase.id.desc()).limit(limit).offset(offset).all()
    return rows, total


EXPORT_LIMIT = 50_000


def export_cases(uow, user, limit=EXPORT_LIMIT, **filters):
    """The visible cases of a filter for the case ledger file (隐患台账), newest first, their enterprises
    loaded with them (one query), at most `limit`."""
    query = filtered_cases(uow.session, user, CaseFilter(**filters)).options(joinedload(HazardCase.enterprise))
    return query.order_by(HazardCase.registered_at.desc(), HazardCase.id.desc()).limit(limit).all()


def find_by_code(uow, user, code):
    case = visible_cases(uow.session, user).filter(HazardCase.code == code).first()
    if case is None:
        raise NotFound("hazard case not found")
    return case


def local(moment):
    return moment.astimezone(SHANGHAI) if isinstance(moment, datetime) else moment
