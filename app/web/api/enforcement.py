"""Enforcement outcomes (执法处置结果, services/enforcement.py) in the API, read-only: the enforcement referrals with
their outcome, filtered as the /enforcement page filters them, and one referral's record. For the bureau's side
(services/enforcement.READERS; township offices: their area's enterprises); other tokens get 403. Fines are
strings with two decimals (yuan), as JSON numbers would not keep them exact."""
from flask import g
from marshmallow import Schema, fields, validate

from ...errors import NotAllowed
from ...extensions import db
from ...models import ENFORCEMENT_MEASURES, ENFORCEMENT_STATUSES, FILING_CHOICES
from ...services import enforcement, enforcement_listing
from . import api
from .auth import token_required
from .helpers import query_args
from .schemas import LocalDateTime


class EnforcementOutcomeSchema(Schema):
    status = fields.String(metadata={"enum": [s for s in ENFORCEMENT_STATUSES if s != "pending"]})
    filing = fields.String(metadata={"enum": list(FILING_CHOICES), "description": "立案 or 不予立案"})
    filing_date = fields.Date()
    case_number = fields.String(metadata={"description": "执法案号"})
    officers = fields.String()
    not_filed_reason = fields.String()
    measures = fields.List(fields.String(metadata={"enum": list(ENFORCEMENT_MEASURES)}))
    fine_amount = fields.Decimal(places=2, as_string=True, allow_none=True, metadata={"description": "yuan"})
    decision_number = fields.String(metadata={"description": "决定书文号"})
    decision_date = fields.Date(allow_none=True)
    fine_paid_on = fields.Date(allow_none=True)
    resumed_on = fields.Date(allow_none=True, metadata={"description": "the stop-work order lifted"})
    execution_note = fields.String()
    closed_on = fields.Date(allow_none=True)
    closing_note = fields.String()
    updated_at = LocalDateTime()
    updated_by = fields.Function(lambda o: o.updated_by.username, metadata={"type": "string"})


class EnforcementReferralSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    case_code = fields.Function(lambda r: r.case.code, metadata={"type": "string"})
    enterprise_id = fields.Integer()
    enterprise = fields.Function(lambda r: r.enterprise.name, metadata={"type": "string"})
    township = fields.Function(lambda r: r.enterprise.township, metadata={"type": "string"})
    round = fields.Integer()
    reason = fields.String()
    referred_at = LocalDateTime()
    status = fields.Function(lambda r: r.outcome.status if r.outcome else "pending",
                             metadata={"type": "string", "enum": list(ENFORCEMENT_STATUSES)})
    filing_due = LocalDateTime(metadata={"description": "FILING_WORKING_DAYS (5) working days after the referral"})
    overdue = fields.Boolean(metadata={"description": "no filing decision by filing_due, or one dated after its day"})
    outcome = fields.Nested(EnforcementOutcomeSchema, allow_none=True)


class EnforcementStatisticsSchema(Schema):
    decisions = fields.Integer()
    fine_total = fields.Decimal(places=2, as_string=True)
    fined = fields.Integer(metadata={"description": "decisions with a fine"})
    by_measure = fields.Dict(keys=fields.String(), values=fields.Integer())


class EnforcementListSchema(Schema):
    items = fields.List(fields.Nested(EnforcementReferralSchema))
    total = fields.Integer()
    statistics = fields.Nested(EnforcementStatisticsSchema, metadata={
        "description": "decisions dated from `from` to `to` (the enterprise and township filters apply)"})


class EnforcementQuery(Schema):
    status = fields.String(validate=validate.OneOf(list(enforcement_listing.STATUS_FILTERS)))
    overdue = fields.Boolean(load_default=False)
    enterprise_id = fields.Integer()
    township = fields.String()
    date_from = fields.Date(data_key="from", metadata={"description": "referred on or after (statistics: decided)"})
    date_to = fields.Date(data_key="to", metadata={"description": "referred on or before (statistics: decided)"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


def _dump(rows, many=False):
    return EnforcementReferralSchema(many=many).dump(rows)  # the rows flagged by enforcement_listing


@api.get("/enforcement")
@token_required
def list_enforcement():
    if not enforcement.may_read(g.api_user):
        raise NotAllowed("只有应急管理局、管理人员、属地监管和系统管理员可以查看执法处置记录 / "
                         "only the bureau, managers, township offices and admins read enforcement records")
    args = query_args(EnforcementQuery())
    flt = enforcement_listing.EnforcementFilter(
        status=args.get("status", ""), overdue=args["overdue"], enterprise_id=args.get("enterprise_id"),
        township=args.get("township", ""), date_from=args.get("date_from"), date_to=args.get("date_to"),
        limit=args["limit"], offset=args["offset"])
    rows, total = enforcement_listing.listing(db.session, g.api_user, flt)
    stats = enforcement_listing.statistics(db.session, g.api_user, flt)
    return {"items": _dump(rows, many=True), "total": total,
            "statistics": EnforcementStatisticsSchema().dump(stats)}


@api.get("/enforcement/<int:referral_id>")
@token_required
def get_enforcement(referral_id):
    row = enforcement.get_for_reader(db.session, g.api_user, referral_id)
    return _dump(enforcement_listing.flagged(row))


OPERATIONS = {
    "list_enforcement": ("Enforcement referrals with their outcome (执法处置结果: filing, measures, decision, execution, "
                         "closing), newest first, and the period's decisions, fines and counts per measure; bureau, "
                         "managers, admins, township offices (their area); 403 for other tokens", "enforcement",
                         None, EnforcementQuery, {"200": EnforcementListSchema}),
    "get_enforcement": ("One enforcement referral with its outcome (404 when its enterprise is not visible, 403 for "
                        "roles that do not read enforcement records)", "enforcement", None, None,
                        {"200": EnforcementReferralSchema}),
}
