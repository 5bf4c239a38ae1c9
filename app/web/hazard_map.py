"""The hazard map (一张图, services/hazard_map.py): the page with the case list's filters, and its GeoJSON. The map's
base layer comes from MAP_TILE_URL (e.g. 天地图 with the county's key); the page's own Content-Security-Policy lets
images from that host in, and nothing else. Without a tile URL the points are drawn on a blank map."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..models import GRADES
from ..models.hazard_case import STATUSES
from ..services import enterprise_map, hazard_map
from ..services.access import township_choices
from . import enterprise_map as enterprise_map_page
from .cases import _case_filter
from .names import label
from .security_headers import CONTENT_SECURITY_POLICY

bp = Blueprint("hazard_map", __name__, url_prefix="/map")
FILTERS = ("status", "grade", "township", "overdue", "q")


@bp.route("")
@login_required
def index():
    """The cases' layer, or with `?layer=enterprises` the enterprises' (web/enterprise_map.py); those who get no
    enterprises' layer (enterprise staff) see no switch and get 403 for it."""
    has_enterprises = enterprise_map.may_see_layer(current_user)
    if request.args.get("layer") == "enterprises":
        if not has_enterprises:
            abort(403, _("企业分布图供监管、排查和属地监管人员查看"))
        context = enterprise_map_page.page_context()
        response = map_page("map.html", showing="enterprises", has_enterprises=True, **context)
        response.status_code = 400 if context["errors"] else 200
        return response
    errors = {}
    _case_filter(request.args, errors)  # the same filters as the case list; a malformed day is named there
    args = {k: request.args[k] for k in FILTERS if request.args.get(k)}
    return map_page("map.html", showing="cases", args=args, grades=GRADES, statuses=STATUSES, errors=errors,
                    has_enterprises=has_enterprises, townships=township_choices(db.session, current_user),
                    data_url=url_for("hazard_map.cases", **args))


def map_page(template, **context):
    """A page with a map: the base layer's settings for the template, and a policy that lets its tiles in."""
    config = current_app.config
    response = current_app.make_response(render_template(
        template, tile_url=config["MAP_TILE_URL"], tile_attribution=config["MAP_TILE_ATTRIBUTION"],
        center=config["MAP_CENTER"], zoom=config["MAP_ZOOM"], **context))
    tile_origin = _origin(config["MAP_TILE_URL"])
    if tile_origin:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "img-src 'self' data: blob:", f"img-src 'self' data: blob: {tile_origin}")
    return response


@bp.route("/cases.json")
@login_required
def cases():
    errors = {}
    flt = _case_filter(request.args, errors)
    if errors:
        return jsonify({"error": "validation_failed", "message": next(iter(errors.values())), "fields": errors}), 400
    result = hazard_map.points(db.session, current_user, flt)
    return jsonify(hazard_map.feature_collection(result, lambda case: {
        "grade_name": label(GRADES, case.grade), "status_name": label(STATUSES, case.status),
        "url": url_for("cases.show", case_id=case.id), "overdue_name": _("已逾期")}))


def _origin(template):
    """The tile server's origin for the CSP: `https://t{s}.example.cn/...` → `https://*.example.cn`."""
    if not template:
        return ""
    parts = urlsplit(template)
    host = parts.netloc
    if "{" in host:
        host = "*." + host.split(".", 1)[1] if "." in host else ""
    return f"{parts.scheme}://{host}" if parts.scheme in ("http", "https") and host else ""
