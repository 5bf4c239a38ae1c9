"""The checklists' versions for every staff role (the tender's 在线学习模块 — the standards to read at any time,
services/checklist_versions.py): each list's current version, its history with who signed each version, and one
version's items with what changed from the one before (or from any other). Enterprise staff get 403, as on every
other checklist page. Also the names the checklist change and version pages share (kinds, statuses, sources)."""
from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..models import CHANGE_KINDS, CHANGE_STATUSES, DIMENSIONS, ROLES, VERSION_SOURCES
from ..services import checklist_versions, checklists
from .names import N_, is_english, label
from .query_args import int_or_none

bp = Blueprint("checklist_versions", __name__, url_prefix="/inspections/checklists")
# An item's fields as the version and change pages name them.
FIELD_TITLES = {"dimension": N_("检查维度"), "content": N_("检查内容"), "basis": N_("依据"), "active": N_("状态"),
                "position": N_("顺序"), "name": N_("名称"), "name_en": N_("英文名称"), "industries": N_("适用行业"),
                "applies_to_all": N_("适用于所有企业")}
_MORE_KINDS = {"move": (N_("调整顺序"), "Moved"), "remove": (N_("移除检查项"), "Removed"),
               "list": (N_("检查表信息"), "List details")}


@bp.before_request
def guard():
    """Every staff role reads the standards; enterprise staff are refused (403) as on the other checklist pages;
    anonymous requests are left to `login_required`."""
    if current_user.is_authenticated and not checklist_versions.may_read(current_user):
        abort(403, _("检查表标准供工作人员查阅"))


@bp.app_template_global()
def may_read_checklist_versions():
    return current_user.is_authenticated and checklist_versions.may_read(current_user)


@bp.app_template_filter("change_kind_name")
def change_kind_name(code):
    return label(CHANGE_KINDS, code) if code in CHANGE_KINDS else label(_MORE_KINDS, code)


@bp.app_template_filter("change_status_name")
def change_status_name(code):
    return label(CHANGE_STATUSES, code)


@bp.app_template_filter("version_source_name")
def version_source_name(code):
    return label(VERSION_SOURCES, code)


@bp.app_template_global()
def signature_of(version):
    """Who signed a version, as recorded: the approver's name and role; the file load's operator; the baseline."""
    pattern = "{} ({})" if is_english() else "{}（{}）"
    if version.source == "review":
        return pattern.format(version.signed_name, label(ROLES, version.signed_role))
    if version.source == "file":
        return pattern.format(version_source_name("file"), version.signed_name)
    return version_source_name(version.source)


@bp.app_template_global()
def checklist_field_title(name):
    return _(FIELD_TITLES[name]) if name in FIELD_TITLES else name


@bp.app_template_global()
def checklist_field_value(name, value):
    """A field's value as a page shows it: a dimension's name, active or not, industries joined."""
    if name == "dimension":
        return label(DIMENSIONS, value)
    if name == "active":
        return _("启用") if value else _("已停用")
    if name == "applies_to_all":
        return _("是") if value else _("否")
    if name == "industries":
        return (", " if is_english() else "、").join(value or [])
    return "—" if value in (None, "") else value


@bp.app_template_global()
def change_fields(change):
    """{field: [before, after]} of one entry of a version's changes (a removed item: its fields, as they were)."""
    before, after = change.get("before") or {}, change.get("after") or {}
    if change.get("kind") == "remove":
        return {name: [None, value] for name, value in before.items()}
    return {name: [before.get(name), after.get(name)] for name in dict.fromkeys([*before, *after])}


@bp.app_template_global()
def checklist_version_of_notice(notice):
    """(list code, version) a standards-update notice links to; None for other notices."""
    return checklist_versions.notice_target(notice)


@bp.route("/versions")
@login_required
def index():
    """Every list with its current version: where the inspection team reads the standards."""
    lists = checklists.all_checklists(db.session)
    current = {c.id: checklist_versions.latest(db.session, c) for c in lists}
    return render_template("inspections/checklist_standards.html", lists=lists, current=current,
                           counts={c.id: sum(1 for i in (current[c.id].items if current[c.id] else []) if i["active"])
                                   for c in lists})


@bp.route("/<code>/versions")
@login_required
def history(code):
    checklist = checklist_versions.get_checklist(db.session, current_user, code)  # 404 for an unknown list
    versions = checklist_versions.versions_of(db.session, checklist)
    return render_template("inspections/checklist_history.html", checklist=checklist, versions=versions,
                           current=versions[0] if versions else None,
                           items=checklists.items_for(db.session, [checklist]))


@bp.route("/<code>/versions/<int:number>")
@login_required
def show(code, number):
    checklist = checklist_versions.get_checklist(db.session, current_user, code)
    version = checklist_versions.get_version(db.session, checklist, number)  # 404 for an unknown version
    against_number = int_or_none(request.args.get("against"))
    against = checklist_versions.get_version(db.session, checklist, against_number) \
        if against_number is not None and against_number != number else None
    changes = checklist_versions.between(against, version) if against else version.changes
    newest = checklist_versions.latest(db.session, checklist)
    return render_template("inspections/checklist_version.html", checklist=checklist, version=version,
                           against=against, changes=changes, newest=newest.version if newest else number)
