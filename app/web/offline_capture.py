"""Offline hazard capture (离线登记): a page that keeps working without network, its service worker, what the page
needs to know while offline (setup), and where its drafts are synced to.

The page (templates/offline.html; static/offline_store.js, offline_form.js, offline.js) is a shell with no user data in
it, so that the service worker (static/offline_sw.js, served as /sw.js) may keep it for whoever signs in next on the
device. What it needs to fill the form (the user, the registration form's fields, the enterprise choices) comes from
`setup` as JSON, which the page keeps in localStorage. Drafts are kept in IndexedDB and sent to `sync` once the
network is back: photos first through POST /attachments, then the registration with its `client_ref`, so that a retry
returns the case it made.
"""
from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import NotAllowed, NotFound, ValidationFailed
from ..services import forms, hazards
from ..services.forms import fields as schema_fields
from ..services.processes import deployed_version, form_for
from ..services.uow import UnitOfWork
from . import forms_render
from .cases import enterprise_choices
from .csrf import csrf_token

bp = Blueprint("offline_capture", __name__)
SERVICE_WORKER = "offline_sw.js"  # in app/static; served at the site's root as /sw.js (see `service_worker`)
MAX_VALUES = 50  # strings per field of a synced draft (photos: the form allows 20)


@bp.app_template_global("may_register")
def may_register_here():
    return current_user.is_authenticated and hazards.may_register(current_user)


def _check_may_register():
    if not hazards.may_register(current_user):
        abort(403, _("只有现场排查人员和企业（上报本企业的隐患）可以登记隐患"))


@bp.route("/hazards/offline")
@login_required
def page():
    """The shell: the same for every user (nothing of the user's in it), kept by the service worker."""
    _check_may_register()
    return render_template("offline.html", messages=_messages())


@bp.route("/hazards/offline/setup")
@login_required
def setup():
    """What the page keeps for working offline: who is signed in, the form's fields with the enterprise choices, and
    (not kept, only for the sync that follows) the session's CSRF token."""
    if not hazards.may_register(current_user):
        return _error(403, _("只有现场排查人员和企业（上报本企业的隐患）可以登记隐患"))
    form = form_for(deployed_version(UnitOfWork()), hazards.REGISTRATION_FORM)
    own = [] if hazards.registers_for_any_enterprise(current_user) else [current_user.enterprise]  # self-check
    raw = {"legal_major": ["false"]}
    if own:
        raw["enterprise_id"] = [str(current_user.enterprise_id)]
    rows = forms_render.build(form, raw, enterprises=own or enterprise_choices(current_user))
    return jsonify(user={"username": current_user.username, "display_name": current_user.display_name},
                   self_check=bool(own), csrf_token=csrf_token(), fetched_at=clock.now().isoformat(),
                   form={"title": forms_render.form_title(form), "description": forms_render.form_description(form),
                         "rows": [[_field_json(f) for f in row] for row in rows]})


def _field_json(field):
    return {"name": field.name, "widget": field.widget, "title": field.title, "help": field.help,
            "required": field.required, "options": [[value, label] for value, label in field.options],
            "attrs": field.attrs, "value": field.value}


@bp.route("/hazards/offline-sync", methods=["POST"])
@login_required
def sync():
    """Register one draft: {"client_ref", "fields": {name: [strings, as the form posts them]}}. 201 with the new
    case, 200 with the case a first sending of the same draft made; 400 with the reason and field errors (the draft
    stays on the device), 403 for users who may not register."""
    body = request.get_json(silent=True)
    raw = _raw_fields(body)
    if raw is None:
        return _error(400, _("请求格式不正确"))
    form = form_for(deployed_version(UnitOfWork()), hazards.REGISTRATION_FORM)
    data = forms.coerce(form, forms_render.normalize(form, raw))
    try:
        with UnitOfWork() as uow:
            case, created = hazards.register_once(uow, current_user, data, body.get("client_ref"), offline=True)
            result = {"id": case.id, "code": case.code, "url": url_for("cases.show", case_id=case.id),
                      "created": created}
            uow.commit()
    except ValidationFailed as exc:
        return _error(400, forms_render.bilingual(exc.message), _field_errors(form, exc.fields))
    except NotAllowed:
        return _error(403, _("只有现场排查人员和企业（上报本企业的隐患）可以登记隐患"))
    except NotFound:
        return _error(404, _("页面不存在，或者您无权查看它"))
    return jsonify(result), 201 if created else 200


