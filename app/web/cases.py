"""Hazard cases: the list (and its ledger file), one case with its history, and attachments; registering a hazard
is in registration.py (on this blueprint)."""
from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import clock
from ..errors import ValidationFailed
from ..extensions import db
from ..models import GRADES, Enterprise
from ..models.hazard_case import SOURCES, STATUSES
from ..services import (attachments, audit, case_documents, followups, hazards, notice_receipts, objections,
                        photo_metadata, tasks, users)
from ..services.access import may_work_on, township_choices, visible_enterprises
from ..services.uow import UnitOfWork
from . import forms_render, names, uploads
from .downloads import csv_download, csv_moment, xlsx_download
from .query_args import int_or_none, page_count, page_number, read_days

bp = Blueprint("cases", __name__)
PAGE_SIZE = 50


# ---- list and one case ------------------------------------------------------------------------------------
@bp.route("/cases")
@login_required
def index():
    args, errors = request.args, {}
    page = page_number(args)
    flt = _case_filter(args, errors)
    rows, total = hazards.list_cases(UnitOfWork(), current_user, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                                     **vars(flt))
    catalog = forms_render.Catalog.deployed()
    return render_template("cases.html", cases=rows, total=total, page=page, pages=page_count(total, PAGE_SIZE),
                           args=args, errors=errors, grades=GRADES, statuses=STATUSES, sources=SOURCES,
                           enterprises=enterprise_choices(current_user),
                           townships=township_choices(db.session, current_user),
                           hazard_types=list(catalog.labels.get("hazard_type", {}).items()),
                           filtered=any(args.get(k) for k in FILTER_ARGS)), (400 if errors else 200)


FILTER_ARGS = ("status", "grade", "enterprise_id", "township", "hazard_type", "source", "overdue", "q", "since",
               "until")


def _case_filter(args, errors):
    """The list's filters from the query; an unknown choice is ignored, a malformed day named in `errors`."""
    days = read_days(args, ("since", "until"), errors)
    if days["since"] and days["until"] and days["since"] > days["until"]:
        errors["until"] = _("结束日期不能早于开始日期")
    return hazards.CaseFilter(status=_known(args.get("status"), STATUSES), grade=_known(args.get("grade"), GRADES),
                              source=_known(args.get("source"), SOURCES),
                              enterprise_id=int_or_none(args.get("enterprise_id")),
                              township=args.get("township", "").strip()[:100],
                              hazard_type=(args.get("hazard_type") or "").strip()[:64] or None,
                              overdue=args.get("overdue") == "1", q=args.get("q", "").strip()[:hazards.MAX_QUERY],
                              since=days["since"], until=days["until"])


@bp.route("/cases/export.csv")
@login_required
def export():
    """The case ledger (隐患台账) of the list's filters as CSV for Excel; only the cases the user may see."""
    return csv_download(_ledger(request.args), f"hazard-ledger-{clock.local_now():%Y%m%d-%H%M}.csv")


@bp.route("/cases/export.xlsx")
@login_required
def export_xlsx():
    """The same ledger as an Excel workbook."""
    return xlsx_download(_ledger(request.args), f"hazard-ledger-{clock.local_now():%Y%m%d-%H%M}.xlsx",
                         _("隐患台账"))


def _ledger(args):
    """The ledger's rows, a header first, for the list's filters in `args`; only the cases the user may see."""
    errors = {}
    flt = _case_filter(args, errors)
    if errors:  # a malformed filter is a 400, not a file of everything
        abort(400, next(iter(errors.values())))
    rows = hazards.export_cases(UnitOfWork(), current_user, **vars(flt))
    catalog = forms_render.Catalog.deployed()
    lines = [[_("案件编号"), _("企业"), _("统一社会信用代码"), _("乡镇/园区"), _("行业"), _("地点"), _("隐患类型"),
              _("隐患描述"), _("评分"), _("隐患等级"), _("状态"), _("当前环节"), _("整改轮次"), _("登记时间"),
              _("整改期限"), _("复核期限"), _("销号时间"), _("来源")]]
    for c in rows:
        lines.append([c.code, c.enterprise.name, c.enterprise.credit_code, c.enterprise.township,
                      c.enterprise.industry, c.place, catalog.show("hazard_type", c.hazard_type), c.description,
                      c.score, catalog.show("grade", c.grade) if c.grade else "", catalog.show("status", c.status),
                      names.step_name(c.current_step), c.round, csv_moment(c.registered_at),
                      csv_moment(c.rectification_due), csv_moment(c.verification_due), csv_moment(c.closed_at),
                      names.label(SOURCES, c.source)])
    return lines


@bp.route("/cases/<int:case_id>")
@login_required
def show(case_id):
    case = hazards.get_case(UnitOfWork(), current_user, case_id)  # 404 for cases the user may not see
    return render_template("case.html", case=case, **case_context(case))


