"""The typical problem case library (典型问题案例库, services/typical_cases.py) in the API: list and read entries (every
staff role), put a case into it and edit an entry (project leads, quality supervisors, the bureau). Enterprise tokens
are answered 404 everywhere: the library is internal."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...services import hazards, typical_cases
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body, query_args
from .schemas import LocalDateTime, PageQuery

_TEXT = {"title": typical_cases.MAX_TITLE}


def _username(attr):
    return fields.Function(lambda r: getattr(r, attr).username, metadata={"type": "string", "description": "username"})


class TypicalCaseSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    case_code = fields.Function(lambda r: r.case.code, metadata={"type": "string"})
    enterprise = fields.Function(lambda r: r.case.enterprise.name, metadata={"type": "string"})
    grade = fields.Function(lambda r: r.case.grade, allow_none=True, metadata={"type": "string"})
    title = fields.String()
    problem_description = fields.String(metadata={"description": "问题描述"})
    cause_analysis = fields.String(metadata={"description": "成因分析"})
    measures = fields.String(metadata={"description": "整改措施"})
    effect = fields.String(metadata={"description": "整改效果"})
    lessons = fields.String(metadata={"description": "经验启示; may be empty"})
    hazard_type = fields.String(metadata={"description": "the case's hazard type when the entry was made"})
    industry = fields.String(metadata={"description": "the enterprise's industry when the entry was made"})
    quarter = fields.Function(lambda r: typical_cases.quarter_of(r.created_at), metadata={
        "type": "string", "description": "the quarter it was made in, e.g. 2026Q4"})
    created_by = _username("created_by")
    created_at = LocalDateTime()
    updated_by = _username("updated_by")
    updated_at = LocalDateTime()
    version = fields.Integer(metadata={"description": "counts the edits; pass it to PUT to refuse a stale edit"})


class TypicalCaseListSchema(Schema):
    items = fields.List(fields.Nested(TypicalCaseSchema))
    total = fields.Integer()


class TypicalCaseQuery(PageQuery):
    q = fields.String(validate=validate.Length(max=typical_cases.MAX_QUERY), metadata={
        "description": "a word in the entry's text, its case code or the enterprise's name"})
    hazard_type = fields.String(validate=validate.Length(max=64))
    industry = fields.String(validate=validate.Length(max=100))
    quarter = fields.String(validate=validate.Regexp(r"^\d{4}[Qq][1-4]$"), metadata={
        "description": "made in this quarter (Shanghai calendar), e.g. 2026Q4"})


def _text(name, description):
    return fields.String(validate=validate.Length(max=_TEXT.get(name, typical_cases.MAX_TEXT)),
                         metadata={"description": description})


class TypicalCaseRequestSchema(Schema):
    title = _text("title", "omitted: drafted from the case's place and description")
    problem_description = _text("problem_description", "问题描述; omitted: the case's description")
    cause_analysis = _text("cause_analysis", "成因分析; required")
    measures = _text("measures", "整改措施; omitted: the last rectification's measures")
    effect = _text("effect", "整改效果; omitted: the verification opinions round by round")
    lessons = _text("lessons", "经验启示; optional")


class TypicalCaseUpdateSchema(TypicalCaseRequestSchema):
    version = fields.Integer(strict=True, metadata={
        "description": "the version the caller read: 409 when the entry has been edited since"})


@api.get("/typical-cases")
@token_required
def list_typical_cases():
    typical_cases.check_may_read(g.api_user)  # 404 for enterprise tokens before anything is read
    args = query_args(TypicalCaseQuery())
    rows, total = typical_cases.listing(db.session, g.api_user, typical_cases.LibraryFilter(
        q=args.get("q", ""), hazard_type=args.get("hazard_type", ""), industry=args.get("industry", ""),
        quarter=args.get("quarter", "").upper(), limit=args["limit"], offset=args["offset"]))
    return TypicalCaseListSchema().dump({"items": rows, "total": total})


@api.get("/typical-cases/<int:entry_id>")
@token_required
def get_typical_case(entry_id):
    return TypicalCaseSchema().dump(typical_cases.get(db.session, g.api_user, entry_id))


@api.post("/hazards/<int:case_id>/typical-case")
@token_required
def add_typical_case(case_id):
    typical_cases.check_may_write(g.api_user)  # 404 / 403 before the body is read
    hazards.get_case(UnitOfWork(), g.api_user, case_id)  # and 404 for an unknown case
    body = json_body(TypicalCaseRequestSchema())
    with UnitOfWork() as uow:
        # Fields left out are the form's prefill, so a client may send only what it writes itself.
        values = {**typical_cases.prefill(uow.session, g.api_user, case_id), **body}
        row = typical_cases.create(uow, g.api_user, case_id, values)
        uow.commit()
        return TypicalCaseSchema().dump(row), 201


@api.put("/typical-cases/<int:entry_id>")
@token_required
def update_typical_case(entry_id):
    typical_cases.get(db.session, g.api_user, entry_id)  # 404 before the body is read
    typical_cases.check_may_write(g.api_user)
    body = json_body(TypicalCaseUpdateSchema())
    version = body.pop("version", None)
    with UnitOfWork() as uow:
        row = typical_cases.update(uow, g.api_user, entry_id, body, version, partial=True)
        uow.commit()
        return TypicalCaseSchema().dump(row)
