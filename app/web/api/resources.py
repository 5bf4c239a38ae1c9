"""The expert pool (专家库) and the equipment register (设备储备清单) in the API, read-only: for the roles that work
across the county; enterprise and township tokens get 403 (services/experts.py, services/equipment.py)."""
from flask import g
from marshmallow import Schema, fields, validate

from ...clock import clock
from ...extensions import db
from ...models import EXPERT_DOMAINS, INSTRUMENT_KINDS, INSTRUMENT_STATUSES
from ...services import equipment, equipment_calibration, expert_matching, experts
from . import api
from .auth import token_required
from .helpers import query_args


class ExpertSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    organisation = fields.String()
    title = fields.String(metadata={"description": "职称"})
    domains = fields.List(fields.String(metadata={"enum": list(EXPERT_DOMAINS)}))
    phone = fields.String()
    certificate_no = fields.String()
    note = fields.String()
    active = fields.Boolean()
    username = fields.Function(lambda e: e.user.username if e.user else None,
                               metadata={"type": ["string", "null"], "description": "the linked login (role expert)"})
    load = fields.Integer(metadata={"description": "open cases the expert was dispatched to or holds an expert task "
                                                   "of, each counted once"})


class ExpertListSchema(Schema):
    items = fields.List(fields.Nested(ExpertSchema))


class ExpertQuery(Schema):
    q = fields.String(validate=validate.Length(max=experts.MAX_QUERY))
    domain = fields.String(validate=validate.OneOf(list(EXPERT_DOMAINS)))
    active = fields.String(load_default="1", validate=validate.OneOf(["1", "0", "all"]))


class InstrumentSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(INSTRUMENT_KINDS)})
    model = fields.String()
    serial_no = fields.String()
    asset_no = fields.String()
    certificate_no = fields.String()
    calibrated_on = fields.Date(allow_none=True)
    calibration_due = fields.Date(allow_none=True, metadata={"description": "valid through this day"})
    calibration = fields.String(metadata={"enum": list(equipment_calibration.STATES)})
    status = fields.String(metadata={"enum": list(INSTRUMENT_STATUSES)})
    keeper = fields.String()
    location = fields.String()
    note = fields.String()
    borrower = fields.String(allow_none=True, metadata={"description": "who has it out, null when in store"})


class CalibrationRateSchema(Schema):
    valid = fields.Integer()
    total = fields.Integer(metadata={"description": "instruments in service that have calibration data"})
    percent = fields.Float(allow_none=True)


class InstrumentListSchema(Schema):
    items = fields.List(fields.Nested(InstrumentSchema))
    calibration_rate = fields.Nested(CalibrationRateSchema, metadata={"description": "of the whole register"})


class InstrumentQuery(Schema):
    q = fields.String(validate=validate.Length(max=equipment.MAX_QUERY))
    kind = fields.String(validate=validate.OneOf(list(INSTRUMENT_KINDS)))
    status = fields.String(validate=validate.OneOf(list(INSTRUMENT_STATUSES)))
    calibration = fields.String(validate=validate.OneOf(list(equipment_calibration.STATES)))
    on_loan = fields.Boolean()


@api.get("/experts")
@token_required
def list_experts():
    args = query_args(ExpertQuery())
    active = args["active"] if args["active"] in ("0", "1") else ""
    rows = experts.listing(db.session, g.api_user, experts.ExpertFilter(q=args.get("q", ""),
                                                                         domain=args.get("domain", ""), active=active))
    busy = expert_matching.loads(db.session, rows)
    items = []
    for row in rows:
        item = ExpertSchema().dump(row)
        item["load"] = busy[row.id].total
        items.append(item)
    return {"items": items}


@api.get("/equipment")
@token_required
def list_equipment():
    args = query_args(InstrumentQuery())
    on_loan = "" if "on_loan" not in args else ("1" if args["on_loan"] else "0")
    rows = equipment.listing(db.session, g.api_user, equipment.InstrumentFilter(
        q=args.get("q", ""), kind=args.get("kind", ""), status=args.get("status", ""),
        calibration=args.get("calibration", ""), on_loan=on_loan))
    loans = equipment.open_loans(db.session, [i.id for i in rows])
    today = clock.local_now().date()
    items = []
    for row in rows:
        item = InstrumentSchema().dump(row)
        item["calibration"] = equipment_calibration.state(row, today)
        item["borrower"] = loans[row.id].borrower.username if row.id in loans else None
        items.append(item)
    rate = equipment_calibration.rate(db.session, today)
    return {"items": items, "calibration_rate": {"valid": rate.valid, "total": rate.total, "percent": rate.percent}}


OPERATIONS = {
    "list_experts": ("The expert pool (专家库): `active` 1 (default), 0 or all; `domain` one field; `q` name, "
                     "organisation, title or certificate number. 403 for enterprise and township tokens", "resources",
                     None, ExpertQuery, {"200": ExpertListSchema}),
    "list_equipment": ("The equipment register (设备储备清单) with each instrument's calibration state and borrower, "
                       "and the register's calibration rate (校准合格率). 403 for enterprise and township tokens",
                       "resources", None, InstrumentQuery, {"200": InstrumentListSchema}),
}
