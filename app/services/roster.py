"""The enterprises' safety training registers (从业人员安全培训台账, models/roster.py): the people who matter for safety
and their trainings; what each owes is in services/roster_rules.py, importing a sheet in services/roster_import.py.

Who: an enterprise's staff keep their own enterprise's register (another enterprise's is NotFound, as its cases
are). The contractor's inspectors and project leads and the bureau read every register and may also write in it (they
fill it in from the paper 台账 during a visit); the other county-wide roles read (OVERSIGHT_ROLES), a township office
reads its area's. Process owners, technical leads and department users have no business here (NotAllowed).

Nothing is deleted: a person who leaves gets a leave date and stays on the register's history; a training entered
by mistake may be removed, audited with what it said. Every change is audited before → after under the person
(subject `roster_person`; the fields named `person_…` and `training_…` in the rows, apart from other records')."""
from dataclasses import dataclass
from datetime import date

from ..clock import clock
from ..errors import NotAllowed, NotFound
from ..models import OPERATION_CATEGORIES, ROSTER_CATEGORIES, ROSTER_TRAINING_KINDS, RosterPerson, RosterTraining
from ..models.user import OVERSIGHT_ROLES
from . import audit, roster_rules as rules
from .access import get_visible_enterprise
from .field_rules import clean_text, parse_date, raise_if

SUBJECT = "roster_person"
READERS = tuple(sorted(OVERSIGHT_ROLES | {"township", "enterprise"}))
STAFF_WRITERS = ("inspector", "project_lead", "bureau")
PERSON_FIELDS = ("name", "position", "category", "hired_on", "left_on", "operation_kind", "certificate_number",
                 "certificate_issued_on", "certificate_review_due", "certificate_expires_on", "note")
CERTIFICATE_FIELDS = ("operation_kind", "certificate_number", "certificate_issued_on", "certificate_review_due",
                      "certificate_expires_on")
TRAINING_FIELDS = ("trained_on", "hours", "kind", "provider", "certificate")
MAX_NAME, MAX_POSITION, MAX_NUMBER, MAX_NOTE, MAX_PROVIDER, MAX_CERTIFICATE = 64, 100, 64, 500, 200, 200
MAX_HOURS = 200  # one record: a 48-hour course over a week is the longest the rules ask for


# ---- who ---------------------------------------------------------------------------------------------------------
def may_read(user):
    return user.has_role(*READERS)


def may_write(user, enterprise_id):
    own = "enterprise" in user.roles and user.enterprise_id is not None and user.enterprise_id == enterprise_id
    return own or user.has_role(*STAFF_WRITERS)


def get_enterprise(session, user, enterprise_id):
    """The enterprise whose register the user may read: NotAllowed for roles without business here, NotFound for an
    enterprise they may not see (another enterprise's staff, another area's township office)."""
    if not may_read(user):
        raise NotAllowed("从业人员培训台账供企业本身、排查和监管人员查看 / the training register is for the enterprise itself, "
                         "the inspection team and the supervisors")
    return get_visible_enterprise(session, user, enterprise_id)


def writable_enterprise(session, user, enterprise_id):
    enterprise = get_enterprise(session, user, enterprise_id)
    if not may_write(user, enterprise.id):
        raise NotAllowed("台账由本企业人员、排查人员、项目负责人和应急管理局维护 / the register is kept by the enterprise, the "
                         "inspectors, the project leads and the bureau")
    return enterprise


def get_person(session, user, enterprise_id, person_id):
    get_enterprise(session, user, enterprise_id)
    row = session.get(RosterPerson, person_id) if isinstance(person_id, int) else None
    if row is None or row.enterprise_id != enterprise_id:
        raise NotFound("人员不存在 / person not found")
    return row


# ---- reading -----------------------------------------------------------------------------------------------------
def today():
    return clock.local_now().date()


def people_of(session, enterprise_id, left=False):
    """The enterprise's people by category (the pages' order), then name; `left`: those who left instead."""
    query = session.query(RosterPerson).filter(RosterPerson.enterprise_id == enterprise_id)
    query = query.filter(RosterPerson.left_on.isnot(None) if left else RosterPerson.left_on.is_(None))
    order = list(ROSTER_CATEGORIES)
    return sorted(query.all(), key=lambda p: (order.index(p.category) if p.category in order else len(order),
                                              p.name, p.id))


def trainings_by_person(session, person_ids):
    ids = list(person_ids)
    result = {}
    if not ids:
        return result
    for row in session.query(RosterTraining).filter(RosterTraining.person_id.in_(ids)) \
            .order_by(RosterTraining.trained_on, RosterTraining.id):
        result.setdefault(row.person_id, []).append(row)
    return result


