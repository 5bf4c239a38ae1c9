"""JSON API under /api/v1: bearer-token auth, marshmallow in and out, domain errors as JSON.

Route modules register themselves on `api` when imported at the bottom of this file.
"""
from flask import Blueprint, jsonify
from marshmallow import ValidationError

api = Blueprint("api", __name__, url_prefix="/api/v1")


def _flatten(messages):
    """marshmallow's {field: [msg, ...]} as {field: "msg; msg"}, like the services' ValidationFailed fields."""
    if isinstance(messages, dict):
        return {str(k): _flatten(v) for k, v in messages.items()}
    if isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            return "; ".join(messages)
        return [_flatten(m) for m in messages]
    return messages


@api.errorhandler(ValidationError)
def _validation_error(exc):
    fields = _flatten(exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages})
    return jsonify({"error": "validation_failed", "message": "请求参数有误 / invalid request", "fields": fields}), 400


# the route modules register on `api`
from . import attachments, auth, followups, hazards, objections, openapi, oversight, tasks  # noqa: E402,F401
from . import checklist_versions, checklists, inspections, ratings  # noqa: E402,F401
from . import cooperation  # noqa: E402,F401
from . import credit  # noqa: E402,F401
from . import complaints  # noqa: E402,F401
from . import rectification_checks  # noqa: E402,F401
from . import spot_checks  # noqa: E402,F401
from . import public_hazards  # noqa: E402,F401
from . import typical_cases  # noqa: E402,F401
from . import knowledge  # noqa: E402,F401
from . import service_reports  # noqa: E402,F401
from . import iot  # noqa: E402,F401
from . import visit_checkins  # noqa: E402,F401
from . import public_reports  # noqa: E402,F401
from . import service_projects  # noqa: E402,F401
from . import bureau_notices  # noqa: E402,F401
from . import referrals  # noqa: E402,F401
from . import campaigns  # noqa: E402,F401
from . import joint_plans  # noqa: E402,F401
from . import major_hazards  # noqa: E402,F401
from . import enforcement  # noqa: E402,F401
from . import enterprise_documents  # noqa: E402,F401
from . import warning_cases  # noqa: E402,F401
from . import trainings  # noqa: E402,F401
from . import resources  # noqa: E402,F401
from . import return_visits  # noqa: E402,F401
from . import periodic_reports  # noqa: E402,F401
from . import hazard_sources  # noqa: E402,F401
from . import emergencies  # noqa: E402,F401
from . import kpi  # noqa: E402,F401
from . import performance  # noqa: E402,F401
from . import risk_points  # noqa: E402,F401
from . import meetings  # noqa: E402,F401
from . import visit_review  # noqa: E402,F401
from . import self_checks  # noqa: E402,F401
from . import quality_incidents  # noqa: E402,F401
from . import liaison  # noqa: E402,F401
from . import enterprise_map  # noqa: E402,F401
from . import supplies  # noqa: E402,F401
from . import initial_reviews  # noqa: E402,F401
from . import roster  # noqa: E402,F401
from . import resumption  # noqa: E402,F401
from . import effect_evaluations  # noqa: E402,F401
from . import alert_rules  # noqa: E402,F401
from . import learning  # noqa: E402,F401
from . import key_parts  # noqa: E402,F401
from . import statistics_analysis  # noqa: E402,F401
from . import dispatch  # noqa: E402,F401
from . import milestones  # noqa: E402,F401
from . import contractor_evaluations  # noqa: E402,F401
from . import surveys  # noqa: E402,F401
from . import platform_entries  # noqa: E402,F401
