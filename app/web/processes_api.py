"""The process editor's JSON endpoints: upload a file, validate, deploy, preview a form. Process owners only
(the guard of processes.py). Bodies are JSON, so a cross-site HTML form cannot post them."""
import json
import re

from flask import Blueprint, current_app, flash, jsonify, render_template_string, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError
from ..services import process_lint, process_versions
from ..services.uow import UnitOfWork
from . import forms_render
from .cases import enterprise_choices
from .processes import max_bytes, only_process_owners

bp = Blueprint("process_api", __name__, url_prefix="/processes/api")
bp.before_request(only_process_owners)
_PREVIEW = '{% from "_form.html" import fields %}{{ fields(rows) }}'


def _error(message, status=400, problems=None):
    extra = {"problems": localized(problems)} if problems is not None else {}
    return jsonify(error="process_invalid", message=forms_render.bilingual(message), **extra), status


def localized(problems):
    """Problems with their "中文 / English" messages cut to the user's language."""
    return [dict(p, message=forms_render.bilingual(p["message"])) for p in problems]


def _content():
    """{files, forms} from a JSON body, shapes checked (the lint checks the contents)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("files"), dict) \
            or not isinstance(body.get("forms"), dict) \
            or not all(isinstance(v, str) for v in body["files"].values()):
        raise DomainError("请求格式错误：需要 {files: {name: xml}, forms: {key: form}} / "
                          "expected a JSON body {files: {name: xml}, forms: {key: form}}")
    return body["files"], body["forms"], str(body.get("comment") or "")


@bp.route("/upload", methods=["POST"])
def upload():
    """Check one uploaded .bpmn / .dmn / form .json and hand its content back to the editor."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _error(_("请选择文件"))
    limit = max_bytes()
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        return _error(_("文件超过大小限制（%(n)s 字节）", n=limit))
    name = re.sub(r"[^\w.\-]", "_", upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _error(_("文件不是 UTF-8 文本"))
    if name.endswith((".bpmn", ".dmn")):
        problems = []
        process_lint.parse_xml(name, text, limit, problems)
        if problems:
            return _error(problems[0]["message"], problems=problems)
        return jsonify(kind=name.rsplit(".", 1)[1], name=name, text=text)
    if name.endswith(".json"):
        return _upload_form(name[:-5].lower(), text, limit)
    return _error(_("只能上传 .bpmn、.dmn 或表单 .json 文件"))


def _upload_form(key, text, limit):
    try:
        form = json.loads(text)
    except json.JSONDecodeError as exc:
        return _error(_("JSON 格式错误：%(e)s", e=str(exc)))
    problems = []
    process_lint.check_forms({key: form}, limit, problems)
    if problems:
        return _error(problems[0]["message"], problems=problems)
    return jsonify(kind="form", name=key, form=form)


@bp.route("/validate", methods=["POST"])
def validate():
    try:
        files, forms, _comment = _content()
        problems = process_versions.check(UnitOfWork(), files, forms, max_bytes())
    except DomainError as exc:
        return _error(exc.message)
    return jsonify(ok=not process_lint.errors(problems), problems=localized(problems))


@bp.route("/deploy", methods=["POST"])
def deploy():
    try:
        files, forms, comment = _content()
        with UnitOfWork() as uow:
            version, created, warnings = process_versions.deploy(uow, current_user, files, forms, comment,
                                                                 max_bytes())
            number = version.version
            uow.commit()
    except process_versions.DeployRejected as exc:
        return _error(exc.message, problems=exc.problems)
    except DomainError as exc:
        return _error(exc.message)
    if created:
        flash(_("已部署版本 %(n)s", n=number), "success")
    else:
        flash(_("内容与已部署版本相同，未创建新版本"), "message")
    return jsonify(version=number, created=created, problems=localized(warnings),
                   url=url_for("processes.index")), 201 if created else 200


@bp.route("/form-preview", methods=["POST"])
def form_preview():
    body = request.get_json(silent=True) or {}
    form = body.get("form")
    problems = []
    process_lint.check_forms({"preview": form}, max_bytes(), problems)
    if problems:
        return _error(problems[0]["message"])
    try:
        rows = forms_render.build(form, {}, {}, enterprises=enterprise_choices(current_user))
        html = render_template_string(_PREVIEW, rows=rows)
    except Exception as exc:  # noqa: BLE001 - a half-typed schema must not break the editor
        current_app.logger.info("form preview failed: %s", exc)
        return _error(_("无法预览：%(e)s", e=f"{type(exc).__name__}: {exc}"))
    return jsonify(html=html)