def _raw_fields(body):
    """The draft's fields as {name: [strings]} (a single value may come bare), or None when malformed."""
    if not isinstance(body, dict) or not isinstance(body.get("fields"), dict):
        return None
    raw = {}
    for name, values in body["fields"].items():
        values = values if isinstance(values, list) else [values]
        if len(values) > MAX_VALUES or not all(isinstance(v, (str, int, float)) for v in values):
            return None
        raw[str(name)] = [str(v) for v in values]
    return raw


def _field_errors(form, errors):
    """Each field's error in words for the user (as the registration page shows them)."""
    props = {name: prop for name, prop, _ui in schema_fields(form)}
    return {name: forms_render.friendly_error(message, props[name]) if name in props
            else forms_render.bilingual(str(message)) for name, message in (errors or {}).items()}


def _error(status, message, fields=None):
    return jsonify(error="validation_failed" if status == 400 else "forbidden" if status == 403 else "not_found",
                   message=message, fields=fields or {}), status


@bp.route("/sw.js")
def service_worker():
    """The offline page's service worker, from the site's root so that it may control /hazards/offline (its scope,
    registered by the page: nothing else of the site). Code only, no data: no login needed, which also lets the
    browser check it for updates after the session ended. Revalidated on every check, never kept stale."""
    response = send_from_directory(current_app.static_folder, SERVICE_WORKER, mimetype="text/javascript",
                                   max_age=0, conditional=True)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _messages():
    """The words the page's scripts show, in the page's language ({name}: a placeholder the script fills in)."""
    return {
        "online": _("在线"), "offline": _("离线：登记保存在本设备"),
        "need_setup": _("本设备还没有离线登记所需的表单和企业名录：请在有网络时登录并打开本页一次。"),
        "signed_out": _("登录已失效或已退出：请登录后再同步（未同步的登记仍保存在本设备）。"),
        "user": _("当前用户：{name}"), "kept_setup": _("离线使用 {time} 保存的表单和企业名录"),
        "required": _("必填项"), "fix_fields": _("请填写必填项后再保存"),
        "saved": _("已保存到本设备，等待同步"), "updated": _("修改已保存，等待同步"),
        "pending": _("待同步"), "sending": _("同步中…"), "waiting": _("已发送，等待服务器确认"),
        "rejected": _("被退回：{message}"), "other_user": _("属于用户 {name}：请以该用户登录后同步"),
        "network_error": _("网络不通，恢复后自动重试"), "server_error": _("服务器暂时无法处理，稍后自动重试"),
        "synced": _("已同步"), "sync_done": _("同步完成：{n} 条"), "nothing_to_sync": _("没有需要同步的登记"),
        "sync_refused": _("被退回 {n} 条：请按提示修改后保存，再同步"),
        "photos": _("照片 {n} 张"), "edit": pgettext("offline draft", "修改"), "delete": pgettext("offline draft", "删除"),
        "confirm_delete": _("删除这条未同步的登记？内容和照片将从本设备删除，无法恢复。"),
        "choose": _("请选择"), "add_photos": _("添加照片"), "add_files": _("添加文件"), "remove": _("移除"),
        "locate": _("获取当前位置"), "locate_failed": _("无法获取位置"),
        "save": _("保存到本设备"), "save_changes": _("保存修改"), "cancel": _("取消修改"),
        "editing": _("正在修改 {time} 采集的登记"), "no_drafts": _("没有待同步的登记"),
        "no_worker": _("此浏览器不支持离线缓存：断网后无法重新打开本页，请保持本页打开。"),
        "no_storage": _("此浏览器无法在本设备保存数据（IndexedDB 不可用），不能离线登记。"),
        "upload_failed": _("照片上传失败：{message}"), "too_large": _("文件太大"), "login": _("登录"),
    }
