"""GET /healthz for load balancers and monitoring (no login): 200 {"status": "ok" | "degraded", ...} when the web
process can work, 503 {"status": "unavailable", ...} when it cannot (services/health.py says which is which).
No case data and no configuration values are in the answer."""
from flask import Blueprint, current_app, jsonify

from ..extensions import db
from ..services import health

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    status, findings = health.report(db.session, current_app.extensions["migrate"].directory,
                                     current_app.config["SCHEDULER_SWEEP_SECONDS"],
                                     backups=bool(current_app.config.get("BACKUP_DIR")))
    response = jsonify(findings)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
