"""The register of third-party evaluation bodies (第三方评估机构, seed 000 line 576: 引入第三方评估机构): name,
qualification (资质), contact person and phone. A separate small register rather than the expert pool, whose
organisation (工作单位) is free text on each expert: a body is commissioned as itself, with its qualification on the
report. Kept by the bureau and the project leads (the commissioners of effect evaluations); never deleted — an
evaluation keeps the body it names, an inactive one is not offered for new commissions."""
from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..errors import NotAllowed, NotFound
from ..models import EvaluationBody
from . import audit
from .effect_evaluation_facts import COMMISSIONERS
from .field_rules import clean_text, raise_if

FIELDS = {"name": 200, "qualification": 200, "contact_person": 64, "phone": 32}


def may_keep(user):
    return user.has_role(*COMMISSIONERS)


def check_keeper(user):
    if not may_keep(user):
        raise NotAllowed("第三方评估机构名录由应急管理局和项目负责人维护 / the bureau and project leads keep the register")


def all_bodies(session, user, active_only=False):
    check_keeper(user)
    query = session.query(EvaluationBody)
    if active_only:
        query = query.filter(EvaluationBody.active.is_(True))
    return query.order_by(EvaluationBody.active.desc(), EvaluationBody.name).all()


def active_choices(session):
    return session.query(EvaluationBody).filter(EvaluationBody.active.is_(True)).order_by(EvaluationBody.name).all()


def get(session, user, body_id):
    check_keeper(user)
    body = session.get(EvaluationBody, body_id)
    if body is None:
        raise NotFound("评估机构不存在 / evaluation body not found")
    return body


def _clean(values, errors):
    clean = {name: clean_text(values.get(name), longest, name, errors) for name, longest in FIELDS.items()}
    for name in ("name", "qualification"):
        if not clean[name] and name not in errors:
            errors[name] = "请填写此项 / this field is required"
    return clean


def save(uow, user, values, body_id=None):
    """Add a body (body_id None) or change one; `active` in values ("1"/True) keeps or lists it. Before → after
    audited under 第三方评估机构 #id; a name used by another body is refused on the field."""
    check_keeper(user)
    session = uow.session
    body = get(session, user, body_id) if body_id is not None else None
    errors = {}
    clean = _clean(values, errors)
    clean["active"] = values.get("active") in (True, "1", "on", "true") if body is not None else True
    duplicate = session.query(EvaluationBody.id).filter(EvaluationBody.name == clean["name"]).first()
    if duplicate is not None and (body is None or duplicate[0] != body.id):
        errors["name"] = "已有同名的评估机构 / a body of this name is registered"
    raise_if(errors)
    now = clock.now()
    before = {name: getattr(body, name) for name in clean} if body is not None else {}
    if body is None:
        body = EvaluationBody(created_at=now, updated_at=now, **clean)
        session.add(body)
    else:
        for name, value in clean.items():
            setattr(body, name, value)
        body.updated_at = now
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # the same name added at once by two keepers
        raise_if({"name": "已有同名的评估机构 / a body of this name is registered"})
    changes = {name: [before.get(name), value] for name, value in clean.items() if before.get(name) != value}
    if changes:
        audit.record(uow, None, user, "evaluation_body_saved" if before else "evaluation_body_added",
                     changes=changes, subject=("evaluation_body", body.id))
    return body
