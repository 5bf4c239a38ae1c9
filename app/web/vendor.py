"""Browser libraries installed from npm (package.json, `npm ci` in `make install`), served from node_modules.

Only the distribution files listed here are reachable: no directory listing, no other package's files. They
are public library code, so no login is needed (the case diagram viewer is for everyone who may see a case).
"""
from flask import Blueprint, abort, send_from_directory

from ..config import BASE_DIR

bp = Blueprint("vendor", __name__)
NODE_MODULES = BASE_DIR / "node_modules"
_BPMN = "bpmn-js/dist/"
_DMN = "dmn-js/dist/"
ALLOWED = frozenset([
    _BPMN + "bpmn-modeler.production.min.js",
    _BPMN + "bpmn-navigated-viewer.production.min.js",
    _BPMN + "assets/diagram-js.css",
    _BPMN + "assets/bpmn-js.css",
    _BPMN + "assets/bpmn-font/css/bpmn-embedded.css",
    _DMN + "dmn-modeler.production.min.js",
    _DMN + "assets/diagram-js.css",
    _DMN + "assets/dmn-js-shared.css",
    _DMN + "assets/dmn-js-drd.css",
    _DMN + "assets/dmn-js-decision-table.css",
    _DMN + "assets/dmn-js-decision-table-controls.css",
    _DMN + "assets/dmn-js-literal-expression.css",
    _DMN + "assets/dmn-js-boxed-expression.css",
    _DMN + "assets/dmn-js-boxed-expression-controls.css",
    _DMN + "assets/dmn-font/css/dmn-embedded.css",
    "leaflet/dist/leaflet.js",
    "leaflet/dist/leaflet.css",
])


@bp.route("/vendor/<path:name>")
def asset(name):
    if name not in ALLOWED:
        abort(404)
    if not (NODE_MODULES / name).is_file():
        abort(404, "前端库未安装，请运行 make install / browser libraries are not installed: run `make install`")
    # The versions are pinned by package-lock.json; a day of caching is safe and revalidation is cheap.
    return send_from_directory(NODE_MODULES, name, max_age=86400)
