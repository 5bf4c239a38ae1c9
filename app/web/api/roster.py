"""An enterprise's training register of its people (从业人员安全培训台账, services/roster.py) in the API: the people
with their 达标情况 and the share compliant; adding and changing a person (a leaving day included); a person's
trainings, adding one and removing one entered by mistake. Another
enterprise's staff, another area's township office: 404; roles without business here, or reading but not writing:
403; wrong input: 400 naming each field."""
from flask import g
from marshmallow import Schema, fields

from ...extensions import db
from ...models import OPERATION_CATEGORIES, ROSTER_CATEGORIES, ROSTER_TRAINING_KINDS
from ...services import roster, roster_rules as rules
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body
from .schemas import LocalDateTime


class StatusSchema(Schema):
    compliant = fields.Boolean()
    problems = fields.List(fields.String(metadata={"enum": list(rules.PROBLEMS)}))
    initial_kind = fields.String(metadata={"enum": list(ROSTER_TRAINING_KINDS)})
    initial_required = fields.Float(metadata={"description": "学时 the initial / pre-job training must reach"})
    initial_hours = fields.Float()
    annual_required = fields.Float(allow_none=True, metadata={"description": "null: no yearly number owed this year"})
    year_hours = fields.Float(metadata={"description": "this calendar year's hours, every kind"})
    certificate = fields.String(allow_none=True, metadata={"enum": list(rules.CERTIFICATE_STATES),
                                                           "description": "null for anyone but a special worker"})


class PersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    position = fields.String()
    category = fields.String(metadata={"enum": list(ROSTER_CATEGORIES)})
    hired_on = fields.Date(allow_none=True)
    left_on = fields.Date(allow_none=True, metadata={"description": "set: no longer there (kept as history)"})
    operation_kind = fields.String(metadata={"enum": ["", *OPERATION_CATEGORIES]})
    certificate_number = fields.String()
    certificate_issued_on = fields.Date(allow_none=True)
    certificate_review_due = fields.Date(allow_none=True)
    certificate_expires_on = fields.Date(allow_none=True)
    note = fields.String()
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    status = fields.Nested(StatusSchema, allow_none=True, metadata={"description": "null for people who left"})


class StaffListSchema(Schema):
    enterprise_id = fields.Integer()
    industry_class = fields.String(metadata={"enum": list(rules.INDUSTRY_CLASSES)})
    compliant = fields.Integer()
    share = fields.Float(allow_none=True, metadata={"description": "per cent of the present people compliant"})
    expired_certificates = fields.Integer()
    items = fields.List(fields.Nested(PersonSchema), metadata={"description": "present people, then those who left"})


class PersonRequestSchema(Schema):
    name = fields.String(required=True)
    position = fields.String(load_default="")
    category = fields.String(required=True, metadata={"enum": list(ROSTER_CATEGORIES)})
    hired_on = fields.String(load_default="", metadata={"format": "date"})
    left_on = fields.String(load_default="", metadata={"format": "date"})
    operation_kind = fields.String(load_default="", metadata={"enum": list(OPERATION_CATEGORIES),
                                                              "description": "required for special_worker"})
    certificate_number = fields.String(load_default="")
    certificate_issued_on = fields.String(load_default="", metadata={
        "format": "date", "description": "without review / expiry dates they are filled in: + 3 / + 6 years"})
    certificate_review_due = fields.String(load_default="", metadata={"format": "date"})
    certificate_expires_on = fields.String(load_default="", metadata={"format": "date"})
    note = fields.String(load_default="")


class TrainingSchema(Schema):
    id = fields.Integer()
    trained_on = fields.Date()
    hours = fields.Float()
    kind = fields.String(metadata={"enum": list(ROSTER_TRAINING_KINDS)})
    provider = fields.String()
    certificate = fields.String()
    created_at = LocalDateTime()


class TrainingListSchema(Schema):
    person_id = fields.Integer()
    items = fields.List(fields.Nested(TrainingSchema))
    status = fields.Nested(StatusSchema)


class TrainingRequestSchema(Schema):
    trained_on = fields.String(required=True, metadata={"format": "date", "description": "not in the future"})
    hours = fields.Raw(required=True, metadata={"type": "number", "description": "more than 0, at most 200"})
    kind = fields.String(required=True, metadata={"enum": list(ROSTER_TRAINING_KINDS)})
    provider = fields.String(load_default="")
    certificate = fields.String(load_default="")


def _dump(person, status):
    data = PersonSchema().dump(person)
    data["status"] = StatusSchema().dump(status) if status is not None else None
    return data