def compliance_of(session, enterprise, day=None):
    """The register's 达标情况 on `day` (today): rules.RosterCompliance of the people still there."""
    people = people_of(session, enterprise.id)
    return rules.compliance(enterprise, people, trainings_by_person(session, [p.id for p in people]), day or today())


def status_of(session, enterprise, person, day=None):
    klass = rules.industry_class(enterprise.industry)
    return rules.person_status(person, trainings_by_person(session, [person.id]).get(person.id, []), klass,
                               day or today())


def expired_certificates(session, enterprise_id, day=None):
    """How many special-operations certificates of the enterprise's present people have expired (the inspectors'
    hint on a visit)."""
    return session.query(RosterPerson).filter(
        RosterPerson.enterprise_id == enterprise_id, RosterPerson.left_on.is_(None),
        RosterPerson.category == "special_worker", RosterPerson.certificate_expires_on < (day or today())).count()


# ---- writing people ----------------------------------------------------------------------------------------------
def clean_person(form, errors, day=None):
    """The person's values from a form, the API or a sheet's row; each wrong field's message in `errors`."""
    values = {"name": clean_text(form.get("name"), MAX_NAME, "name", errors),
              "position": clean_text(form.get("position"), MAX_POSITION, "position", errors),
              "category": str(form.get("category") or "").strip(),
              "hired_on": parse_date(form.get("hired_on"), "hired_on", errors),
              "left_on": parse_date(form.get("left_on"), "left_on", errors),
              "operation_kind": str(form.get("operation_kind") or "").strip(),
              "certificate_number": clean_text(form.get("certificate_number"), MAX_NUMBER, "certificate_number",
                                               errors),
              "certificate_issued_on": parse_date(form.get("certificate_issued_on"), "certificate_issued_on", errors),
              "certificate_review_due": parse_date(form.get("certificate_review_due"), "certificate_review_due",
                                                   errors),
              "certificate_expires_on": parse_date(form.get("certificate_expires_on"), "certificate_expires_on",
                                                   errors),
              "note": clean_text(form.get("note"), MAX_NOTE, "note", errors)}
    if not values["name"] and "name" not in errors:
        errors["name"] = "请填写姓名 / enter the name"
    if values["category"] not in ROSTER_CATEGORIES:
        errors["category"] = "请选择人员类别 / choose a known category"
    day = day or today()
    hired, left = values["hired_on"], values["left_on"]
    if isinstance(hired, date) and hired > day:
        errors["hired_on"] = "入职日期不能晚于今天 / the hiring day cannot be in the future"
    if isinstance(left, date) and left > day:
        errors["left_on"] = "离职日期不能晚于今天 / the leaving day cannot be in the future"
    elif isinstance(left, date) and isinstance(hired, date) and left < hired:
        errors["left_on"] = "离职日期不能早于入职日期 / the leaving day cannot be before the hiring day"
    if values["category"] == "special_worker":
        _check_certificate(values, errors)
    else:  # only a special-operations worker holds a 特种作业操作证 here (the form shows its fields for them alone)
        values.update({name: ("" if name in ("operation_kind", "certificate_number") else None)
                       for name in CERTIFICATE_FIELDS})
    return values


def _check_certificate(values, errors):
    if values["operation_kind"] not in OPERATION_CATEGORIES:
        errors["operation_kind"] = "请选择作业类别 / choose the kind of special operation"
    issued, review, expires = (values[n] for n in ("certificate_issued_on", "certificate_review_due",
                                                   "certificate_expires_on"))
    if not all(isinstance(d, date) or d is None for d in (issued, review, expires)):
        return  # a date unreadable: its message is there already
    if (issued or review or expires) and not values["certificate_number"]:
        errors["certificate_number"] = "请填写操作证编号 / enter the certificate number"
    if issued is not None and expires is not None and expires < issued:
        errors["certificate_expires_on"] = "有效期至不能早于发证日期 / the expiry cannot be before the issue day"
    if issued is not None and review is not None and review < issued:
        errors["certificate_review_due"] = "复审期限不能早于发证日期 / the review cannot be due before the issue day"
    if "certificate_expires_on" not in errors and "certificate_review_due" not in errors:
        values["certificate_review_due"], values["certificate_expires_on"] = \
            rules.certificate_dates(issued, review, expires)


def save_person(uow, actor, enterprise_id, form, person_id=None):
    """Add a person (person_id None) or change one; ValidationFailed names each wrong field. Audited before → after."""
    enterprise = writable_enterprise(uow.session, actor, enterprise_id)
    row = get_person(uow.session, actor, enterprise.id, person_id) if person_id is not None else None
    errors = {}
    values = clean_person(form, errors)
    raise_if(errors)
    return write_person(uow, actor, enterprise, values, row)


