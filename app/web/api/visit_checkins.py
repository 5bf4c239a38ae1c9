"""Checking in and out of an inspection visit and adding files to it in the API (services/visit_checkins.py,
services/visit_files.py): the same rules as the visit's page. The position is what the device reports; the time is
always the server's."""
from flask import g
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...services import inspections, visit_checkins, visit_files
from ...services.uow import UnitOfWork
from . import api
from .auth import token_required
from .helpers import json_body
from .inspections import VisitSchema, visit_detail


class PositionSchema(Schema):
    latitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-90, 90),
                            metadata={"description": "the device's position; leave out (or null) when it has none"})
    longitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-180, 180))
    accuracy = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0, 100_000),
                            metadata={"description": "metres, as the Geolocation API reports it"})


class VisitFilesRequestSchema(Schema):
    attachments = fields.List(fields.String(), required=True, validate=validate.Length(min=1, max=50), metadata={
        "description": "ids of the caller's own uploads (POST /api/v1/attachments), on no case and no other visit"})


def _stamp(visit_id, action, status):
    body = json_body(PositionSchema())
    with UnitOfWork() as uow:
        action(uow, g.api_user, visit_id, body["latitude"], body["longitude"], body["accuracy"])
        uow.commit()
    visit = inspections.get_visible_visit(db.session, g.api_user, visit_id)
    return VisitSchema().dump(visit_detail(visit)), status


@api.post("/inspections/<int:visit_id>/check-in")
@token_required
def check_in_visit(visit_id):
    return _stamp(visit_id, visit_checkins.check_in, 201)


@api.post("/inspections/<int:visit_id>/check-out")
@token_required
def check_out_visit(visit_id):
    return _stamp(visit_id, visit_checkins.check_out, 200)


@api.post("/inspections/<int:visit_id>/files")
@token_required
def add_visit_files(visit_id):
    body = json_body(VisitFilesRequestSchema())
    with UnitOfWork() as uow:
        visit_files.link(uow, g.api_user, visit_id, body["attachments"])
        uow.commit()
    visit = inspections.get_visible_visit(db.session, g.api_user, visit_id)
    return VisitSchema().dump(visit_detail(visit))