def case_context(case):
    """What the case and task pages show about a case: facts, deadlines, open tasks, files and history."""
    catalog = forms_render.Catalog(case.process_version.forms)
    catalog.labels["enterprise_id"] = {str(case.enterprise_id): case.enterprise.name}
    files = attachments.for_case(db.session, case.id)
    events = audit.history(UnitOfWork(), case.id)
    names = users.display_names(db.session, (e.actor_id for e in events))
    open_tasks = tasks.for_case(db.session, case.id)
    submissions = [e for e in events if e.action == "task_completed"]
    return {"catalog": catalog, "files_by_id": {a.public_id: a for a in files},
            "attachment_rows": _attachment_rows(files, catalog),
            "photo_checks": {a.public_id: photo_metadata.assess(a, case) for a in files}, "events": events, "actor_names": names,
            "open_tasks": open_tasks, "deadlines": _deadlines(case), "last_submission": submissions[-1]
            if submissions else None, "may_work_on": lambda t: may_work_on(current_user, t),
            "may_reassign": may_reassign(current_user), "candidates_for": reassign_candidates,
            "documents": case_documents.available(case, events),
            "objections": objections.for_case(db.session, case.id),
            "follow_ups": followups.for_case(db.session, case.id),
            "notice_receipts": notice_receipts.for_case(db.session, case.id),
            "notice_round": notice_receipts.notice_round(case),
            "may_acknowledge": notice_receipts.may_acknowledge(current_user, case),
            "may_raise_objection": objections.may_raise(current_user, case)}


def _deadlines(case):
    """(label, moment, is the running one) for each deadline the case has had."""
    running = {"assigning": "assignment_due", "rectifying": "rectification_due", "verifying": "verification_due"}
    current = running.get(case.status)
    return [(label, getattr(case, name), name == current)
            for name, label in (("assignment_due", _("指派期限")), ("rectification_due", _("整改期限")),
                                ("verification_due", _("复核期限"))) if getattr(case, name)]


def _attachment_rows(files, catalog):
    """Attachments grouped by form field; before/after photos share a row so they can be compared."""
    groups = {}
    for item in files:
        groups.setdefault(item.field or "", []).append(item)
    rows, placed = [], set()
    for name, items in groups.items():
        if name in placed:
            continue
        group = [(name, catalog.title(name) if name else _("附件"), items)]
        partner = "after_" + name[len("before_"):] if name.startswith("before_") else None
        if partner in groups:
            group.append((partner, catalog.title(partner), groups[partner]))
            placed.add(partner)
        rows.append(group)
    return rows


def may_reassign(user):
    return user.has_role("project_lead", "admin")


def reassign_candidates(task):
    return users.holders_of_role(db.session, task.role, task.enterprise_id)


def enterprise_choices(user):
    """Enterprises for a filter or the registration form: those the user may see (a township office's area), none
    for enterprise staff, who see only their own."""
    if user.roles <= {"enterprise"}:
        return []
    return visible_enterprises(db.session, user).order_by(Enterprise.name).all()


# ---- registering a hazard -------------------------------------------------------------------------------------
# ---- attachments ---------------------------------------------------------------------------------------------
@bp.route("/attachments", methods=["POST"])
@login_required
def upload():
    upload = request.files.get("file")
    field = request.form.get("field", "")[:64]
    if upload is None or not upload.filename:
        return jsonify(error="validation_failed", message=_("请选择要上传的文件"), fields={"file": "required"}), 400
    try:
        with UnitOfWork() as uow:
            stored = attachments.store_upload(uow, current_user, upload.filename, upload.stream,
                                              upload_dir=current_app.config["UPLOAD_DIR"],
                                              max_bytes=current_app.config["MAX_UPLOAD_BYTES"], field=field,
                                              max_video_bytes=current_app.config["MAX_VIDEO_BYTES"],
                                              device_position=uploads.device_position())
            body = {"id": stored.public_id, "name": stored.original_name, "content_type": stored.content_type,
                    "size": stored.size, "url": url_for("cases.attachment", public_id=stored.public_id)}
            uow.commit()
    except ValidationFailed as exc:
        return jsonify(error=exc.code, message=forms_render.bilingual(exc.message), fields=exc.fields), 400
    return jsonify(body), 201


@bp.route("/attachments/<public_id>")
@login_required
def attachment(public_id):
    item, path = attachments.open_for_user(UnitOfWork(), current_user, public_id, current_app.config["UPLOAD_DIR"])
    if not path.is_file():
        abort(404)
    # Images and videos open in the browser (a video with range requests, so it can be sought); PDFs download.
    response = send_file(path, mimetype=item.content_type, as_attachment=not (item.is_image or item.is_video),
                         download_name=item.original_name, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    response.cache_control.private = True
    response.cache_control.public = False
    return response


def _known(value, table):
    return value if value in table else None