def write_person(uow, actor, enterprise, values, row=None):
    """Store checked values (clean_person's) on a new or given person; audited. Also the import's writer."""
    before = {name: getattr(row, name) for name in PERSON_FIELDS} if row is not None else {}
    now = clock.now()
    if row is None:
        row = RosterPerson(enterprise_id=enterprise.id, created_by_id=actor.id, created_at=now)
        uow.session.add(row)
    for name in PERSON_FIELDS:
        setattr(row, name, values[name])
    changes = {f"person_{name}": [_plain(before.get(name)), _plain(values[name])] for name in PERSON_FIELDS
               if before.get(name) != values[name] and (before or values[name] not in ("", None))}
    if before and not changes:
        return row
    row.updated_by_id, row.updated_at = actor.id, now
    uow.session.flush()
    action = "roster_person_added" if not before else \
        "roster_person_left" if before.get("left_on") is None and values["left_on"] is not None else \
        "roster_person_updated"
    audit.record(uow, None, actor, action, changes=changes, subject=(SUBJECT, row.id),
                 details={"enterprise_id": enterprise.id, "name": row.name})
    return row


# ---- writing trainings -------------------------------------------------------------------------------------------
def clean_training(form, errors, day=None):
    values = {"trained_on": parse_date(form.get("trained_on"), "trained_on", errors),
              "hours": _hours(form.get("hours"), errors),
              "kind": str(form.get("kind") or "").strip(),
              "provider": clean_text(form.get("provider"), MAX_PROVIDER, "provider", errors),
              "certificate": clean_text(form.get("certificate"), MAX_CERTIFICATE, "certificate", errors)}
    if values["trained_on"] is None and "trained_on" not in errors:
        errors["trained_on"] = "请填写培训日期 / enter the day of the training"
    elif isinstance(values["trained_on"], date) and values["trained_on"] > (day or today()):
        errors["trained_on"] = "培训日期不能晚于今天 / the training cannot be in the future"
    if values["kind"] not in ROSTER_TRAINING_KINDS:
        errors["kind"] = "请选择培训类别 / choose a known kind of training"
    return values


def _hours(value, errors):
    text = "" if value is None else str(value).strip()
    try:
        hours = float(text)
    except ValueError:
        errors["hours"] = "请填写学时，如 8 或 1.5 / enter the hours, such as 8 or 1.5"
        return text
    if not 0 < hours <= MAX_HOURS:  # also refuses "nan" and "inf", which float() reads
        errors["hours"] = f"学时须大于0且不超过 {MAX_HOURS} / the hours must be more than 0 and at most {MAX_HOURS}"
        return text
    return round(hours, 1)


def add_training(uow, actor, enterprise_id, person_id, form):
    writable_enterprise(uow.session, actor, enterprise_id)
    person = get_person(uow.session, actor, enterprise_id, person_id)
    errors = {}
    values = clean_training(form, errors)
    raise_if(errors)
    row = RosterTraining(person_id=person.id, created_by_id=actor.id, created_at=clock.now(), **values)
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, None, actor, "roster_training_added", subject=(SUBJECT, person.id),
                 changes={f"training_{name}": [None, _plain(value)] for name, value in values.items()
                          if value not in ("", None)},
                 details={"enterprise_id": enterprise_id, "name": person.name, "training_id": row.id})
    return row


def remove_training(uow, actor, enterprise_id, person_id, training_id):
    """Take off a training entered by mistake; audited with what it said."""
    writable_enterprise(uow.session, actor, enterprise_id)
    person = get_person(uow.session, actor, enterprise_id, person_id)
    row = uow.session.get(RosterTraining, training_id) if isinstance(training_id, int) else None
    if row is None or row.person_id != person.id:
        raise NotFound("培训记录不存在 / training record not found")
    changes = {f"training_{name}": [_plain(getattr(row, name)), None] for name in TRAINING_FIELDS
               if getattr(row, name) not in ("", None)}
    uow.session.delete(row)
    uow.session.flush()
    audit.record(uow, None, actor, "roster_training_removed", changes=changes, subject=(SUBJECT, person.id),
                 details={"enterprise_id": enterprise_id, "name": person.name, "training_id": training_id})


def history(session, person):
    return audit.subject_history(session, SUBJECT, person.id)


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


@dataclass
class Summary:
    """The register in a line, for the enterprise's pages and the dossier."""
    people: int
    compliant: int
    share: float
    expired_certificates: int


def summary(session, enterprise):
    result = compliance_of(session, enterprise)
    return Summary(len(result.people), result.compliant, result.share, result.expired_certificates)
