"""Process management for process owners: versions, the editor, diff, rollback, moving running cases; and the
case diagram (for everyone who may see the case). The editor's JSON endpoints live in processes_api.py,
behind the same guard."""
import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, get_locale
from flask_login import current_user

from ..errors import DomainError
from ..models import ROLES
from ..models.hazard_case import STATUSES
from ..services import process_versions
from ..services.hazards import local
from ..services.processes import deployed_version
from ..services.uow import UnitOfWork
from .forms_render import bilingual

bp = Blueprint("processes", __name__, url_prefix="/processes")
# Endpoints that check the case's visibility themselves instead of the process-owner role.
CASE_READER_ENDPOINTS = {"processes.case_diagram"}


@bp.before_request
def only_process_owners():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if request.endpoint not in CASE_READER_ENDPOINTS and not current_user.has_role("process_owner"):
        abort(403, _("只有流程管理员可以管理流程"))
    return None


def max_bytes():
    return current_app.config["MAX_DIAGRAM_BYTES"]


# ---- versions ---------------------------------------------------------------------------------------------------
@bp.route("/")
def index():
    uow = UnitOfWork()
    definitions = process_versions.list_definitions(uow)
    for definition in definitions:
        if definition["deployed"]:
            version = process_versions.get_version(uow, definition["deployed"]["id"])
            definition["contents"] = process_versions.contents(version)
            definition["forms"] = sorted(version.forms or {})
    return render_template("processes/index.html", definitions=definitions)


@bp.route("/versions/<int:version_id>/files/<name>")
def version_file(version_id, name):
    version = process_versions.get_version(UnitOfWork(), version_id)
    if name not in version.files:
        abort(404)
    return _download(version.files[name], name, "application/xml")


@bp.route("/versions/<int:version_id>/forms/<key>.json")
def version_form(version_id, key):
    forms = process_versions.get_version(UnitOfWork(), version_id).forms or {}
    if key not in forms:
        abort(404)
    return _download(json.dumps(forms[key], ensure_ascii=False, indent=2), f"{key}.json", "application/json")


def _download(text, name, mimetype):
    response = Response(text, mimetype=f"{mimetype}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/editor")
def editor():
    uow = UnitOfWork()
    version_id = request.args.get("version", type=int)
    version = process_versions.get_version(uow, version_id) if version_id else deployed_version(uow)
    content = {"files": version.files, "forms": version.forms or {}}
    pick = 1 if str(get_locale()) == "en" else 0  # (Chinese, English) names
    roles = [{"code": code, "name": names[pick]} for code, names in ROLES.items()]
    statuses = [{"code": code, "name": names[pick]} for code, names in STATUSES.items()]
    return render_template("processes/editor.html", version=version, content=content, roles=roles,
                           statuses=statuses, max_bytes=max_bytes())


@bp.route("/diff")
def diff():
    uow = UnitOfWork()
    definitions = process_versions.list_definitions(uow)
    versions = [v for d in definitions for v in d["versions"]]
    new_id = request.args.get("to", type=int) or (versions[0]["id"] if versions else None)
    old_id = request.args.get("from", type=int) or (versions[1]["id"] if len(versions) > 1 else new_id)
    if new_id is None:
        abort(404)
    old, new, files = process_versions.diff(uow, old_id, new_id)
    return render_template("processes/diff.html", versions=versions, old=old, new=new, files=files)


@bp.route("/versions/<int:version_id>/rollback", methods=["POST"])
def rollback(version_id):
    try:
        with UnitOfWork() as uow:
            version, created, _warnings = process_versions.rollback(uow, current_user, version_id,
                                                                    request.form.get("comment", ""), max_bytes())
            number = version.version
            uow.commit()
    except process_versions.DeployRejected as exc:
        errors = [p for p in exc.problems if p["level"] == "error"]
        flash(_("回滚未部署：") + "; ".join(f"{p['element_id'] or p['file']}: {bilingual(p['message'])}"
                                         for p in errors[:5]), "error")
        return redirect(url_for("processes.index"))
    if created:
        flash(_("已回滚：新版本 %(n)s 已部署", n=number), "success")
    else:
        flash(_("内容与已部署版本相同，未创建新版本"), "message")
    return redirect(url_for("processes.index"))


# ---- moving running cases ---------------------------------------------------------------------------------------
@bp.route("/migrate", methods=["GET", "POST"])
def migrate():
    uow = UnitOfWork()
    definitions = process_versions.list_definitions(uow)
    versions = [v for d in definitions for v in d["versions"]]
    source = request.values.get("from", type=int)
    target = request.values.get("to", type=int) or next((v["id"] for v in versions if v["is_deployed"]), None)
    moves, done = None, False
    if request.method == "POST":
        case_ids = [int(i) for i in request.form.getlist("case_id") if i.isdigit()]
        if not case_ids:
            flash(_("请选择案件"), "error")
        else:
            moves, done = _run_migration(case_ids, target, request.form.get("action") == "migrate")
    cases = process_versions.running_cases(uow, source) if source else []
    return render_template("processes/migrate.html", versions=versions, source=source, target=target,
                           cases=cases, moves=moves, done=done,
                           selected={m.case_id for m in moves or []})


def _run_migration(case_ids, target, for_real):
    try:
        with UnitOfWork() as uow:
            if for_real:
                moves, _version = process_versions.migrate(uow, current_user, case_ids, target)
                uow.commit()
            else:
                moves, _version = process_versions.dry_run(uow, current_user, case_ids, target)
    except DomainError as exc:
        flash(bilingual(exc.message), "error")
        return None, False
    if for_real:
        moved = sum(1 for m in moves if m.moved)
        flash(_("已迁移 %(n)s 个案件", n=moved), "success" if moved else "error")
    return moves, for_real


# ---- where a case stands ----------------------------------------------------------------------------------------
@bp.route("/case/<int:case_id>/diagram")
def case_diagram(case_id):
    view = process_versions.case_diagram(UnitOfWork(), current_user, case_id)  # 404 when not visible
    diagram = {"xml": view.xml, "states": view.states,
               "timers": [{"id": t.bpmn_id, "name": t.name, "due": local(t.due_at).strftime("%Y-%m-%d %H:%M")}
                          for t in view.timers]}
    return render_template("processes/case_diagram.html", view=view, case=view.case, diagram=diagram)