@api.get("/enterprises/<int:enterprise_id>/staff")
@token_required
def enterprise_staff(enterprise_id):
    enterprise = roster.get_enterprise(db.session, g.api_user, enterprise_id)
    result = roster.compliance_of(db.session, enterprise)
    items = [_dump(s.person, s) for s in result.people]
    items += [_dump(p, None) for p in roster.people_of(db.session, enterprise.id, left=True)]
    data = StaffListSchema().dump({"enterprise_id": enterprise.id, "industry_class": result.industry_class,
                                   "compliant": result.compliant, "share": result.share,
                                   "expired_certificates": result.expired_certificates, "items": []})
    data["items"] = items  # each dumped with its status (people who left: null)
    return data


@api.post("/enterprises/<int:enterprise_id>/staff")
@token_required
def add_enterprise_staff(enterprise_id):
    roster.writable_enterprise(db.session, g.api_user, enterprise_id)
    body = json_body(PersonRequestSchema())
    with UnitOfWork() as uow:
        person = roster.save_person(uow, g.api_user, enterprise_id, body)
        uow.commit()
    enterprise = roster.get_enterprise(db.session, g.api_user, enterprise_id)
    return _dump(person, roster.status_of(db.session, enterprise, person)), 201


@api.put("/enterprises/<int:enterprise_id>/staff/<int:person_id>")
@token_required
def change_enterprise_staff(enterprise_id, person_id):
    enterprise = roster.writable_enterprise(db.session, g.api_user, enterprise_id)
    roster.get_person(db.session, g.api_user, enterprise.id, person_id)  # 404 before the body is read
    body = json_body(PersonRequestSchema())
    with UnitOfWork() as uow:
        person = roster.save_person(uow, g.api_user, enterprise_id, body, person_id)
        uow.commit()
    db.session.expire_all()
    enterprise = roster.get_enterprise(db.session, g.api_user, enterprise_id)
    person = roster.get_person(db.session, g.api_user, enterprise.id, person_id)
    return _dump(person, None if person.left_on else roster.status_of(db.session, enterprise, person))


@api.get("/enterprises/<int:enterprise_id>/staff/<int:person_id>/trainings")
@token_required
def staff_trainings(enterprise_id, person_id):
    enterprise = roster.get_enterprise(db.session, g.api_user, enterprise_id)
    person = roster.get_person(db.session, g.api_user, enterprise.id, person_id)
    rows = roster.trainings_by_person(db.session, [person.id]).get(person.id, [])
    return TrainingListSchema().dump({"person_id": person.id, "items": rows,
                                      "status": roster.status_of(db.session, enterprise, person)})


@api.post("/enterprises/<int:enterprise_id>/staff/<int:person_id>/trainings")
@token_required
def add_staff_training(enterprise_id, person_id):
    roster.writable_enterprise(db.session, g.api_user, enterprise_id)
    body = json_body(TrainingRequestSchema())
    with UnitOfWork() as uow:
        row = roster.add_training(uow, g.api_user, enterprise_id, person_id, body)
        uow.commit()
    return TrainingSchema().dump(row), 201


@api.delete("/enterprises/<int:enterprise_id>/staff/<int:person_id>/trainings/<int:training_id>")
@token_required
def remove_staff_training(enterprise_id, person_id, training_id):
    with UnitOfWork() as uow:
        roster.remove_training(uow, g.api_user, enterprise_id, person_id, training_id)
        uow.commit()
    return "", 204


OPERATIONS = {
    "enterprise_staff": ("An enterprise's training register (从业人员安全培训台账): its present people with their "
                         "达标情况 (initial / pre-job and this year's hours against 《生产经营单位安全培训规定》, the "
                         "special-operations certificate), the share compliant, then those who left. 404 for another "
                         "enterprise's staff or another area's township office, 403 for roles without business here",
                         "staff", None, None, {"200": StaffListSchema}),
    "add_enterprise_staff": ("Add a person to the register (the enterprise's own staff, inspectors, project leads, the "
                             "bureau; others 403). 400 names each wrong field", "staff", PersonRequestSchema, None,
                             {"201": PersonSchema}),
    "staff_trainings": ("A person's training records, oldest first, with their 达标情况", "staff", None, None,
                        {"200": TrainingListSchema}),
    "add_staff_training": ("Record a training of a person (hours > 0; kind initial, refresher or pre_job). 400 names "
                           "each wrong field", "staff", TrainingRequestSchema, None, {"201": TrainingSchema}),
    "change_enterprise_staff": ("Change a person of the register: every field as on adding (one left out is "
                                "emptied); a `left_on` day takes them off the 达标情况 (kept as history, status "
                                "null). 400 names each wrong field", "staff", PersonRequestSchema, None,
                                {"200": PersonSchema}),
    "remove_staff_training": ("Remove a training entered by mistake (audited with what it said); 204", "staff", None,
                              None, {"204": "removed"}),
}
